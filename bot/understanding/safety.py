"""The safety net: spots a pupil in danger (suicide, violence, sexual abuse, harassment...).

Phrases and answer texts live in knowledge/safety.yaml (see the comment at its top for the
pattern syntax). Every phrase is compiled once into a regular expression over the message's
normalised words (accents removed, elisions split, SMS spelling expanded, repeated letters
squeezed), so that assessing a message costs a few regex searches. Words of 6 letters or more
that the net does not know are corrected towards the net's own vocabulary (one typo; two from
9 letters), never towards another first letter and never when listed in `not_typos`.

A message of several sentences is assessed whole and sentence by sentence (`pieces`), the
strongest finding kept: one sentence of distress among ordinary ones about the internship is not
diluted by them (measured with `python -m bench.safety_cv --long`).

Loading and validating the file is `safety_rules.load_safety`: a file with a mistake gives a
minimal built-in net, with the errors, so that the bot never runs without a safety net.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.understanding.errors import KnowledgeError
from bot.understanding.safety_concepts import ConceptRule, Families, fires
from bot.understanding.safety_model import SafetyModel
from bot.understanding.safety_phrases import (
    DENIAL_TAKEN_BACK,
    LITERAL,
    MAX_INPUT_CHARS,
    PIECE_MIN_WORDS,
    REFUSED_PLACEMENT,
    Normaliser,
    _Compiled,
    _raw_words,
    _squeeze,
    clauses,
    family_positions,
    kept_harmless,
    unlaughed,
    vetoed_match,
)

CATEGORIES = ("suicide", "home_violence", "sexual", "assault", "abuse", "harassment")
LEVELS = ("strong", "weak")
NUMBERS_REQUIRED = ("3114", "119", "3018", "114", "112")
PUPIL_MAX_CHARS = 700
FOOTER_MAX_CHARS = 300
ADULT_MAX_CHARS = 4096
FUZZY_MIN_LEN = 6
FUZZY_CACHE_SIZE = 4096
PIECES_CACHE_SIZE = 32_768  # prepared messages: all a model trains on (evaluation.leave_out)
BUILTIN_SOURCE = "<filet intégré>"
DENIAL = "_n"  # what a denied wish to die becomes in a prepared text (see `denials`)
DENIAL_REST_WORDS = 4  # fewer words beside a denial: the model is not asked (it reads "je" alone)
VETOED_BAR = 0.85  # P(distress) the model needs near a game or joke word to make a signal strong
VETOED_CLAUSE_AT = 0.97  # the same for a clause of a sentence that names a game or a lesson
# the model reads a lone sentence with fewer n-grams, so it must be surer there, and is not asked
# about a sentence of fewer than PIECE_MODEL_WORDS words (chosen with bench.safety_cv --long)
PIECE_MODEL_WORDS = 5
# the model reads a clause with even fewer n-grams: it is asked from CLAUSE_MODEL_WORDS words and
# must be nearly sure (chosen on the sets hidden in long and run-on messages, bench.safety_cv --long,
# against the alarms on tests/data/*_questions.tsv)
CLAUSE_MODEL_WORDS = 7
CLAUSE_STRONG_AT = 0.9  # a clause only counts when strong: its footers were noise
PIECE_STRONG_AT = 0.8  # P(distress) for a strong signal from one sentence
PIECE_WEAK_AT = 0.6  # P(distress or a mild signal) for a weak one
# a whole message of at most SHORT_WORDS words: the model alone gives no strong signal (it read
# "je suis élève" or "je suis chez moi" as distress; every short distress line of the sets is a
# rule's, bench.safety_cv)
SHORT_WORDS = 5
# a sentence ends at . ! ? … ; or a line break followed by a space or the end ("1.5 h" stays whole)
_SENTENCE_END = re.compile(r"[.!?…;]+(?=\s|$)|\n+")
_PAUSE = re.compile(r"(?:\.{2,}|…)\s+(?=[a-zà-öø-ÿ])")  # « me pendre... au tel »: one sentence
_TOP_KEYS = set(
    "version sms lists categories concepts harmless denials reporters not_typos messages".split()
)

Level = Literal["strong", "weak"]
Reporter = Literal["self", "other"]


@dataclass(frozen=True)
class SafetySignal:
    """What the net found: how serious, what about, and who speaks."""

    level: Level
    category: str
    reporter: Reporter  # "other": an adult (teacher, CPE, parent) speaks about a pupil


SafetyError = KnowledgeError  # one problem in the safety file, located like the others


def _joined(pieces: list[str]) -> str:
    """Prepared sentences as one prepared text."""
    return " " + " ".join(p.strip() for p in pieces) + " " if pieces else " "


# --- the net ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Texts:
    pupil: Mapping[str, str]
    intro: Mapping[str, Mapping[str, str]]  # "teacher" (staff) or "parent" -> category -> line
    body: Mapping[str, str]  # "teacher" or "parent" -> what to do
    footer: Mapping[str, str]  # "pupil", "teacher", "parent"


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
        concepts: Mapping[str, Mapping[str, list[ConceptRule]]] | None = None,
        lists: Mapping[str, list[list[str]]] | None = None,
        vetoes: Mapping[str, list[str]] | None = None,
        denials: list[_Compiled] | None = None,
    ) -> None:
        self.source = source
        self.errors = errors
        self.texts = texts
        self._normaliser = normaliser
        self._regex: dict[str, dict[str, re.Pattern[str]]] = {}
        for level in LEVELS:
            self._regex[level] = {
                cat: re.compile("|".join(c.regex for c in phrases[cat][level]))
                for cat in CATEGORIES
                if phrases[cat][level]
            }
        self._concepts = {
            (cat, level): rules
            for cat, by_level in (concepts or {}).items()
            for level, rules in by_level.items()
            if rules
        }
        self._vetoes = {cat: tuple(v) for cat, v in (vetoes or {}).items() if v}
        used = {
            f for rules in self._concepts.values() for r in rules for f in r.families + r.vetoes
        } | {f for v in self._vetoes.values() for f in v}
        self._families = Families(lists or {}, used) if used else None
        self._harmless = re.compile("|".join(c.regex for c in harmless)) if harmless else None
        self._denials = re.compile("|".join(c.regex for c in denials)) if denials else None
        self.model: SafetyModel | None = None  # trained by load_knowledge, when it can be
        self._veto_names = {name for names in self._vetoes.values() for name in names}
        self._strong_vetoes = {
            cat: {v for r in self._concepts.get((cat, "strong"), ()) for v in r.vetoes}
            - self._veto_names
            for cat in CATEGORIES
        }
        self._reporters = re.compile("|".join(c.regex for c in reporters)) if reporters else None
        literals: set[str] = set()
        prefixes: set[str] = set()
        for cat in CATEGORIES:
            for level in LEVELS:
                for c in phrases[cat][level]:
                    literals |= c.literals
                    prefixes |= c.prefixes
        for name in used:
            for item in (lists or {})[name]:
                literals |= {w for w in item if not w.endswith("*")}
                prefixes |= {w[:-1] for w in item if w.endswith("*")}
        self._known = (
            frozenset(literals)
            | frozenset(w for c in harmless for w in c.literals)
            | frozenset(w for c in denials or () for w in c.literals)
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
        self._recent: dict[str, tuple[str, str] | None] = {}  # prepared text -> finding
        self._pieces: dict[str, tuple[str, ...]] = {}  # text -> its prepared sentences

    def with_model(self, model: SafetyModel | None) -> SafetyNet:
        """This net with another learned model (and its own memory of recent findings)."""
        net = copy.copy(self)
        net.model, net._recent = model, {}
        return net

    @property
    def fallback(self) -> bool:
        """True when this is the built-in net (the file was missing or refused)."""
        return self.source == BUILTIN_SOURCE

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
        """' word word ', harmless expressions as '_', "je veux pas mourir" as DENIAL."""
        return _joined(self.pieces(text))

    def units(self, text: str) -> list[str]:
        """The prepared message and what `assess` also reads alone: sentences, clauses."""
        pieces = self.pieces(text)
        alone = [p for p in pieces if len(pieces) > 1 and p.count(" ") - 1 >= PIECE_MODEL_WORDS]
        parts = [c for p in pieces for c in clauses(p) if c.count(" ") - 1 >= CLAUSE_MODEL_WORDS]
        return [_joined(pieces), *alone, *parts]

    def figurative(self, text: str) -> bool:
        """The message holds a figure of speech the net sets aside ("mort de rire")."""
        return self._harmless is not None and " _ " in self.prepared(text)

    def pieces(self, text: str) -> list[str]:
        """Each sentence of the message, prepared (see `prepared`); empty ones left out."""
        cached = self._pieces.get(text)  # a message is read by the engine, desks and footers
        if cached is None:
            literal = LITERAL.search(text) is not None  # "… et c'est pas une expression"
            sentences = _SENTENCE_END.split(_PAUSE.sub(" ", text[:MAX_INPUT_CHARS]))
            prepared = (self._prepared_one(s, literal) for s in sentences)
            cached = unlaughed(tuple(s for s in prepared if s.strip()))
            if len(self._pieces) >= PIECES_CACHE_SIZE:
                self._pieces.clear()
            self._pieces[text] = cached
        return list(cached)

    def _prepared_one(self, text: str, literal: bool = False) -> str:
        s = " " + " ".join(self._fix(w) for w in self._normaliser.words(text)) + " "
        if self._harmless is not None and not literal:
            s = self._harmless.sub(lambda m: m[0] if kept_harmless(m) else "_ ", s)
        if self._denials is not None:
            s = self._denials.sub(DENIAL + " ", s)
        return s

    def assess(self, text: str, role: str | None = None) -> SafetySignal | None:
        """A signal when the message shows someone in danger, else None: the rules first,
        then (when they found nothing strong) the learned model, if one was trained. A message
        of several sentences is also assessed sentence by sentence, the strongest finding kept:
        one sentence of distress among ordinary ones is not diluted by them."""
        pieces = self.pieces(text)
        s = _joined(pieces)
        key = "|".join(pieces)
        if key in self._recent:  # the same words again ("merci", "stage de 3e"): same finding
            found = self._recent[key]
        else:
            found = self._find_pieces(s, pieces)
            if len(self._recent) >= FUZZY_CACHE_SIZE:
                self._recent.clear()
            self._recent[key] = found
        if found is None:
            return None
        other = role == "teacher" or (
            self._reporters is not None and self._reporters.search(s) is not None
        )
        return SafetySignal(found[0], found[1], "other" if other else "self")  # type: ignore[arg-type]

    def by_rules(self, text: str) -> bool:
        """The rules alone find a signal in the message or one of its sentences: what a kind
        word answers (the model's weak guesses on ordinary chat, "je me sens bien ici", not)."""
        pieces = self.pieces(text)
        whole = _joined(pieces)
        for s in (whole, *pieces):
            positions = family_positions(s, self._families)
            if self._rules(s, positions) is not None:
                return True
        return f" {DENIAL} " in whole

    def _find_pieces(self, s: str, pieces: list[str]) -> tuple[str, str] | None:
        """The finding of the whole message, or a stronger one of one of its sentences or of a
        clause of a long run-on sentence (`clauses`)."""
        found = self._find(s)
        if found is not None and found[0] == "strong":
            return found
        units = [(p, False) for p in pieces] if len(pieces) > 1 else []
        for p in pieces:
            parts = clauses(p)
            if parts:
                # a game or a lesson in the sentence: its clauses are left to the model, which
                # must be nearly certain (the rules weighed the vetoes on the whole sentence)
                vetoed = self._vetoed(p)
                units += [(c, "vetoed" if vetoed else "clause") for c in parts]
        for piece, kind in units:
            if piece.count(" ") - 1 < PIECE_MIN_WORDS:
                continue
            alone = self._find(piece, piece=True, clause=kind)
            if alone is not None and kind and alone[0] != "strong":
                continue
            if alone is not None and found is not None and self._kept_weak(s, found, alone):
                continue
            if alone is not None and (found is None or alone[0] == "strong"):
                found = alone
                if found[0] == "strong":
                    break
        return found

    def _kept_weak(self, s: str, whole: tuple[str, str], alone: tuple[str, str]) -> bool:
        """The whole message's rules kept this category weak on purpose (a refusal "because of
        my name" is discrimination): a clause of it read alone does not make it strong."""
        if whole[0] != "weak" or alone[1] != whole[1] or not REFUSED_PLACEMENT.search(s):
            return False
        positions = family_positions(s, self._families)
        return any(positions.get(v) for v in self._strong_vetoes.get(whole[1], ()))

    def _vetoed(self, s: str) -> bool:
        """A game, joke or lesson word in the prepared text."""
        positions = family_positions(s, self._families)
        return any(positions.get(v) for v in self._veto_names)

    def _find(
        self, s: str, piece: bool = False, clause: bool | str = False
    ) -> tuple[str, str] | None:
        """(level, category) in a prepared text: the rules, then the model (with higher bars
        for one sentence of a longer message, higher still for a clause of a run-on one, which
        the model reads alone: the rules read its whole sentence, vetoes and all)."""
        positions = family_positions(s, self._families)
        found = None if clause else self._rules(s, positions)
        asked = not piece or s.count(" ") - 1 >= (
            CLAUSE_MODEL_WORDS if clause else PIECE_MODEL_WORDS
        )
        if (found is None or found[0] == "weak") and self.model is not None and asked:
            # the rules' own weak signal: the model must be surer to make it strong; a game or a
            # joke nearby: only when it is nearly certain
            vetoed = clause == "vetoed" or any(positions.get(v) for v in self._veto_names)
            if found is not None:
                # the rules kept it weak on purpose: a family that vetoes the category's strong
                # rules is there (a refusal "because of my religion" is discrimination, no crisis)
                vetoed = vetoed or any(positions.get(v) for v in self._strong_vetoes[found[1]])
            settings = self.model.settings
            bar = VETOED_BAR if vetoed else settings.upgrade_at if found else settings.strong_at
            if piece:
                bar = max(bar, CLAUSE_STRONG_AT if clause else PIECE_STRONG_AT)
            if clause == "vetoed":
                bar = max(bar, VETOED_CLAUSE_AT)
            # a denied wish to die: the model reads the rest of the message, if there is one
            rest = s.replace(f" {DENIAL} ", " ")
            short = rest != s and len(rest.split()) < DENIAL_REST_WORDS
            weak_at = PIECE_WEAK_AT if piece else None
            guess = None if short else self.model.guess(rest, bar, weak_at)
            if guess is not None and not piece and s.count(" ") - 1 <= SHORT_WORDS:
                guess = "weak", guess[1]
            if guess is not None and (found is None or guess[0] == "strong"):
                found = guess
        if found is None and f" {DENIAL} " in s:
            # "je ne veux pas mourir": not a crisis, but death is on the pupil's mind: a footer
            return "weak", "suicide"
        return found

    def _rules(self, s: str, found: Mapping[str, list[int]]) -> tuple[str, str] | None:
        if DENIAL_TAKEN_BACK.search(s):
            return "strong", "suicide"
        for level in LEVELS:
            for category in CATEGORIES:
                regex = self._regex[level].get(category)
                rules = self._concepts.get((category, level), ())
                if (regex is not None and self._phrase(regex, s, category, found)) or any(
                    fires(r, found) for r in rules
                ):
                    return level, category
        return None

    def _phrase(
        self, regex: re.Pattern[str], s: str, category: str, found: Mapping[str, list[int]]
    ) -> bool:
        """A phrase matches, away from the category's veto words (games, jokes, films)."""
        vetoes = self._vetoes.get(category)
        for m in regex.finditer(s):
            if not vetoes:
                return True
            if not vetoed_match(m, s, [q for v in vetoes for q in found.get(v, ())]):
                return True
        return False

    # --- texts -------------------------------------------------------------------------------

    def message(self, signal: SafetySignal, role: str | None = None) -> str:
        """The help message: the pupil's (tu), a parent's about their child, or the school
        staff's (vous) for a teacher or another adult."""
        if role in ("teacher", "parent") or signal.reporter == "other":
            who = "parent" if role == "parent" else "teacher"
            intro = self.texts.intro[who].get(signal.category, "")
            return (intro + "\n" + self.texts.body[who]).strip()
        return self.texts.pupil[signal.category].strip()

    def footer(self, role: str | None = None) -> str:
        """One line added under an ordinary answer after a weak signal (pupil, teacher, parent)."""
        return self.texts.footer[role if role in ("teacher", "parent") else "pupil"].strip()
