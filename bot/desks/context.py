"""A follow-up read with the last topic: « c obligatoire ? », « qui la remplit ? », « et après ? »."""

from __future__ import annotations

import re

from bot.desks.phrases import FOLLOW_UP
from bot.understanding.matching import Matcher, MatchResult
from bot.understanding.topics import Topic

FOLLOW_UP_WORDS = 7  # a message this short, with at most 3 content words, may be a follow-up
ASKING = re.compile(
    r"\b(qui|ki|quand|kan|combien|cb|cmb|comment|cmt|pourquoi|pk|ou|quel|quelle|quels|quelles|kel|kelle"
    r"|quoi|koi)\b"
)  # a question without "?" ("qui la remplit", "et apres on fait quoi")
# asides about the bot itself: read as they are, and not a context for the next message
# (the distress topic neither: "bref, et les métiers ?" after it is a new question)
ASIDES = frozenset({"salutation", "merci", "robot", "detresse"})
# a follow-up that points back to what was just spoken of ("il y en a dans mon académie ?")
ANAPHORA = re.compile(r"^(et )?(il y en a|y en a|il y a en|y en aurait|en a t on|ils|elles)\b")
# topics whose own answer says how it is paid: "et c payé ?" after them is about them
OWN_PAY = frozenset({"apprentissage", "trouver-apprentissage", "job-ete"})
PAY = "remuneration-stage"
_MONEY = re.compile(
    r"\b(par mois|par semaine|par heure|euros|eur|balles|thune|paye|payee|payes"
    r"|gratification|salaire|remunere|remuneree|(?:de|des|les|mes|en) sous)\b"
)
# « c quoi le brevet ? »: a thing to define; when the last topic never names it, a new question
DEFINE = re.compile(r"^(?:et )?(?:c est quoi|c quoi|cest quoi|ce est quoi|qu est ce que|what is)\b")
CONTEXT_SECONDS = 30 * 60  # a message after this long is read alone, not as a follow-up
FOLLOW_UP_SCORE = 60.0  # a direct match under this gives way to the last topic's reading
# a direct match this sure of a subject keeps its topic ("et c payé ?" after a search); not
# "aide" ("je peux faire quoi ?" after a refusal is about the refusal)
CLEAR_SCORE = 95.0
OWN_WORD_USES = 2  # a word in this many of a topic's questions is one of its own words
OWN_WORD_SCORE = 80.0  # a direct match this sure, on such a word, keeps its topic
RARE_IDF = 5.0  # ... when the word is rare ("oncle", not "aider" or "mineur")


def _clear(result: MatchResult) -> bool:
    return result.score >= CLEAR_SCORE and result.topic not in (*ASIDES, "aide")


def _own_words(
    matcher: Matcher, last: Topic, tokens: list[str] | tuple[str, ...], result: MatchResult
) -> bool:
    """The message brings a word its direct topic knows and the last topic never uses
    ("je peux le faire chez mon oncle ?" after the 3e stage: "oncle" is the family stage's)."""
    if result.topic in (None, *ASIDES, "aide") or result.score < OWN_WORD_SCORE:
        return False
    own, before = matcher.topic_vocab[result.topic], matcher.topic_vocab[last.id]
    if any(
        own[t] >= OWN_WORD_USES and not before[t] and matcher.idf.get(t, 0.0) >= RARE_IDF
        for t in tokens
    ):
        return True
    # nothing of the message is a word of the last topic ("jdois m'habiller comment ?" after
    # the working hours): a sure direct reading is a new question
    return bool(tokens) and all(not before[t] for t in tokens)


def read_in_context(
    matcher: Matcher,
    last: Topic | None,
    text: str,
    said: str,
    tokens: list[str] | tuple[str, ...],
    result: MatchResult,
    told_rest: str | None = None,
) -> MatchResult:
    """The message read with the last topic's title when it is a short follow-up about it.

    `said` is the normalised text, `tokens` its content words, `result` the direct match;
    `told_rest`: the topic whose whole answer was shown (read again, it would say no more).
    """
    follow_up = (FOLLOW_UP.search(said) and len(tokens) <= 2) or (
        len(tokens) <= 3
        and len(said.split()) <= FOLLOW_UP_WORDS
        and (text.endswith("?") or ASKING.search(said) is not None)
    )
    if not follow_up or last is None:
        return result
    if last.id in OWN_PAY and result.topic == PAY:  # "c payé ?" after apprenticeship: its pay
        own = matcher.match(f"{text} {last.title}")
        own = own if own.topic == last.id else matcher.match(last.title)
        return own if own.topic == last.id else result
    if _MONEY.search(said) and last.id not in (PAY, *OWN_PAY) and result.topic != PAY:
        paid = matcher.match(f"{text} stage payé")  # « cb par mois » after the hours: the pay
        if paid.topic in (PAY, "allocation-pfmp"):
            return paid
    if result.topic in (last.id, *last.related) or result.topic in ASIDES:
        return result  # ASIDES: "t'es un robot ?", "tu sais faire quoi ?" are about the bot
    before = matcher.topic_vocab[last.id]
    if DEFINE.search(said) and tokens and all(t in matcher.idf and not before[t] for t in tokens):
        return result  # « c quoi le brevet ? » after the stage: another thing, read alone
    again = matcher.match(f"{text} {last.title}")
    if again.topic == last.id and ANAPHORA.search(said):
        return again  # "il y en a dans mon académie ?": the ones just spoken of
    in_context = again.topic == last.id or again.topic in last.related
    if again.topic == told_rest == last.id and result.topic not in (None, "aide"):
        return result  # all said about the last topic: the question's own topic answers it
    # a message that names a subject of its own ("c'est quoi une pfmp": a domain word of
    # synonyms.yaml) keeps a clear direct reading; one that does not is read in context
    # when that reads at least as well
    own_subject = not matcher.kb.lexicon.domain.isdisjoint(tokens) or _own_words(
        matcher, last, tokens, result
    )
    if in_context and (
        result.topic is None
        or result.score < FOLLOW_UP_SCORE
        or (again.score >= result.score and not own_subject and not _clear(result))
    ):
        return again
    return result
