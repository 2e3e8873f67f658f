"""French fuzzy matcher: which topic a message is about, with a 0-100 confidence."""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.understanding.classifier import OTHER, trained_for
from bot.understanding.knowledge import KnowledgeBase
from bot.understanding.normalise import (
    THANKS_WORDS,
    WEAK_WORDS,
    analyse,
    nearest_word,
    stem,
    without_tags,
    words,
)
from bot.understanding.preamble import without_preamble
from bot.understanding.topics import CRISIS_TOPIC, POLITE_ENDINGS


@dataclass(frozen=True)
class Settings:
    """Thresholds and weights; defaults chosen on tests/data/dev and heldout question sets."""

    recent_results: int = 4096  # results kept for messages seen again (0: none; benchmarks)
    answer_threshold: float = 43.0  # below: not answered
    suggest_threshold: float = 31.0  # between suggest and answer: "did you mean"
    tie_margin: float = 1.0  # top two closer than this: "did you mean" instead of an answer
    also_margin: float = 6.0  # a runner-up this close is offered as a button beside the answer
    urgent_margin: float = 5.0  # how far behind the best an urgent topic (distress) still wins
    beta: float = 1.5  # F-beta over query and question coverage
    unknown_weight: float = 0.8  # weight of a word the KB never uses, relative to max idf
    bag_weight: float = 0.65  # share of the topic-wide vocabulary coverage
    unknown_cap: int = 3  # at most this many unknown words weigh on a message
    bag_saturation: float = 1.0  # topic-wide word counts saturate: c / (c + this)
    weak_weight: float = 0.7  # negations: "pas", "rien"... count for less
    rare_damp: float = 0.5  # how much words seen in one or two entries are discounted
    # A long message (a pupil telling their story) spreads over names, places and feelings:
    # its best topic scores lower for the same evidence, so it is answered from a lower score
    # when it uses one of the domain words of synonyms.yaml (stage, entreprise, convention...),
    # and a close runner-up is offered beside the answer rather than instead of it.
    long_message: int = 6  # distinct content words from which a message is long
    long_threshold: float = 28.0
    # The learned classifier (bot/understanding/classifier.py) beside the word scores: each
    # topic's one-vs-rest margin plus clf_blend x its word score / 100, the best one answered
    # unless "out of scope" (classifier.OTHER, learned from knowledge/out_of_scope.txt and the
    # out-of-scope lines of examples) leads it. Chosen by `python -m bench.topics_cv`, sets left out.
    classifier: bool = True
    clf_blend: float = 0.6  # weight of the word score (0-100, divided by 100) beside the margin
    clf_other_margin: float = 0.3  # out of scope when OTHER's margin + this beats the best topic
    clf_floor: float = -0.6  # and when the best topic's blended value is under this
    clf_also: float = 0.1  # a runner-up this close (blended) is offered beside the answer
    clf_suggest: float = 0.3  # no "did you mean" when OTHER leads the best topic by more than this
    # a topic the words hardly mention (word score under clf_words) is answered only when the
    # classifier's margin alone is positive: "stage dans l'armée" is not "stage chez un parent"
    clf_words: float = 20.0
    clf_alone: float = 0.0
    long_tokens: int = 12  # this many words dilute the word scores: half clf_words (35: -27 right)
    # only these stems ("stage", "un stage ?"): "did you mean" the best few topics, not one
    generic: tuple[str, ...] = ("stag", "entrepris")


@dataclass(frozen=True)
class Candidate:
    topic_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The five best candidates; `topic` is set when the best one is confident and alone."""

    candidates: tuple[Candidate, ...]
    topic: str | None
    score: float
    suggestions: tuple[str, ...] = ()
    tokens: tuple[str, ...] = field(default=(), repr=False)

    @property
    def ambiguous(self) -> bool:
        return self.topic is None and bool(self.suggestions)


@dataclass(frozen=True)
class _Entry:
    topic_id: str
    text: str
    tokens: frozenset[str]
    weight_total: float


def _tokens(text: str, kb: KnowledgeBase) -> list[str]:
    full, other_sense = analyse(text, kb.lexicon, keep_small_talk=True)
    if other_sense and "stag" not in full:
        return []  # "un stage de foot", "l'entretien de la voiture": not our subject
    core, _ = analyse(text, kb.lexicon)  # soft words are stopwords here (by word, not stem)
    if "merci" in full[:2] and all(t in THANKS_WORDS for t in full):
        return ["merci"]  # "merci pour ta réponse", "ok merci c'est clair": thanks
    return core or full


def _stems(text: str, kb: KnowledgeBase) -> tuple[str, ...]:
    """Every word of the text, stopwords included, stemmed (for trigger phrases)."""
    return tuple(stem(w) for w in words(text, kb.lexicon))


def _contains(message: tuple[str, ...], phrase: tuple[str, ...], slack: int = 2) -> bool:
    """The phrase's words in order in the message, with at most `slack` words inserted."""
    for start, word in enumerate(message):
        if word != phrase[0]:
            continue
        at, end = start, start + len(phrase) + slack
        for want in phrase[1:]:
            at = next((j for j in range(at + 1, min(end, len(message))) if message[j] == want), -1)
            if at < 0:
                break
        else:
            return True
    return False


LONG_STORY = 300  # characters from which a message is a story whose last question leads
QUESTION_LEADS = 75.0  # when it is this clear, and nearly (STORY_MARGIN) as clear as the story
STORY_MARGIN = 15.0
_SENTENCES = re.compile(r"(?<=[.!?…\n])\s+")


def final_question(text: str) -> str | None:
    """The last sentence of a long message, when it asks something (4 words or more)."""
    last = _SENTENCES.split(text.strip())[-1] if len(text) >= LONG_STORY else ""
    asks = last.rstrip().endswith("?") and len(last.split()) >= 4 and len(last) <= len(text) / 2
    return last if asks else None


class Matcher:
    """Scores a message against every question and keyword of the knowledge base."""

    def __init__(self, kb: KnowledgeBase, settings: Settings | None = None) -> None:
        self.kb = kb
        self.settings = settings or Settings()
        self._recent: dict[str, MatchResult] = {}  # message -> result (messages repeat)
        raw: list[tuple[str, str, list[str]]] = []
        for topic in kb.topics.values():
            for text in (*topic.questions, *topic.keywords, topic.title):
                tokens = _tokens(text, kb)
                if tokens:
                    raw.append((topic.id, text, tokens))
        df: dict[str, int] = defaultdict(int)
        for _, _, tokens in raw:
            for tok in set(tokens):
                df[tok] += 1
        n = max(len(raw), 1)
        # IDF, damped for words seen in fewer than three entries: such words are incidental
        # to one phrasing ("ma mère", "fermé"), weak evidence that a message is on topic.
        self.idf = {
            tok: math.log((n + 1) / (count + 0.5))
            * min(1.0, count / 3) ** self.settings.rare_damp
            * (self.settings.weak_weight if tok in WEAK_WORDS else 1.0)
            for tok, count in df.items()
        }
        self.max_idf = max(self.idf.values(), default=1.0)
        self.vocab = list(self.idf)
        self.entries: list[_Entry] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.topic_vocab: dict[str, Counter[str]] = defaultdict(Counter)
        for topic_id, text, tokens in raw:
            unique = frozenset(tokens)
            total = sum(self.idf[t] for t in unique)
            index = len(self.entries)
            self.entries.append(_Entry(topic_id, text, unique, total))
            for tok in unique:
                self.postings[tok].append(index)
            self.topic_vocab[topic_id].update(unique)
        self.urgent = {t.id for t in kb.topics.values() if t.urgent}
        self.triggers = [
            (topic.id, phrase)
            for topic in kb.topics.values()
            for phrase in {_stems(p, kb) for p in topic.triggers}
            if phrase
        ]
        self._fuzzy_cache: dict[str, tuple[str | None, float]] = {}
        self.classifier = trained_for(kb) if self.settings.classifier else None

    def _resolve(self, token: str) -> tuple[str | None, float]:
        """Map a query word to a vocabulary word, tolerating typos."""
        if token in self.idf:
            return token, 1.0
        cached = self._fuzzy_cache.get(token)
        if cached is not None:
            return cached
        result = nearest_word(token, self.vocab)
        if len(self._fuzzy_cache) < 50_000:
            self._fuzzy_cache[token] = result
        return result

    def score_topics(
        self, text: str, skip: frozenset[int] = frozenset()
    ) -> tuple[dict[str, float], tuple[str, ...]]:
        """Every topic sharing a word with the message, scored 0-100 (entries in skip left out)."""
        tokens = _tokens(text, self.kb)
        s = self.settings
        query: dict[str, float] = {}  # vocabulary word -> similarity
        total_q = 0.0
        unknown = 0
        weights: dict[str, float] = {}
        for tok in dict.fromkeys(tokens):
            vocab_tok, sim = self._resolve(tok)
            if vocab_tok is None:
                unknown += 1
                if unknown <= s.unknown_cap:
                    total_q += s.unknown_weight * self.max_idf
                continue
            w = self.idf[vocab_tok]
            if vocab_tok in query:
                continue
            query[vocab_tok] = sim
            weights[vocab_tok] = w
            total_q += w
        if not query or total_q <= 0 or all(t in WEAK_WORDS for t in query):
            return {}, tuple(tokens)  # nothing known, or only "pas"/"rien": no evidence
        # matched idf weight per entry, accumulated over the postings of the message's words
        matched_of: dict[int, float] = defaultdict(float)
        for tok, sim in query.items():
            w = weights[tok] * sim
            for index in self.postings.get(tok, ()):
                matched_of[index] += w
        best: dict[str, float] = {}
        b2 = s.beta * s.beta
        entries = self.entries
        for index, matched in matched_of.items():
            if index in skip:
                continue
            entry = entries[index]
            cq = matched / total_q
            cd = matched / entry.weight_total if entry.weight_total else 0.0
            if cq <= 0 or cd <= 0:
                continue
            f = (1 + b2) * cq * cd / (b2 * cq + cd)
            if f > best.get(entry.topic_id, 0.0):
                best[entry.topic_id] = f
        scores = {}
        for topic_id, f in best.items():
            vocab = self.topic_vocab[topic_id]
            # words used in many of the topic's phrasings are central to it; a word seen once
            # is incidental: saturate by count (1 -> 0.5, 3 -> 0.75, 9 -> 0.9)
            bag = (
                sum(
                    weights[t] * query[t] * vocab[t] / (vocab[t] + s.bag_saturation)
                    for t in query
                    if t in vocab
                )
                / total_q
            )
            # both must agree: one phrasing matched well, and the topic's vocabulary covers
            # the message (a weighted geometric mean)
            scores[topic_id] = 100.0 * f ** (1 - s.bag_weight) * bag**s.bag_weight
        return scores, tuple(tokens)

    def triggered(self, text: str) -> str | None:
        """The topic whose trigger phrase the message contains, if any."""
        if not self.triggers:
            return None
        message = _stems(text, self.kb)
        present = set(message)
        for topic_id, phrase in self.triggers:
            if phrase[0] in present and _contains(message, phrase):
                return topic_id
        return None

    def match(
        self, text: str, skip: frozenset[int] = frozenset(), calm: bool = False
    ) -> MatchResult:
        """Best topic, or suggestions when two are close, or nothing when out of scope. The word
        scores decide distress (triggers, urgent topics) alone; otherwise they are blended with
        the classifier's margins, which also say what is out of scope. With `skip` (leave-one-out
        lint) the classifier is not used. `calm`: the distress topics are left out."""
        text = without_preamble(without_tags(text))  # « <b>bonjour</b> » is « bonjour »
        keep = self.settings.recent_results and not skip and not calm
        if keep and text in self._recent:  # the same message again: the same result
            return self._recent[text]
        scores, tokens = self.score_topics(text, skip)
        quiet = self.urgent | {CRISIS_TOPIC} if calm else frozenset()
        if calm:
            scores = {t: v for t, v in scores.items() if t not in quiet}
        result, special = self._decide(text, scores, tokens, calm)
        if not (special or self.classifier is None or skip):
            result = self._combine(text, result, scores, quiet)
        question = None if special else final_question(text)
        if question is not None:  # a long story that ends on its question: the question leads
            asked = self.match(question, skip, calm)
            bar = max(QUESTION_LEADS, result.score - STORY_MARGIN if result.topic else 0.0)
            polite = asked.topic in POLITE_ENDINGS and result.topic is not None
            if asked.topic not in (None, result.topic) and asked.score >= bar and not polite:
                also = tuple(t for t in (result.topic, *result.suggestions) if t != asked.topic)
                also = tuple(t for t in also if t)[:2]
                result = MatchResult(result.candidates, asked.topic, asked.score, also, tokens)
        if not special and result.tokens and set(result.tokens) <= set(self.settings.generic):
            topics = self.kb.topics
            pupils = [c.topic_id for c in result.candidates if topics[c.topic_id].serves("pupil")]
            best = tuple(pupils[:4])  # one word is a pupil's way of asking: a short menu
            result = MatchResult(result.candidates, None, result.score, best, result.tokens)
        if keep:
            if len(self._recent) >= self.settings.recent_results:
                self._recent.clear()
            self._recent[text] = result
        return result

    def _combine(
        self,
        text: str,
        result: MatchResult,
        scores: dict[str, float],
        quiet: frozenset[str] | set[str] = frozenset(),
    ) -> MatchResult:
        """The word scores and the classifier's margins blended: which topic, or none."""
        s = self.settings
        assert self.classifier is not None
        margins = self.classifier.decision(text)
        if not margins:
            return result  # no n-gram the classifier knows: the word scores alone
        other = margins.get(OTHER)
        blended = {
            topic_id: margin + s.clf_blend * scores.get(topic_id, 0.0) / 100
            for topic_id, margin in margins.items()
            if topic_id != OTHER and topic_id not in self.urgent and topic_id not in quiet
        }
        if not blended:
            return result
        ranked = heapq.nlargest(3, blended.items(), key=lambda kv: kv[1])
        best, value = ranked[0]
        if (
            (other is not None and other + s.clf_other_margin > value)
            or value < s.clf_floor
            or (
                scores.get(best, 0.0) < s.clf_words / (1 + (len(result.tokens) >= s.long_tokens))
                and margins[best] < s.clf_alone
            )
        ):
            # not answered; "did you mean" only for topics both the words and the blend rank,
            # and not when the message is plainly about something else ("psg om c qui va gagner")
            if other is not None and other - value > s.clf_suggest:
                return MatchResult(result.candidates, None, result.score, (), result.tokens)
            likely = {t for t, _ in ranked}
            maybe = (result.topic, *result.suggestions)
            suggestions = tuple(
                t
                for t in dict.fromkeys(maybe)
                if t in likely and scores.get(t, 0.0) >= s.suggest_threshold
            )
            return MatchResult(result.candidates, None, result.score, suggestions, result.tokens)
        also = tuple(t for t, v in ranked[1:] if v >= value - s.clf_also)
        probability = self.classifier.probabilities(margins)[best]  # only for an answer
        score = max(scores.get(best, 0.0), 100.0 * probability)
        return MatchResult(result.candidates, best, round(score, 1), also, result.tokens)

    def _decide(
        self, text: str, scores: dict[str, float], tokens: tuple[str, ...], calm: bool = False
    ) -> tuple[MatchResult, bool]:
        """The word scores' decision, and whether it came from a distress path."""
        s = self.settings
        best = heapq.nlargest(5, scores.items(), key=lambda kv: kv[1])
        ranked = tuple(Candidate(t, round(v, 1)) for t, v in best)
        triggered = None if calm else self.triggered(text)
        if triggered is not None:
            # "j'en peux plus", "il me touche": the topic (distress) whatever the score
            # no "did you mean" beside it: what else the words match is noise ("jpp de ma
            # vie" -> "vie privée"); the topic's own related buttons stay
            score = max(scores.get(triggered, 0.0), s.answer_threshold)
            return MatchResult(ranked, triggered, round(score, 1), (), tokens), True
        if not ranked:
            return MatchResult((), None, 0.0, (), tokens), False
        urgent = next((c for c in ranked[:3] if c.topic_id in self.urgent), None)
        if urgent is not None:
            # Distress is never left to the fallback: answered when it leads with a low score,
            # or when it comes close behind another topic (then offered alongside it).
            leads = urgent is ranked[0] and urgent.score >= s.suggest_threshold
            close = urgent.score >= ranked[0].score - s.urgent_margin and (
                urgent.score >= s.answer_threshold - s.urgent_margin
            )
            if leads or close:
                others = tuple(c.topic_id for c in ranked[:2] if c is not urgent)
                return MatchResult(
                    ranked, urgent.topic_id, max(urgent.score, s.answer_threshold), others, tokens
                ), True
        top = ranked[0]
        if (
            len(set(tokens)) >= s.long_message
            and top.score >= s.long_threshold
            and (not self.kb.lexicon.domain or not self.kb.lexicon.domain.isdisjoint(tokens))
        ):
            also = tuple(
                c.topic_id
                for c in ranked[1:3]
                if c.score >= top.score - s.also_margin and c.score >= s.long_threshold
            )
            return MatchResult(ranked, top.topic_id, top.score, also, tokens), False
        tied = [c for c in ranked[1:3] if c.score >= top.score - s.tie_margin]
        if top.score >= s.answer_threshold and not tied:
            # answered; a runner-up close behind is offered beside the answer
            also = tuple(
                c.topic_id
                for c in ranked[1:3]
                if c.score >= top.score - s.also_margin and c.score >= s.answer_threshold
            )
            return MatchResult(ranked, top.topic_id, top.score, also, tokens), False
        if top.score >= s.suggest_threshold:
            suggestions = (top.topic_id, *(c.topic_id for c in tied))
            if len(suggestions) == 1:
                suggestions += tuple(
                    c.topic_id for c in ranked[1:3] if c.score >= s.suggest_threshold
                )
            return MatchResult(ranked, None, top.score, suggestions, tokens), False
        return MatchResult(ranked, None, top.score, (), tokens), False
