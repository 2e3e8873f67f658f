"""Every French commune, offline: a postcode, an INSEE code or a name gives the commune and its
académie.

The data is knowledge/communes.tsv.gz (built by knowledge/scripts/build_communes.py from
@etalab/decoupage-administratif; see knowledge/communes-LICENSE.md). It is read once, on the
first question, into dictionaries keyed by folded names, postcodes and INSEE codes; a typo is
looked up with rapidfuzz among names of the same first letter.
"""

from __future__ import annotations

import bisect
import gzip
import itertools
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.understanding.knowledge import default_knowledge_dir
from bot.understanding.normalise import STOPWORDS, strip_accents

COMMUNES_FILE = "communes.tsv.gz"
MAX_CANDIDATES = 10
FUZZY_CUTOFF = 85.0
# Collectivités outside academies.yaml that an académie serves.
SERVED_BY = {"977": "971", "978": "971"}  # Saint-Barthélemy, Saint-Martin: Guadeloupe

_NON_WORD = re.compile(r"[^a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
ARTICLES = ("le ", "la ", "les ", "l ")
_CODE = re.compile(r"^(\d{5}|2a\d{3}|2b\d{3})$")
_DEPT_CODE = re.compile(r"^(2a|2b|97[1-8]|0[1-9]|[1-8]\d|9[0-5])$")
_ORDINAL = r"(\d{1,2}) ?(?:er|ere|e|eme|ieme|em|me)?"
_CITY = r"(paris|lyon|marseille)"
_ARRONDISSEMENT = (
    re.compile(rf"\b{_CITY} {_ORDINAL}\b"),
    re.compile(rf"\b{_ORDINAL} (?:arrondissement|arr|arrt|arrdt) (?:de )?{_CITY}\b"),
)
# INSEE code of the first arrondissement, and how many there are.
_ARRONDISSEMENTS = {"paris": (75101, 20), "lyon": (69381, 9), "marseille": (13201, 16)}
# Words around a commune's name: "j'habite à Rezé", "vers Lille", "près de Nantes".
FILLERS = STOPWORDS | frozenset(
    """
    habite habites habitons habitent vis vit vivons vivent j jhabite jsuis suis viens venons
    vers pres proche cote loin pas a au aux commune ville village city secteur coin region
    quartier banlieue environs alentours autour lycee college ecole academie cedex moi
    clg lp lgt lpo cfa pro prive privee public publique gare mairie meme semaine heure
    """.split()
)
# Names that are everyday words too: they name a commune only when they are all the text says.
COMMON_WORDS = frozenset(
    """
    bois four long mer mont pont port plan prat rue son pin vue vert gras faux doux lacs mars
    bras job ham juif sus bus pis our ars ens us eu y by gy ri py sy ur oz ver vers ris rai
    mons orange plaisir bonnes classe sept ville sens mens mane sion fille fils aucun personne
    rien trop nul vite bon gare
    """.split()
)


def fold(text: str) -> str:
    """Lower case, no accents, single spaces for hyphens and apostrophes, "st" → "saint"."""
    words = _NON_WORD.sub(" ", strip_accents(text).lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    population: int


@dataclass(frozen=True)
class Candidate:
    """One answer: `exact` is False for a name guessed from a misspelling."""

    commune: str
    insee: str
    postcode: str
    departement: str
    academy: str | None
    exact: bool = True
    score: float = 100.0

    def as_dict(self) -> dict[str, str | None]:
        return {
            "commune": self.commune,
            "insee": self.insee,
            "postcode": self.postcode,
            "departement": self.departement,
            "academy": self.academy,
        }


class CommuneIndex:
    """The communes of one data file; loaded on the first lookup (thread-safe)."""

    def __init__(
        self,
        path: Path | str,
        academy_of: Mapping[str, str],
        departement_names: Mapping[str, str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.academy_of = dict(academy_of)
        for collectivity, served in SERVED_BY.items():
            if collectivity not in self.academy_of and served in self.academy_of:
                self.academy_of[collectivity] = self.academy_of[served]
        self.departement_names: dict[str, str] = {}
        for name, code in (departement_names or {}).items():
            key = fold(name)
            self.departement_names[key] = code
            for article in ARTICLES:  # "La Réunion" is also "réunion"
                if key.startswith(article):
                    self.departement_names[key[len(article) :]] = code
        self._lock = threading.Lock()
        self._communes: list[Commune] | None = None
        self.by_name: dict[str, list[int]] = {}
        self.by_postcode: dict[str, list[int]] = {}
        self.by_insee: dict[str, int] = {}
        self._by_letter: dict[tuple[str, int], list[str]] = {}
        self._sorted_names: list[str] = []

    def load(self) -> None:
        """Read the file now (start-up), rather than on the first lookup."""
        _ = self.communes

    @property
    def communes(self) -> list[Commune]:
        if self._communes is None:
            with self._lock:
                if self._communes is None:
                    self._load()
        assert self._communes is not None
        return self._communes

    def _load(self) -> None:
        stat = self.path.stat()
        tables = _tables(str(self.path), stat.st_mtime_ns, stat.st_size)
        self.by_name, self.by_postcode, self.by_insee = (
            tables.by_name,
            tables.by_postcode,
            tables.by_insee,
        )
        self._by_letter, self._sorted_names = tables.by_letter, tables.sorted_names
        self._communes = tables.communes

    def unmapped_departements(self) -> set[str]:
        """Départements of the data that no académie serves (should be empty)."""
        return {c.departement for c in self.communes} - set(self.academy_of)

    def _candidate(self, i: int, postcode: str = "", score: float = 100.0) -> Candidate:
        commune = self.communes[i]
        return Candidate(
            commune=commune.name,
            insee=commune.insee,
            postcode=postcode or (commune.postcodes[0] if commune.postcodes else ""),
            departement=commune.departement,
            academy=self.academy_of.get(commune.departement),
            exact=score >= 100.0,
            score=score,
        )

    def _by_population(self, indexes: list[int]) -> list[int]:
        unique = list(dict.fromkeys(indexes))
        return sorted(unique, key=lambda i: (-self.communes[i].population, self.communes[i].insee))

    def resolve(
        self, query: str, limit: int = MAX_CANDIDATES, min_score: float = FUZZY_CUTOFF
    ) -> list[Candidate]:
        """Candidates for what someone typed, best first; empty when nothing fits. Close
        spellings need `min_score` (a caller that keeps only near-exact ones saves the scan)."""
        folded = fold(query)
        if not folded or not self.communes:
            return []
        words = folded.split()
        found = self._codes(words)
        if found:
            return found[:limit]
        arrondissement = self._arrondissement(folded)
        if arrondissement is not None:
            return [self._candidate(arrondissement)]
        hits, used = self._exact(words)
        if not hits:
            return (self._prefix(words) or self._fuzzy(words, cutoff=min_score))[:limit]
        rest = [w for i, w in enumerate(words) if i not in used]
        exact = [self._candidate(i) for i in self._by_population(self._narrow(hits, rest))]
        # "clermont ferand": "Clermont" is a commune, but a longer name is one typo away
        longer = self._fuzzy(words, min_words=len(used) + 1, cutoff=max(90.0, min_score))
        if longer:
            return [*longer, *(c for c in exact if c.insee not in {x.insee for x in longer})][
                :limit
            ]
        return exact[:limit]

    def _codes(self, words: list[str]) -> list[Candidate]:
        """Postcodes first (every commune that has it), then an INSEE code."""
        out: list[Candidate] = []
        seen: set[int] = set()
        codes = [w.upper() for w in words if _CODE.match(w)]
        for code in codes:
            for i in self._by_population(self.by_postcode.get(code, [])):
                if i not in seen:
                    seen.add(i)
                    out.append(self._candidate(i, postcode=code))
        for code in codes:
            i = self.by_insee.get(code)
            if i is not None and i not in seen:
                seen.add(i)
                out.append(self._candidate(i))
        return out

    def _arrondissement(self, folded: str) -> int | None:
        for pattern in _ARRONDISSEMENT:
            match = pattern.search(folded)
            if match is None:
                continue
            city, number = match.groups() if pattern is _ARRONDISSEMENT[0] else match.groups()[::-1]
            first, count = _ARRONDISSEMENTS[city]
            if 1 <= int(number) <= count:
                return self.by_insee.get(str(first + int(number) - 1))
        return None

    def _exact(self, words: list[str]) -> tuple[list[int], set[int]]:
        """The longest run of words that is a commune's name (all runs of that length)."""
        content = [w for w in words if w not in FILLERS]
        if not content and " ".join(words) in self.by_name:  # "Eu", "Y": all it says
            return list(self.by_name[" ".join(words)]), set(range(len(words)))
        for size in range(min(len(words), 8), 0, -1):
            runs: list[tuple[str, int]] = []
            for start in range(len(words) - size + 1):
                run = words[start : start + size]
                if all(w in FILLERS for w in run):
                    continue
                if size == 1 and run[0] in COMMON_WORDS and not _alone(words, start):
                    continue
                if " ".join(run) in self.by_name:
                    runs.append((" ".join(run), start))
            # "Saint-Denis de la Réunion": a département's name beside another name qualifies it
            named = [r for r in runs if r[0] not in self.departement_names] or runs
            if named:
                hits = [i for key, _ in named for i in self.by_name[key]]
                used = {start + k for _, start in named for k in range(size)}
                return hits, used
        return [], set()

    def _prefix(self, words: list[str]) -> list[Candidate]:
        """The start of a longer name: "Cherbourg" → Cherbourg-en-Cotentin, biggest first."""
        content = [w for w in words if w not in FILLERS]
        text = " ".join(content)
        if len(text) < 4 or len(content) > 4 or (len(content) == 1 and text in COMMON_WORDS):
            return []  # « pas de sens » is not the start of Sens-de-Bretagne
        start = bisect.bisect_left(self._sorted_names, text + " ")
        hits: list[int] = []
        for key in itertools.islice(self._sorted_names, start, None):
            if not key.startswith(text + " "):
                break
            hits += self.by_name[key]
        return [self._candidate(i, score=95.0) for i in self._by_population(hits)]

    def _narrow(self, hits: list[int], rest: list[str]) -> list[int]:
        """Keep the communes of a département named beside the name: "Saint-Denis 974"."""
        depts = {w.upper() for w in rest if _DEPT_CODE.match(w)}
        text = f" {' '.join(rest)} "
        depts |= {code for name, code in self.departement_names.items() if f" {name} " in text}
        narrowed = [i for i in hits if self.communes[i].departement in depts]
        return narrowed or hits

    def _fuzzy(
        self, words: list[str], min_words: int = 1, cutoff: float = FUZZY_CUTOFF
    ) -> list[Candidate]:
        """Close spellings of runs of one to four content words, the closest first."""
        cutoff = max(cutoff, FUZZY_CUTOFF)
        scored: dict[int, float] = {}
        for chunk in _chunks(words):
            if len(chunk.replace(" ", "")) < 4 or chunk.count(" ") + 1 < min_words:
                continue
            # fuzz.ratio = 2 * matches / (len(a) + len(b)): lengths outside this range can't reach it
            c = cutoff / 100
            lengths = range(math.ceil(len(chunk) * c / (2 - c)), int(len(chunk) * (2 - c) / c) + 1)
            keys = [k for n in lengths for k in self._by_letter.get((chunk[0], n), ())]
            for key, score, _ in process.extract(
                chunk, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
            ):
                for i in self.by_name[key]:
                    scored[i] = max(scored.get(i, 0.0), min(score, 99.0))

        def rank(i: int) -> float:  # a bigger town wins a near tie: people misspell cities
            return scored[i] + min(math.log10(self.communes[i].population + 1), 6.0) / 2

        best = sorted(scored, key=rank, reverse=True)
        return [self._candidate(i, score=round(scored[i], 1)) for i in best]


# what may come before a name that is an everyday word too: « Sens », « à Sens », « j'habite à Sens »
_PLACE_INTRO = re.compile(
    r"^(?:(?:je suis|jsuis|suis|j habite|jhabite|habite|je vis|vis|c est|cest|ce est)\s*)?"
    r"(?:a|au|sur|vers|pres de|dans)?$"
)


def _alone(words: list[str], start: int) -> bool:
    """The everyday-word name at `start` is all the text says of a place: nothing but « à »,
    « j'habite à »… before it, nothing after it but a postcode or département number
    (« ça a pas de sens » names no town)."""
    after = words[start + 1 :]
    return _PLACE_INTRO.match(" ".join(words[:start])) is not None and all(
        _DEPT_CODE.match(w) or _CODE.match(w) for w in after
    )


def _chunks(words: list[str]) -> list[str]:
    """Runs of one to four words that neither start nor end with a filler, longest first."""
    out = []
    for size in (4, 3, 2, 1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if run[0] in FILLERS or run[-1] in FILLERS or (size == 1 and run[0] in COMMON_WORDS):
                continue
            out.append(" ".join(run))
    return out


def read_academy_map(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """From academies.yaml: département code → académie id, and département name → code."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    academy_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for entry in data.get("academies") or ():
        for dept in entry.get("departements") or ():
            code = str(dept["code"]).upper()
            academy_of[code] = str(entry["id"])
            if dept.get("name"):
                names[str(dept["name"])] = code
    return academy_of, names


@dataclass(frozen=True)
class _Tables:
    """What one communes file gives, shared by every index of that file (read-only)."""

    communes: list[Commune]
    by_name: dict[str, list[int]]
    by_postcode: dict[str, list[int]]
    by_insee: dict[str, int]
    by_letter: dict[tuple[str, int], list[str]]  # a close spelling has nearly the same length
    sorted_names: list[str]


@lru_cache(maxsize=2)
def _tables(path: str, mtime_ns: int, size: int) -> _Tables:
    """Read a communes file once per version of it (an edited file is read again)."""
    communes: list[Commune] = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        next(lines)  # header
        for line in lines:
            insee, name, postcodes, dept, population = line.rstrip("\n").split("\t")
            communes.append(Commune(insee, name, tuple(postcodes.split()), dept, int(population)))
    by_name: dict[str, list[int]] = {}
    by_postcode: dict[str, list[int]] = {}
    by_insee: dict[str, int] = {}
    parents_of_arrondissements = {"75056", "69123", "13055"}
    for i, commune in enumerate(communes):
        by_insee[commune.insee] = i
        key = fold(commune.name)
        by_name.setdefault(key, []).append(i)
        for article in ARTICLES:  # "Le Havre" is also "havre" ("j'habite au Havre")
            if key.startswith(article):
                by_name.setdefault(key[len(article) :], []).append(i)
        if commune.insee in parents_of_arrondissements:
            continue  # 13003 is Marseille 3e, not the whole of Marseille
        for postcode in commune.postcodes:
            by_postcode.setdefault(postcode, []).append(i)
    by_letter: dict[tuple[str, int], list[str]] = {}
    for key in by_name:
        by_letter.setdefault((key[0], len(key)), []).append(key)
    return _Tables(communes, by_name, by_postcode, by_insee, by_letter, sorted(by_name))


@cache
def default_index(knowledge_dir: Path | None = None) -> CommuneIndex:
    """The index of knowledge/ (KNOWLEDGE_DIR), its académies read from academies.yaml."""
    directory = knowledge_dir or default_knowledge_dir()
    academy_of, names = read_academy_map(directory / "academies.yaml")
    return CommuneIndex(directory / COMMUNES_FILE, academy_of, names)


def resolve(query: str, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Communes for a postcode, an INSEE code or a name, best first ([] when nothing fits)."""
    return default_index().resolve(query, limit)
