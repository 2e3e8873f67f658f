"""The safety net's words and phrases: normalising a message, compiling a phrase pattern.

Phrases use a small syntax (documented at the top of knowledge/safety.yaml): `(a|b c)` for
choices, `[x]` for an optional word, `...` for up to 3 inserted words (`...6` for up to 6),
`frapp*` for a word start, `<famille>` for a named word list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from bot.understanding.normalise import strip_accents
from bot.understanding.safety_concepts import Families

DEFAULT_GAP = 3
MAX_GAP = 12
MAX_INPUT_CHARS = 2000


class PatternError(ValueError):
    """A phrase that cannot be compiled (message in French, for the editors)."""


# --- normalisation -----------------------------------------------------------------------

_ELISION = re.compile(r"\b(qu|jusqu|lorsqu|puisqu|[cdjlmnst])['’`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NON_WORD_PATTERN = re.compile(r"[^a-z0-9*]+")
_REPEATS = re.compile(r"([a-z])\1+")  # every doubled letter: "frappe" = "frape", "mouriiir"
_LONG_REPEATS = re.compile(r"([a-z])\1{2,}")
_J_CONTRACTION = re.compile(r"^j[bcdfgklmnpqrstvwxz][a-z]{2,}$")
_CENSORED = re.compile(r"(?<=[a-z])[*@#$%]+(?=[a-z])")  # "f*ggot", "n@gger"
# emoji that say what words would: read as those words (never as a figure of speech)
_EMOJI = {
    "\U0001f52a": "couteau",  # 🔪
    "\U0001f5e1": "couteau",  # 🗡
    "\U0001f52b": "pistolet",  # 🔫
    "\U0001f48a": "cachets",  # 💊
    "\U0001faa2": "corde",  # 🪢
    "\U0001fa78": "sang",  # 🩸
    "\u26b0": "cercueil",  # ⚰
    "\U0001faa6": "tombe",  # 🪦
    "\U0001f480": "crane",  # 💀 (« jvais mourir 💀 »: a harmless phrase reads it)
}
_EMOJI_RE = re.compile("|".join(_EMOJI))


def _raw_words(text: str, pattern: bool = False) -> list[str]:
    text = strip_accents(text)
    if not pattern:
        text = _LAUGH.sub(" lol ", _CENSORED.sub("", text))  # "mdr", "ptdr", "haha": "lol"
        text = _EMOJI_RE.sub(lambda m: f" {_EMOJI[m.group()]} ", text)
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
            parts.append(r"((?:\S+ ){0," + str(gap) + "})")  # captured: `vetoed_match`
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


# --- clauses of a run-on sentence ----------------------------------------------------------

# a sentence of more than CLAUSE_FROM words (a run-on line written without punctuation) is also
# read clause by clause: cut before a connective, and in windows of WINDOW_WORDS words every
# WINDOW_STEP words, so that one clause of distress in a 60-word line is assessed alone
CLAUSE_FROM = 14
PIECE_MIN_WORDS = 3  # a sentence of a longer message is assessed alone from this many words
WINDOW_WORDS = 10
WINDOW_STEP = 5
_CONNECTIVES = frozenset(
    "et mais donc car puis alors sinon sauf enfin bref ensuite apres quand comme parce du "
    "pourtant and but because so then or cause cuz".split()
)
_TWO_WORD = {"parce": "que", "du": "coup", "sauf": "que", "apres": "ca", "comme": "ca"}


def clauses(piece: str) -> list[str]:
    """The clauses of a long prepared sentence: its parts between connectives ("et", "mais",
    "parce que", "du coup"...) and overlapping windows of WINDOW_WORDS words; none for a short
    sentence (it is assessed whole)."""
    words = piece.split()
    if len(words) <= CLAUSE_FROM:
        return []
    cuts = [0]
    for i, w in enumerate(words):
        if i and w in _CONNECTIVES:
            after = _TWO_WORD.get(w)
            if after is None or (i + 1 < len(words) and words[i + 1] == after):
                cuts.append(i)
    cuts.append(len(words))
    parts = [words[a:b] for a, b in pairwise(cuts) if b - a < len(words)]
    last = max(len(words) - WINDOW_WORDS, 0)
    starts = sorted({*range(0, last + 1, WINDOW_STEP), last})
    parts += [words[i : i + WINDOW_WORDS] for i in starts]
    seen: set[str] = set()
    out = []
    for part in parts:
        text = " " + " ".join(part) + " "
        if len(part) >= PIECE_MIN_WORDS and text not in seen:
            seen.add(text)
            out.append(text)
    return out


# a placement refused ("on a refusé mon fils en stage à cause de son nom"): a discrimination,
# kept at the footer's level even when a clause of it, read alone, looks stronger
REFUSED_PLACEMENT = re.compile(
    r"\brefus\w*(?: \w+){0,4} (?:stage|stages|pfmp|candidature|alternance|apprentissage)\b"
    r"|\b(?:stage|pfmp|candidatures?|alternance)(?: \w+){0,6} refus\w*"
    r"|\bcandidatures?(?: \w+){0,10} refus\w*|\btout le monde (?:\w+ )?(?:a|ont) refus\w*"
    r"|\b(?:repond|repondent|rappelle|rappellent) jamais\b|\b(?:aucune|pas de|jamais de) reponse\b"
    # « le copain a eu des réponses, lui aucune »: the letters unanswered, the friend's not
    r"|\breponses? (?:\w+ ){0,2}(?:lui|elle|moi) (?:aucune|rien)\b|\b(?:aucun|pas de) retour\b"
)

# a figure of speech never swallows the pupil's own "je me tue" ("ce weekend je me tue"): the
# harmless "ce prof me tue" reads its gap as the noun, here it would be "weekend je"
SELF_KILL = re.compile(r" je me (?:tue|tuerai|tuerais) ")
# what follows a harmless « mon prof va me tuer » and makes it a threat for telling: « … si je
# parle », « … si je le dis » (the harmless expression is then kept, and read)
TOLD_AFTER = re.compile(
    r"(?:si |s )(?:je |j |tu |on )(?:parle|parles|en parle|en parles|le dis|le dit|l ai dit"
    r"|le raconte|le racontes|raconte a|racontes a|dis a|dit a|le balance|balance|balances"
    r"|denonce|porte plainte|cafte|caftes) "
)


# « il me bat au foot » is a game won; « il me bat quand je perds au foot » a beating for it
# (prepared text: doubled letters single, « battent » is « batent »)
BEATEN_FOR = re.compile(
    r" (?:bat|bats|batent|batait|frape|frapent|tape|tapent) (?:quand|si|des que|chaque fois que"
    r"|a chaque fois que|parce que|psk|pcq|apres) "
)


def kept_harmless(m: re.Match[str]) -> bool:
    """A harmless expression that is not one here: « je me tue » inside it, a threat for
    telling after it (« mon prof va me tuer si je parle »), a beating for a game lost."""
    return (
        SELF_KILL.search(m[0]) is not None
        or TOLD_AFTER.match(m.string, m.end()) is not None
        or BEATEN_FOR.search(f" {m[0]} ") is not None
    )


# a denied wish to die (prepared as DENIAL, "_n") taken back: "je veux pas mourir mais je vais
# le faire"
DENIAL_TAKEN_BACK = re.compile(
    r" _n (?:mais|pourtant|but) (?:\S+ ){0,2}(?:vais|veux|va|vas) (?:\S+ ){0,2}"
    r"(?:le faire|passer a le acte) "
)

# "il va me tuer, et c'est pas une expression": the figures of speech are taken at their word
LITERAL = re.compile(
    r"\b(?:pas|plus) (?:une|d'|de) (?:expression|image|façon de parler|facon de parler)\b"
    r"|\bau sens propre\b|\bpas (?:ça |ca )?au (?:sens )?figur[ée]\b"
    r"|\bnot (?:a|just a) (?:figure of speech|metaphor|way of speaking)\b|\bi mean it literally\b",
    re.IGNORECASE,
)

# "lol je me suis pris une droite… jrigole pas": a joke word the pupil takes back vetoes nothing
NOT_JOKING = re.compile(
    r"\b(?:je|j) (?:rigole|rigolais|blague|blaguais|plaisante|deconne|rigol) (?:pas|meme pas)\b"
    r"|\bsans rire\b|\bnot (?:joking|kidding)\b|\bno joke\b|\b(?:pas|plus) (?:une|de) blague\b"
)
JOKE_WORD = re.compile(
    r"(?:lol|mdr+|ptdr+|xd|haha\w*|ahah\w*|rigol\w*|blagu\w*|joking|kidding|lmao)$"
)


def family_positions(s: str, families: Families | None) -> dict[str, list[int]]:
    """Where each family's words are in a prepared text; the joke words of the `jeu` family
    left out when the text says it is no joke (the games and sports in it still veto)."""
    if families is None:
        return {}
    words = s.split()
    found = families.positions(words)
    if found.get("jeu") and NOT_JOKING.search(s):
        kept = [i for i in found["jeu"] if not JOKE_WORD.match(words[i])]
        if kept:
            found["jeu"] = kept
        else:
            del found["jeu"]
    return found


# « mdr il m'a encore frappé », « lol ça fait 2 ans »: laughter over a hurt that keeps coming
# back is no joke; it must not silence the rules (the `jeu` family) nor raise the model's bar
REPEATED = re.compile(
    r" (?:me|m|nous) (?:a|ont|avait|avaient) encore "
    r"| (?:ca|sa) fait (?:\d+|deux|trois|quatre|cinq|six|plusieurs|des) (?:ans|an|mois|semaines) "
    r"| depuis (?:\d+|deux|trois|quatre|cinq|six|plusieurs|des) (?:ans|an|mois|semaines) "
    r"| (?:tous les jours|chaque jour|tous les soirs|chaque soir|every day|again|a chaque fois) "
    r"| quand (?:il|elle) (?:a bu|boit|rentre|se enerve|est (?:boure|sou|saoul|enerve|enervee)) "
)
# a boss or a tutor who hurt the pupil, a hurt done on purpose, hazing, a plan to die:
# laughter does not undo it
_AT_WORK = re.compile(
    r" (?:bos|boss|patron|patrone|chef|chefe|tuteur|tutrice|gerant|gerante|maitre de stage) "
    r"(?:il |elle )?(?:me|m) (?:a |ont )?(?:frape|tape|cogne|mis|met|mets|gifle|pouse|brule"
    r"|coupe|jete|tabase|etrangle|defonce|case|eclate) "
    r"| (?:volontairement|expres|on purpose|deliberately|bizutage|bizute|bizutee|hazing|hazed) "
    r"| (?:trouve|sait|sais) comment (?:faire|le faire|en finir) | tout prevu "
    r"| si (?:je suis|je etais) vierge | partis (?:\w+ ){0,6}(?:me|m) (?:ont|a) laise seule? "
)
_LAUGH = re.compile(
    r"(?<= )(?:lol\w*|mdr\w*|ptdr\w*|xd|haha\w*|pour rire|and laughed|en rigolant)(?= )"
)


def unlaughed(pieces: tuple[str, ...]) -> tuple[str, ...]:
    """Prepared sentences without their laughter when the message tells of a repeated hurt."""
    joined = " ".join(pieces)
    if not ((REPEATED.search(joined) or _AT_WORK.search(joined)) and _LAUGH.search(joined)):
        return pieces
    return tuple(f" {' '.join(_LAUGH.sub(' ', p).split())} " for p in pieces)


# --- veto words near a phrase ---------------------------------------------------------------

PHRASE_VETO_WINDOW = 10  # a veto word (game, joke, film) this many words from a phrase silences it


def vetoed_match(m: re.Match[str], s: str, vetoes: list[int]) -> bool:
    """A veto word (at these word indices of `s`) is near the phrase matched by `m`. The phrase's
    own words never veto it (« pas un métier pour une fille »); what its gaps span (« il m'a mis
    une droite à la boxe ») does."""
    at = s.count(" ", 0, m.start())  # the index of the phrase's first word, plus one
    own = range(at - 1, s.count(" ", 0, m.end()) - 1)
    gaps = [range(s.count(" ", 0, a) - 1, s.count(" ", 0, b) - 1) for a, b in m.regs[1:]]
    return any(
        abs(q - at) <= PHRASE_VETO_WINDOW
        for q in vetoes
        if q not in own or any(q in gap for gap in gaps)
    )
