"""Turning a screen definition into what a basic phone shows: pages of at most 182 characters.

Long text and long option lists are split into pages with `98 More`. Every page leaves room for
the longest "invalid answer" line the screen can show, so a re-shown screen never overflows.
"""

from sms_service.core.typed_text import fold_to_gsm7
from sms_service.engine.flows.templates import fill_template

USSD_SCREEN_LIMIT = 182

NAV_BACK_HOME = "nav_back_home"
NAV_MORE = "nav_more"
INVALID_CHOICE = "invalid_choice"


def error_keys(screen):
    """The message keys this screen may show above itself when an answer is refused."""
    if screen.type == "input":
        return [f"invalid_{screen.validate}"]
    if screen.type in ("menu", "info"):
        return [INVALID_CHOICE]
    return []


def render_pages(book, screen, language, values, is_start=False):
    """The pages of `screen` in `language`, without the CON/END prefix.

    `values` fills the text's `{fields}` (see `template_values`).
    """
    text = fill_template(screen.text.get(language, ""), values)
    if screen.type == "end":
        return [text]
    footer = book.message(NAV_BACK_HOME, language)
    if screen.type == "input":
        return [_join(text, "" if is_start else footer)]
    reserve = max((len(book.message(key, language)) + 1 for key in error_keys(screen)), default=0)
    lines = [f"{number}. {option.label.get(language, '')}" for number, option in enumerate(screen.options, 1)]
    more = _join(book.message(NAV_MORE, language), footer)
    limit = USSD_SCREEN_LIMIT - reserve
    if not is_start:
        return paginate(text, lines, footer, more, limit)
    whole = _join(text, "\n".join(lines))
    if len(whole) <= limit:
        return [whole]  # home has nowhere to go back to
    # Paged (`flows check` refuses it for the start screen, but a book being checked may be):
    # every page after the first offers Back, the first only More.
    pages = paginate(text, lines, footer, more, limit)
    pages[0] = pages[0].removesuffix("\n" + footer)
    return pages


def with_reason(reason, page):
    return _join(reason, page)


def paginate(text, lines, footer, more_footer, limit):
    """Split a heading `text` and option `lines` into pages that each fit `limit` with their footer.

    The last page carries `footer`; the others carry `more_footer` (which offers 98 More).
    """
    pages = []
    head, rest = text, list(lines)
    while True:
        whole = _join(head, "\n".join(rest), footer)
        if len(whole) <= limit:
            pages.append(whole)
            return pages
        budget = limit - len(more_footer) - 1
        if budget < 1:  # nothing fits beside the footer: one overlong page, which `flows check` reports
            pages.append(whole)
            return pages
        if head and len(head) > budget:
            cut = _cut_at_space(head, budget)
            pages.append(_join(head[:cut].rstrip(), more_footer))
            head = head[cut:].lstrip()
            continue
        body, head = head, ""
        taken = 0
        while taken < len(rest) and len(_join(body, rest[taken])) <= budget:
            body = _join(body, rest[taken])
            taken += 1
        if not body:  # one option longer than a page: show it anyway; `flows check` reports it
            body, taken = rest[0], 1
        pages.append(_join(body, more_footer))
        rest = rest[taken:]


def _cut_at_space(text, budget):
    cut = text.rfind(" ", 0, budget + 1)
    newline = text.rfind("\n", 0, budget + 1)
    cut = max(cut, newline)
    return cut if cut > 0 else budget


def _join(*parts):
    return "\n".join(part for part in parts if part)


def template_values(book, language, form):
    """Answers given so far (`{name}`, `{county}`) and the names they point at (`{topic_name}`).

    Answers are shown folded to GSM-7 (core/typed_text.py `fold_to_gsm7`, the helper SMS replies
    use too: "N’ganga" shows as "N'ganga"): a basic phone may not show others, and one of them
    would switch the whole screen to UCS-2, which holds far fewer than 182 characters.
    """
    values = {key: fold_to_gsm7(str(value)) for key, value in form.items()}
    topic = book.topics.get(form.get("topic"))
    if topic:
        values["topic_name"] = topic.get(language, "")
    petition = book.petitions.get(form.get("petition"))
    if petition:
        values["petition_name"] = petition.get(language, "")
    return values


def longest_catalogue_names(book, language):
    """The longest `{topic_name}` and `{petition_name}`: what `flows check` measures screens with."""
    return {
        "topic_name": max((t.get(language, "") for t in book.topics.values()), key=len, default=""),
        "petition_name": max((p.get(language, "") for p in book.petitions.values()), key=len, default=""),
    }


def apology_text(book):
    """What to show when Redis or the database is down: the caller's language is unknown then,
    so every language is shown."""
    return "\n".join(book.message("unavailable", language) for language in book.languages)
