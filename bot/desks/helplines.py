"""Questions about the helplines the safety message gives (« c qui le 119 ? », « c gratuit ? »,
« ils vont le dire à mes parents ? »): what each line is, that it is free, what happens when
one calls. A number named is answered at any time; the rest only just after the safety message,
when « c gratuit ? » can only be about it."""

from __future__ import annotations

import re
import time

from bot.desks.resume import AFTER_CRISIS_SECONDS
from bot.messages import Reply, State, voice
from bot.understanding.topics import CRISIS_TOPIC

ASKED_WORDS = 12  # longer: a story that names a number, not a question about it
FREE_WORDS = 5

# (what names the line, the pupil's text, the adults' text, its source)
LINES = (
    (
        re.compile(r"\b119\b|\ballo enfance\b"),
        "Le 119, Allô Enfance en danger, c'est le numéro national pour les enfants et les ados "
        "qui subissent des violences ou ont peur d'en subir, chez eux ou ailleurs. Des "
        "professionnels (psychologues, travailleurs sociaux) répondent 24h/24, 7j/7. C'est "
        "gratuit et l'appel n'apparaît pas sur la facture. Tu peux aussi leur écrire en tchat "
        "sur allo119.gouv.fr.",
        "Le 119, Allô Enfance en danger, c'est le numéro national pour un enfant en danger ou en "
        "risque de l'être : l'enfant lui-même, ou un adulte inquiet pour lui. Des professionnels "
        "répondent 24h/24, 7j/7, gratuitement ; tchat sur allo119.gouv.fr. Il peut transmettre "
        "la situation à la cellule de recueil des informations préoccupantes (CRIP) du "
        "département.",
        "allo119.gouv.fr",
    ),
    (
        re.compile(r"\b3114\b"),
        "Le 3114, c'est le numéro national de prévention du suicide : si tu as des idées noires, "
        "si tu penses à mourir, ou si tu t'inquiètes pour quelqu'un. Des soignants formés "
        "répondent 24h/24, 7j/7, et c'est gratuit.",
        "Le 3114, c'est le numéro national de prévention du suicide, pour une personne qui y "
        "pense comme pour un proche ou un professionnel inquiet : des soignants formés répondent "
        "24h/24, 7j/7, gratuitement, et conseillent aussi les adultes.",
        "3114.fr",
    ),
    (
        re.compile(r"\b3018\b"),
        "Le 3018, c'est le numéro national contre le harcèlement et le cyberharcèlement (à "
        "l'école, en stage, sur les réseaux). Gratuit, anonyme et confidentiel, de 9 h à 23 h, "
        "7j/7, aussi en tchat sur 3018.fr et dans l'appli 3018. Il peut aussi aider à faire "
        "supprimer des photos, des messages ou des comptes qui te harcèlent.",
        "Le 3018, c'est le numéro national contre le harcèlement et le cyberharcèlement, pour "
        "les jeunes comme pour les parents et les professionnels : gratuit, anonyme et "
        "confidentiel, de 9 h à 23 h, 7j/7, tchat sur 3018.fr. Il peut faire supprimer des "
        "contenus ou des comptes sur les réseaux sociaux.",
        "3018.fr",
    ),
    (
        re.compile(r"\b114\b"),
        "Le 114, c'est le numéro d'urgence par SMS, pour quand tu ne peux pas parler : si "
        "quelqu'un pourrait t'entendre, ou si tu es sourd·e ou malentendant·e. Écris où tu es "
        "et ce qui se passe ; c'est gratuit, 24h/24.",
        "Le 114, c'est le numéro d'urgence par SMS, pour qui ne peut pas parler (une victime "
        "qui serait entendue, une personne sourde ou malentendante) : gratuit, 24h/24.",
        "service-public.fr (numéros d'urgence)",
    ),
    (
        re.compile(r"\b112\b"),
        "Le 112, c'est le numéro d'urgence européen : si tu es en danger maintenant, appelle-le, "
        "c'est gratuit, 24h/24, depuis n'importe quel téléphone. Tu peux aussi appeler le 15 "
        "(Samu), le 17 (police) ou le 18 (pompiers).",
        "Le 112, c'est le numéro d'urgence européen : gratuit, 24h/24, depuis n'importe quel "
        "téléphone ; aussi le 15 (Samu), le 17 (police) et le 18 (pompiers).",
        "service-public.fr (numéros d'urgence)",
    ),
    (
        re.compile(r"\bfil sante jeunes\b|\b0 ?800 ?235 ?236\b"),
        "Fil Santé Jeunes, c'est le 0 800 235 236 : gratuit et anonyme, pour parler de ce qui ne "
        "va pas, de ton corps, de tes relations, avec des professionnels. Aussi en tchat sur "
        "filsantejeunes.com.",
        "Fil Santé Jeunes (0 800 235 236) : écoute gratuite et anonyme pour les jeunes, par "
        "téléphone ou en tchat sur filsantejeunes.com.",
        "filsantejeunes.com",
    ),
)
_QUESTION = re.compile(
    r"\b(c|ce est|cest|c est|ca|sa|qui|quoi|koi|ki|comment|cmt|pourquoi|quand|gratuit|payant"
    r"|anonyme|marche|sert|appeler|appelle|joindre|ouvert|horaires|what|who|how|is it)\b"
)
FREE = re.compile(r"\b(gratuit|gratuits|gratuite|payant|payer|coute|cher|free|credit|forfait)\b")
FREE_TEXT = (
    "Oui : le 119, le 3114, le 3018, le 114 et le 112 sont gratuits, depuis un portable comme "
    "depuis un fixe. Le 119 n'apparaît pas sur la facture."
)
SECRET = re.compile(
    r"\b(mon nom|dire a mes parents|le dire a mes parents"
    r"|prevenir mes parents|appeler mes parents|preveni mes parents|appeler la police"
    r"|la police va|ils vont (le )?(dire|savoir|appeler|prevenir)|savoir que (c est|cest) moi"
    r"|tell my (parents|mom|mum|dad))\b"
)
SECRET_TEXT = (
    "Tu peux appeler juste pour parler et poser tes questions, sans dire ton nom, et leur "
    "demander d'abord ce qu'ils feront de ce que tu racontes. Si tu es en danger, le 119 peut "
    "alerter les services qui protègent les enfants : pour te protéger, pas pour te punir."
)
WHO = re.compile(r"^(c|cest|c est|ce est|ce sont|c etait)? ?(qui|quoi|koi|ki)\b|^(who|what)\b")
WHO_TEXT = (
    "Ce sont des numéros d'écoute gratuits, avec de vraies personnes au bout :\n"
    "• 119 : enfants en danger, violences, 24h/24\n"
    "• 3114 : idées noires, envie de mourir, 24h/24\n"
    "• 3018 : harcèlement et cyberharcèlement, 9 h–23 h\n"
    "• 114 : urgence par SMS, si tu ne peux pas parler\n"
    "• 112 : urgence, danger maintenant"
)
SOURCES = "allo119.gouv.fr ; 3114.fr ; 3018.fr ; service-public.fr (numéros d'urgence)"


def answer(state: State, said: str) -> Reply | None:
    """The reply to a short question about a helpline; None for anything else."""
    if len(said.split()) > ASKED_WORDS:
        return None
    adult = voice(state) == "teacher" or state.parent
    named = [line for line in LINES if line[0].search(said)]
    if named and _QUESTION.search(said):
        texts = [line[2] if adult else line[1] for line in named[:2]]
        sources = " ; ".join(dict.fromkeys(line[3] for line in named[:2]))
        return _reply("\n\n".join(texts), sources)
    if time.time() - state.crisis_at >= AFTER_CRISIS_SECONDS or adult:
        return None
    if SECRET.search(said):
        return _reply(SECRET_TEXT, "allo119.gouv.fr")
    if FREE.search(said) and len(said.split()) <= FREE_WORDS:  # not « le car c gratuit ? »
        return _reply(FREE_TEXT, SOURCES)
    if WHO.search(said) and len(said.split()) <= 4:  # « c qui ? », « c quoi ces numéros »
        return _reply(WHO_TEXT, SOURCES)
    return None


def _reply(text: str, source: str) -> Reply:
    return Reply(
        f"{text}\n\nSource : {source}",
        kind="answer",
        topic=CRISIS_TOPIC,
        score=100.0,
        source=source,
    )
