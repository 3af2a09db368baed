"""What people type, in the forms the service compares, shows and groups it in.

- `keyword_form`: how one texted word is compared ("stop." -> "STOP").
- `words_of`: a whole text as such words, with look-alikes and accents folded first.
- `fold_to_gsm7`: what a reply or a USSD screen echoes of a typed value: GSM-7 only, so that one
  pasted character never turns a reply into UCS-2 (3GPP TS 23.038: 160 GSM-7 characters a
  segment, 70 UCS-2).
- `matching_key`: how a typed name is matched and grouped (a school: "St. Mary’s Girls" and
  "st marys girls" are one), computed in Python because SQLite's lower() is ASCII-only.
"""

import re
import unicodedata

from sms_service.core.gsm7 import GSM7_REPLACEMENTS, is_gsm7_char

# Look-alikes people paste or their phones insert, each to the GSM-7 character it stands for
# (what the composer also suggests), and the backtick and acute accent used as apostrophes.
LOOK_ALIKES = {**GSM7_REPLACEMENTS, "`": "'", "\u00b4": "'", "\u02bc": "'", "\u02b9": "'", "\u201f": '"',
               "\u2039": "'", "\u203a": "'", "\u2212": "-", "\u00ad": ""}


def keyword_form(word):
    """How a texted word is compared: upper case, letters and digits only ("stop." -> "STOP")."""
    return "".join(char for char in word.upper() if char.isalnum())


def _without_accents(text):
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def _typed_words(text):
    return _without_accents("".join(LOOK_ALIKES.get(char, char) for char in text)).split()


def words_of(text):
    """The words of a text as `keyword_form`s, look-alikes and accents folded first
    ("Don’t  stop!" -> ["DONT", "STOP"]; "Áchá" -> ["ACHA"]); words of punctuation only are dropped.
    Zero-width characters and a byte-order mark vanish (they are not letters)."""
    return [form for form in (keyword_form(word) for word in _typed_words(text)) if form]


CLAUSE_MARKS = ".!?;,:"  # a typed word ending in one of these ends its clause


def _clause_walk(text):
    """(typed word, its clause's number, the marks it ends in) for each typed word: a clause ends
    after a typed word (or a mark standing alone) that ends in one of CLAUSE_MARKS."""
    clause = 0
    for typed in _typed_words(text):
        marks = typed[len(typed.rstrip(CLAUSE_MARKS)):]
        yield typed, clause, marks
        clause += bool(marks)


def question_clauses(text):
    """The numbers (as `clauses_of` counts them) of the clauses that end in a question mark
    ("Why did you stop? Remove me" -> {0}; "really?!" counts)."""
    return {clause for _, clause, marks in _clause_walk(text) if "?" in marks}


def clauses_of(text):
    """For each word of `words_of(text)`, the number of its clause, counted from 0
    ("I don't know you, remove me" -> [0, 0, 0, 0, 1, 1]; "stop.please" is one word)."""
    return [clause for typed, clause, _ in _clause_walk(text) if keyword_form(typed)]


def fold_to_gsm7(text):
    """`text` as GSM-7 can carry it: look-alikes mapped first (’ to ', “ ” to ", – to -), then
    accents stripped where GSM-7 lacks the letter (Wanjikũ -> Wanjiku; é stays), then whatever is
    left dropped (emoji); spaces a drop leaves doubled are closed up.

    "N’ganga 🙏" -> "N'ganga". Used for every value a USSD screen or an SMS reply echoes back;
    the stored value keeps what was typed.
    """
    shown = []
    for char in text:
        char = LOOK_ALIKES.get(char, char)
        if len(char) == 1 and not is_gsm7_char(char):
            char = _without_accents(char)
        shown.append("".join(c for c in char if is_gsm7_char(c)))
    folded = "".join(shown)
    if folded == text:
        return text
    return re.sub(r" {2,}", " ", folded).strip(" ")


# Words written in more than one way that mean the same in a name.
_SAME_WORD = {"st": "saint"}
_NAME_WORD = re.compile(r"[^\W_]+")  # letters and digits of every script: "Мария" is a name too


def matching_key(name):
    """The key a typed name is matched and grouped on: look-alikes folded, accents dropped, case
    folded, apostrophes removed inside words ("Mary's" = "Marys"), any other punctuation a space,
    spacing collapsed, and "St"/"St." read as "saint".

    "St. Mary’s Girls,  Nairobi" and "st marys girls nairobi" -> "saint marys girls nairobi".
    Exact, never fuzzy: "St Marys" and "St Mary" stay two keys. Compatibility forms are folded
    (full-width "Ｊｏｈｎ" is "john"; "Straße" is "strasse"), letters of every script are kept
    ("Мария Иванова" -> "мария иванова"), and a name of punctuation only (or None) is "".
    The one key for every typed name: schools, and web petition signers (duplicate detection).
    """
    folded = _without_accents("".join(LOOK_ALIKES.get(char, char) for char in name or "")).casefold()
    folded = folded.replace("'", "").replace('"', " ")
    return " ".join(_SAME_WORD.get(word, word) for word in _NAME_WORD.findall(folded))
