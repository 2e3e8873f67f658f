"""The 30 académies: loading knowledge/academies.yaml and finding a pupil's académie from text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.cases.communes import ARTICLES, COMMUNES_FILE, FILLERS, Candidate, CommuneIndex, fold
from bot.understanding.errors import load_yaml
from bot.understanding.knowledge import KnowledgeError

HOMONYM_SHARE = 0.25  # a town elsewhere this big (share of the named one) makes a name ambiguous
MIN_GUESSED_POPULATION = 2000  # a misspelt commune smaller than this is not guessed
_POSTCODE = re.compile(r"\b(\d{5})\b")
_DEPT = re.compile(r"\b(2a|2b|97[1-6]|\d{1,2})\b")
# Words that may stand around a bare département number: "93", "le 93", "dans le 69".
_DEPT_FILLER = set(
    "je j suis habite vis dans le la du de en au departement dept dep c est ca mon ma a".split()
)
# how a folded name sounds, roughly: « bordeaux » and « bordo », « marseille » and « marseil »
_SOUND_RULES = (
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"eaux?\b|aux?\b|au"), "o"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"qu|ck|c(?=[aou])"), "k"),
    (re.compile(r"y"), "i"),
    (re.compile(r"z"), "s"),
    (re.compile(r"ai|ei"), "e"),
    (re.compile(r"(?<=[a-z])[estxd]+\b"), ""),
)


def sound(folded: str) -> str:
    for rule, replacement in _SOUND_RULES:
        folded = rule.sub(replacement, folded)
    return folded


_SAINTS = {"saint", "sainte"}  # a commune of that bare name is not the start of a longer one


@dataclass(frozen=True)
class Academy:
    id: str
    name: str
    code: str
    region: str
    departements: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()


def of_academy(name: str) -> str:
    """ "l'académie de Lyon", "l'académie d'Aix-Marseille": the French elision."""
    return f"d'{name}" if fold(name)[:1] in "aeiouy" else f"de {name}"


@dataclass(frozen=True)
class Resolution:
    """What a pupil's answer says about their académie.

    `academy` is set when the text points to exactly one; `confident` is False when it was
    guessed from a misspelling, so the bot asks for confirmation; `candidates` lists the
    académies when the text is ambiguous.
    """

    academy: Academy | None
    confident: bool = False
    candidates: tuple[Academy, ...] = ()
    matched: str = ""


@dataclass
class AcademyDirectory:
    academies: dict[str, Academy] = field(default_factory=dict)
    by_departement: dict[str, Academy] = field(default_factory=dict)
    names: dict[str, Academy] = field(default_factory=dict)  # folded phrase -> académie
    regions: dict[str, list[Academy]] = field(default_factory=dict)  # folded région -> académies
    elsewhere: dict[str, str] = field(default_factory=dict)  # folded place -> « la Polynésie »
    _by_sound: dict[str, str] | None = None
    # every commune (knowledge/communes.tsv.gz), when nothing above answers
    communes: CommuneIndex | None = None

    def get(self, key: str | None) -> Academy | None:
        """By id, code or any name."""
        if not key:
            return None
        if key in self.academies:
            return self.academies[key]
        folded = fold(key)
        for academy in self.academies.values():
            if academy.code.lower() == folded:
                return academy
        return self.names.get(folded)

    def outside(self, text: str) -> str | None:
        """The place named when its schools are in no académie (« nouméa »), else None."""
        padded = f" {fold(text)} "
        return next((name for key, name in self.elsewhere.items() if f" {key} " in padded), None)

    def departement_of_postcode(self, postcode: str) -> str | None:
        if postcode.startswith("97"):
            return postcode[:3]
        if postcode.startswith("20"):
            return "2A" if int(postcode) < 20200 else "2B"
        return postcode[:2]

    def resolve(self, text: str) -> Resolution:
        """Find the académie in "j'habite à Marseille", "93", "69003", "aix", "caen"..."""
        folded = fold(text)
        if not folded:
            return Resolution(None)
        for postcode in _POSTCODE.findall(folded):
            dept = self.departement_of_postcode(postcode)
            academy = self.by_departement.get(dept or "")
            if academy is not None:
                return Resolution(academy, True, (academy,), postcode)
        words = folded.split()
        numbers = [w for w in words if _DEPT.fullmatch(w)]
        if len(numbers) == 1 and all(w in _DEPT_FILLER or w == numbers[0] for w in words):
            code = numbers[0].upper()
            code = code.zfill(2) if code.isdigit() and len(code) == 1 else code
            code = "2A" if code == "20" else code  # Corse's old number, both départements
            academy = self.by_departement.get(code)
            if academy is not None:  # « 1 » may be a button's number: confirmed, not taken
                sure = len(numbers[0]) > 1 or len(words) > 1
                return Resolution(academy, sure, (academy,), numbers[0])
        # exact names, longest first ("saint denis de la reunion" before "saint denis")
        padded = f" {folded} "
        found: list[tuple[str, Academy]] = []
        for phrase in sorted(self.names, key=len, reverse=True):
            if f" {phrase} " in padded and not any(phrase in longer for longer, _ in found):
                found.append((phrase, self.names[phrase]))
        # a commune's whole name beats a phrase inside it ("Saint-André-de-Corcy" is not
        # Saint-André of La Réunion), not the same phrase ("St-Denis" stays Saint-Denis 93)
        communes = self._communes(text)
        # ("La Creuse", a village of Haute-Saône, is one word longer than the département)
        size = max((len(_bare(c.commune).split()) for c in communes), default=0)
        distinct = {a.id: a for _, a in found}
        if distinct and size > len(found[0][0].split()):
            return self._resolution(communes)
        if len(distinct) == 1:
            phrase, academy = found[0]
            twins = self._homonyms(phrase, academy)
            if twins:  # "St-Denis": Seine-Saint-Denis or La Réunion? asked, never guessed
                named = [a for a in (academy, *twins) if _names(a, padded)]
                if len(named) == 1:  # "Saint-Denis 974", "St Denis la Réunion"
                    return Resolution(named[0], True, (named[0],), phrase)
                return Resolution(None, False, (academy, *twins), phrase)
            return Resolution(academy, True, (academy,), phrase)
        if len(distinct) > 1:
            return Resolution(None, False, tuple(distinct.values()), found[0][0])
        for region in sorted(self.regions, key=len, reverse=True):
            if f" {region} " in padded:
                if size > len(region.split()):
                    return self._resolution(communes)
                academies = tuple(self.regions[region])
                if len(academies) == 1:
                    return Resolution(academies[0], True, academies, region)
                return Resolution(None, False, academies, region)
        if communes:
            return self._resolution(communes)
        # a misspelling: the closest names, to confirm
        candidates: dict[str, Academy] = {}
        best_phrase = ""
        for chunk in _chunks(words):
            if len(chunk) <= 4:
                continue
            match = process.extractOne(chunk, list(self.names), scorer=fuzz.ratio, score_cutoff=84)
            heard = self._sounds().get(sound(chunk)) if match is None else None  # « bordo »
            if match is not None or heard is not None:
                phrase = match[0] if match is not None else heard
                academy = self.names[phrase]
                candidates.setdefault(academy.id, academy)
                best_phrase = best_phrase or phrase
        if len(candidates) == 1:
            academy = next(iter(candidates.values()))
            return Resolution(academy, False, (academy,), best_phrase)
        if candidates:
            return Resolution(None, False, tuple(candidates.values()), best_phrase)
        # then a commune's misspelling or the start of its name ("Cherbourg")
        guesses = self.communes.resolve(text) if self.communes is not None else []
        return self._resolution([g for g in guesses if self._guessable(g)])

    def _sounds(self) -> dict[str, str]:
        """Names by how they sound (« bordeaux » and « bordo »), when one académie has it."""
        if self._by_sound is None:
            found: dict[str, set[str]] = {}
            for name in self.names:
                if len(name) > 4:
                    found.setdefault(sound(name), set()).add(name)
            self._by_sound = {
                key: min(names)
                for key, names in found.items()
                if len({self.names[n].id for n in names}) == 1
            }
        return self._by_sound

    def _guessable(self, candidate: Candidate) -> bool:
        """A commune named exactly, or a town big enough to be what a misspelling meant: an
        everyday word is not a village's near-namesake (« semaine » is not Semoine)."""
        index = self.communes
        if candidate.exact or index is None:
            return True
        i = index.by_insee.get(candidate.insee)
        return i is not None and index.communes[i].population >= MIN_GUESSED_POPULATION

    def _homonyms(self, phrase: str, academy: Academy) -> tuple[Academy, ...]:
        """Other académies with a town of this name nearly as big (HOMONYM_SHARE)."""
        index = self.communes
        if index is None or not index.communes:
            return ()
        towns = [index.communes[i] for i in index.by_name.get(phrase, [])]
        own = {code for code, _ in academy.departements}
        biggest = max((t.population for t in towns if t.departement in own), default=0)
        twins = {
            index.academy_of.get(t.departement, "")
            for t in towns
            if t.departement not in own and t.population >= HOMONYM_SHARE * biggest > 0
        }
        return tuple(self.academies[a] for a in sorted(twins) if a in self.academies)

    def _communes(self, text: str) -> list[Candidate]:
        """Communes whose whole name the text says ("j'habite à Rezé"), none when guessed;
        « Le Saint » is not what « st barth » says."""
        if self.communes is None:
            return []
        words = fold(text).split()
        cut = any(w in _SAINTS and i + 1 < len(words) for i, w in enumerate(words))
        return [
            c
            for c in self.communes.resolve(text)
            if c.exact and not (cut and _bare(c.commune) in _SAINTS)
        ]

    def _resolution(self, found: list[Candidate]) -> Resolution:
        """Communes as an answer: one académie, or the académies to choose from."""
        academies = {
            c.academy: self.academies[c.academy] for c in found if c.academy in self.academies
        }
        if not academies:
            return Resolution(None)
        matched = fold(found[0].commune)
        if len(academies) == 1:
            academy = next(iter(academies.values()))
            return Resolution(academy, all(c.exact for c in found), (academy,), matched)
        return Resolution(None, False, tuple(academies.values()), matched)


def _bare(name: str) -> str:
    """A commune's folded name without its article: "La Marne" says no more than "Marne"."""
    folded = fold(name)
    return next((folded[len(a) :] for a in ARTICLES if folded.startswith(a)), folded)


def _names(academy: Academy, padded: str) -> bool:
    """The text (folded, padded with spaces) names the académie, its région or a département."""
    names = [academy.name, academy.region, *(n for pair in academy.departements for n in pair)]
    folded = {fold(n) for n in names} | {fold(n).removeprefix("la ") for n in names}
    return any(f" {n} " in padded for n in folded if n)


def _chunks(words: list[str]) -> list[str]:
    """Runs of one to four words, longest first, to compare with names."""
    out = []
    for size in (4, 3, 2, 1):
        for i in range(len(words) - size + 1):
            chunk = words[i : i + size]
            if chunk[0] in _DEPT_FILLER or chunk[0] in FILLERS or chunk[-1] in FILLERS:
                continue  # « l'heure » is no misspelt Eure
            out.append(" ".join(chunk))
    return out


def load_academies(path: Path | str) -> tuple[AcademyDirectory, list[KnowledgeError]]:
    """Read academies.yaml; entries with errors are left out and reported."""
    path = Path(path)
    errors: list[KnowledgeError] = []
    directory = AcademyDirectory()
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        errors.append(KnowledgeError(path.name, None, None, f"fichier illisible : {exc}"))
        return directory, errors
    entries = data.get("academies") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        errors.append(KnowledgeError(path.name, None, "academies", "liste manquante"))
        return directory, errors
    for i, raw in enumerate(entries, 1):
        entry = str(raw.get("id")) if isinstance(raw, dict) else f"#{i}"
        if not isinstance(raw, dict):
            errors.append(KnowledgeError(path.name, entry, None, "doit être un objet"))
            continue
        missing = [k for k in ("id", "name", "code", "departements") if not raw.get(k)]
        if missing:
            for key in missing:
                errors.append(KnowledgeError(path.name, entry, key, "champ manquant"))
            continue
        depts = []
        for d in raw["departements"]:
            if isinstance(d, dict) and d.get("code"):
                depts.append((str(d["code"]).upper(), str(d.get("name", ""))))
            else:
                errors.append(KnowledgeError(path.name, entry, "departements", f"entrée {d!r}"))
        academy = Academy(
            id=str(raw["id"]),
            name=str(raw["name"]),
            code=str(raw["code"]).upper(),
            region=str(raw.get("region", "")),
            departements=tuple(depts),
            aliases=tuple(str(a) for a in raw.get("aliases") or ()),
            cities=tuple(str(c) for c in raw.get("cities") or ()),
        )
        if academy.id in directory.academies:
            errors.append(KnowledgeError(path.name, entry, "id", "identifiant en double"))
            continue
        directory.academies[academy.id] = academy
        for code, _name in academy.departements:
            if code in directory.by_departement:
                other = directory.by_departement[code].id
                errors.append(
                    KnowledgeError(path.name, entry, "departements", f"{code} déjà dans {other}")
                )
            directory.by_departement[code] = academy
        if academy.region:
            directory.regions.setdefault(fold(academy.region), []).append(academy)
        phrases = [academy.name, academy.id, *academy.aliases, *academy.cities]
        phrases += [name for _, name in academy.departements if name]
        for phrase in phrases:
            key = fold(phrase)
            if key and key not in directory.names:
                directory.names[key] = academy
    _read_groups(path.name, data, directory, errors)
    communes = path.parent / COMMUNES_FILE
    if communes.is_file():
        directory.communes = CommuneIndex(
            communes,
            {code: academy.id for code, academy in directory.by_departement.items()},
            {
                name: code
                for a in directory.academies.values()
                for code, name in a.departements
                if name
            },
        )
    return directory, errors


def _read_groups(
    file: str, data: dict, directory: AcademyDirectory, errors: list[KnowledgeError]
) -> None:
    """The `groups` (a word for several académies) and `elsewhere` (no académie) lists."""
    for i, raw in enumerate(data.get("groups") or (), 1):
        names = raw.get("names") if isinstance(raw, dict) else None
        ids = raw.get("academies") if isinstance(raw, dict) else None
        if not isinstance(names, list) or not isinstance(ids, list):
            errors.append(KnowledgeError(file, f"groups #{i}", "names", "names et academies"))
            continue
        unknown = [a for a in ids if a not in directory.academies]
        if unknown:
            errors.append(KnowledgeError(file, f"groups #{i}", "academies", f"inconnues {unknown}"))
        members = [directory.academies[a] for a in ids if a in directory.academies]
        for key in (fold(str(name)) for name in names):
            if members and key:
                directory.regions.setdefault(key, members)
    for i, raw in enumerate(data.get("elsewhere") or (), 1):
        said = raw.get("name") if isinstance(raw, dict) else None
        names = raw.get("names") if isinstance(raw, dict) else None
        if not said or not isinstance(names, list):
            errors.append(KnowledgeError(file, f"elsewhere #{i}", "name", "name et names"))
            continue
        for name in [said, *names]:
            key = fold(str(name)).removeprefix("la ")
            if key:
                directory.elsewhere[key] = str(said)
