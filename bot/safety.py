"""The safety net: spots a pupil in danger (suicide, violence, sexual abuse, harassment...).

Phrases and answer texts live in knowledge/safety.yaml (see the comment at its top for the
pattern syntax). Every phrase is compiled once into a regular expression over the message's
normalised words (accents removed, elisions split, SMS spelling expanded, repeated letters
squeezed), so that assessing a message costs a few regex searches. Words of 6 letters or more
that the net does not know are corrected towards the net's own vocabulary (one typo; two from
9 letters), never towards another first letter and never when listed in `not_typos`.

A file with a mistake is refused as a whole: load_safety() then returns a minimal built-in
net, with the errors, so that the bot never runs without a safety net.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.normalise import strip_accents

CATEGORIES = ("suicide", "home_violence", "sexual", "assault", "abuse", "harassment")
LEVELS = ("strong", "weak")
NUMBERS_REQUIRED = ("3114", "119", "3018", "114", "112")
PUPIL_MAX_CHARS = 700
FOOTER_MAX_CHARS = 300
ADULT_MAX_CHARS = 4096
DEFAULT_GAP = 3
MAX_GAP = 12
MAX_INPUT_CHARS = 2000
FUZZY_MIN_LEN = 6
FUZZY_CACHE_SIZE = 4096
_TOP_KEYS = {
    "version",
    "sms",
    "lists",
    "categories",
    "harmless",
    "reporters",
    "not_typos",
    "messages",
}

Level = Literal["strong", "weak"]
Reporter = Literal["self", "other"]


@dataclass(frozen=True)
class SafetySignal:
    """What the net found: how serious, what about, and who speaks."""

    level: Level
    category: str
    reporter: Reporter  # "other": an adult (teacher, CPE, parent) speaks about a pupil


@dataclass(frozen=True)
class SafetyError:
    """One problem in the safety file, located by file, entry and field."""

    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f", entrée « {self.entry} »"
        if self.field:
            where += f", champ « {self.field} »"
        return f"{where} : {self.message}"


class PatternError(ValueError):
    """A phrase that cannot be compiled (message in French, for the editors)."""


# --- normalisation -----------------------------------------------------------------------

_ELISION = re.compile(r"\b(qu|jusqu|lorsqu|puisqu|[cdjlmnst])['’`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NON_WORD_PATTERN = re.compile(r"[^a-z0-9*]+")
_REPEATS = re.compile(r"([a-z])\1+")  # every doubled letter: "frappe" = "frape", "mouriiir"
_LONG_REPEATS = re.compile(r"([a-z])\1{2,}")
_J_CONTRACTION = re.compile(r"^j[bcdfgklmnpqrstvwxz][a-z]{2,}$")


def _raw_words(text: str, pattern: bool = False) -> list[str]:
    text = strip_accents(text)
    text = _ELISION.sub(lambda m: m.group(1) + "e ", text)
    return (_NON_WORD_PATTERN if pattern else _NON_WORD).sub(" ", text).split()


def _squeeze(word: str) -> str:
    return _REPEATS.sub(r"\1", word)


class Normaliser:
    """Words as the net compares them: messages and phrases go through the same steps."""

    def __init__(self, sms: Mapping[str, str]) -> None:
        self.sms: dict[str, list[str]] = {}
        for key, value in sms.items():
            words = _raw_words(str(key))
            if len(words) == 1:
                # an expansion is itself normalised, without SMS (no loops)
                self.sms[_LONG_REPEATS.sub(r"\1", words[0])] = _raw_words(str(value))

    def words(self, text: str, pattern: bool = False) -> list[str]:
        out: list[str] = []
        for word in _raw_words(text, pattern):
            star = pattern and word.endswith("*")
            base = word.rstrip("*") if star else word
            base = _LONG_REPEATS.sub(r"\1", base)  # "jveuuux": the SMS key is "jveux"
            expanded = self.sms.get(base)
            if expanded is None and _J_CONTRACTION.match(base):
                expanded = ["je", base[1:]]  # "jveux", "jmennuie"
            parts = expanded if expanded is not None else [base]
            parts = [_squeeze(p) for p in parts if p]
            if star and parts:
                parts[-1] += "*"
            out.extend(parts)
        return out


# --- phrases ------------------------------------------------------------------------------


def _word_regex(word: str) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[a-z0-9]* "
    return re.escape(word) + " "


@dataclass
class _Compiled:
    regex: str
    literals: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)


def compile_phrase(
    phrase: str, normaliser: Normaliser, lists: Mapping[str, list[list[str]]]
) -> _Compiled:
    """One phrase of the YAML syntax as a regex over ' word word ' (raises PatternError)."""
    out = _Compiled("")
    parts: list[str] = []
    kinds: list[str] = []
    i, n = 0, len(phrase)

    def words_of(text: str) -> list[str]:
        ws = normaliser.words(text, pattern=True)
        for w in ws:
            if "*" in w[:-1] or (w.endswith("*") and len(w) - 1 < 4):
                raise PatternError(f"« {w} » : * seulement en fin de mot, après 4 lettres au moins")
            if w.endswith("*"):
                out.prefixes.add(w[:-1])
            else:
                out.literals.add(w)
        return ws

    def alternatives(choices: Iterable[list[str]], optional: bool) -> str:
        options = ["".join(_word_regex(w) for w in c) for c in choices]
        return "(?:" + "|".join(options) + ")" + ("?" if optional else "")

    while i < n:
        c = phrase[i]
        if c.isspace():
            i += 1
        elif c in "([":
            close = ")" if c == "(" else "]"
            j = phrase.find(close, i + 1)
            if j < 0:
                raise PatternError(f"« {c} » sans « {close} »")
            inner = phrase[i + 1 : j]
            if any(x in inner for x in "()[]<>"):
                raise PatternError("pas de groupe ni de <liste> à l'intérieur d'un groupe")
            choices = [words_of(a) for a in inner.split("|")]
            if any(not ch for ch in choices):
                raise PatternError(f"choix vide dans « {phrase[i : j + 1]} »")
            parts.append(alternatives(choices, optional=c == "["))
            kinds.append("opt" if c == "[" else "word")
            i = j + 1
        elif c in ")]>":
            raise PatternError(f"« {c} » sans ouverture")
        elif c == "<":
            j = phrase.find(">", i + 1)
            if j < 0:
                raise PatternError("« < » sans « > »")
            name = phrase[i + 1 : j].strip()
            if name not in lists:
                raise PatternError(f"liste inconnue <{name}> (voir le bloc `lists`)")
            for choice in lists[name]:
                for w in choice:
                    (out.prefixes.add(w[:-1]) if w.endswith("*") else out.literals.add(w))
            parts.append(alternatives(lists[name], optional=False))
            kinds.append("word")
            i = j + 1
        elif phrase.startswith("...", i) or c == "…":
            j = i + (3 if c == "." else 1)
            m = re.match(r"\d+", phrase[j:])
            gap = int(m.group()) if m else DEFAULT_GAP
            if not 1 <= gap <= MAX_GAP:
                raise PatternError(f"écart de 1 à {MAX_GAP} mots")
            if m:
                j += len(m.group())
            parts.append(r"(?:\S+ ){0," + str(gap) + "}")
            kinds.append("gap")
            i = j
        else:
            m = re.compile(r"(?:[^()\[\]<>.…]|\.(?!\.\.))+").match(phrase, i)
            if m is None:  # a lone "." or ".."
                i += 1
                continue
            ws = words_of(m.group())
            parts.extend(_word_regex(w) for w in ws)
            kinds.extend("word" for _ in ws)
            i = m.end()
    if "word" not in kinds:
        raise PatternError("phrase sans aucun mot obligatoire")
    if kinds[0] == "gap" or kinds[-1] == "gap":
        raise PatternError("« ... » seulement entre deux mots")
    out.regex = "(?<= )" + "".join(parts)
    return out


# --- the net ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Texts:
    pupil: Mapping[str, str]
    adult_intro: Mapping[str, str]
    adult_body: str
    footer: Mapping[str, str]


class SafetyNet:
    """Compiled phrases and answer texts; assess() is the only hot path."""

    def __init__(
        self,
        phrases: Mapping[str, Mapping[str, list[_Compiled]]],
        harmless: list[_Compiled],
        reporters: list[_Compiled],
        normaliser: Normaliser,
        not_typos: Iterable[str],
        texts: _Texts,
        source: str,
        errors: tuple[SafetyError, ...] = (),
    ) -> None:
        self.source = source
        self.errors = errors
        self.texts = texts
        self._normaliser = normaliser
        self._regex: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for level in LEVELS:
            self._regex[level] = [
                (cat, re.compile("|".join(c.regex for c in phrases[cat][level])))
                for cat in CATEGORIES
                if phrases[cat][level]
            ]
        self._harmless = re.compile("|".join(c.regex for c in harmless)) if harmless else None
        self._reporters = re.compile("|".join(c.regex for c in reporters)) if reporters else None
        literals: set[str] = set()
        prefixes: set[str] = set()
        for cat in CATEGORIES:
            for level in LEVELS:
                for c in phrases[cat][level]:
                    literals |= c.literals
                    prefixes |= c.prefixes
        self._known = (
            frozenset(literals)
            | frozenset(w for c in harmless for w in c.literals)
            | frozenset(_squeeze(w) for t in not_typos for w in _raw_words(t))
        )
        self._vocab: dict[str, list[str]] = {}
        for w in sorted(literals):
            if len(w) >= FUZZY_MIN_LEN and not w.isdigit():
                self._vocab.setdefault(w[0], []).append(w)
        self._prefixes: dict[str, list[str]] = {}
        for p in sorted(prefixes):
            if len(p) >= 5:
                self._prefixes.setdefault(p[0], []).append(p)
        self._fix_cache: dict[str, str] = {}

    @property
    def fallback(self) -> bool:
        """True when this is the built-in net (the file was missing or refused)."""
        return self.source == BUILTIN_SOURCE

    # --- matching --------------------------------------------------------------------------

    def _fix(self, word: str) -> str:
        """The net's own word this one is a typo of, or the word itself."""
        if len(word) < FUZZY_MIN_LEN or word in self._known or not word.isalpha():
            return word
        cached = self._fix_cache.get(word)
        if cached is not None:
            return cached
        fixed = word
        limit = 1 if len(word) < 10 else 2
        candidates = self._vocab.get(word[0], ())
        best = process.extractOne(word, candidates, scorer=Levenshtein.distance, score_cutoff=limit)
        if best is not None:
            fixed = best[0]
        else:
            for p in self._prefixes.get(word[0], ()):
                if word[: len(p)] != p and Levenshtein.distance(word[: len(p)], p) <= 1:
                    fixed = p + word[len(p) :]
                    break
        if len(self._fix_cache) >= FUZZY_CACHE_SIZE:
            self._fix_cache.clear()
        self._fix_cache[word] = fixed
        return fixed

    def prepared(self, text: str) -> str:
        """The message as the phrases see it: ' word word ', harmless expressions as '_'."""
        words = [self._fix(w) for w in self._normaliser.words(text[:MAX_INPUT_CHARS])]
        s = " " + " ".join(words) + " "
        if self._harmless is not None:
            s = self._harmless.sub("_ ", s)
        return s

    def assess(self, text: str, role: str | None = None) -> SafetySignal | None:
        """A signal when the message shows someone in danger, else None."""
        s = self.prepared(text)
        for level in LEVELS:
            for category, regex in self._regex[level]:
                if regex.search(s):
                    other = role == "teacher" or (
                        self._reporters is not None and self._reporters.search(s) is not None
                    )
                    return SafetySignal(level, category, "other" if other else "self")  # type: ignore[arg-type]
        return None

    # --- texts -------------------------------------------------------------------------------

    def message(self, signal: SafetySignal, role: str | None = None) -> str:
        """The help message: the pupil's (tu), or the adults' (vous) for a teacher or parent."""
        if role == "teacher" or signal.reporter == "other":
            intro = self.texts.adult_intro.get(signal.category, "")
            return (intro + "\n" + self.texts.adult_body).strip()
        return self.texts.pupil[signal.category].strip()

    def footer(self, role: str | None = None) -> str:
        """One line added under an ordinary answer after a weak signal."""
        return self.texts.footer["teacher" if role == "teacher" else "pupil"].strip()


# --- loading and validation ----------------------------------------------------------------

BUILTIN_SOURCE = "<filet intégré>"


def _strings(value: Any, file: str, entry: str, name: str, errors: list[SafetyError]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(SafetyError(file, entry, name, "une liste est attendue"))
        return []
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, str | int | float) or not str(item).strip():
            errors.append(SafetyError(file, entry, f"{name}[{i}]", "un texte non vide est attendu"))
            continue
        out.append(str(item))
    return out


def _text(
    value: Any, file: str, entry: str, name: str, errors: list[SafetyError], limit: int
) -> str:
    if not isinstance(value, str) or not value.strip():
        errors.append(SafetyError(file, entry, name, "un texte non vide est attendu"))
        return ""
    if len(value.strip()) > limit:
        errors.append(
            SafetyError(file, entry, name, f"{len(value.strip())} caractères, {limit} au plus")
        )
    if "<" in value and re.search(r"</?[a-zA-Z]", value):
        errors.append(SafetyError(file, entry, name, "texte simple attendu (pas de HTML)"))
    return value


def build_net(
    data: Any, file: str = "safety.yaml", real_words: Iterable[str] = ()
) -> tuple[SafetyNet | None, list[SafetyError]]:
    """The net described by the YAML data, or None with the errors.

    real_words: more words never corrected as typos (see REAL_WORDS_FILE).
    """
    errors: list[SafetyError] = []
    if not isinstance(data, dict):
        return None, [SafetyError(file, None, None, "le fichier doit être un dictionnaire")]
    for key in data:
        if key not in _TOP_KEYS:
            errors.append(SafetyError(file, str(key), None, "entrée inconnue"))

    sms_raw = data.get("sms") or {}
    if not isinstance(sms_raw, dict):
        errors.append(SafetyError(file, "sms", None, "un dictionnaire est attendu"))
        sms_raw = {}
    sms = {str(k): str(v) for k, v in sms_raw.items() if v is not None}
    normaliser = Normaliser(sms)

    lists: dict[str, list[list[str]]] = {}
    lists_raw = data.get("lists") or {}
    if not isinstance(lists_raw, dict):
        errors.append(SafetyError(file, "lists", None, "un dictionnaire est attendu"))
        lists_raw = {}
    for name, items in lists_raw.items():
        if not re.fullmatch(r"[a-z_]+", str(name)):
            errors.append(SafetyError(file, "lists", str(name), "nom en minuscules sans accent"))
        choices = []
        for i, item in enumerate(_strings(items, file, "lists", str(name), errors), 1):
            if any(x in item for x in "()[]<>|"):
                errors.append(
                    SafetyError(file, "lists", f"{name}[{i}]", "un mot ou une suite de mots")
                )
                continue
            ws = normaliser.words(item, pattern=True)
            if ws:
                choices.append(ws)
        if not choices:
            errors.append(SafetyError(file, "lists", str(name), "liste vide"))
        lists[str(name)] = choices

    def compile_all(items: list[str], entry: str, name: str) -> list[_Compiled]:
        out = []
        for i, phrase in enumerate(items, 1):
            try:
                out.append(compile_phrase(phrase, normaliser, lists))
            except PatternError as e:
                errors.append(SafetyError(file, entry, f"{name}[{i}]", f"« {phrase} » : {e}"))
        return out

    phrases: dict[str, dict[str, list[_Compiled]]] = {}
    cats = data.get("categories")
    if not isinstance(cats, dict):
        errors.append(SafetyError(file, "categories", None, "un dictionnaire est attendu"))
        cats = {}
    for cat in cats:
        if cat not in CATEGORIES:
            errors.append(
                SafetyError(file, str(cat), None, f"catégorie inconnue ({', '.join(CATEGORIES)})")
            )
    for cat in CATEGORIES:
        raw = cats.get(cat)
        if not isinstance(raw, dict):
            errors.append(SafetyError(file, cat, None, "catégorie manquante (strong, weak)"))
            phrases[cat] = {"strong": [], "weak": []}
            continue
        for key in raw:
            if key not in LEVELS:
                errors.append(SafetyError(file, cat, str(key), "champ inconnue (strong, weak)"))
        strong = _strings(raw.get("strong"), file, cat, "strong", errors)
        if not strong:
            errors.append(SafetyError(file, cat, "strong", "au moins une phrase"))
        weak = _strings(raw.get("weak"), file, cat, "weak", errors)
        phrases[cat] = {
            "strong": compile_all(strong, cat, "strong"),
            "weak": compile_all(weak, cat, "weak"),
        }
    harmless = compile_all(
        _strings(data.get("harmless"), file, "harmless", "harmless", errors),
        "harmless",
        "harmless",
    )
    reporters = compile_all(
        _strings(data.get("reporters"), file, "reporters", "reporters", errors),
        "reporters",
        "reporters",
    )
    not_typos = _strings(data.get("not_typos"), file, "not_typos", "not_typos", errors)
    not_typos.extend(real_words)

    msgs = data.get("messages")
    if not isinstance(msgs, dict):
        errors.append(SafetyError(file, "messages", None, "un dictionnaire est attendu"))
        msgs = {}
    pupil: dict[str, str] = {}
    intro: dict[str, str] = {}
    pupil_raw = msgs.get("pupil") if isinstance(msgs.get("pupil"), dict) else {}
    intro_raw = msgs.get("adult_intro") if isinstance(msgs.get("adult_intro"), dict) else {}
    for cat in CATEGORIES:
        text = _text(pupil_raw.get(cat), file, "messages", f"pupil.{cat}", errors, PUPIL_MAX_CHARS)
        for number in NUMBERS_REQUIRED:
            if text and not re.search(rf"(?<!\d){number}(?!\d)", text):
                errors.append(
                    SafetyError(file, "messages", f"pupil.{cat}", f"le {number} n'est pas cité")
                )
        pupil[cat] = text
        intro[cat] = _text(intro_raw.get(cat), file, "messages", f"adult_intro.{cat}", errors, 600)
    body = _text(msgs.get("adult_body"), file, "messages", "adult_body", errors, 3000)
    footer_raw = msgs.get("footer") if isinstance(msgs.get("footer"), dict) else {}
    footer = {
        role: _text(footer_raw.get(role), file, "messages", f"footer.{role}", errors, 300)
        for role in ("pupil", "teacher")
    }
    if errors:
        return None, errors
    texts = _Texts(pupil, intro, body, footer)
    net = SafetyNet(phrases, harmless, reporters, normaliser, not_typos, texts, file)
    return net, []


# The net used when the file is missing or refused: the core phrases only.
BUILTIN: dict[str, Any] = {
    "sms": {"jpp": "j'en peux plus", "jveux": "je veux", "jme": "je me", "g": "j'ai"},
    "lists": {
        "moi": ["me", "m", "ma", "la", "le", "lui"],
        "famille": [
            "père",
            "mère",
            "beau-père",
            "belle-mère",
            "parents",
            "daron",
            "darons",
            "daronne",
            "frère",
            "oncle",
        ],
    },
    "categories": {
        "suicide": {
            "strong": [
                "(veux|envie de|pense à|voudrais) ... (mourir|crever)",
                "(veux|envie de|vais|pense à) ...2 (me|se) (tuer|suicider|pendre)",
                "(me|se) suicid*",
                "suicidaire*",
                "envie ... en finir",
                "(me|se) scarif*",
                "(me|se) (fais|fait|faire) du mal",
                "(plus|pas) envie de vivre",
                "peux plus de (ma|la) vie",
                "idées noires",
                "sauter (d'un|du|par la) ...2 (pont|fenêtre|toit|immeuble)",
                "(want to|wanna) die",
                "kill myself",
            ],
            "weak": ["en peux plus", "(vais|va) (mal|pas bien)"],
        },
        "home_violence": {
            "strong": ["<famille> ...4 <moi> [a] ...1 (frapp*|tape|tapent|bat|battent|cogne*)"],
            "weak": [],
        },
        "sexual": {
            "strong": [
                "(main|mains) aux fesses",
                "nude*",
                "<moi> [a] (touche|touché|touchée|tripote)",
                "(violée|violé|violer)",
                "attouchement*",
                "(agression|agressée|harcèlement) sexuel*",
                "(menace|chantage) ...4 (diffuser|publier|photos|vidéos)",
            ],
            "weak": [],
        },
        "assault": {
            "strong": ["<moi> [a|ont] ...1 (frapp*|gifl*|tabass*|agressé|agressée)"],
            "weak": [],
        },
        "abuse": {
            "strong": [
                "sale (noir|noire|arabe|juif|juive|pédé|gouine|nègre|négresse|bougnoule)",
                "(insultes|propos|blagues) (racistes|homophobes)",
            ],
            "weak": [],
        },
        "harassment": {
            "strong": [
                "(me|m|la|le) ...2 (harcèle|harcèlent|harceler|harcelé|harcelée)",
                "victime de (harcèlement|cyberharcèlement)",
                "(tout le monde|tlm) ...2 se moque* de moi",
            ],
            "weak": ["se moque* de moi"],
        },
    },
    "harmless": ["(mort|morte|meurs) de (rire|faim|fatigue)", "mdr", "ptdr", "(ça|ca) me tue"],
    "reporters": [
        "je suis (prof|professeur|professeure|cpe|infirmière|infirmier|principal|principale)",
        "(élève|fils|fille) ...6 (m'a|me) (confié|dit|raconté)",
        "mes élèves",
        "(mon|notre) (fils|enfant)",
        "(ma|notre) fille",
    ],
    "messages": {
        "pupil": dict.fromkeys(
            CATEGORIES,
            "Merci de me l'avoir dit. Ce n'est pas de ta faute et tu n'es pas seul·e.\n"
            "• 3114 : prévention du suicide, 24h/24, gratuit\n"
            "• 119 : Allô enfance en danger, 24h/24, gratuit (allo119.gouv.fr)\n"
            "• 3018 : harcèlement et cyberharcèlement, gratuit, 9 h–23 h 7j/7\n"
            "• 114 par SMS si tu ne peux pas parler\n"
            "• 112 si tu es en danger maintenant\n"
            "Parle à un adulte de confiance : CPE, infirmier·e scolaire, professeur principal.",
        ),
        "adult_intro": dict.fromkeys(CATEGORIES, "Un élève est peut-être en danger."),
        "adult_body": (
            "• Danger immédiat : 112, 15 ou 17.\n"
            "• Informez sans délai le chef d'établissement.\n"
            "• Information préoccupante à la CRIP ou 119 (24h/24, gratuit).\n"
            "• Crime ou délit : procureur de la République (art. 40 du code de procédure "
            "pénale).\n"
            "• Harcèlement : 3018. Idées suicidaires : 3114."
        ),
        "footer": {
            "pupil": "Si ça ne va pas : 3114 ou 119 (24h/24, gratuits), 3018 pour le harcèlement.",
            "teacher": "Élève en danger : 119 ou information préoccupante (CRIP) ; urgence : 112.",
        },
    },
}

_builtin_net: SafetyNet | None = None


def builtin_net(errors: Iterable[SafetyError] = ()) -> SafetyNet:
    """The minimal built-in net, carrying the errors that made the bot fall back on it."""
    global _builtin_net
    if _builtin_net is None:
        net, problems = build_net(BUILTIN, BUILTIN_SOURCE)
        if net is None:  # a programming error: caught by the tests
            raise RuntimeError("; ".join(map(str, problems)))
        _builtin_net = net
    base = _builtin_net
    net = SafetyNet.__new__(SafetyNet)
    net.__dict__.update(base.__dict__)
    net.errors = tuple(errors)
    return net


REAL_WORDS_FILE = "safety_real_words.txt"


def read_real_words(path: Path) -> list[str]:
    """Words of the real-words file (one a line, # comments); none when it is missing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [w for line in lines if (w := line.split("#", 1)[0].strip())]


def load_safety(path: str | Path, real_words_path: str | Path | None = None) -> SafetyNet:
    """The net of the file; on any mistake, the built-in net with the errors in .errors.

    real_words_path: real French words never taken for typos of an alarm word ("perdre" is
    not "pendre"); by default REAL_WORDS_FILE next to the YAML file. Optional.
    """
    path = Path(path)
    file = path.name
    real_words = read_real_words(
        Path(real_words_path) if real_words_path else path.with_name(REAL_WORDS_FILE)
    )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        return builtin_net([SafetyError(file, None, None, f"lecture impossible : {e}")])
    except yaml.YAMLError as e:
        where = ""
        mark = getattr(e, "problem_mark", None)
        if mark is not None:
            where = f" (ligne {mark.line + 1})"
        return builtin_net([SafetyError(file, None, None, f"YAML illisible{where} : {e}")])
    try:
        net, errors = build_net(data, file, real_words)
    except Exception as e:  # never let a bad file take the bot down
        return builtin_net([SafetyError(file, None, None, f"erreur inattendue : {e!r}")])
    if net is None:
        return builtin_net(errors)
    return net
