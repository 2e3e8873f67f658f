"""What a pupil's sentence asks for: a sector, a place, a level and a week.

"je cherche un stage en boulangerie vers Rezé" → sector boulangerie, commune Rezé (INSEE 44143,
département 44, académie de Nantes). The place comes from `bot.cases.communes` (a commune's
name inside the sentence, a postcode, a département's number or name); the words that are left
name the sector, fuzzily matched against the offers' titles and sectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.cases.communes import FILLERS, Candidate, CommuneIndex, fold
from bot.cases.dates import MONTHS
from bot.placements.vocabulary import LEVEL_WORDS, sector_of

# Words of the request itself, not of what is asked for.
_REQUEST_WORDS = frozenset(
    """
    stage stages stg cherche cherches cherchons recherche recherches chercher trouve trouves
    trouver trouvé veux voudrais voudrait aimerais aimerait faire fais fait dispo disponible
    disponibles offre offres place places propose proposez y a ya il est existe quoi quel quelle
    quels quelles des un une de du en dans le la les mon ma mes pour je j tu on me te svp stp
    merci bonjour salut pas ne peux peut sais trouvais trouve rien aucun aucune avoir ai as
    semaine semaines janvier fevrier mars avril mai juin juillet aout septembre octobre novembre
    decembre eleve classe niveau observation entreprise entreprises metier metiers secteur
    domaine boite svp plz help aide aider
    """.split()
)
_STAGE = re.compile(r"\b(stage|stages|stg|stag|offre|offres|internship|internships)\b")
_INTENT = re.compile(
    r"\b(cherche|cherches|recherche|trouve|trouver|trouves|veux|voudrais|aimerais|y a|ya|"
    r"jcherche|jrecherche|jtrouve|jveux|jvoudrais|jaimerais|besoin|looking|need|"
    r"existe|dispo|disponibles?|propose|proposez|connais|connaissez)\b|^(stage|stages|offres?)\b"
)
_DEPT = re.compile(
    r"\b(?:dans le|dans l|departement|departement du|dept)\s+(2a|2b|97[1-8]|0[1-9]|[1-8]\d|9[0-5])\b"
)
_MONTH_NAMES = [fold(month) for month in MONTHS]  # janvier … decembre
_DAY = re.compile(rf"\b(\d{{1,2}})(?: er)? ({'|'.join(_MONTH_NAMES)})\b")
_LEVEL_VARIANTS = sorted(
    {v for variants in LEVEL_WORDS.values() for v in variants}, key=len, reverse=True
)


@dataclass(frozen=True)
class SearchQuery:
    sector: str | None = None  # a known sector (vocabulary.SECTORS)
    terms: tuple[str, ...] = ()  # the other content words, matched against the offers
    commune: Candidate | None = None
    departement: str | None = None
    academy: str | None = None
    level: str | None = None
    week: str = ""  # ISO week asked for, "2027-W03"
    words: tuple[str, ...] = field(default=(), repr=False)

    @property
    def has_place(self) -> bool:
        return self.academy is not None

    @property
    def has_subject(self) -> bool:
        return self.sector is not None or bool(self.terms)


# « jai trouvé une boulangerie » : the stage is found, the questions are about it (not « j'ai pas
# trouvé », « j'ai trouvé aucun stage »)
_FOUND = re.compile(
    r"\b(?:j ai|jai|g|ai|on a|il a|elle a|tu as|t as) (?:deja |enfin |bien )?(?:trouve|trouvee)\b"
    r"(?! (?:aucun|aucune|personne|rien|pas|que des refus)\b)"
)


def looks_like_search(text: str) -> bool:
    """A sentence about finding a stage (not a question about how stages work, nor about a
    stage already found)."""
    folded = fold(text)
    return bool(_STAGE.search(folded) and _INTENT.search(folded) and not _FOUND.search(folded))


def parse(text: str, index: CommuneIndex, today: date | None = None) -> SearchQuery:
    folded = fold(text)
    level = None
    for variant in _LEVEL_VARIANTS:
        if re.search(rf"\b{variant}\b", folded):
            level = next(k for k, vs in LEVEL_WORDS.items() if variant in vs)
            folded = re.sub(rf"\b{variant}\b", " ", folded)
            break
    week = _week(folded, today or date.today())
    departement = None
    dept = _DEPT.search(folded)
    if dept is not None:
        departement = dept.group(1).upper()
        folded = folded.replace(dept.group(0), " ")
    commune = None
    words = folded.split()
    if departement is None:
        found = [c for c in index.resolve(" ".join(words), 3, 95.0) if c.score >= 95]
        named = _departement_name(words, index)  # "Loire-Atlantique" is not "Loiré"
        if found and (named is None or len(fold(found[0].commune)) >= len(named[1])):
            commune = found[0]
            departement = commune.departement
            name = fold(commune.commune).split()
            words = _without(words, name, commune.postcode)
        elif named is not None:
            departement = named[0]
            words = _without(words, named[1].split(), "")
    academy = None
    if commune is not None:
        academy = commune.academy
    elif departement is not None:
        academy = index.academy_of.get(departement)
    content = [w for w in words if w not in _REQUEST_WORDS and w not in FILLERS and len(w) > 2]
    sector = sector_of(content)
    terms = tuple(w for w in content if not w.isdigit())
    return SearchQuery(
        sector=sector,
        terms=terms,
        commune=commune,
        departement=departement,
        academy=academy,
        level=level,
        week=week,
        words=tuple(words),
    )


def _without(words: list[str], name: list[str], postcode: str) -> list[str]:
    """The words with the commune's name (and its postcode) taken out."""
    out = list(words)
    for i in range(len(out) - len(name) + 1):
        if out[i : i + len(name)] == name:
            del out[i : i + len(name)]
            break
    return [w for w in out if not postcode or w != postcode.lower()]


def _departement_name(words: list[str], index: CommuneIndex) -> tuple[str, str] | None:
    """(code, folded name) of the longest département's name in the words."""
    text = f" {' '.join(words)} "
    names = [n for n in index.departement_names if len(n) > 3 and f" {n} " in text]
    if not names:
        return None
    name = max(names, key=len)
    return index.departement_names[name], name


def _week(folded: str, today: date) -> str:
    """The ISO week of the first day and month named ("12 janvier"), the next one to come."""
    match = _DAY.search(folded)
    if match is None:
        return ""
    month = _MONTH_NAMES.index(match.group(2)) + 1
    for year in (today.year, today.year + 1):
        try:
            day = date(year, month, int(match.group(1)))
        except ValueError:
            return ""
        if day >= today - timedelta(days=7):
            iso = day.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
    return ""
