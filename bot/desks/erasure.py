"""What /oublier says: the question first when a request is still open, then what was erased
(an IPE's registration stays, and they are told so)."""

from __future__ import annotations

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
    return Reply(text, [ERASE_BUTTON], kind="ask_forget")


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
