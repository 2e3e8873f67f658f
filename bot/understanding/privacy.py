"""Personal details taken out of a text before it is kept (the unanswered questions' inbox)."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(
    r"(?<!\d)(?:\+\s?\d{2,3}[\s.-]?|00\s?\d{2,3}[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"
)
_ADDRESS = re.compile(
    r"\b\d{1,4}\s?(?:bis|ter)?,?\s+(?:rue|av\.?|avenue|bd|boulevard|chemin|all[ée]e|impasse|place"
    r"|route|cours|quai|r[ée]sidence|cit[ée]|square|passage|lotissement)\b[^,.;!?\n]{0,40}",
    re.IGNORECASE,
)
# words after a first name typed in lower case that are not its surname (« lina et je suis »)
_NOT_NAMES = (
    r"(?:et|je|j|jsui|jsuis|jsu|chui|suis|au|en|du|de|des|la|le|les|c|cest|ces|moi|mais|a|à|ai"
    r"|dans|pour|avec|sur|college|collège|lycee|lycée|clg|lp|classe|j'ai|jai|g|mon|ma|mes"
    r"|bonjour|slt|salut|merci|stp|svp|and|i|from|at|in|que|qui|pas|plus|pareil|comme|quoi|ok"
    r"|bon|pour|un|une|the|not)\b"
)
_NAME = re.compile(
    r"(?i:\b(je m'?\s?appelle|j'?m'?\s?appelle|j'?\s?m'?\s?ap+el+e?|je m'?\s?ap+el+e?"
    r"|mon nom c'?\s?est|mon nom est|moi c'?\s?est"
    r"|my name is|mon pr[ée]nom c'?\s?est|mon pr[ée]nom est))\s+"
    r"((?!"
    + _NOT_NAMES
    + r")[A-Za-zÀ-ÖØ-öø-ÿ][\w'-]*(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'-]+|(?!"
    + _NOT_NAMES
    + r")[a-zà-öø-ÿ]"
    r"[\w'-]+)){0,2})"
)
_POSTCODE_TOWN = re.compile(r"\b\d{5}\s+[A-ZÀ-ÖØ-Þ][\w'-]+")


def scrub(text: str) -> str:
    """The text with e-mail addresses, phone numbers, postal addresses and stated names
    replaced by placeholders ([e-mail], [téléphone], [adresse], [nom])."""
    text = _ADDRESS.sub("[adresse]", _PHONE.sub("[téléphone]", _EMAIL.sub("[e-mail]", text)))
    return _names(_POSTCODE_TOWN.sub("[adresse]", text))


def scrub_contact(text: str) -> str:
    """Only e-mail addresses, phone numbers, stated names and the pupil's home street (a form's
    answer keeps the school's or the company's address, which the engineer needs, and the town
    of the home: « j'habite au [adresse] à Aubagne »)."""
    return _home(_names(_PHONE.sub("[téléphone]", _EMAIL.sub("[e-mail]", text))))


# the pupil's own street address, said as such (« j'habite au 12 rue des Lilas à Aubagne »)
_HOME = re.compile(
    r"(?i)\b(?:j'?\s?habite|on habite|nous habitons|chez moi|mon adresse|my address|i live)\b"
    r"(?:\s*(?:c'?\s?est|est|is|:))?(?:\s*(?:au|à|at|a|in)\b)?\s*"
)
_TOWN_AFTER = re.compile(r"(?i)\s(?:à|a|in)\s+[A-ZÀ-ÖØ-Þa-z]|\s\d{5}\s")


def _home(text: str) -> str:
    for said in _HOME.finditer(text):
        street = _ADDRESS.match(text, said.end())
        if street is not None:
            town = _TOWN_AFTER.search(street.group())  # the town stays: it is what counts
            end = street.start() + town.start() if town else street.end()
            return text[: street.start()] + "[adresse]" + _home(text[end:])
    return text


def _names(text: str) -> str:
    return _NAME.sub(lambda m: f"{m.group(1)} [nom]", text)


# a social account given or asked for: « mon snap c'est ines.tls31 », « @ines_31 »
_SOCIAL = re.compile(
    r"(?i)\b(?:mon|ma|my|son|sa)\s+(?:snap|snapchat|insta|instagram|whatsapp|whatsap|wsp|tiktok"
    r"|discord|facebook)\b\s*(?:c'?\s?est|:|=|est|is)?\s*@?[\w.]{3,}"
    r"|(?<![\w.@])@[A-Za-z_][\w.]{2,}"
)
# an adult asking a pupil for a private way to reach them: « donne-moi ton numéro et ton snap »
_ASKS_CONTACT = re.compile(
    r"(?i)\b(?:ton|ta|tes|votre|vos)\s+(?:num[ée]ro|num|portable|t[ée]l[ée]phone|tel|snap"
    r"|snapchat|insta|instagram|whatsapp|adresse|mail|e-mail|email|compte|r[ée]seaux)\b"
)


def contact_details(text: str) -> bool:
    """The text gives a phone number, an e-mail, a postal address or a social account."""
    return any(p.search(text) for p in (_PHONE, _EMAIL, _ADDRESS, _SOCIAL))


# what surrounds a number or an account given alone: « mon num c'est », « appelle moi au »
_CONTACT_WORDS = re.compile(
    r"(?i)\b(?:mon|ma|mes|my|c'?\s?est|est|voici|voila|here|is|au|sur|le|la|l|num|numero|numéro"
    r"|tel|tél|téléphone|telephone|portable|phone|number|mail|e-mail|email|adresse|snap|snapchat"
    r"|insta|instagram|whatsapp|appelle|appelez|appel|call|me|moi|contacte|contactez|écris|ecris"
    r"|text|pour|si|besoin|nom|prénom|prenom|je|j|m'?appelle|name|and|et|ou|or)\b"
)


def only_contact(text: str) -> bool:
    """The text is a phone number, an e-mail, an account or a name and nothing else (« 06 12 34
    56 78 », « mon snap c'est ines.tls31 », « je m'appelle Inès »): no answer to a question."""
    if not (contact_details(text) or _NAME.search(text)):
        return False
    left = _SOCIAL.sub(" ", _NAME.sub(" ", _PHONE.sub(" ", _EMAIL.sub(" ", text))))
    return len(re.sub(r"[\W\d_]+", "", _CONTACT_WORDS.sub(" ", left))) < 2


def asks_contact(text: str) -> bool:
    """The text asks someone for their number, address or social account."""
    return _ASKS_CONTACT.search(text) is not None
