"""Compare the bot's matcher with two baselines on a labelled file, each at its best threshold.

    python bench/baselines.py tests/data/heldout_questions.tsv

Baselines, run on the same exported knowledge base (questions + keywords + titles):
- rapidfuzz WRatio nearest question (default_process);
- TF-IDF character 2-4-gram nearest question (cosine), pure Python.
For each method the answer threshold is swept and the best in-scope accuracy + out-of-scope
rejection is printed, so no method is judged at a badly chosen threshold.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding.evaluation import read_labelled  # noqa: E402
from bot.understanding.knowledge import load_knowledge  # noqa: E402
from bot.understanding.matching import Matcher  # noqa: E402


def kb_strings(kb):
    out = []
    for topic in kb.topics.values():
        for text in (*topic.questions, *topic.keywords, topic.title):
            out.append((topic.id, text))
    return out


def wratio_predict(strings):
    choices = [utils.default_process(t) for _, t in strings]

    def predict(question):
        best = process.extractOne(utils.default_process(question), choices, scorer=fuzz.WRatio)
        return (strings[best[2]][0], best[1]) if best else (None, 0.0)

    return predict


def tfidf_predict(strings):
    def grams(text):
        text = f" {utils.default_process(text)} "
        return Counter(text[i : i + n] for n in (2, 3, 4) for i in range(len(text) - n + 1))

    docs = [grams(t) for _, t in strings]
    df = Counter(g for d in docs for g in d)
    n = len(docs)
    idf = {g: math.log((1 + n) / (1 + c)) + 1 for g, c in df.items()}

    def vec(counts):
        v = {g: (1 + math.log(c)) * idf.get(g, 0.0) for g, c in counts.items() if g in idf}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {g: x / norm for g, x in v.items()}

    postings = defaultdict(list)
    for i, d in enumerate(docs):
        for g, w in vec(d).items():
            postings[g].append((i, w))

    def predict(question):
        acc = defaultdict(float)
        for g, w in vec(grams(question)).items():
            for i, dw in postings.get(g, ()):
                acc[i] += w * dw
        if not acc:
            return None, 0.0
        i = max(acc, key=acc.get)
        return strings[i][0], 100 * acc[i]

    return predict


def bot_predict(kb):
    matcher = Matcher(kb)

    def predict(question):
        scores, _ = matcher.score_topics(question)
        if not scores:
            return None, 0.0
        topic = max(scores, key=scores.get)
        return topic, scores[topic]

    return predict, matcher


def best_threshold(preds, items):
    n_in = sum(1 for i in items if i.expected) or 1
    n_out = sum(1 for i in items if not i.expected) or 1
    best = (0.0, 0.0, 0.0, 0.0)
    for t in range(0, 101):
        acc = sum(
            1
            for (p, s), i in zip(preds, items, strict=False)
            if i.expected and s >= t and p in i.expected
        )
        rej = sum(1 for (p, s), i in zip(preds, items, strict=False) if not i.expected and s < t)
        total = acc / n_in + rej / n_out
        if total > best[0]:
            best = (total, t, acc / n_in, rej / n_out)
    return best


def main(path: str) -> None:
    kb = load_knowledge(ROOT / "knowledge").kb
    items = read_labelled(path)
    strings = kb_strings(kb)
    bot, matcher = bot_predict(kb)
    rows = [
        ("wratio", wratio_predict(strings)),
        ("tfidf-char", tfidf_predict(strings)),
        ("bot (swept)", bot),
    ]
    print(
        f"{path}: {sum(1 for i in items if i.expected)} in scope, {sum(1 for i in items if not i.expected)} out"
    )
    for name, predict in rows:
        preds = [predict(i.question) for i in items]
        _total, t, acc, rej = best_threshold(preds, items)
        print(f"  {name:12s} best threshold {t:3.0f}: in-scope {acc:6.1%}  rejection {rej:6.1%}")
    answered = [matcher.match(i.question) for i in items]
    acc = sum(
        1 for r, i in zip(answered, items, strict=False) if i.expected and r.topic in i.expected
    )
    rej = sum(
        1 for r, i in zip(answered, items, strict=False) if not i.expected and r.topic is None
    )
    n_in = sum(1 for i in items if i.expected)
    print(
        f"  {'bot (as is)':12s} shipped settings   : in-scope {acc / n_in:6.1%}  rejection {rej / (len(items) - n_in):6.1%}"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "tests/data/heldout_questions.tsv"))
