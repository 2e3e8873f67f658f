"""What a request's author reads when an IPE takes it and when it ends: the pupil (tu), the
parent who asked for their child or the teacher (vous)."""

from __future__ import annotations

from bot.cases.details import by_family, is_teacher, via_school
from bot.store.models import Case


def taken_text(case: Case) -> str:
    """The news that an ingénieur pour l'école took the request, and how they will answer."""
    if is_teacher(case):
        return (
            f"Bonne nouvelle : votre demande {case.reference} a été prise en charge par un "
            "ingénieur pour l'école. Vous recevrez ici son message pour convenir d'une date."
        )
    if by_family(case):
        return (
            f"Bonne nouvelle : votre demande {case.reference} a été prise en charge par un "
            "ingénieur pour l'école, qui vous répondra ici même."
        )
    how = (
        "va contacter ton établissement comme tu l'as demandé"
        if via_school(case)
        else "va te répondre ici même"
    )
    return (
        f"Bonne nouvelle : ta demande {case.reference} a été prise en charge par un ingénieur "
        f"pour l'école, qui {how}."
    )


def finished_text(case: Case, status: str) -> str:
    """What the request's author reads when the IPE ends it (resolved or closed)."""
    if is_teacher(case):
        return (
            f"Votre demande {case.reference} a été close par l'ingénieur pour l'école. "
            "Pour une nouvelle demande : /intervention."
        )
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


def unsent_text(case: Case) -> str:
    """Added under the end of a request when its author's last message was kept aside (never
    passed on): they may reopen the request to send it (🔁 Rouvrir et transmettre)."""
    if is_teacher(case) or by_family(case):
        return (
            "Votre dernier message ne lui avait pas été transmis : vous pouvez rouvrir la "
            "demande pour le lui envoyer."
        )
    return (
        "Ton dernier message ne lui avait pas été transmis : tu peux rouvrir la demande pour le "
        "lui envoyer."
    )
