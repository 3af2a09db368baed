"""Reading what a text means: danger, opt-out, leave one topic, support, another keyword, or nothing known.

The words are data (flows/sms/keywords.yaml: the `stop` and `leave` keywords, `intent:` with its
opt-out phrases, filler, negations, campaign objects and danger wording per language); the order
they are read in is this module's one precedence table, `INTENT_RULES`. The first row that matches
decides:

    0. danger   danger wording anywhere ("police beat my son", "nimebakwa", "wananipiga", "karao
                wamenishika"): the text is urgent (`Intent.urgent`), never an opt-out and never a
                stop or leave ("Acha kunipiga" is no STOP). A first word among `danger_commands`
                keeps its command ("HELP they are beating me" is HELP, and urgent); anything else
                is the `urgent` reading: no keyword, a thread for a responder ("Teacher raped my
                daughter", "Mwalimu amenibaka", "Yes they beat me" are no TEACHER or JOIN)
    1. opt_out  an opt-out phrase anywhere, neither negated ("please don't remove me", "I do not
                want you guys to remove me") nor turned round after it ("I don't want messages to
                stop", "Sitaki ujumbe huu ukome": support), as "please remove me from this list",
                "REVOKE", "nitoe", "I don't know you, remove me" (a negation ends with its clause);
                or stop words with nothing but filler beside them ("STOP.", "pls stop now",
                "Sitisha tafadhali"): opt-out of everything
    2. my_data  MY DATA / DATA YANGU first (filler before it allowed): what is kept about the
                number; with ERASE / FUTA after it, or right before it in a clause that is no
                question ("Delete my data", "I want you to delete my data", "Futa data yangu"; not
                "why did you delete my data?"), a request to erase it all, and with CONFIRM /
                THIBITISHA, the second message that confirms the request. Never an opt-out unless
                an opt-out phrase is in it too ("my data: remove me" is rule 1)
    3. leave    a leave word first ("LEAVE TORTURE", "TOKA MATESO"): that topic only
    4. support  a stop word with a campaign object ("Stop torture now!", "STOP RAPE", "Acha mateso")
                or negated ("Please don't stop"), a negated stop ("Usiache"), or an opt-out phrase
                turned round ("I don't want messages to stop"): never an
                opt-out; answered with the campaign's action and how to stop or leave. A text led
                by another keyword is that keyword ("ATT Grace Acha" signs the petition)
    5. keyword  the first word is another keyword (JOIN, HELP, ATT, ...); a stop word followed by
                anything else ("stop by the office") is no keyword: it gets "not understood",
                which says how to stop
       (none)   anything else: a quiz answer, or "not understood"

Later readings add their row to the table.
Every text (SMS replies, `flows check` reading labels as texts, the composer's warning) is read
here, so a word added to the data changes them all.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from sms_service.core.typed_text import clauses_of, question_clauses, words_of

OPT_OUT, LEAVE, SUPPORT = "stop", "leave", "support"  # the routes (keywords.yaml `routes:`) they run
URGENT = "urgent"  # a danger text led by no command: no route; the router sends the helplines
MY_DATA, MY_DATA_ERASE, MY_DATA_CONFIRM = "mydata", "mydata_erase", "mydata_confirm"
_ELSEWHERE = object()  # an opt-out phrase scoped to something that is neither the messages nor a topic
NEGATION_REACH = 3  # words a negation reaches over (more if they are bridges or filler), in its clause


@dataclass(frozen=True)
class Intent:
    """What a text asks for: the route it runs (None: no keyword), the text after its keyword,
    and the topic it names (support and leave)."""

    keyword: str | None
    rest: str = ""
    topic: str | None = None
    urgent: bool = False  # danger wording: the thread goes first, the helplines go at once
    danger_languages: frozenset = frozenset()  # the languages (intent:) of the danger wording found

    @property
    def is_opt_out(self):
        return self.keyword == OPT_OUT


class _Text:
    """A text being read: its raw form, its words, each word's keyword, and its negations."""

    def __init__(self, sms_keywords, raw):
        self.raw, self.grammar = raw, sms_keywords.intent
        self.words = words_of(raw)
        self.meanings = [sms_keywords.keywords.get(word) for word in self.words]
        # Each word's clause: marks end one (clauses_of), and a clause break (BUT, LAKINI) starts one.
        breaks = 0
        self.clauses = []
        for word, clause in zip(self.words, clauses_of(raw), strict=True):
            breaks += word in self.grammar.clause_breaks
            self.clauses.append(clause + breaks)
        self.negations = [(start, start + len(phrase)) for start, phrase in self.matches(self.grammar.negations)]
        self.reversals = [start for start, _ in self.matches(self.grammar.reversals)]
        # Clauses that ask (WHY, WAPI, KWA NINI in them, or a question mark): an opt-out phrase
        # there is a question about stopping ("Why did you stop sending?"), not a request.
        # A "?" after a polite request ("Can you remove me?") still asks for it.
        asking = {self.clauses[start] for start, _ in self.matches(self.grammar.interrogatives)}
        polite = {self.clauses[start] for start, _ in self.matches(self.grammar.requests)}
        self.questions = asking | (question_clauses(raw) - polite)

    def matches(self, phrases):
        """(start, phrase) of each phrase of `phrases` in the words, longest first at each start."""
        found = []
        longest = self.grammar.longest_phrase
        for start in range(len(self.words)):
            for size in range(min(longest, len(self.words) - start), 0, -1):
                phrase = tuple(self.words[start:start + size])
                if phrase in phrases:
                    found.append((start, phrase))
                    break
        return found

    def danger_found(self):
        """The danger wording in the text, each as a phrase of the grammar: the danger phrases
        and the stems (one-word phrases) found inside a word, neither where a near miss starts
        (danger_near_misses: "nimepigwa picha", "save me a seat")."""
        stems = [(stem,) for index, word in enumerate(self.words) for stem in self.grammar.danger_stems
                 if stem in word and not self.near_miss_at(index)]
        return stems + [phrase for start, phrase in self.matches(self.grammar.danger_phrases)
                        if not self.near_miss_at(start)]

    def near_miss_at(self, index):
        """True when the word at `index` starts a near miss: it holds the near miss's first word,
        and the near miss's other words follow it."""
        word, after = self.words[index], tuple(self.words[index + 1:])
        return any(first in word and after[:len(rest)] == rest
                   for first, *rest in self.grammar.danger_near_misses for rest in (tuple(rest),))

    def negated_before(self, start):
        """True when a negation ends before the word at `start`, in its clause, at most
        NEGATION_REACH words before it or further back over bridges and filler only ("I do not
        want you guys to remove me"; not "I don't know you, remove me")."""
        for _, end in self.negations:
            if end > start or self.clauses[end - 1] != self.clauses[start]:
                continue
            between = self.words[end:start]
            if len(between) <= NEGATION_REACH or all(word in self.grammar.negation_carriers for word in between):
                return True
        return False

    def reversed_after(self, end):
        """True when a reversal ("to stop", "ukome") follows a phrase ending at `end`, in its
        clause, within NEGATION_REACH words: "I don't want messages to stop" wants them."""
        return any(end <= start <= end + NEGATION_REACH and self.clauses[start] == self.clauses[end - 1]
                   for start in self.reversals)

    @cached_property
    def opt_out_phrases(self):
        """What the opt-out phrases ask: (whether one asks to stop everything, whether one was
        turned round by a reversal, the topic one leaves). Not asked: a negated phrase, one in a
        question, one scoped to something other than the messages ("unsubscribe me from the
        event"); one scoped to a topic ("remove me from the torture topic") leaves that topic."""
        meant, reversed_, topic = False, False, None
        for start, phrase in self.matches(self.grammar.opt_out_phrases):
            end = start + len(phrase)
            if self.negated_before(start) or self.clauses[start] in self.questions:
                continue
            if self.reversed_after(end) and set(phrase) & self.grammar.reversible:
                reversed_ = True  # "I don't WANT messages to stop"; not "Remove me to stop the spam"
                continue
            scope = self.scope_after(end)
            if scope is None:
                meant = True
            elif scope is not _ELSEWHERE:
                topic = topic or scope
        return meant, reversed_, topic

    def scope_after(self, end):
        """What a phrase ending at `end` is scoped to by a scope word just after it (FROM, OF,
        KWENYE; filler between allowed), in its clause: None (none, or the list and messages
        themselves: "remove me from this list"), a topic ("from the torture topic"), or
        _ELSEWHERE (anything else: "from the event", "of the quiz only")."""
        grammar, index = self.grammar, end
        while (index < len(self.words) and self.words[index] in grammar.filler - grammar.scopes
               and self.clauses[index] == self.clauses[end - 1]):
            index += 1
        if index >= len(self.words) or self.clauses[index] != self.clauses[end - 1]:
            return None
        if self.words[index] in grammar.other_senses:  # "Nitoe ripoti" (let me give), "don't send me back"
            return _ELSEWHERE
        if self.words[index] not in grammar.scopes:
            return None
        named = [position for position in range(index + 1, len(self.words))
                 if self.clauses[position] == self.clauses[index] and self.words[position] not in grammar.filler]
        if all(self.words[position] in grammar.list_words for position in named):
            return None
        return self.first_object(index + 1) or _ELSEWHERE

    def first_object(self, words_from=0):
        for start, phrase in self.matches(self.grammar.objects):
            if start >= words_from:
                return self.grammar.objects[phrase]
        return None

    def rest_after_first_word(self):
        """The raw text after its first word (punctuation alone is no word: "- JOIN" starts JOIN)."""
        for typed in re.finditer(r"\S+", self.raw):
            if words_of(typed.group()):
                return self.raw[typed.end():].strip()
        return ""


def _danger(text):
    found = text.danger_found()
    if not found:
        return None
    languages = frozenset().union(*(text.grammar.danger_languages.get(phrase, ()) for phrase in found))
    keyword = text.meanings[0] if text.words else None
    if keyword not in (None, OPT_OUT, LEAVE) and text.words[0] in text.grammar.danger_commands:
        # HELP, JOIN RAPE: the command stands; "Teacher raped my daughter" is no TEACHER command
        return Intent(keyword, text.rest_after_first_word(), urgent=True, danger_languages=languages)
    return Intent(URGENT, text.raw.strip(), topic=text.first_object(), urgent=True, danger_languages=languages)


def _opt_out(text):
    if text.opt_out_phrases[0]:
        return Intent(OPT_OUT)
    stops = [meaning == OPT_OUT for meaning in text.meanings]
    if any(stops) and not text.negations and all(
            stop or word in text.grammar.filler for word, stop in zip(text.words, stops, strict=True)):
        return Intent(OPT_OUT)
    return None


def _leave(text):
    scoped = text.opt_out_phrases[2]
    if scoped:  # "Remove me from the torture topic"
        return Intent(LEAVE, topic=scoped)
    first = next((index for index, word in enumerate(text.words) if word not in text.grammar.filler), None)
    if first is None or text.meanings[first] != LEAVE:
        return None
    return Intent(LEAVE, topic=text.first_object(first + 1))


def _my_data(text):
    grammar = text.grammar
    found = text.matches(grammar.my_data_phrases)
    if not found:
        return None
    start, phrase = found[0]
    end = start + len(phrase)
    before = [index for index in range(start) if text.words[index] not in grammar.filler]
    after = text.words[end:]
    meant = [index for index in range(end, len(text.words)) if text.words[index] not in grammar.filler]
    # The erase word right before ("Delete my data", "Futa data yangu") or right after ("MY DATA,
    # please delete it", "I want my data deleted"), neither asked about ("why did you delete my
    # data?", "my data erase??") nor negated ("Don't delete my data").
    erase = [index for index in (before[-1:] + meant[:1]) if text.words[index] in grammar.erase_words]
    if erase:
        if text.clauses[start] in text.questions or text.negated_before(erase[0]):
            return None
        return Intent(MY_DATA_ERASE, " ".join(text.words[erase[0] + 1:] if erase[0] > start else after))
    if before:  # "is MY DATA safe"
        return None
    if after and after[0] in grammar.confirm_words:
        return Intent(MY_DATA_CONFIRM, " ".join(after[1:]))
    return Intent(MY_DATA, " ".join(after))


def _support(text):
    led = next((meaning for word, meaning in zip(text.words, text.meanings, strict=True) if word not in text.grammar.filler),
               None)
    if led not in (None, OPT_OUT):  # led by another keyword: "ATT Grace Acha" signs, "SCHOOL Stop Torture Academy" registers
        return None
    stops = [index for index, meaning in enumerate(text.meanings) if meaning == OPT_OUT]
    negated = any(text.negated_before(index) and text.clauses[index] not in text.questions for index in stops)
    stop_with = stops and (negated or text.first_object() is not None)
    if stop_with or any(word in text.grammar.negated_stops for word in text.words) or text.opt_out_phrases[1]:
        return Intent(SUPPORT, topic=text.first_object())
    return None


def _keyword(text):
    keyword = text.meanings[0] if text.words else None
    if keyword is None or keyword == OPT_OUT:
        return None
    return Intent(keyword, text.rest_after_first_word())


# The one precedence table: (the intent, how a text is recognised as it), first match wins.
INTENT_RULES = (
    ("danger", _danger),
    ("opt_out", _opt_out),
    ("my_data", _my_data),
    ("leave", _leave),
    ("support", _support),
    ("keyword", _keyword),
)


def read_intent(sms_keywords, text):
    """The Intent of an inbound text (`sms_keywords`: the book's SmsKeywords), by INTENT_RULES."""
    reading = _Text(sms_keywords, text)
    for _, recognise in INTENT_RULES:
        intent = recognise(reading)
        if intent is not None:
            return intent
    return Intent(None, text.strip())


def reads_as_opt_out(sms_keywords, text):
    """True if `text`, texted to the shortcode, would opt its sender out of everything."""
    return read_intent(sms_keywords, text).is_opt_out


def languages_reading_as_opt_out(sms_keywords, texts):
    """The languages of `texts` ({language: text}, a broadcast's) whose text, texted back by a
    recipient, would opt them out of everything: what the composer and `broadcasts create` warn of."""
    return [language for language, text in sorted(texts.items()) if text and reads_as_opt_out(sms_keywords, text)]
