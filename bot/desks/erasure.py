"""What /oublier says: the question first when a request is still open, then what was erased
(an IPE's registration stays, and they are told so)."""

from __future__ import annotations

import re

from bot.messages import Choice, Reply, by_role

ERASE_BUTTON = Choice("🗑️ Tout effacer", "del")  # the same as /oublier (desks.routes)


def ask_first(reference: str, routed: bool, role: str | None) -> Reply:
    """A request still open: erasing closes it; its IPE is told only when one receives it."""
    told = " et l'ingénieur pour l'école prévenu" if routed else ""
    text = by_role(
        role,
        f"Ta demande {reference} est en cours : si tu effaces tout, elle sera close{told}. "
        "Tout effacer quand même ?",
        f"Votre demande {reference} est en cours : si vous effacez tout, elle sera close{told}. "
        "Tout effacer quand même ?",
    )
    keep = Choice(by_role(role, "Non, je garde tout", "Non, garder"), "m")
    return Reply(text, [ERASE_BUTTON, keep], kind="ask_forget")


def done(erased: int, role: str | None, staff: bool) -> Reply:
    """What was erased: the profile, the conversation, the pupil's data in `erased` requests."""
    if staff:
        return Reply(
            "C'est fait : j'ai effacé votre profil et notre conversation. Votre inscription "
            "comme ingénieur pour l'école reste active (vous recevez toujours les demandes de "
            "votre académie) : pour la retirer, demandez-le à l'administrateur.",
            kind="forgotten",
        )
    text = by_role(
        role,
        "C'est fait : j'ai effacé ton profil et notre conversation",
        "C'est fait : j'ai effacé votre profil et notre conversation",
    )
    if erased == 1:
        text += by_role(
            role,
            ", ainsi que tes informations dans ta demande d'aide",
            ", ainsi que vos informations dans votre demande",
        )
    elif erased:
        text += by_role(
            role,
            f", ainsi que tes informations dans tes {erased} demandes d'aide",
            f", ainsi que vos informations dans vos {erased} demandes",
        )
    text += by_role(
        role,
        ". Tu peux recommencer quand tu veux avec /start.",
        ". Vous pouvez recommencer quand vous voulez avec /start.",
    )
    return Reply(text, kind="forgotten")


ERASE_WORDS = 14  # a longer message that names erasing asks something else too
# "jveux tout supprimer", "efface mes données": how, at once (the command does it)
_ERASE = re.compile(
    r"\b(supprime|supprimes|supprimer|supprimez|supprimiez|efface|effaces|effacer|effacez"
    r"|effaciez|delete|erase|oublie|oublies|oubliez|oubliiez)\b"
    r".{0,20}\b(tout|toutes|mes donnees|mes infos|mes informations|mes messages|mon compte"
    r"|mon profil|my data|everything|ce que (?:tu sais|vous savez) sur moi)\b"
    r"|\btout (supprimer|effacer|delete)\b|\b(oublie|oubliez) moi\b|\bforget me\b"
)
ERASE = (
    "Pour tout effacer, appuie sur le bouton ci-dessous ou tape /oublier : j'efface aussitôt ton "
    "profil, notre conversation et tes informations dans tes demandes d'aide.",
    "Pour tout effacer, utilisez le bouton ci-dessous ou tapez /oublier : j'efface aussitôt votre "
    "profil, notre conversation et vos informations dans vos demandes.",
)


def asks_to_erase(said: str) -> bool:
    """« efface mes données stp » (folded words): a wish to erase, not a longer story."""
    return _ERASE.search(said) is not None and len(said.split()) <= ERASE_WORDS
