"""« quel est le numéro de l'IPE ? », « et son mail ? » after the IPE's answer: the assistant
gives no engineer's contact details (it has none to give); the request is the way, and the IPE
answers in this chat."""

from __future__ import annotations

import re

from bot.messages import Choice, Reply, State, voice

MAX_WORDS = 16  # longer: a story that names a phone, not a question about the IPE's
_CONTACT = re.compile(
    r"\b(numero|numeros|telephone|tel|portable|mail|mails|email|e mail|adresse mail"
    r"|coordonnees|contact|phone|number|email address)\b"
)
# the IPE, not a career (« un stage d'ingénieur »): named, or « l'ingénieur », « votre ingénieur »
_IPE = re.compile(
    r"\b(ipe|ipes|engineer|ingenieurs? pour (?:le|l) ecole"
    r"|(?:le|l|les|de le|des|cet|cette|votre|ton|notre) ingenieure?s?)\b"
)
_THEIRS = re.compile(r"\b(son|sa|ses|leur|leurs|lui|his|her|their)\b")
# the pupil's own request, not the engineer: « mon numéro de demande ipe »
_OWN_CASE = re.compile(r"\b(dossier|demande|reference|ref|case)\b")
SOURCE = "Fonctionnement de l'assistant stages IPE"
PUPIL_TEXT = (
    "Je ne donne pas les coordonnées des ingénieurs pour l'école, et tu n'as pas besoin de les "
    "chercher : si tu ne trouves pas de stage, je transmets ta demande à l'IPE de ton académie "
    "(bouton ci-dessous), et il te répond ici."
)
ADULT_TEXT = (
    "Je ne donne pas les coordonnées des ingénieurs pour l'école : une demande leur parvient "
    "par moi (/intervention pour une classe, /stage pour un élève sans stage), et l'IPE vous "
    "répond ici ou par l'établissement. Sinon, le service école-entreprise du rectorat peut "
    "vous orienter."
)


def answer(state: State, said: str, can_send: bool, ask_button: Choice) -> Reply | None:
    """The reply to a question asking for an IPE's phone or e-mail (`said`: normalised words);
    None for anything else. `can_send`: requests can be sent (`ask_button`, a pupil's, offered)."""
    if len(said.split()) > MAX_WORDS or not _CONTACT.search(said) or _OWN_CASE.search(said):
        return None
    if not (_IPE.search(said) or (state.last_topic == "ipe" and _THEIRS.search(said))):
        return None
    adult = voice(state) == "teacher"
    text = ADULT_TEXT if adult else PUPIL_TEXT
    text = text if can_send else text.replace(" (bouton ci-dessous)", "")
    choices = []
    if can_send:  # the request's own button: the pupil's (esc) or the teacher's (tq)
        choices.append(Choice("📝 Faire la demande à l'IPE", "tq") if adult else ask_button)
    return Reply(
        f"{text}\n\nSource : {SOURCE}",
        choices,
        kind="answer",
        topic="ipe",
        score=100.0,
        source=SOURCE,
    )
