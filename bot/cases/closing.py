"""How a request ends: what its pupil (or the parent who asked for them) reads."""

from __future__ import annotations

from bot.cases.details import by_family
from bot.store.models import Case


def finished_text(case: Case, status: str) -> str:
    """What a pupil (or the parent who asked for them) reads when the IPE ends the request."""
    done = "est marquée comme résolue" if status == "resolved" else "a été close"
    if by_family(case):
        return (
            f"Votre demande {case.reference} {done} par l'ingénieur pour l'école. Si votre enfant "
            "n'a toujours pas de stage, parlez-en à son professeur principal ; vous pouvez aussi "
            "refaire une demande avec /stage."
        )
    if status == "resolved":
        return (
            f"Ta demande {case.reference} est marquée comme résolue par l'ingénieur pour l'école. "
            "Bon courage pour la suite ! Si tu as encore besoin d'aide, écris-moi ou tape /stage."
        )
    return (
        f"Ta demande {case.reference} a été close par l'ingénieur pour l'école. Si tu n'as "
        "toujours pas de stage, parles-en à ton professeur principal ; tu peux aussi refaire une "
        "demande avec /stage."
    )
