"""Which campaign (a topic code of flows/catalog.yaml) a message or an action counts for.

The rule, stated once (README "Charts over time"):
    a subscription, or leaving one       -> its topic
    a petition signature                 -> its petition's campaign (`petitions`)
    a quiz attempt                       -> its quiz's campaign (`quizzes`)
    an inbound SMS                       -> the campaign of the keyword it was read as (ATT signs the
                                            ATT petition: arms_control), else every topic its words
                                            name (JOIN TORTURE, "Stop rape!", QUIZ MATESO)
    a broadcast message                  -> its broadcast's topics (a quiz broadcast: its quiz's)
    a reply                              -> the campaign of the message it answers
Anything else (HELP, LANG, a reminder, a list broadcast) counts for no campaign ("none"); every
figure is also kept for "all", where each message counts once however many campaigns it has.
"""

from dataclasses import dataclass, field

from sms_service.core.typed_text import words_of

ALL = "all"  # every message and action, each once
NONE = "none"  # attributed to no campaign


@dataclass(frozen=True)
class Attribution:
    campaigns: tuple  # topic codes, in catalogue order
    phrases: dict = field(default_factory=dict)  # tuple of words (keyword form) -> topic code
    keywords: dict = field(default_factory=dict)  # an inbound outcome (a keyword) -> topic code
    petitions: dict = field(default_factory=dict)  # petition code -> topic code
    quizzes: dict = field(default_factory=dict)  # quiz code -> topic code

    def of_text(self, outcome, text):
        """The campaigns of an inbound SMS read as `outcome`: a frozenset of topic codes."""
        if outcome in self.keywords:
            return frozenset((self.keywords[outcome],))
        words = words_of(text or "")
        longest = max((len(phrase) for phrase in self.phrases), default=1)
        named = set()
        for start in range(len(words)):
            for length in range(1, longest + 1):
                topic = self.phrases.get(tuple(words[start:start + length]))
                if topic is not None:
                    named.add(topic)
        return frozenset(named)

    def of_broadcast(self, topics, quiz):
        """The campaigns of a broadcast sent to `topics` (a list of topic codes), pushing `quiz`."""
        named = {topic for topic in topics or () if topic in self.campaigns}
        if quiz in self.quizzes:
            named.add(self.quizzes[quiz])
        return frozenset(named)

    def of_topic(self, topic):
        return frozenset((topic,)) if topic in self.campaigns else frozenset()

    def of_petition(self, petition):
        return frozenset((self.petitions[petition],)) if petition in self.petitions else frozenset()

    def of_quiz(self, quiz):
        return frozenset((self.quizzes[quiz],)) if quiz in self.quizzes else frozenset()
