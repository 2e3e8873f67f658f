"""A follow-up that lands on the answer just sent ("c obligatoire ?" after the 3e stage): the
answer's next part, or an honest word and the closest other topics — never the same text twice.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.desks import levels, register
from bot.desks.answers import short_source, split_answer
from bot.desks.phrases import NO_FEEDBACK_TOPICS
from bot.messages import Choice, Reply, State, answer_voice, by_role, voice
from bot.understanding.matching import MatchResult
from bot.understanding.normalise import analyse
from bot.understanding.topics import Topic

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

NEXT_PART = "Voici la suite de ma réponse sur « {name} » :\n\n"
OTHERS = 3  # other topics offered when the answer above already says everything
POINT_WORDS = 2  # distinctive words the question and the line must share ("obligatoire" alone: no)
DISTINCT_IN = 2  # a question word found in at most this many lines of the answer points to one


def follow_on(engine: DialogueEngine, state: State, result: MatchResult) -> Reply:
    """The reply to a message read as the topic of the last answer (`state.last_topic`)."""
    assert result.topic is not None
    topic = engine.kb.topics[result.topic]
    name = register.title(topic, register.reader(state))
    labelled = _labelled(engine, state, topic, result.tokens) or _counted(
        engine, state, topic, result.tokens
    )
    told = state.told_rest == topic.id or labelled is not None
    if not told and (more := _next_part(engine, state, topic, name)) is not None:
        more.kind, more.topic, more.score = "answer", topic.id, result.score
        more.source = topic.source
        return more
    point = labelled or _point(engine, state, topic, result.tokens)
    if point is not None:  # "faut-il un signalement au procureur ?": that line of the answer
        text = by_role(
            voice(state),
            f"Sur ce point, ma réponse sur « {name} » dit :\n\n{point}",
            f"Sur ce point, ma réponse sur « {name} » dit :\n\n{point}",
        )
        text += f"\n\nSource : {short_source(topic.source)}"
        related = register.topic_choices(engine.kb, topic.related, register.reader(state))[:OTHERS]
        if state.told_rest != topic.id:  # the rest is still to tell
            related.insert(0, Choice("📖 En savoir plus", f"more:{topic.id}"))
        return Reply(text, related, kind="answer", topic=topic.id, score=result.score)
    return _all_said(engine, state, topic, [c.topic_id for c in result.candidates], result.score)


# « dis m'en plus », « plus d'infos stp », « tell me more », « la suite » typed, not pressed
MORE_ASKED = re.compile(
    r"^(?!je (?:veux|voudrais) plus$)"  # « jveux plus » : « je n'en veux plus »
    r"(?:(?:ok|oui|ouais|ouai|daccord|d accord|cool|merci|stp|svp|et|mais|bah|ben) )*"
    r"(?:(?:tu peux|tu pe|tu pourrais|peux tu|vous pouvez|pouvez vous|je peux|jpeux|je pe"
    r"|on peut|je veux|jveux|je voudrais|j aimerais|jaimerais) )?"
    r"(?:(?:me |m |nous )?(?:dire|donner|avoir|expliquer|en dire|me en dire) )?"
    r"(?:(?:dis|dit|di|dites|raconte|racontez|explique|expliquez|donne|donnez|developpe"
    r"|developpez|detaille|detaillez)(?: (?:moi|me|m|nous))?(?: en)? )?"
    r"(?:en savoir plus|savoir plus|plus|davantage|plus de infos?|plus dinfos?|plus de informations?"
    r"|plus dinformations?|plus de details?|plus de precisions?|la suite|encore|tell me more"
    r"|more|more info|more details|go on|continue|continues|et apres|apres|ensuite)"
    r"(?: (?:stp|svp|please|pls|plz|merci|stv|sil te plait|sil vous plait|sur ca|la dessus))?$"
)


def more_asked(engine: DialogueEngine, state: State, said: str) -> Reply | None:
    """« dis m'en plus » after an answer: its « 📖 En savoir plus », or, when all was said,
    an honest word and the closest topics (None: not that, or no answer to go on with)."""
    topic = engine.kb.topics.get(state.last_topic or "")
    if MORE_ASKED.match(said) is None or topic is None or topic.id in NO_FEEDBACK_TOPICS:
        return None
    if levels.passed_over(state, topic.id):  # under the class question: the answer for all
        return engine.answer(state, topic)
    name = register.title(topic, register.reader(state))
    if state.told_rest != topic.id and (more := _next_part(engine, state, topic, name)):
        return more
    reply = _all_said(engine, state, topic, [], None)
    reply.text = by_role(
        voice(state),
        f"Je t'ai déjà dit tout ce que je sais sur « {name} ». Regarde aussi ces sujets proches :",
        f"Je vous ai déjà dit tout ce que je sais sur « {name} ». Voyez aussi ces sujets proches :",
    )
    return reply


def _next_part(engine: DialogueEngine, state: State, topic: Topic, name: str) -> Reply | None:
    """The answer's rest and full source (« Voici la suite … »), now told; None when the first
    message said it all."""
    more = engine.handle_choice(state, f"more:{topic.id}")
    state.told_rest = topic.id
    if more.text.startswith("Source : "):
        return None
    more.text = NEXT_PART.format(name=name) + more.text
    return more


def _all_said(
    engine: DialogueEngine, state: State, topic: Topic, nearby: list[str], score: float | None
) -> Reply:
    """« Ma réponse sur … dit tout ce que je sais » and the closest other topics."""
    name = register.title(topic, register.reader(state))
    nearby = [t for t in nearby if t != topic.id]
    choices = register.topic_choices(engine.kb, [*nearby, *topic.related], register.reader(state))
    unique = list({c.id: c for c in choices if c.id != f"t:{topic.id}"}.values())[:OTHERS]
    text = by_role(
        voice(state),
        f"Ma réponse sur « {name} » dit tout ce que je sais là-dessus. Si ta question "
        "portait sur autre chose, reformule-la, ou regarde ces sujets proches :",
        f"Ma réponse sur « {name} » dit tout ce que je sais là-dessus. Si votre question "
        "portait sur autre chose, reformulez-la, ou voyez ces sujets proches :",
    )
    return Reply(
        text,
        [*unique, Choice("Autre chose", "m")],
        kind="answer",
        topic=topic.id,
        score=100.0 if score is None else score,
        source=topic.source,
    )


_LINES: dict[tuple[int, str, str], tuple[list[str], list[frozenset[str]], frozenset[str]]] = {}
MAX_CACHED = 1000
POINTED_MAX = 700  # characters of answer (before its source) a pointed line may bring it to


def with_point(engine: DialogueEngine, state: State, reply: Reply, result: MatchResult) -> Reply:
    """A first answer whose rest holds the line the question points to ("une entreprise veut
    sa propre convention"): that line joins the first message, when it still fits a screen."""
    if reply.kind != "answer" or result.topic is None or reply.topic != result.topic:
        return reply
    point = _point(engine, state, engine.kb.topics[result.topic], result.tokens)
    answer, marker, source = reply.text.partition("\n\nSource : ")
    if point is None or point in answer or len(answer) + len(point) > POINTED_MAX:
        return reply
    in_list = point.startswith("•") and answer.rsplit("\n", 1)[-1].lstrip().startswith("•")
    gap = "\n" if in_list else "\n\n"  # a bullet joins the list it belongs to
    reply.text = f"{answer}{gap}{point}{marker}{source}"
    state.shown_point = point  # « En savoir plus » will not say it again
    return reply


def rest_of(state: State, topic_id: str, rest: str) -> str:
    """The rest of an answer less the line its first message already showed (`with_point`)."""
    shown = state.shown_point if topic_id == state.last_topic else None
    if not shown or shown not in rest:
        return rest
    blocks = ("\n".join(x for x in b.split("\n") if x.strip() != shown) for b in rest.split("\n\n"))
    return "\n\n".join(b for b in blocks if b.strip())


def _point(
    engine: DialogueEngine, state: State, topic: Topic, tokens: tuple[str, ...]
) -> str | None:
    """The one line of the answer's rest (the first message is on screen) that the question's
    distinctive words point to."""
    answer = topic.answer_for(answer_voice(state), levels.variant(state))
    key = (id(engine.kb), topic.id, answer)
    if key not in _LINES:  # the answers do not change while the bot runs: read them once
        if len(_LINES) > MAX_CACHED:
            _LINES.clear()
        _, rest = split_answer(answer)
        lines = [line.strip() for line in rest.split("\n") if len(line.strip()) > 20]
        stems = [frozenset(analyse(line, engine.kb.lexicon)[0]) for line in lines]
        _LINES[key] = lines, stems, frozenset(analyse(topic.title, engine.kb.lexicon)[0])
    lines, stems, title = _LINES[key]  # (a follow-up is read with the title: not distinctive)
    distinct = {
        t for t in tokens if t not in title and 0 < sum(t in s for s in stems) <= DISTINCT_IN
    }
    if not distinct:
        return None
    shared = [len(distinct & s) for s in stems]
    best = max(shared)
    if best < POINT_WORDS or shared.count(best) > 1:
        return None
    return lines[shared.index(best)]


def _labelled(
    engine: DialogueEngine, state: State, topic: Topic, tokens: tuple[str, ...]
) -> str | None:
    """« ki la signe ? » under the convention: the one line of the first message labelled
    « • Qui signe : », said again rather than a rest that does not say it."""
    head, _ = split_answer(topic.answer_for(answer_voice(state), levels.variant(state)))
    title = set(analyse(topic.title, engine.kb.lexicon)[0])
    asked = set(tokens) - title
    found = []
    for line in (x for x in head.split("\n") if x.strip().startswith("•")):  # not the lead
        label, colon, _ = line.strip().removeprefix("•").partition(" : ")
        if colon and len(label) < 40 and asked & set(analyse(label, engine.kb.lexicon)[0]):
            found.append(line.strip())
    return found[0] if len(found) == 1 else None


# what « combien de … ? » counts, as the analyser stems it, and as an answer writes it after a figure
_UNITS = {
    "jour": r"jours?",
    "semain": r"semaines?",
    "heur": r"(?:heures?|h)\b",
    "mois": r"mois",
    "ans": r"ans?\b",
    "euro": r"(?:euros?|€)",
    "minut": r"minutes?",
}


def _counted(
    engine: DialogueEngine, state: State, topic: Topic, tokens: tuple[str, ...]
) -> str | None:
    """« cb de jours ? », « combien de semaines en CAP ? » under an answer: its first sentence
    that gives that figure (« 5 jours, d'affilée ou non »), wherever it is in the answer."""
    units = [t for t in tokens if t in _UNITS]
    if "combien" not in tokens or len(units) != 1:
        return None
    title = set(analyse(topic.title, engine.kb.lexicon)[0])
    besides = set(tokens) - title - {"combien", units[0]}  # « en CAP »: the sentence names it
    figure = re.compile(rf"\b\d+(?:[,.]\d+)?(?:\s*(?:à|-)\s*\d+)?\s*{_UNITS[units[0]]}", re.I)
    answer = topic.answer_for(answer_voice(state), levels.variant(state))
    for sentence in (x.strip() for x in re.split(r"(?<=[.;!?])\s+|\n+", answer)):
        if figure.search(sentence) and besides <= set(analyse(sentence, engine.kb.lexicon)[0]):
            return sentence.lstrip("• ")
    return None
