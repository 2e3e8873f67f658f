"""What a registered IPE or an administrator is told when they use a command meant for pupils
and teachers (/aide, /stage, /intervention): their own words, in « vous »."""

from __future__ import annotations

import re

from bot.desks.turn import Turn
from bot.messages import Reply
from bot.understanding.normalise import words

ADMIN_HELP = (
    "En tant qu'administrateur : /stats (les chiffres de toutes les académies, ou /stats Nantes "
    "pour une seule), /dossiers et /dossier RÉFÉRENCE (les demandes), /reload (recharger la base "
    "de connaissances après une modification : une erreur est signalée et l'ancienne version "
    "reste en service). Les codes d'invitation des ingénieurs pour l'école se créent en ligne de "
    "commande : ipe-bot admin invite."
)
NOT_FOR_STAFF = (
    "Vous êtes inscrit·e comme ingénieur pour l'école : les demandes des élèves et des "
    "enseignant·es vous arrivent ici (/dossiers), vous n'avez pas à en déposer. Pour voir le "
    "parcours d'un élève, utilisez un autre compte."
)


async def command_reply(turn: Turn) -> Reply | None:
    """An IPE's /stage or /intervention, an administrator's /aide; None for everything else."""
    name = (turn.incoming.command or "").lower()
    if name in ("stage", "intervention") and (await turn.scope()).contacts:
        return Reply(NOT_FOR_STAFF, kind="info")
    if name in ("aide", "help") and turn.is_admin and not turn.state.staff:
        return Reply(ADMIN_HELP, kind="info")
    return None


# « Bonjour, je peux t'aider », « Hello Tom, I can help you »: an IPE writing to a pupil
_TO_SOMEONE = re.compile(r"\b(?:tu|t|te|toi|ton|ta|tes|you|your|u)\b")


def to_someone(text: str) -> bool:
    """An IPE's text addressed to a person (tu, you), not a question to the assistant."""
    return _TO_SOMEONE.search(" ".join(words(text))) is not None
