"""Nothing secret or personal in a log line: every line the service and its server (gunicorn's
error and access logs) write passes `redact`, which hides tokens and keys given in query strings
or forms (`token=...` -> `token=[redacted]`), masks phone numbers to their last two digits
(Kenya's Data Protection Act 2019, s. 25: keep the least personal data that works), turns control
characters into escapes (a CR/LF in a caller's text cannot forge a log line) and caps each line
at MAX_LINE_CHARS (an attacker's 64 KB body is not copied into the log).
"""

import logging
import re

MAX_LINE_CHARS = 2000
MAX_TRACEBACK_CHARS = 20_000
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# `name=value` in a query string, form or message, up to the next separator.
_SECRETS = re.compile(r"(?i)\b(token|api_?key|password|secret|otp)=([^&\s\"',;]+)")
# A phone number, as written anywhere: +254712345678, %2B254712345678, 254712345678, 0712345678.
# Nine to fifteen digits (E.164's longest) not inside a longer run of digits, even after letters:
# a number written after a letter ("X0712345678", a sender AT passes on) is still a number.
_PHONE = re.compile(r"(?<![\d.])(\+|%2[Bb])?(\d{7,13})(\d{2})(?![\d])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\n]")


def redact(text, limit=MAX_LINE_CHARS):
    """`text` (a str) with secrets hidden, phone numbers masked, control characters escaped, and
    cut to `limit` characters (a marker says how many more there were)."""
    text = _SECRETS.sub(lambda found: f"{found.group(1)}=[redacted]", text)
    text = _PHONE.sub(lambda found: f"{found.group(1) or ''}***{found.group(3)}", text)
    text = _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), text)
    if len(text) > limit:
        text = f"{text[:limit]}... [{len(text) - limit} more characters]"
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback) through `redact` before any handler
    formats it; installed on handlers and loggers by `install`."""

    def filter(self, record):
        message = redact(record.getMessage())
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_traceback(record.exc_text)
        record.msg, record.args, record.exc_info = message, None, None
        return True


def redact_traceback(text):
    """A traceback's lines redacted one by one (its line breaks kept), capped as a whole by
    cutting its middle: its end names the error."""
    text = "\n".join(redact(line) for line in text.splitlines())
    if len(text) <= MAX_TRACEBACK_CHARS:
        return text
    half = MAX_TRACEBACK_CHARS // 2
    return f"{text[:half]}\n... [{len(text) - 2 * half} characters cut] ...\n{text[-half:]}"


FILTER = RedactingFilter()


def install(*loggers):
    """Put the redacting filter on `loggers` (logger-level: every record they create) and on
    their handlers (every record that reaches them, from any child logger). Idempotent."""
    for logger in loggers:
        for target in (logger, *logger.handlers):
            if FILTER not in target.filters:
                target.addFilter(FILTER)


def configure_logging():
    """The service's logging (web and workers): INFO and up to stderr, every line redacted."""
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plugin
    install(logging.getLogger())
