"""Answers cut for a phone: the first message fits a screen, the rest comes on "En savoir plus".

The knowledge base's authors write the direct answer first and the detail after a blank line
(knowledge/README.md); the first message takes whole paragraphs up to FIRST_MESSAGE characters
and names its source briefly; "📖 En savoir plus" shows the rest and the full source.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from bot.desks import levels
from bot.messages import Choice, Reply, State, answer_voice, by_role, voice
from bot.understanding.matching import MatchResult
from bot.understanding.normalise import words

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

FIRST_MESSAGE = 500  # characters of answer in the first message (a phone screen)
SHORT_SOURCE = 90


def split_answer(text: str, limit: int = FIRST_MESSAGE) -> tuple[str, str]:
    """(what fits the first message, the rest): whole paragraphs, at least one unit. A list (a
    lead line and its bullets) goes whole; it is cut bullet by bullet only when the first
    message would otherwise stay short (the list is the answer, announced by one line), so the
    first message never ends on the first bullet of a plan after a full screen."""
    blocks = [b for b in (p.strip() for p in text.strip().split("\n\n")) if b]
    head, taken = "", 0
    for block in blocks:
        separator = "\n\n" if head else ""
        lines = block.split("\n")
        is_list = len(lines) > 1 and all(line.lstrip().startswith("•") for line in lines[1:])
        if len(head + separator + block) <= limit or not (head or is_list):
            head, taken = head + separator + block, taken + 1
            continue
        first = 1 if lines[0].lstrip().startswith("•") else 2  # the first bullet, with its lead
        opening = "\n".join(lines[:first])
        if is_list and len(head) < limit // 2 and len(head + separator + opening) <= limit:
            # the answer is this list, announced by a short intro: the bullets that fit
            cut = first
            while cut < len(lines) and len(head + separator + "\n".join(lines[: cut + 1])) <= limit:
                cut += 1
            rest = ["\n".join(lines[cut:]), *blocks[taken + 1 :]]
            return head + separator + "\n".join(lines[:cut]), "\n\n".join(r for r in rest if r)
        break
    return head, "\n\n".join(blocks[taken:])


_CUTS = (" — ", ", ", " et ", " (")  # where a reference can stop: a section, an item, a note


def _balanced(text: str) -> bool:
    return text.count("«") == text.count("»") and text.count("(") == text.count(")")


def short_source(source: str) -> str:
    """The first reference of a source line, for the first message: whole if it is short,
    else cut where a title, a section or an item of a list ends (quotes and brackets closed),
    never inside a word; the full source comes with "En savoir plus"."""
    parts = source.split(" ; ")
    first = parts[0]
    for part in parts[1:]:  # « art. L.112-1 (élèves handicapés ; PPS) »: one reference
        if _balanced(first):
            break
        first += " ; " + part
    first = first.strip()
    if len(first) <= SHORT_SOURCE:
        return first
    room = SHORT_SOURCE - 2  # for " …"
    ends = [
        i
        for cut in _CUTS
        for i in range(len(first))
        if first.startswith(cut, i) and 0 < i <= room and _balanced(first[:i])
    ]
    if not ends:  # no boundary: the last whole word, outside any quote
        ends = [
            i for i, c in enumerate(first[: room + 1]) if c == " " and _balanced(first[:i])
        ] or [room]
    return first[: max(ends)].rstrip(" ,—") + " …"


# "t nul", "tu sers à rien", "useless bot": frustration with the bot, answered without a fuss
_AT_THE_BOT = re.compile(
    r"\b(t|t es|tu es|te es|ce bot est|le bot est|bot) (nul|nulle|naze|inutile|con|conne|debile"
    r"|claque|eclate|trop nul)\b|\btu sers a rien\b|\btu comprends rien\b|\bsale bot\b"
    r"|\bbot de merde\b|\b(you are|you re|ur) (useless|dumb|stupid)\b|\buseless bot\b"
)


# the last answer was too much: "c trop long jcomprend rien", "tu peux faire plus simple ?"
_TOO_MUCH = re.compile(
    r"\b(trop long|c long|ce est long|jcomprend rien|jcomprends rien|je comprends rien"
    r"|je comprend rien|rien compris|pas compris ta reponse|plus simple|plus court|en resume"
    r"|tl dr|tldr|too long)\b"
)
IN_SHORT = 220  # characters of the last answer's first lines, said again in short


def fallback(engine: DialogueEngine, state: State, text: str, result: MatchResult) -> Reply:
    """Not understood, or out of scope: say so, and offer the themes (or the last answer in
    short, to who found it too long)."""
    said = words(text, engine.kb.lexicon)
    last = engine.kb.topics.get(state.last_topic or "")
    if last is not None and _TOO_MUCH.search(" ".join(said)):
        head, _ = split_answer(last.answer_for(answer_voice(state), levels.variant(state)))
        first = head.split("\n")[0]
        cut = first.rfind(". ", 0, IN_SHORT)
        short = first if len(first) <= IN_SHORT or cut < 0 else first[: cut + 1]
        text = by_role(
            voice(state),
            f"En bref : {short}\n\nDis-moi ce qui n'est pas clair, je t'explique autrement.",
            f"En bref : {short}\n\nDites-moi ce qui n'est pas clair.",
        )
        return Reply(text, [Choice("📖 En savoir plus", f"more:{last.id}")], kind="answer")
    if _AT_THE_BOT.search(" ".join(said)):
        intro = by_role(
            voice(state),
            "Désolé de ne pas t'avoir aidé·e. Je suis un programme et je ne comprends pas tout. "
            "Pour parler à une personne : ton professeur principal ou le CPE ; pour un stage, "
            "/stage.",
            "Désolé de ne pas vous avoir aidé·e. Je suis un programme et je ne comprends pas tout.",
        )
    elif any(w in ("stage", "stages") for w in said) and "stag" not in result.tokens:
        intro = by_role(
            voice(state),
            "Je ne connais que les stages en entreprise de l'école (3e, seconde, lycée pro, "
            "BTS), pas les stages de sport, de loisirs ou de permis.",
            "Je ne traite que les stages en milieu professionnel des élèves (3e, seconde, "
            "lycée professionnel, BTS), pas les stages sportifs, de loisirs ou de permis.",
        )
    else:
        intro = by_role(
            voice(state),
            "Je n'ai pas compris ta question, ou elle sort de ce que je connais (les stages, "
            "la découverte des métiers et l'orientation).",
            "Je n'ai pas compris votre question, ou elle sort de ce que je connais (les "
            "stages, la découverte des métiers et les partenariats école-entreprise).",
        )
    more = by_role(
        voice(state),
        "Essaie avec d'autres mots, ou choisis un thème :",
        "Reformulez-la, ou choisissez un thème :",
    )
    return Reply(
        f"{intro}\n{more}", engine.theme_choices(state), kind="fallback", score=result.score
    )


# tears or a broken heart alone (« 😭😭😭 »): not a question to rephrase, a pupil who is sad
_TEARS = "😭😢😞😔😟☹🙁💔😿🥺😩😫😥😓🥲"
_SAD = re.compile(rf"^[\s{_TEARS}.!?]+$")
SAD = (
    "Ça n'a pas l'air d'aller 💙 Si quelque chose ne va pas, parles-en à un adulte de confiance "
    "(CPE, infirmier·e scolaire, un prof) ; le 3114 répond 24h/24 si tu as des idées noires. Et si "
    "c'est ton stage qui t'inquiète, écris-moi ce qui se passe, ou choisis un thème :"
)


def empty(engine: DialogueEngine, state: State, text: str = "") -> Reply:
    """A message with no word to go on (tears alone get a kind word)."""
    tears = text and _SAD.match(text) and any(c in text for c in _TEARS)
    if tears and voice(state) != "teacher":
        state.weak_at = time.time()
        return Reply(SAD, engine.theme_choices(state), kind="answer", safety="weak")
    intro = by_role(
        voice(state),
        "Écris-moi ta question en quelques mots, par exemple « comment trouver un stage ? ».",
        "Écrivez-moi votre question en quelques mots, par exemple « comment aider mes élèves "
        "à trouver un stage ? ».",
    )
    return Reply(
        intro + "\n" + by_role(voice(state), "Ou choisis un thème :", "Ou choisissez un thème :"),
        engine.theme_choices(state),
        kind="fallback",
    )
