"""Levels and sectors, as pupils type them and as the offers list them."""

from __future__ import annotations

from bot.cases.communes import fold

LEVEL_LABELS = {
    "4e": "4e",
    "3e": "3e",
    "2de": "2de",
    "cap": "CAP",
    "bacpro": "bac pro",
    "bts": "BTS",
}
# What a CSV or a pupil may write for each level (folded); 1élève1stage's grades included.
LEVEL_WORDS = {
    "4e": ("4e", "4eme", "quatrieme", "4 eme"),
    "3e": ("3e", "3eme", "troisieme", "3 eme"),
    "2de": ("2de", "2nde", "seconde", "2de gt", "seconde gt", "2nd"),
    "cap": ("cap",),
    "bacpro": ("bac pro", "bacpro", "bac professionnel", "lycee pro", "2de pro", "seconde pro"),
    "bts": ("bts",),
}
_LEVEL_OF = {variant: key for key, variants in LEVEL_WORDS.items() for variant in variants}

# Sectors a pupil names, with the words of the offers that belong to them (folded). Unmet demand
# is counted under these names only, never under what the pupil typed.
SECTORS: dict[str, tuple[str, ...]] = {
    "boulangerie": ("boulangerie", "boulanger", "boulangere", "patisserie", "patissier"),
    "informatique": (
        "informatique",
        "informaticien",
        "numerique",
        "developpeur",
        "developpement",
        "programmation",
        "code",
        "reseau",
        "web",
    ),
    "coiffure": ("coiffure", "coiffeur", "coiffeuse", "salon", "barbier"),
    "restauration": ("restauration", "restaurant", "cuisine", "cuisinier", "serveur", "hotellerie"),
    "commerce": ("commerce", "vente", "vendeur", "vendeuse", "magasin", "boutique", "caisse"),
    "automobile": ("automobile", "garage", "mecanique", "mecanicien", "carrosserie", "auto"),
    "sante": ("sante", "hopital", "infirmier", "infirmiere", "medecin", "pharmacie", "clinique"),
    "animaux": ("animaux", "veterinaire", "animalerie", "soigneur", "elevage", "zoo"),
    "batiment": (
        "batiment",
        "btp",
        "chantier",
        "maconnerie",
        "macon",
        "plomberie",
        "plombier",
        "electricien",
        "electricite",
        "menuiserie",
        "menuisier",
        "peintre",
    ),
    "agriculture": (
        "agriculture",
        "ferme",
        "agricole",
        "agriculteur",
        "maraichage",
        "horticulture",
    ),
    "petite enfance": ("creche", "enfance", "petite enfance", "maternelle", "garderie"),
    "enseignement": ("ecole", "enseignement", "professeur", "education"),
    "droit": ("droit", "avocat", "notaire", "juridique", "tribunal", "justice"),
    "banque": ("banque", "assurance", "finance", "comptabilite", "comptable"),
    "communication": ("communication", "journalisme", "journaliste", "medias", "radio", "presse"),
    "audiovisuel": ("audiovisuel", "cinema", "video", "photographie", "photographe", "television"),
    "sport": ("sport", "sportif", "club", "salle de sport", "coach", "animateur sportif"),
    "culture": ("culture", "musee", "bibliotheque", "theatre", "musique", "librairie"),
    "esthetique": ("esthetique", "estheticienne", "beaute", "onglerie", "parfumerie"),
    "logistique": ("logistique", "entrepot", "transport", "livraison", "magasinier"),
    "industrie": ("industrie", "usine", "production", "aeronautique", "chimie", "energie"),
    "architecture": ("architecture", "architecte", "urbanisme", "design", "decoration"),
    "securite": ("securite", "pompier", "pompiers", "police", "gendarmerie", "armee", "defense"),
    "administration": ("administration", "mairie", "secretariat", "accueil", "bureau"),
    "environnement": ("environnement", "nature", "jardin", "paysagiste", "espaces verts", "foret"),
    "social": ("social", "association", "aide a domicile", "ehpad", "solidarite"),
    "tourisme": ("tourisme", "hotel", "agence de voyage", "camping", "office de tourisme"),
    "fleuriste": ("fleuriste", "fleurs"),
    "boucherie": ("boucherie", "boucher", "charcuterie", "traiteur"),
    "laboratoire": ("laboratoire", "recherche", "science", "sciences", "biologie"),
}
_SECTOR_OF = {variant: key for key, variants in SECTORS.items() for variant in variants}


def level_of(text: str) -> str | None:
    """A level key from what someone wrote ("3ème", "seconde", "bac pro"), or None."""
    folded = f" {fold(text)} "
    for variant in sorted(_LEVEL_OF, key=len, reverse=True):
        if f" {variant} " in folded:
            return _LEVEL_OF[variant]
    return None


def parse_levels(text: str) -> tuple[list[str], list[str]]:
    """Levels separated by ";" (or ","): (keys, what was not understood)."""
    keys, bad = [], []
    for part in text.replace(",", ";").split(";"):
        if not part.strip():
            continue
        key = _LEVEL_OF.get(fold(part))
        if key is None:
            bad.append(part.strip())
        elif key not in keys:
            keys.append(key)
    return keys, bad


def stored_levels(keys: list[str]) -> str:
    """As the column keeps them: " 3e 2de " (a LIKE '% 3e %' finds one)."""
    return f" {' '.join(keys)} " if keys else ""


def level_labels(stored: str) -> str:
    return ", ".join(LEVEL_LABELS.get(k, k) for k in stored.split())


def sector_of(words: list[str]) -> str | None:
    """The known sector named by these folded words (one or two at a time), or None."""
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            key = _SECTOR_OF.get(" ".join(words[start : start + size]))
            if key is not None:
                return key
    return None


def sector_terms(sector: str | None) -> tuple[str, ...]:
    """The words an offer of this sector may use."""
    return SECTORS.get(sector or "", ())
