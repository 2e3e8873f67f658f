"""What a pupil types in the request form that is not an answer to its question: a greeting on
coming back (« re », « coucou c encore moi »), « on en était où ? », a question about the
question itself (« c quoi un secteur ? »), « jsp » where only a name will do, or « laisse
tomber », which may mean the question or the whole request. None of these is stored.
"""

from __future__ import annotations

import re

from bot.messages import by_role

# back after a while, or lost: the question again
_BACK_AGAIN = re.compile(
    r"^(?:re|rebonjour|re bonjour|coucou|cc|bonjour|bjr|salut|slt|hello|hey|wesh|yo|bonsoir"
    r"|kikou|hi)(?: (?:c|ce est|cest|je suis|jsuis|jsui) (?:encore )?moi| (?:je suis|jsuis|jsui)"
    r" (?:revenu|revenue|de retour|la))?$"
    r"|\b(?:on en (?:etait|est|etais)|ou on en (?:etait|est)|ou j en (?:etais|suis)|tu peux repeter"
    r"|repete|c etait quoi la question|quelle question|tu disais quoi|jsuis perdu|je suis perdu"
    r"|je suis perdue|jsuis perdue|where were we)\b"
    r"|^(?:hein|quoi|koi|hein quoi|pardon|comment)$"
    # « on continue », « on reprend la demande stp », « ma demande ? »: going on, no answer
    r"|^(?:ok |bon |allez |vas y |d accord |dacc )?(?:on |je |j )?(?:continue|continuer|reprend"
    r"|reprends|reprendre|reprenons|poursuit|poursuis)(?: la| ma| notre)?(?: demande)?"
    r"(?: la| maintenant| mtn)?(?: stp| svp| please)?$|^(?:et )?ma demande$"
)
BACK_AGAIN = ("On reprend ta demande là où tu en étais :", "On reprend la demande :")

# a question about this step's own words: « c quoi un secteur », « ça veut dire quoi »
_ABOUT_THE_QUESTION = re.compile(
    r"\b(?:c quoi|c koi|ce est quoi|cest quoi|ca veut dire quoi|veut dire quoi|ca veut dire"
    r"|je comprends pas|jcomprends pas|je comprend pas|jcomprend pas|comprends pas|what does"
    r"|what is|what s|kesako|qu est ce que ce est|qu est ce qu un|qu est ce qu une|c est a dire)\b"
)
_STEP_WORDS = {
    "sectors": r"secteur|secteurs|metier|metiers|domaine|ca|sa|cela|la question",
    "period": r"date limite|periode|ca|sa|cela|la question",
    "place": r"distance|trajet|km|ville|deplacer|ca|sa|cela|la question",
    "tried": r"essaye|essayer|ca|sa|cela|la question",
    "school": r"etablissement|ca|sa|cela|la question",
}
HELP = {
    "sectors": (
        "Le secteur, c'est le domaine où tu aimerais faire ton stage : commerce, coiffure, "
        "informatique, santé, bâtiment, animaux… Si tu ne sais pas, appuie sur « Peu importe ».",
        "Les métiers ou domaines qui intéressent l'élève (commerce, santé, bâtiment…), ou "
        "« Peu importe ».",
    ),
    "period": (
        "Ce sont les dates de ton stage (par exemple « du 12 au 16 janvier »), ou le jour où tu "
        "dois rendre ta convention. Si tu ne sais pas, appuie sur « Je ne sais pas ».",
        "Les dates du stage, ou la date limite pour rendre la convention ; sinon « Je ne sais "
        "pas ».",
    ),
    "place": (
        "C'est la ville où tu peux faire ton stage, et jusqu'où tu peux aller chaque jour (par "
        "exemple « Créteil, 30 minutes en bus »).",
        "La ville où l'élève peut faire son stage, et le trajet possible chaque jour.",
    ),
    "tried": (
        "Ce que tu as déjà fait pour trouver : les entreprises que tu as contactées, les "
        "réponses reçues. Si tu n'as encore rien fait, appuie sur « Rien encore ».",
        "Les démarches déjà faites : entreprises contactées, réponses reçues ; sinon « Rien "
        "encore ».",
    ),
    "school": (
        "Le nom de ton collège ou lycée et sa ville, par exemple « collège Jean Moulin, "
        "Marseille ».",
        "Le nom de l'établissement et sa ville, par exemple « lycée Jean Jaurès, Montreuil ».",
    ),
}

# a question about what the step asks for (« combien de km max ? » at the place, « c quand mon
# stage ? » at the dates): the step's own answer, not « je n'ai pas de réponse sûre »
_STEP_QUESTIONS = {
    "place": re.compile(
        r"\b(?:combien de (?:km|kilometres|kilometre|minutes|min|temps|bus)|jusqu\w* (?:a )?ou"
        r"|c est (?:trop )?loin|trop loin|(?:km|kilometres|distance|trajet|temps) max\w*"
        r"|maximum|how far)\b"
    ),
    "period": re.compile(
        r"\b(?:c (?:est )?quand|ce est quand|quand est ce|cest quand|c koi les dates"
        r"|quelles? dates?|when is)\b"
    ),
}
STEP_ANSWERS = {
    "place": (
        "Il n'y a pas de distance imposée : écris la ville où tu peux aller et le trajet "
        "possible pour toi chaque jour (par exemple « Créteil, 30 minutes en bus »).",
        "Aucune distance n'est imposée : indiquez la ville et le trajet possible chaque jour "
        "pour l'élève (par exemple « Créteil, 30 minutes en bus »).",
    ),
    "period": (
        "Les dates du stage sont fixées par ton établissement : ton professeur principal les "
        "connaît. Si tu ne les as pas, appuie sur « Je ne sais pas ».",
        "Les dates sont fixées par l'établissement ; si vous ne les avez pas, choisissez « Je "
        "ne sais pas ».",
    ),
}

# « jsp » where a name is needed: the school cannot be « I don't know »
_DONT_KNOW = re.compile(
    r"^(?:jsp|jsais pas|je sais pas|je ne sais pas|sais pas|chai pas|ché pas|chais pas|ch sais pas"
    r"|aucune idee|j en sais rien|idk|i don t know|dunno|euh|bah|bof)$"
)
DONT_KNOW_SCHOOL = (
    "Il me faut le nom de ton établissement (il est sur ton carnet ou ton emploi du temps), "
    "et sa ville.",
    "Il me faut le nom de l'établissement et sa ville.",
)

# « laisse tomber » may mean this question or the whole request: asked, not guessed
UNSURE_LEAVE = re.compile(
    r"^(?:laisse[rz]? tomber|laisse|non merci|en fait non|non laisse|finalement non|plus besoin"
    r"|pas besoin|je veux plus|je ne veux plus|jveux plus|osef|tant pis)$"
)
# « bon, pas de budget pour le car, laissez tomber »: a sentence that ends on leaving after a
# reason (a short « en fait non laisse tomber » is the request's cancel, `request._LEAVE`)
REASON_WORDS = 7
_ENDS_LEAVING = re.compile(r"\b(?:laisse[rz]? tomber|on annule|annulez|on abandonne|on arrete la)$")
LEAVE_OR_SKIP = (
    "Tu veux arrêter toute ta demande ? Appuie sur ❌ Annuler (rien n'a été envoyé). Sinon, "
    "réponds à la question :",
    "Pour arrêter la demande, utilisez ❌ Annuler (rien n'a été envoyé). Sinon, répondez à la "
    "question :",
)


CANCEL_SENT = (
    "Pour annuler une demande déjà envoyée : arrête d'abord celle-ci (❌ Annuler) ou "
    "termine-la, puis tape /annuler. Sinon, réponds à la question :",
    "Pour annuler une demande déjà envoyée : arrêtez d'abord celle-ci (❌ Annuler) ou "
    "terminez-la, puis tapez /annuler. Sinon, répondez à la question :",
)
# a question typed at a step and not answered: what is said before the step is asked again
UNANSWERED_INSIDE = (
    "Je n'ai pas de réponse sûre à cette question (ton professeur principal peut t'aider). On "
    "reprend ta demande :",
    "Je n'ai pas de réponse sûre à cette question ; vous pourrez l'écrire à l'étape des "
    "contraintes et précisions de la demande. On reprend :",
)
QUESTION_OR_ANSWER = (
    "Je n'ai pas de réponse sûre à cette question (ton professeur principal peut t'aider), et "
    "je ne l'ai pas notée comme réponse : si c'en est une, réécris-la. On reprend ta demande :",
    "Je n'ai pas de réponse sûre à cette question, et je ne l'ai pas notée comme réponse : si "
    "c'en est une, réécrivez-la. On reprend :",
)
# laughter or a keyboard mash is no answer (« mdrrr », « asdfghjkl »)
_LAUGH = re.compile(r"^(?:m+d+r+|p+t+d+r+|l+o+l+|x+d+|(?:h+a+)+h*|(?:a+h+)+|(?:h+i+)+)$")
_TYPED_STEPS = ("school", "period", "sectors", "place", "tried", "theme", "constraints")
_VOWELS = re.compile(r"[aeiouy]")
NOT_AN_ANSWER = ("Je n'ai pas compris ta réponse.", "Je n'ai pas compris la réponse.")
# « jveux annuler ma demande », typed in the form: the whole request (its ❌ button), asked
_CANCEL_TYPED = re.compile(
    r"\b(?:annuler|annule|supprimer|arreter|arrete) (?:ma|la|cette|notre|mon|toute la|toute ma)"
    r" (?:premiere |1re |derniere )?(?:demande|visite|intervention|requete)\b"
)


def _mash(said: str) -> bool:
    """One long « word » with hardly a vowel: fingers on the keyboard, not a name."""
    word = said.replace(" ", "")
    return len(said.split()) == 1 and len(word) >= 6 and len(_VOWELS.findall(word)) <= 1


# « merci t un bg », « cimer » between two steps: thanks, then the step again
_THANKS = re.compile(r"^(?:merci|mrc|mci|cimer|thanks|thx|thank you)\b")
THANKED = ("De rien 🙂 On continue :", "Je vous en prie. On continue :")


def aside(step: str, said: str, role: str | None, pupil_form: bool = True) -> str | None:
    """What to say, above the step's question asked again, when the message is not an answer to
    it (`said`: the message's normalised words); None when it may be one. The teacher's form
    (`pupil_form` False) shares the greetings and « laisse tomber », not the steps' help."""
    if _BACK_AGAIN.search(said):
        return by_role(role, *BACK_AGAIN)
    if _THANKS.match(said) and len(said.split()) <= 6:
        return by_role(role, *THANKED)
    about = _STEP_QUESTIONS.get(step) if pupil_form else None
    if about is not None and len(said.split()) <= 10 and about.search(said):
        return by_role(role, *STEP_ANSWERS[step])
    words = _STEP_WORDS.get(step) if pupil_form else None
    if (
        words is not None
        and len(said.split()) <= 8
        and _ABOUT_THE_QUESTION.search(said)
        and re.search(rf"\b(?:{words})\b", said)
    ):
        return by_role(role, *HELP[step])
    if pupil_form and step == "school" and _DONT_KNOW.match(said):
        return by_role(role, *DONT_KNOW_SCHOOL)
    cancel = _CANCEL_TYPED.search(said)
    if cancel is not None and re.search(r"\b(?:premiere|1re|derniere|autre|envoyee)\b", said):
        return by_role(role, *CANCEL_SENT)
    if UNSURE_LEAVE.match(said) or (
        len(said.split()) >= REASON_WORDS and _ENDS_LEAVING.search(said)
    ):
        return by_role(role, *LEAVE_OR_SKIP)
    if step in _TYPED_STEPS and (_LAUGH.match(said) or _mash(said)):
        return by_role(role, *NOT_AN_ANSWER)
    return None
