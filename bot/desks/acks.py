"""A short acknowledgement ("ok", "d'accord", "ça marche", "👍") gets a short one back, not
"je n'ai pas compris" nor a topic read into it; thanks and goodbyes stay with the `merci` topic.
"""

from __future__ import annotations

import re

from bot.messages import Reply, State, by_role

_ACK_WORDS = (
    r"ok|okay|oki|okk|okok|oke|kk|k|dac|dak|daccord|de accord|de acc|ca marche|ca roule|compris"
    r"|entendu|bien recu|recu|vu|note|oui|ouais|ouai|yes|parfait|cool|nickel|tres bien"
    r"|je vois|top"
)
# the whole message: one or two of these, possibly repeated ("ok ok", "ah ok", "oui d'accord")
ACK = re.compile(rf"^(?:(?:ah|oh|ha|bon|euh)\s+)?(?:(?:{_ACK_WORDS})\s*){{1,3}}$")
ACK_EMOJI = re.compile(r"^[\s👍👌✅🙂😊🙏👏💪😉🆗]+$")
ACK_TOPIC = "merci"  # small talk: no 👍/👎, no role question, the last answer stays the context


def acknowledgement(state: State, text: str, said: str) -> Reply | None:
    """The reply to a bare acknowledgement; None when the message is something else."""
    if not (ACK.match(said) if said else ACK_EMOJI.match(text)):
        return None
    return Reply(
        by_role(
            state.role,
            "Parfait ! Autre chose ? Pose ta question, ou tape /menu pour les thèmes.",
            "Très bien. Autre chose ? Posez votre question, ou tapez /menu pour les thèmes.",
        ),
        kind="answer",
        topic=ACK_TOPIC,
        score=100.0,
    )
