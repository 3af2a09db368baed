"""The campaign attribution (domain/figures/attribution.py) read from the flow book: topic words
and campaign objects of flows/sms/keywords.yaml, and each petition and quiz matched to the topic
whose words name it."""

from sms_service.core.typed_text import keyword_form
from sms_service.domain.figures.attribution import Attribution


def attribution_from_book(book):
    """The Attribution of `book` (a FlowBook).

    A petition belongs to the topic one of whose JOIN words is its code (petition "att": ATT is an
    arms_control word); a quiz to the topic one of whose JOIN words is its code or one of its words;
    a keyword whose route signs a petition (ATT) to that petition's topic.
    """
    campaigns = tuple(book.topics)
    phrases = {}
    if book.sms is not None:
        phrases.update({phrase: topic for phrase, topic in book.sms.intent.objects.items() if topic in campaigns})
        phrases.update({(word,): topic for word, topic in book.sms.topics.items() if topic in campaigns})
    topic_of_word = {phrase[0]: topic for phrase, topic in phrases.items() if len(phrase) == 1}
    petitions = {code: topic_of_word[keyword_form(code)] for code in book.petitions
                 if keyword_form(code) in topic_of_word}
    quizzes = {}
    for code, quiz in (book.quizzes.quizzes.items() if book.quizzes is not None else ()):
        for word in (keyword_form(code), *quiz.words):
            if word in topic_of_word:
                quizzes[code] = topic_of_word[word]
                break
    keywords = {}
    for keyword, route in (book.sms.routes.items() if book.sms is not None else ()):
        petition = route.params.get("petition")
        if petition in petitions:
            keywords[keyword] = petitions[petition]
    return Attribution(campaigns=campaigns, phrases=phrases, keywords=keywords, petitions=petitions, quizzes=quizzes)
