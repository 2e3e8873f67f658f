"""A short acknowledgement ("ok", "d'accord", "ça marche", "👍") gets a short one back, not
"je n'ai pas compris" nor a topic read into it; thanks and goodbyes stay with the `merci` topic.
"""

from __future__ import annotations

import re
import time

from bot.desks.crisis import AFTER_CRISIS_SECONDS
from bot.desks.erasure import ERASE, ERASE_BUTTON, asks_to_erase
from bot.desks.request import resume_choices, says_found
from bot.messages import Choice, Reply, State, by_role, voice

_ACK_WORDS = (
    r"ok|okay|oki|okk|okok|oke|kk|k|dac|dak|daccord|de accord|de acc|ca marche|ca roule|compris"
    r"|entendu|bien recu|recu|vu|note|oui|ouais|ouai|yes|parfait|cool|nickel|tres bien"
    r"|je vois|top|mdr|ptdr|lol|haha|ahah|xd"
)
# the talk dropped (« laisse tomber », « tant pis »): no « Parfait ! »
_DROP = re.compile(
    r"^(?=.)(?:(?:ah|oh|bon|euh|ok|non|nan|nn)\s+)?(?:(?:c|ce est|cest) bon\s*)?(?:laisse tomber"
    r"|laisse|tant pis|pas grave|c pas grave|ce est pas grave|bref|osef|oublie|oublie ca|c rien"
    r"|ce est rien|rien|never mind|nevermind|forget it|(?:je|j|jveux|je ne) ?(?:veux )?pas en parler"
    r"|je ne veux pas en parler)?$"
)
DROPPED = (
    "Pas de souci. Si tu as une autre question, écris-la, ou tape /menu pour les thèmes.",
    "Entendu. Si vous avez une autre question, écrivez-la, ou tapez /menu pour les thèmes.",
)
# the whole message asks for the menu, as /menu does
_MENU = re.compile(r"^(?:le |au |retour au |revenir au )?(?:menu|sommaire|accueil|main menu)$")
# the whole message: one or two of these, possibly repeated ("ok ok", "ah ok", "oui d'accord")
ACK = re.compile(rf"^(?:(?:ah|oh|ha|bon|euh)\s+)?(?:(?:{_ACK_WORDS})\s*){{1,3}}$")
ACK_EMOJI = re.compile(r"^[\s👍👌✅🙂😊🙏👏💪😉🆗]+$")
FOUND_WORDS = 14  # a longer message with "j'ai trouvé un stage" asks something else too
ACK_TOPIC = "merci"  # small talk: no 👍/👎, no role question, the last answer stays the context


GOOD_NEWS = (
    "Bravo pour ton stage 🎉 Prochaine étape : la convention de stage, signée par ton "
    "établissement, l'entreprise et tes parents avant le premier jour (sans convention, pas de "
    "stage). Ensuite, prépare ton arrivée : horaires, tenue, trajet.",
    "Très bonne nouvelle 🎉 Prochaine étape : la convention de stage, signée avant le premier "
    "jour par l'établissement, l'organisme d'accueil et la famille.",
)
NEXT_STEPS = (
    ("La convention de stage", "t:convention-stage"),
    ("Le premier jour", "t:premier-jour"),
)


AFTER_HELP = (
    "D'accord. Prends soin de toi 💙 Si ça ne va pas, n'attends pas pour en parler : un adulte de "
    "confiance, le 3114 (24h/24, gratuit) si tu as des idées noires, ou Fil Santé Jeunes au "
    "0 800 235 236. Je suis là si tu as une question sur ton stage.",
    "D'accord. N'hésitez pas à revenir vers moi : les numéros ci-dessus restent joignables "
    "(119 et 3114, 24h/24, gratuits).",
)
# a second « ok » after the helplines: the same long text again would read as a machine's
AFTER_HELP_AGAIN = (
    "Je suis là 💙 Le 3114 et le 119 répondent 24h/24. Écris-moi quand tu veux.",
    "Entendu. Le 119 et le 3114 restent joignables 24h/24 ; je reste disponible.",
)

# « ok » just after a weak signal's helpline line (« jme sens trop nul »)
AFTER_WEAK = (
    "D'accord 💙 Si ça ne va pas, n'hésite pas à en parler à quelqu'un en qui tu as confiance. "
    "Et pour ton stage ou ton orientation, je suis là : écris-moi ta question."
)


def acknowledgement(state: State, text: str, said: str) -> Reply | None:
    """The reply to a bare acknowledgement, to "jai trouvé mon stage !" (the next steps) or to
    "efface tout" (/oublier); None when the message is something else."""
    if asks_to_erase(said):
        erase = [ERASE_BUTTON]  # the same as /oublier (desks.routes)
        return Reply(
            by_role(voice(state), *ERASE), erase, kind="answer", topic="donnees-personnelles"
        )
    if says_found(said) and len(said.split()) <= FOUND_WORDS:
        choices = [Choice(label, id_) for label, id_ in NEXT_STEPS]
        return Reply(by_role(voice(state), *GOOD_NEWS), choices, kind="answer", topic=ACK_TOPIC)
    dropped = _DROP.match(said) is not None
    if not (dropped or (ACK.match(said) if said else ACK_EMOJI.match(text))):
        return None
    now = time.time()
    if now - state.crisis_at < AFTER_CRISIS_SECONDS:  # « ok » after the helplines
        again = state.cared_at >= state.crisis_at
        state.cared_at = now
        text = by_role(voice(state), *(AFTER_HELP_AGAIN if again else AFTER_HELP))
        # a paused request keeps its resume button
        return Reply(text, resume_choices(state), kind="answer", topic=ACK_TOPIC)
    if now - state.weak_at < AFTER_CRISIS_SECONDS and voice(state) != "teacher":
        state.weak_at = 0.0  # « ok » under « si ça ne va pas… »: no « Parfait ! »
        return Reply(AFTER_WEAK, kind="answer", topic=ACK_TOPIC)
    if dropped:
        return Reply(by_role(voice(state), *DROPPED), kind="answer", topic=ACK_TOPIC)
    return Reply(
        by_role(
            voice(state),
            "Parfait ! Autre chose ? Pose ta question, ou tape /menu pour les thèmes.",
            "Très bien. Autre chose ? Posez votre question, ou tapez /menu pour les thèmes.",
        ),
        kind="answer",
        topic=ACK_TOPIC,
        score=100.0,
    )


# a yes that takes the one action the last answer offered ("oui" under « 🙋 Demander l'aide »)
_ACCEPT = re.compile(
    r"^(?:oui|ouais|ouai|ui|wi|yes|yep|yeah)?\s*(?:oui|ouais|stp|svp|merci|please|je veux bien"
    r"|jveux bien|vas y|go|aide moi|aidez moi|je veux|jveux|help me)?\s*(?:stp|svp|merci|please)?$"
)
_NO_YES = ("stp", "svp", "merci", "please", "go")  # alone, these accept nothing


def chosen(state: State, said: str) -> str | None:
    """The button a message stands for: the menu (« menu », as /menu does), or the request to
    an IPE offered under the last answer (« oui »); not just after the helplines, where
    « ouais » answers what was said (the paused request waits for its button)."""
    if _MENU.match(said):
        return "m:"
    recent_crisis = time.time() - state.crisis_at < AFTER_CRISIS_SECONDS
    return None if recent_crisis else accepted_offer(state, said)


def accepted_offer(state: State, said: str, offers: tuple[str, ...] = ("esc", "tq")) -> str | None:
    """The choice id of one of `offers` (the request to an IPE, a pupil's "esc" or a teacher's
    "tq:talk"; « 🗑️ Tout effacer », "del", which the desk carries out: desks.pupil.forget) when
    a bare yes answers the answer that offered it."""
    if not said or said in _NO_YES or not _ACCEPT.match(said):
        return None
    menu = any(c.id.startswith("th:") for c in state.choices)  # the menu's button asks nothing
    offered = (c.id for c in state.choices if c.id.split(":")[0] in offers)
    return next((cid for cid in offered if not (menu and cid.startswith("tq"))), None)
