"""People's own data as actions of the one registry: what is kept about me (MY DATA, USSD "My
account"), and erase it all (confirmed first: by a second SMS, or a yes on USSD)."""

from sms_service.domain.people.erasure import erase_and_audit
from sms_service.domain.people.records import stored_about
from sms_service.engine.flows.validators import VALIDATORS

SHOWN, ERASED, KEPT = "shown", "erased", "kept"

# What `show_my_data` adds to the answers for screens and replies to show, with the longest value
# each can take (for `flask flows check`).
MY_DATA_FIELDS = {
    "my_language": "Kiswahili",
    "my_topics": "Freedom from sexual violence, Ending torture, Arms Trade Treaty",
    "my_county": VALIDATORS["county"].longest_value,
    "my_school": VALIDATORS["school"].longest_value,
    "my_signatures": "9",
    "my_quizzes": "99",
    "my_texts": "9999",
    "my_programmes": "99",
}
NOTHING = "-"  # shown for a field with no value, in every language


def show_my_data(context):
    """Put what is kept about the number into the answers (MY_DATA_FIELDS), in its language."""
    found = stored_about(context.session, context.phone)
    book, language = context.book, context.language
    # In the catalogue's order (flows/catalog.yaml), as everywhere else they are listed.
    topics = [names.get(language, code) for code, names in book.topics.items() if code in found.topics]
    context.answers.update(
        my_language=book.language_names.get(found.language or language, found.language or language),
        my_topics=", ".join(topics) or NOTHING,
        my_county=found.county or NOTHING,
        my_school=found.school or NOTHING,
        my_signatures=str(found.signatures),
        my_quizzes=str(found.quiz_attempts),
        my_texts=str(found.texts_received + found.texts_sent),
        my_programmes=str(found.programmes),
    )
    return SHOWN


def erase_my_data(context):
    """Erase everything kept about the number, when the answer `erase` (confirmed) is yes; the
    audit names the person's pseudonym and the channel they asked on."""
    if not context.answers.get("erase"):
        return KEPT
    if context.phone_keys is None:
        raise ValueError("erase_my_data needs the services' phone_keys in its ActionContext")
    erase_and_audit(context.session, context.phone_keys, context.phone, context.now, f"person:{context.channel}",
                    context.channel)
    return ERASED
