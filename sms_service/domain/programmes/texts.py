"""The limits of what the school programmes store and send, and the longest value each SMS field
can take: `flask flows check` measures the programme replies (flows/sms/keywords.yaml) with them."""

TITLE_MAX = 40  # a competition's title, per language
THEME_MAX = 100  # its theme, per language: with the rest it fits two SMS segments
EMAIL_MAX = 50  # where essays are emailed
RESULTS_MAX = 200  # the results announcement, per language
ADDRESS_MAX = 120  # a booklet request's delivery address
DEADLINE_FORMAT = "%d %b %Y %H:%M"  # Nairobi time: "31 Dec 2026 17:00"

LONGEST_FIELDS = {
    "booklet": "W" * 20, "pupils": "999", "max_pupils": "999", "quantity": "9999", "school": "W" * 60,
    "county": "Elgeyo-Marakwet", "address": "W" * ADDRESS_MAX, "competition": "W" * TITLE_MAX, "theme": "W" * THEME_MAX,
    "deadline": "30 Sep 2026 23:59", "email": "w" * EMAIL_MAX, "results": "W" * RESULTS_MAX,
    # `submit` is itself one of the replies essay_submit_paper or essay_submit_email, filled in:
    # measured as the longer of the two by `flows check`.
    "submit": "W" * (len("Email your essay and your school's name to .") + EMAIL_MAX),
}


def reply(book, key, language, **values):
    """Reply `key` of flows/sms/keywords.yaml in `language` (the default language's when it has
    none), filled with `values`."""
    texts = book.sms.replies[key]
    return texts.get(language, texts[book.default_language]).format(**values)
