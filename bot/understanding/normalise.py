"""French text normalisation for matching: accents, elisions, ordinals, SMS spelling, stems."""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

MAX_INPUT_CHARS = 1500

# Function words that carry no topic. Negations ("pas", "rien", "personne") and question
# words that change meaning ("quoi", "comment") are kept on purpose: "pas de stage" is a topic.
STOPWORDS = frozenset(
    """
    a au aux avec ce ces cet cette c d de des du elle elles en et eux il ils je j l la le
    les leur leurs lui ma mais me m mes moi mon ne n nos notre nous on ou par pour qu que
    qui sa se s ses son sur ta te t tes toi ton tu un une vos votre vous y est sont suis es
    etes sommes ai as avons avez ont etre avoir fait faire ca cela ceci la-bas ici alors entre
    donc car si dans tres bien bon bah ben euh hein ok oui non voila svp stp plait merci
    bonjour salut madame monsieur mme mr svp sil vous plait est-ce ce-que quel quelle quels
    quelles est-il estce y-a il-y ya aussi encore deja juste peu plus moins tout tous toute
    toutes
    """.split()
) | frozenset(
    # generic verbs, adverbs and fillers: they appear in questions of every topic
    """
    peut peux peuvent pourrait pourrais pourriez puis puisse dois doit doivent devons devez
    faut fallait fais font faites veux veut voulais voudrais voudrait vais va vont allez
    sais sait savoir savez dire dis dit comment quoi quand comme franchement vraiment genre
    trop tres truc trucs chose choses quelque quelqu quelqu-un un-peu bref enfin donc voila
    alors ou-pas ou aussi meme ete etait etais sera serait avoir eu mon ma mes notre nos
    c-est cest chez cela celui celle ceux autre autres faire donne donner donnez donnes
    explique expliquer expliquez explique-moi dis-moi dites-moi raconte beaucoup bcp aime aimes
    """.split()
)
# Greetings and politeness are stopwords for topic matching but words of their own for the
# small-talk topics; the matcher keeps them when they are all the message says.
# Negations matter ("pas de stage") but are weak evidence alone ("je vais pas bien").
WEAK_WORDS = frozenset({"pas", "rien", "personn", "aucun", "jamai", "non"})
SMALL_TALK = frozenset({"merci", "bonjour", "salut", "ok", "oui", "non", "svp", "stp", "plait"})
# Soft words: dropped when a message has other content, kept when they are all it says
# ("merci", "qu'est-ce que tu sais faire ?").
SOFT_WORDS = SMALL_TALK | frozenset(
    "peux peut sais sait savoir faire fais dire dis comment quoi quand qui donne explique aime aimes".split()
)

_TAGS = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")  # « <b>bonjour</b> », « <a href=…> »


def without_tags(text: str) -> str:
    """The text without HTML tags typed in it (they are read as words, and as English)."""
    return _TAGS.sub(" ", text) if "<" in text else text


_ELISION = re.compile(r"\b(qu|jusqu|lorsqu|puisqu|presqu|[cdjlmnst])['’`´]")
_ORDINAL_DIGITS = re.compile(
    r"\b(\d{1,2})\s?(?:e|eme|emes|ieme|iemes|em|eme|ere|er|re|nde|nd|de|d|ème|è)\b"
)
_J_CONTRACTION = re.compile(r"^j[bcdfgklmnpqrstvwxz][a-z]{2,}$")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")

ORDINAL_WORDS = {
    "sixieme": "6e",
    "cinquieme": "5e",
    "quatrieme": "4e",
    "troisieme": "3e",
    "troisiem": "3e",
    "seconde": "2de",
    "2nde": "2de",
    "terminale": "tle",
    "term": "tle",
    "premiere": "1re",
}

_STEM_SUFFIXES = (
    "issements",
    "issement",
    "ements",
    "ement",
    "ations",
    "ation",
    "trices",
    "trice",
    "euses",
    "euse",
    "eurs",
    "eur",
    "iques",
    "ique",
    "ions",
    "ees",
    "ee",
    "ent",
    "er",
    "ez",
    "es",
    "e",
    "s",
    "x",
)


def strip_accents(text: str) -> str:
    """Lower-case and remove diacritics (é → e, ç → c, œ → oe)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65_536)
def stem(token: str) -> str:
    """A light French stemmer: enough to join plurals and verb forms, never below 4 letters."""
    if token.isdigit() or len(token) <= 4 or any(ch.isdigit() for ch in token):
        return token
    for suffix in _STEM_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)]
    return token


@dataclass(frozen=True)
class Lexicon:
    """Word mappings edited in knowledge/synonyms.yaml."""

    sms: Mapping[str, str] = field(default_factory=dict)
    synonyms: Mapping[str, str] = field(default_factory=dict)  # variant -> canonical
    not_internship: frozenset[str] = frozenset()
    false_friends: Mapping[str, frozenset[str]] = field(default_factory=dict)  # stem -> contexts
    domain: frozenset[str] = frozenset()  # stems that show a message is about our subject
    # words() of recent texts: a message is normalised by the engine, the matcher and the
    # trigger check in turn
    words_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_lists(
        cls,
        sms: Mapping[str, str],
        synonyms: Mapping[str, Iterable[str]],
        not_internship: Iterable[str],
        false_friends: Mapping[str, Iterable[str]] | None = None,
        domain: Iterable[str] = (),
    ) -> Lexicon:
        """Build from the YAML shapes (canonical -> variants) with every key normalised."""
        flat: dict[str, str] = {}
        for canonical, variants in synonyms.items():
            canon = " ".join(_basic_words(str(canonical)))
            for variant in variants:
                parts = _basic_words(str(variant))
                if len(parts) == 1 and parts[0] != canon:
                    flat[parts[0]] = canon
        sms_flat = {
            " ".join(_basic_words(str(k))): " ".join(_basic_words(str(v))) for k, v in sms.items()
        }
        not_int = frozenset(stem(w) for item in not_internship for w in _basic_words(str(item)))
        friends: dict[str, frozenset[str]] = {}
        for word, contexts in (false_friends or {}).items():
            key = stem(flat.get(w := " ".join(_basic_words(str(word))), w))
            friends[key] = frozenset(
                stem(x) for item in contexts for x in _basic_words(str(item)) if x not in STOPWORDS
            )
        lexicon = cls(sms=sms_flat, synonyms=flat, not_internship=not_int, false_friends=friends)
        # through words(), so that SMS spellings and synonyms land on the same stems
        domain_stems = frozenset(stem(w) for item in domain for w in words(str(item), lexicon))
        return dataclasses.replace(lexicon, domain=domain_stems)


# What people add to a thank-you: "ok merci c'est clair", "super merci, top".
THANKS_WORDS = frozenset(
    stem(w)
    for w in """merci ok super top cool genial parfait clair compris nickel sympa gentil bien
    bon daccord accord impeccable excellent vu note reponse reponses info infos aide
    conseil conseils beaucoup bcp infiniment enormement bonne journee soiree soir revoir
    ciao bye""".split()
)


def _basic_words(text: str) -> list[str]:
    text = strip_accents(text)
    text = _ELISION.sub(lambda m: m.group(1) + "e ", text)
    text = _ORDINAL_DIGITS.sub(lambda m: m.group(1) + "e", text)
    text = _NON_WORD.sub(" ", text)
    text = _REPEATS.sub(r"\1", text)
    return text.split()


WORDS_CACHE_SIZE = 1024


def words(text: str, lexicon: Lexicon | None = None) -> list[str]:
    """Normalised words (no stemming, stopwords kept): accents, elisions, ordinals, SMS."""
    lexicon = lexicon or Lexicon()
    cached = lexicon.words_cache.get(text)
    if cached is None:
        if len(lexicon.words_cache) >= WORDS_CACHE_SIZE:
            lexicon.words_cache.clear()
        cached = lexicon.words_cache[text] = tuple(_words(text, lexicon))
    return list(cached)


_SAYING = frozenset("dit disent dire dis repondu repond repondent repondre".split())


def _words(text: str, lexicon: Lexicon) -> list[str]:
    out: list[str] = []
    for word in _basic_words(text[:MAX_INPUT_CHARS]):
        if word not in lexicon.sms and _J_CONTRACTION.match(word):
            out.append("je")
            word = word[1:]
            word = {"sui": "suis", "sai": "sais", "pe": "peux"}.get(word, word)
        expanded = lexicon.sms.get(word)
        if expanded is not None:
            out.extend(expanded.split())
            continue
        word = ORDINAL_WORDS.get(word, word)
        if word in {"2", "3", "4"} and out and out[-1] in {"en", "de", "classe"}:
            word += "e" if word != "2" else "de"
        if word == "2e":
            word = "2de"
        if word == "1e":
            word = "1re"
        if word == "monde" and out[-2:] == ["tout", "le"]:
            continue  # "tout le monde": everyone, not the world of work
        if word == "non" and _SAYING.intersection(out[-3:]):
            word = "refuse"  # "ils m'ont tous dit non": a refusal
        out.append(lexicon.synonyms.get(word, word))
    return out


def content_tokens(
    text: str, lexicon: Lexicon | None = None, keep_small_talk: bool = False
) -> list[str]:
    """Stemmed content words (see analyse)."""
    return analyse(text, lexicon, keep_small_talk)[0]


def analyse(
    text: str, lexicon: Lexicon | None = None, keep_small_talk: bool = False
) -> tuple[list[str], bool]:
    """Stemmed content words, and whether a domain word was used in another sense.

    A domain word used in another sense is dropped with its context.

    "stage de foot", "entretien de la voiture", "convention de Genève": the words next to
    the domain word (lexicon.false_friends) say it is not about internships.
    """
    lexicon = lexicon or Lexicon()
    keep = SOFT_WORDS if keep_small_talk else frozenset()
    stems = [stem(t) for t in words(text, lexicon) if t not in STOPWORDS or t in keep]
    not_int = lexicon.not_internship
    if lexicon.false_friends or not_int:
        drop: set[int] = set()
        for i, s in enumerate(stems):
            contexts = lexicon.false_friends.get(s)
            if not contexts and s != "stag":
                continue
            hits = []
            if contexts:  # "entretien de la voiture", "faute de frappe"
                hits = [
                    j for j in range(max(0, i - 1), min(len(stems), i + 4)) if stems[j] in contexts
                ]
            if s == "stag" and i + 1 < len(stems) and stems[i + 1] in not_int:
                hits.append(i + 1)  # "stage de voile", not "refusé en stage pour mon voile"
            if hits:
                drop.add(i)
                drop.update(hits)
        stems = [s for i, s in enumerate(stems) if i not in drop]
        return stems, bool(drop)
    return stems, False


def nearest_word(token: str, vocab: list[str]) -> tuple[str | None, float]:
    """The vocabulary word a typo stands for, and its similarity: one edit for 5-7 letters, two
    from 8 ("convension", "stgae", "entrprise"); never another first letter at the same length,
    a name more often than a typo ("marcel" is not "harcel"; "arcelement" still is)."""
    if len(token) < 5 or any(ch.isdigit() for ch in token):
        return None, 0.0
    max_edits = 1 if len(token) < 8 else 2
    near = process.extract(
        token, vocab, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=5
    )
    for word, edits, _ in near:
        if len(word) >= 4 and (len(word) != len(token) or word[0] == token[0]):
            return word, 1.0 - 0.1 * edits
    return None, 0.0
