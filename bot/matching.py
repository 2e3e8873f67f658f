"""French fuzzy matcher: which topic a message is about, with a 0-100 confidence."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.knowledge import KnowledgeBase
from bot.normalise import SMALL_TALK, content_tokens, stem

SMALL_TALK_STEMS = frozenset(stem(w) for w in SMALL_TALK)


@dataclass(frozen=True)
class Settings:
    """Thresholds and weights; defaults tuned on tests/data/dev_questions.tsv."""

    answer_threshold: float = 52.0  # below: not answered
    suggest_threshold: float = 38.0  # between suggest and answer: "did you mean"
    tie_margin: float = 4.0  # top two closer than this: "did you mean"
    beta: float = 1.0  # F-beta over query and question coverage
    unknown_weight: float = 0.55  # weight of a word the KB never uses, relative to max idf
    bag_weight: float = 0.25  # share of the topic-wide vocabulary coverage
    fuzzy_cutoff: float = 82.0  # typo tolerance for words not in the vocabulary


@dataclass(frozen=True)
class Candidate:
    topic_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """Ranked candidates; `topic` is set when the best one is confident and alone."""

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
    full = content_tokens(text, kb.lexicon, keep_small_talk=True)
    core = [t for t in full if t not in SMALL_TALK_STEMS]
    return core or full


class Matcher:
    """Scores a message against every question and keyword of the knowledge base."""

    def __init__(self, kb: KnowledgeBase, settings: Settings | None = None) -> None:
        self.kb = kb
        self.settings = settings or Settings()
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
        self.idf = {tok: math.log((n + 1) / (count + 0.5)) for tok, count in df.items()}
        self.max_idf = max(self.idf.values(), default=1.0)
        self.vocab = list(self.idf)
        self.entries: list[_Entry] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.topic_vocab: dict[str, set[str]] = defaultdict(set)
        for topic_id, text, tokens in raw:
            unique = frozenset(tokens)
            total = sum(self.idf[t] for t in unique)
            index = len(self.entries)
            self.entries.append(_Entry(topic_id, text, unique, total))
            for tok in unique:
                self.postings[tok].append(index)
            self.topic_vocab[topic_id] |= unique
        self.urgent = {t.id for t in kb.topics.values() if t.urgent}
        self._fuzzy_cache: dict[str, tuple[str | None, float]] = {}

    def _resolve(self, token: str) -> tuple[str | None, float]:
        """Map a query word to a vocabulary word, tolerating typos."""
        if token in self.idf:
            return token, 1.0
        cached = self._fuzzy_cache.get(token)
        if cached is not None:
            return cached
        result: tuple[str | None, float] = (None, 0.0)
        if len(token) >= 4 and not token.isdigit():
            cutoff = self.settings.fuzzy_cutoff if len(token) >= 6 else 85.0
            best = process.extractOne(token, self.vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best is not None:
                result = (best[0], best[1] / 100.0)
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
        weights: dict[str, float] = {}
        for tok in dict.fromkeys(tokens):
            vocab_tok, sim = self._resolve(tok)
            if vocab_tok is None:
                total_q += s.unknown_weight * self.max_idf
                continue
            w = self.idf[vocab_tok]
            if vocab_tok in query:
                continue
            query[vocab_tok] = sim
            weights[vocab_tok] = w
            total_q += w
        if not query or total_q <= 0:
            return {}, tuple(tokens)
        best: dict[str, float] = {}
        seen: set[int] = set(skip)
        b2 = s.beta * s.beta
        for tok in query:
            for index in self.postings.get(tok, ()):
                if index in seen:
                    continue
                seen.add(index)
                entry = self.entries[index]
                shared = [t for t in query if t in entry.tokens]
                matched = sum(weights[t] * query[t] for t in shared)
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
            bag = sum(weights[t] * query[t] for t in query if t in vocab) / total_q
            scores[topic_id] = 100.0 * ((1 - s.bag_weight) * f + s.bag_weight * bag)
        return scores, tuple(tokens)

    def match(self, text: str, skip: frozenset[int] = frozenset()) -> MatchResult:
        """Best topic, or suggestions when two are close, or nothing when out of scope."""
        s = self.settings
        scores, tokens = self.score_topics(text, skip)
        ranked = tuple(
            Candidate(t, round(v, 1)) for t, v in sorted(scores.items(), key=lambda kv: -kv[1])
        )
        if not ranked:
            return MatchResult((), None, 0.0, (), tokens)
        urgent = next((c for c in ranked if c.topic_id in self.urgent), None)
        if urgent is not None and urgent.score >= s.suggest_threshold:
            others = tuple(c.topic_id for c in ranked if c is not urgent)[:2]
            return MatchResult(
                ranked,
                urgent.topic_id,
                max(urgent.score, s.answer_threshold),
                others if ranked[0] is not urgent else (),
                tokens,
            )
        top = ranked[0]
        close = [c for c in ranked[1:3] if c.score >= top.score - s.tie_margin]
        if top.score >= s.answer_threshold and not close:
            return MatchResult(ranked, top.topic_id, top.score, (), tokens)
        if top.score >= s.suggest_threshold:
            suggestions = (top.topic_id, *(c.topic_id for c in close))
            if len(suggestions) == 1:
                suggestions += tuple(
                    c.topic_id for c in ranked[1:3] if c.score >= s.suggest_threshold
                )
            return MatchResult(ranked, None, top.score, suggestions, tokens)
        return MatchResult(ranked, None, top.score, (), tokens)
