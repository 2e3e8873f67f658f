"""What the bot says when nobody is registered to receive a request or a message: the truth,
which depends on whether an administrator of the bot is told (ADMIN_IDS) or nobody at all."""

from __future__ import annotations

from bot.messages import by_role

# who hears of a request nobody can receive: the administrators, or nobody at all
TEAM, ALONE = "team", "alone"

_TOLD = {
    (
        TEAM,
        False,
    ): "Les administrateurs de l'assistant sont prévenus et cherchent quelqu'un, sans pouvoir te promettre "
    "de délai.",
    (TEAM, True): "Les administrateurs de l'assistant sont prévenus, sans délai garanti.",
    (ALONE, False): "Personne ne la lira tant qu'un ingénieur ne sera pas inscrit, et je ne "
    "sais pas quand ce sera.",
    (ALONE, True): "Personne ne la lira tant qu'un ingénieur ne sera pas inscrit, à une date "
    "que je ne connais pas.",
}
_WILL_BE_TOLD = {
    TEAM: "les administrateurs de l'assistant seront prévenus, sans délai garanti.",
    ALONE: "personne ne la lira tant qu'un ingénieur ne sera pas inscrit.",
}


def who_hears(admins: bool) -> str:
    """TEAM when administrators are configured to be alerted, else ALONE."""
    return TEAM if admins else ALONE


def told(who: str, role: str | None) -> str:
    """The sentence saying who knows of the unrouted request (« Les administrateurs de l'assistant sont prévenus… »
    or « Personne ne la lira… »)."""
    return by_role(role, _TOLD[who, False], _TOLD[who, True])


def will_be_told(who: str) -> str:
    """The same, before the request is sent (lower case, after a colon)."""
    return _WILL_BE_TOLD.get(who, _WILL_BE_TOLD[TEAM])


def unrouted(reference: str, role: str | None, kind: str, who: str) -> str:
    """The confirmation of a request that nobody registered can receive."""
    if kind == "teacher":
        return (
            f"La demande est enregistrée (référence {reference}), mais je dois être honnête : "
            "aucun ingénieur pour l'école n'est inscrit pour cette académie pour l'instant. "
            f"{told(who, 'teacher')} En attendant, des associations mettent aussi des "
            "professionnel·les en relation avec les classes (100 000 entrepreneurs, Elles "
            "bougent, C.Génial) ; en lycée professionnel, le bureau des entreprises peut aider."
        )
    return by_role(
        role,
        f"Ta demande est enregistrée (référence {reference}), mais je dois être honnête : aucun "
        f"ingénieur pour l'école n'est inscrit pour ton académie pour l'instant. {told(who, role)} "
        "En attendant, parles-en à ton professeur principal (en lycée pro, au bureau des "
        "entreprises aussi) ; en 4e, 3e ou 2de GT, regarde les offres de 1élève1stage "
        "(1eleve1stage.education.gouv.fr).",
        f"La demande est enregistrée (référence {reference}), mais aucun ingénieur pour l'école "
        f"n'est inscrit pour cette académie pour l'instant. {told(who, role)} En attendant : le "
        "bureau des entreprises (en lycée professionnel), le pôle de stages de l'académie, et, en "
        "4e, 3e ou 2de GT, les offres de 1élève1stage (1eleve1stage.education.gouv.fr).",
    )


def ahead(role: str | None, who: str) -> str:
    """Said as soon as the académie is known, before the rest of the form."""
    return by_role(
        role,
        "À savoir avant de continuer : aucun ingénieur pour l'école n'est encore inscrit pour ton "
        "académie. Tu peux quand même envoyer ta demande : elle sera enregistrée, mais "
        f"{will_be_told(who)} En attendant, ton professeur principal peut t'aider.",
        "À savoir avant de continuer : aucun ingénieur pour l'école n'est encore inscrit pour "
        "cette académie. La demande peut quand même être envoyée : elle sera enregistrée, mais "
        f"{will_be_told(who)}",
    )


def not_yet(role: str | None, who: str) -> str:
    """The status of a request nobody has received yet."""
    return by_role(
        role,
        f"Aucun ingénieur pour l'école n'est encore inscrit pour ton académie. {told(who, role)} "
        "En attendant, ton professeur principal peut t'aider (en lycée pro, le bureau des "
        "entreprises aussi), et 1élève1stage (1eleve1stage.education.gouv.fr) publie des offres pour "
        "la 4e, la 3e et la 2de GT.",
        f"Aucun ingénieur pour l'école n'est encore inscrit pour cette académie. {told(who, role)}",
    )


def message_kept(role: str | None, who: str) -> str:
    """A message for the IPE that nobody can receive: kept in the request's history."""
    later = (
        "L'équipe du bot est prévenue."
        if who == TEAM
        else by_role(
            role,
            "Il est gardé dans ta demande, mais personne ne le lira tant qu'un ingénieur ne sera "
            "pas inscrit.",
            "Il est gardé dans la demande, mais personne ne le lira tant qu'un ingénieur ne sera "
            "pas inscrit.",
        )
    )
    return by_role(
        role,
        "Personne ne peut recevoir ton message pour l'instant : aucun ingénieur pour l'école n'est "
        f"joignable dans ton académie. {later} En attendant, parles-en à ton professeur principal "
        "(en lycée pro, au bureau des entreprises aussi) ; en 4e, 3e ou 2de GT, les offres de "
        "stage sont aussi sur 1élève1stage (1eleve1stage.education.gouv.fr).",
        "Personne ne peut recevoir ce message pour l'instant : aucun ingénieur pour l'école n'est "
        f"joignable dans cette académie. {later} En attendant : le bureau des entreprises (en "
        "lycée professionnel) ou le pôle de stages de l'académie.",
    )
