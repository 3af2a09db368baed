"""The broadcast composer's form, read into what `service.create_broadcast` takes.

An uploaded CSV list is read once, at the preview, and kept in Redis for an hour under a random
key that the form carries on, so confirming does not mean uploading the file again.
"""

import json
import secrets
from dataclasses import dataclass, field

from sms_service.core.clock import parse_local_time
from sms_service.domain.broadcasts.audience import read_number_list

LIST_KEY = "console:broadcast-list:{token}"
LIST_TTL_SECONDS = 3600
SHOWN_PROBLEMS = 20
REPEATS = ("", "daily", "weekly", "monthly", "cron")


@dataclass
class ComposerForm:
    """What staff typed, kept to fill the form again, and what it means for create_broadcast."""

    values: dict
    errors: list = field(default_factory=list)
    list_problems: list = field(default_factory=list)  # rows of an uploaded list that were skipped
    list_size: int = 0
    list_token: str = ""
    numbers: list | None = None

    def fields(self, send_at):
        values = self.values
        listed = self.numbers is not None
        return dict(
            name=values["name"], texts=values["texts"], topics=() if listed else values["topics"],
            school=None if listed else values["school"] or None,
            language=values["language"] or None, county=values["county"] or None, numbers=self.numbers,
            consent_basis=values["consent_basis"] if listed else None, quiz=values["quiz"] or None,
            urgent=values["urgent"], recurrence=self.recurrence(), send_at=send_at,
        )

    def recurrence(self):
        repeat = self.values["repeat"]
        return (self.values["cron"].strip() or None) if repeat == "cron" else (repeat or None)

    def send_at(self):
        """The chosen Nairobi time as UTC, None for now; ScheduleError when it cannot be read."""
        if self.values["when"] != "at":
            return None
        return parse_local_time(self.values["send_at"].replace("T", " "))


def empty_values(languages):
    return dict(name="", audience="topics", topics=[], school="", language="", county="", quiz="",
                texts={code: "" for code in languages}, consent_basis="", consent_confirmed=False,
                when="now", send_at="", repeat="", cron="", urgent=False)


def read_composer(form, files, redis, languages):
    values = dict(
        name=form.get("name", "").strip(), audience=form.get("audience", "topics"), topics=form.getlist("topics"),
        school=form.get("school", "").strip(), language=form.get("language", ""), county=form.get("county", ""),
        quiz=form.get("quiz", ""), texts={code: form.get(f"text_{code}", "") for code in languages},
        consent_basis=form.get("consent_basis", ""), consent_confirmed=form.get("consent_confirmed") == "on",
        when=form.get("when", "now"), send_at=form.get("send_at", ""), repeat=form.get("repeat", ""),
        cron=form.get("cron", ""), urgent=form.get("urgent") == "on",
    )
    composer = ComposerForm(values)
    if not values["name"]:
        composer.errors.append("give the broadcast a name staff will recognise")
    if values["repeat"] not in REPEATS:
        composer.errors.append("choose how it repeats from the list")
    if values["audience"] == "list":
        # As the subscriber import: a list is sent to only with consent stated and confirmed.
        if not values["consent_confirmed"]:
            composer.errors.append("confirm that every person on the list agreed to these messages")
        _read_list(composer, files.get("numbers"), form.get("list_token", ""), redis)
    return composer


def _read_list(composer, upload, token, redis):
    if upload and upload.filename:
        try:
            numbers, problems = read_number_list(upload.read())
        except ValueError as error:
            composer.errors.append(f"{upload.filename}: {error}")
            return
        token = secrets.token_urlsafe(16)
        redis.set(LIST_KEY.format(token=token), json.dumps(numbers), ex=LIST_TTL_SECONDS)
        composer.list_problems = [str(problem) for problem in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            composer.list_problems.append(f"... and {len(problems) - SHOWN_PROBLEMS} more rows with problems")
    elif token:
        stored = redis.get(LIST_KEY.format(token=token))
        if stored is None:
            composer.errors.append("the uploaded list has expired (kept for an hour): upload it again")
            return
        numbers = json.loads(stored)
    else:
        composer.errors.append("choose a CSV file of phone numbers")
        return
    composer.numbers, composer.list_size, composer.list_token = numbers, len(numbers), token

