"""The baseline for bench/ussd_load.py: a hand-written Flask USSD handler, as AT's tutorials teach it.

It keeps no state: every hop splits AT's `text` on `*` and walks an if/elif chain over the
parts, returning `CON ...`/`END ...` as the body. It serves the same screens as the real menu
for the benchmark's walk (home -> torture menu -> "What is torture?" -> 98 More -> 0 Back), so
both servers answer the same hops with pages of the same size. It has no Redis, no database, no
token or service-code check, no phone-number validation and no paging engine: it is what the
issue means by "a hand-written Flask if/elif handler".

Run it as the benchmark does, under the Procfile's gunicorn settings:
    gunicorn --config gunicorn.conf.py "bench.baseline_ifelse_app:app"
"""

from flask import Flask, request

app = Flask(__name__)

HOME = (
    "CON Haki Yetu: human rights\n"
    "1. Stop torture\n"
    "2. End sexual violence\n"
    "3. Arms Trade Treaty\n"
    "4. Sign ATT petition\n"
    "5. SMS updates\n"
    "6. Language/Lugha\n"
    "7. About us"
)
TORTURE = (
    "CON Ending torture and impunity\n"
    "1. What is torture?\n"
    "2. IMLU: help and data\n"
    "3. Police reform\n"
    "4. Prevention of Torture law\n"
    "5. Get help\n"
    "6. Get SMS updates\n"
    "0 Back 00 Home"
)
TORTURE_WHAT = [
    "CON Torture is severe pain or suffering, physical or mental, inflicted on purpose by or with "
    "the consent of a public official such as a police\n98 More\n0 Back 00 Home",
    "CON officer, to punish, scare or force a confession. Kenya's Constitution (Article 25) says "
    "the freedom from torture and cruel, inhuman or\n98 More\n0 Back 00 Home",
    "CON degrading treatment can never be limited, not even in an emergency. Beatings in cells, "
    "threats and denial of food or medical care can all be torture.\n0 Back 00 Home",
]
OTHER_TOPIC = "CON This part of the menu is not in the baseline.\n0 Back 00 Home"
INVALID = "CON Invalid choice.\n"


def info_page(pages, moves):
    """The page shown after a run of 98 (More) and 0 (Back) answers on an info screen."""
    page = 0
    for move in moves:
        if move == "98" and page + 1 < len(pages):
            page += 1
        elif move == "0" and page > 0:
            page -= 1
    return pages[page]


@app.route("/ussd", methods=["POST"])
def ussd_callback():
    session_id = request.values.get("sessionId", None)  # noqa: F841 (tutorial style)
    service_code = request.values.get("serviceCode", None)  # noqa: F841
    phone_number = request.values.get("phoneNumber", None)  # noqa: F841
    text = request.values.get("text", "")

    parts = text.split("*") if text else []
    if len(parts) == 0:
        response = HOME
    elif parts[0] == "1" and len(parts) == 1:
        response = TORTURE
    elif parts[0] == "1" and parts[1] == "1":
        response = info_page(TORTURE_WHAT, parts[2:])
    elif parts[0] == "1":
        response = OTHER_TOPIC
    elif parts[0] in ("2", "3", "4", "5", "6", "7"):
        response = OTHER_TOPIC
    else:
        response = INVALID + HOME[4:]
    return response


@app.route("/healthz")
def healthz():
    return "ok"
