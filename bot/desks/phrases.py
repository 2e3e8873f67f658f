"""Words the dialogue engine recognises and names it shows: roles, levels, media, cues."""

from __future__ import annotations

import re

from bot.understanding.topics import CRISIS_TOPIC

SMALL_TALK_TOPICS = {"salutation", "merci"}  # no 👍/👎 under them, not in the menus
NO_FEEDBACK_TOPICS = {*SMALL_TALK_TOPICS, CRISIS_TOPIC}  # no 👍/👎 under a crisis answer
FEEDBACK_THANKS = {  # under 👍 / 👎: (tu, vous)
    True: ("Merci pour ton avis !", "Merci pour votre avis !"),
    False: ("Merci, c'est noté : je vais m'améliorer.", "Merci, c'est noté."),
}
ROLE_LABELS = {"pupil": "Élève", "teacher": "Enseignant·e"}
LEVELS = {
    "4e": "4e",
    "3e": "3e",
    "2de": "2de générale et techno",
    "cap": "CAP",
    "bacpro": "Bac pro",
    "lycee": "1re / Terminale",
    "bts": "BTS / études sup",
}
MEDIA_WORDS = {
    "sticker": "le sticker",
    "photo": "la photo",
    "voice": "le message vocal",
    "video": "la vidéo",
    "video_note": "la vidéo",
    "audio": "l'audio",
    "document": "le document",
    "location": "la position",
    "contact": "le contact",
    "animation": "le GIF",
    "poll": "le sondage",
}
HELP_REQUEST = re.compile(
    r"\b(parler|contacter|joindre|ecrire|l?aide|aider|transmettre|demande)\b.{0,40}"
    r"\b(l?ingenieur|l?ingenieurs|ipe)\b"
    # « jveu 1 ingenieur pr maider », « yes I want the engineer » (not « je veux être ingénieur »)
    r"|\b(veux|veut|veu|voudrais|want|need|besoin d(?:e|u)?)\s+(?:un |1 |l |le |une |the |an? )?"
    r"(ingenieur|ingenieurs|ipe|engineer)\b(?! (informaticien|agronome|du son|civil)\b)"
    # « jpeux refaire une demande ? » after a closed request (not « une demande de stage »)
    r"|\b(refaire|relancer) (une|ma|la) (nouvelle )?demande\b(?! (de|d|pour|a|aupres|du|des|dans)\b)"
    r"|\b(faire|envoyer) une (nouvelle|autre) demande\b(?! (de|d|pour|a|aupres|du|des|dans)\b)"
    # « pouvez-vous transmettre ma demande ? » (not « ma demande de convention »)
    r"|\b(transmettre|transmettez|transmets|envoyer|faire suivre) ma demande\b"
    r"(?! (de|d|pour|a|aupres|du|des|dans)\b)"
)
# "comment je fais la demande ?" (to the IPE, after it was offered): not "une demande de stage"
HOW_TO_ASK = re.compile(
    r"\b(comment|ou|how|quelle demarche)\b.{0,30}\b(la demande|une demande|ma demande|request)\b"
    r"(?! (de|d|pour|a|aupres|du|des|dans)\b)"
)
TEACHER_CUES = re.compile(
    r"\b(mes eleves|nos eleves|(?<!dans )(?<!de )ma classe|mes classes|je suis (?:un |une )?"
    r"(?:prof|professeur|professeure|enseignant|enseignante|cpe|principal|principale|proviseur|dde)\b"
    # (« mon prof principal », « ma prof principale »: a pupil's)
    r"|(?<!mon )(?<!ma )(?<!mon prof )professeur principal|(?<!ma )professeure principale"
    r"|en tant qu(?:e |e )?(?:prof|enseignant)"
    r"|i (?:m|am) an? (?:teacher|form tutor|head teacher)|im an? teacher|as an? teacher|i teach"
    r"|mes collegues|nos collegues|equipe pedagogique"
    # the school's other staff: « je suis DDFPT », « je travaille au bureau des entreprises »
    r"|je suis (?:le |la |un |une )?(?:ddfpt|chef de travaux|cheffe de travaux|directeur delegue"
    r"|directrice deleguee|documentaliste|psy en|psyen|proviseur adjoint|proviseure adjointe"
    r"|principal adjoint|principale adjointe|chef d etablissement|cheffe d etablissement"
    r"|coordonnateur|coordonnatrice|referent entreprises?|referente entreprises?)\b"
    r"|je (?:travaille|bosse|suis) (?:au|a la|dans le|dans la) (?:bureau des entreprises"
    r"|pole stages?|service ecole entreprise|rectorat|cio|vie scolaire)\b"
    r"|je (?:gere|m occupe de|moccupe de) (?:le |la )?(?:bureau des entreprises|pfmp|stages des)\b"
    # a company that hosts pupils: answered as the school's staff are, in vous, for good
    r"|je suis (?:le |la |un |une )?(?:tuteur|tutrice|maitre de stage|maitresse de stage)"
    r"|je dirige|chef d entreprise|cheffe d entreprise|nous accueillons|mon stagiaire|ma stagiaire"
    r"|notre (?:entreprise|societe|pme|boulangerie|garage|magasin|agence|cabinet|restaurant)"
    r"|(?:j accueille|accueillir) (?:un|une|des|deux|trois) (?:stagiaire|stagiaires|collegien"
    r"|collegienne|collegiens|eleve|eleves|lyceen|lyceenne|lyceens)"
    r"|(?:je veux|je voudrais|j aimerais|jaimerais|je souhaite|je peux|je pourrais|nous voulons"
    r"|nous souhaitons|nous voudrions|on voudrait|on veut|puis je|pouvons nous|pourrais je)"
    r" (?:prendre|recruter|embaucher) (?:un|une|des|deux|trois) (?:stagiaire|stagiaires"
    r"|apprenti|apprentie|apprentis|collegien|collegienne|lyceen|lyceenne))"
    # « Prof de 3e. Comment… », « Enseignante en lycée pro, … »: who writes, said first (not
    # « prof de maths il me saoule », a pupil's)
    r"|^(?:(?:bonjour|bonsoir|madame|monsieur|mesdames|messieurs) )*(?:prof|professeur|professeure|enseignant"
    r"|enseignante|pp) (?:de|d|en|au|des) (?:\w+ )?(?:3e|3eme|troisieme|4e|4eme|5e|6e|seconde"
    r"|2nde|2de|premiere|1ere|terminale|lycee|college|lp|bac pro|cap|bts|segpa|ulis|maths|francais"
    r"|histoire|svt|techno|technologie|physique|anglais|eco|gestion|vente|eps)"
    r"\b(?! (?:il|elle|me|m|ma|mon|nous|est|a|qui|ki|veut|dit|ne|n|trop|grave|c|cest|ce|quel"
    r"|quelle|s appelle|sappelle|pk|pourquoi|absent|absente)\b)"
)
# "vous" forms from someone whose role is unknown: answered in vous (a teacher, a parent, a
# tradesman; a company that hosts pupils is one of TEACHER_CUES, read before this)
VOUS = re.compile(
    r"\b(vous|votre|vos|pourriez|pouvez|auriez|savez"
    r"|je suis (?:un |une )?(?:artisan|artisane|gerant|gerante|commercant|commercante|employeur"
    r"|employeuse|dirigeant|dirigeante|patron|patronne|maitre d apprentissage|boulanger"
    r"|boulangere|garagiste|coiffeur|coiffeuse|plombier|menuisier|fleuriste|boucher|bouchere"
    r"|restaurateur|restauratrice|pharmacien|pharmacienne|agriculteur|agricultrice|veterinaire"
    r"|responsable rh|drh|charge de recrutement|chargee de recrutement))\b"
)
# a short message that leans on the previous answer: "c obligatoire ?", "et en BTS ?"
FOLLOW_UP = re.compile(
    r"^(et|c|ce|cest|ca|il|elle|ils|elles|on|y|en)\b|\b(c|ca)\b"
    r"|^(mais |moi )?(j ai|jai|g|i m|im|i am) \d{2} ans?\b"  # "jai 16 ans": the age the answer needs
)
# a typed yes or no to a question with Oui / Non buttons (folded words, the whole message)
YES = re.compile(
    r"^(?:(?:oui|ouais|ouai|ouep|ui|wi|oe|ouii+|yes|yep|yeah|ok|okay|oki|exact|exactement"
    r"|voila|bien sur|tout a fait|affirmatif|c ca|c est ca|ce est ca|cest ca|c bien ca|c est bien ca"
    r"|ce est bien ca|c est bon|ce est bon|c bon|absolument|carrement|grave|si)\s*){1,3}"
    r"(?:merci|stp|svp)?$"
)
NO = re.compile(
    r"^(?:(?:non|nan|nn|no|nope|pas du tout|absolument pas|pas ca|c est pas ca|ce est pas ca"
    r"|c pas ca|ce n est pas ca|c est faux|ce est faux|faux|pas la bonne|mauvaise academie)\s*)"
    r"{1,3}$"
)

# /demande with nothing sent: a pupil, a teacher (or staff), a parent
NO_REQUEST = (
    "Tu n'as pas de demande en cours. Tape /stage pour demander l'aide d'un ingénieur pour l'école.",
    "Aucune demande en cours. /intervention pour un·e intervenant·e ou une visite avec votre "
    "classe, /stage pour le stage d'un·e élève.",
)
NO_REQUEST_PARENT = (
    "Aucune demande en cours. Pour que votre enfant soit aidé·e à trouver un stage par un "
    "ingénieur pour l'école : /stage."
)

# the first words of a pupil's (or a parent's) request: what the IPE can do, and cannot promise
REQUEST_INTRO = (
    "Je vais t'aider à demander l'aide d'un ingénieur pour l'école de ton académie : il connaît "
    "des entreprises qui accueillent des élèves et peut t'en proposer, sans pouvoir garantir un "
    "stage. Quelques questions rapides (tu peux revenir en arrière ou annuler à tout moment) ; "
    "rien n'est envoyé sans ton accord à la fin.",
    "Je vais transmettre la demande à un ingénieur pour l'école de l'académie : il connaît des "
    "entreprises qui accueillent des élèves et peut en proposer, sans pouvoir garantir un stage. "
    "Quelques questions rapides ; rien n'est envoyé sans accord explicite à la fin.",
)
