"""Accuracy of the matcher on labelled question files (`expected<TAB>question`)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.understanding.knowledge import ordinary_messages, train_safety_model
from bot.understanding.matching import Matcher, MatchResult
from bot.understanding.safety import SafetyNet
from bot.understanding.safety_model import EXAMPLES_FILE, read_examples
from bot.understanding.topics import CRISIS_TOPIC, KnowledgeBase

OUT_OF_SCOPE = "-"


@dataclass(frozen=True)
class Labelled:
    expected: frozenset[str]  # empty for out of scope
    question: str
    line: int


@dataclass
class EvalReport:
    in_scope: int = 0
    in_scope_right: int = 0
    out_scope: int = 0
    out_scope_rejected: int = 0
    confusions: Counter = field(default_factory=Counter)
    misses: list[tuple[Labelled, str | None, float]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.in_scope_right / self.in_scope if self.in_scope else 0.0

    @property
    def rejection(self) -> float:
        return self.out_scope_rejected / self.out_scope if self.out_scope else 0.0


def read_labelled(path: Path | str) -> list[Labelled]:
    """Parse a labelled file; blank lines and lines starting with # are skipped."""
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, sep, question = line.partition("\t")
        if not sep:
            raise ValueError(f"{path}:{number}: attendu « sujet<TAB>question »")
        labels = (
            frozenset()
            if expected.strip() == OUT_OF_SCOPE
            else frozenset(e.strip() for e in expected.split("|") if e.strip())
        )
        items.append(Labelled(labels, question.strip(), number))
    return items


def leave_out(kb: KnowledgeBase, items: list[Labelled]) -> KnowledgeBase:
    """The knowledge base without these questions among its examples (leave one set out:
    knowledge/topic_examples.tsv and safety_examples.tsv hold the question sets once measured):
    the classifier's examples, and a safety model trained again without them."""
    questions = {" ".join(i.question.lower().split()) for i in items}

    def unseen(text: str) -> bool:
        return " ".join(text.lower().split()) not in questions

    kept = tuple((topic_id, text) for topic_id, text in kb.examples if unseen(text))
    safety = kb.safety
    if safety is not None and safety.model is not None:
        rows, _ = read_examples(kb.directory / EXAMPLES_FILE)
        kept_rows = [row for row in rows if unseen(row[2])]
        model = train_safety_model(safety, kept_rows, ordinary_messages(kb.topics, kept))
        safety = safety.with_model(model)
    return dataclasses.replace(kb, examples=kept, safety=safety)


def read_followups(path: Path | str) -> list[tuple[str, Labelled]]:
    """Two-turn dialogues `first<TAB>follow-up<TAB>expected`: (first message, the follow-up
    labelled with the topic it should get)."""
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise ValueError(f"{path}:{number}: attendu « message<TAB>relance<TAB>sujet »")
        first, follow_up, expected = (p.strip() for p in parts)
        labels = (
            frozenset()
            if expected == OUT_OF_SCOPE
            else frozenset(e.strip() for e in expected.split("|") if e.strip())
        )
        items.append((first, Labelled(labels, follow_up, number)))
    return items


def evaluate_followups(
    two_turns: Callable[[str | None, str], str | None], items: list[tuple[str, Labelled]]
) -> EvalReport:
    """`two_turns(first, follow_up)` is the topic the follow-up gets after the first message
    (None for first: the follow-up alone), as the dialogue engine answers it."""
    report = EvalReport()
    for first, item in items:
        got = two_turns(first, item.question)
        if item.expected:
            report.in_scope += 1
            if got in item.expected:
                report.in_scope_right += 1
                continue
            report.confusions[(sorted(item.expected)[0], got or OUT_OF_SCOPE)] += 1
        else:
            report.out_scope += 1
            if got is None:
                report.out_scope_rejected += 1
                continue
            report.confusions[(OUT_OF_SCOPE, got)] += 1
        report.misses.append(
            (Labelled(item.expected, f"{first} → {item.question}", item.line), got, 0.0)
        )
    return report


def evaluate(
    matcher: Matcher, items: list[Labelled], safety: SafetyNet | None = None
) -> EvalReport:
    """As the bot answers: the safety net first (a strong signal is CRISIS_TOPIC), then the matcher."""
    report = EvalReport()
    for item in items:
        result = matcher.match(item.question)
        signal = safety.assess(item.question) if safety is not None else None
        if signal is not None and signal.level == "strong":
            result = MatchResult(result.candidates, CRISIS_TOPIC, 100.0, (), result.tokens)
        got = result.topic
        if item.expected:
            report.in_scope += 1
            if got in item.expected:
                report.in_scope_right += 1
            else:
                report.misses.append((item, got, result.score))
                wanted = sorted(item.expected)[0]
                report.confusions[(wanted, got or OUT_OF_SCOPE)] += 1
        else:
            report.out_scope += 1
            if got is None:
                report.out_scope_rejected += 1
            else:
                report.misses.append((item, got, result.score))
                report.confusions[(OUT_OF_SCOPE, got)] += 1
    return report


def format_report(report: EvalReport, top: int = 10) -> str:
    lines = [
        f"in-scope accuracy:      {report.accuracy:6.1%}  "
        f"({report.in_scope_right}/{report.in_scope})",
        f"out-of-scope rejection: {report.rejection:6.1%}  "
        f"({report.out_scope_rejected}/{report.out_scope})",
        "",
        "most confused (expected -> got):",
    ]
    for (wanted, got), count in report.confusions.most_common(top):
        lines.append(f"  {count:3d}  {wanted} -> {got}")
    lines += ["", f"misses ({len(report.misses)}):"]
    for item, got, score in report.misses:
        wanted = "|".join(sorted(item.expected)) or OUT_OF_SCOPE
        lines.append(
            f"  line {item.line}: [{wanted} -> {got or OUT_OF_SCOPE} {score:.0f}] {item.question}"
        )
    return "\n".join(lines)


@dataclass
class SafetyReport:
    """The safety net on `label<TAB>category<TAB>message` lines (strong | weak | none)."""

    strong: int = 0
    strong_found: int = 0  # flagged strong
    weak: int = 0
    weak_found: int = 0  # flagged weak or strong
    harmless: int = 0
    false_alarms: int = 0  # a strong signal on a harmless line
    harmless_weak: int = 0  # a footer on a harmless line
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # label, got, message

    @property
    def recall(self) -> float:
        return self.strong_found / self.strong if self.strong else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.harmless if self.harmless else 0.0


def read_safety_labelled(path: Path | str) -> list[tuple[str, str, str]]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in ("strong", "weak", "none"):
            raise ValueError(
                f"{path}:{number}: attendu « strong|weak|none<TAB>catégorie<TAB>texte »"
            )
        rows.append((parts[0], parts[1], parts[2].strip()))
    return rows


def evaluate_safety(assess, rows: list[tuple[str, str, str]]) -> SafetyReport:
    """`assess(text)` returns None or a signal with a `level`."""
    report = SafetyReport()
    for label, _category, text in rows:
        signal = assess(text)
        got = signal.level if signal is not None else "none"
        if label == "strong":
            report.strong += 1
            report.strong_found += got == "strong"
        elif label == "weak":
            report.weak += 1
            report.weak_found += got != "none"
        else:
            report.harmless += 1
            report.false_alarms += got == "strong"
            report.harmless_weak += got == "weak"
        wrong = (label == "strong" and got != "strong") or (label == "weak" and got == "none")
        if wrong or (label not in ("strong", "weak") and got == "strong"):  # a false alarm
            report.misses.append((label, got, text))
    return report


def format_safety_report(report: SafetyReport) -> str:
    lines = [
        f"distress recall (strong):  {report.recall:.1%}  ({report.strong_found}/{report.strong})",
        f"weak lines flagged:        {report.weak_found}/{report.weak}",
        f"false alarms (strong):     {report.false_alarm_rate:.1%}  "
        f"({report.false_alarms}/{report.harmless}); footers on harmless lines: "
        f"{report.harmless_weak}",
    ]
    if report.misses:
        lines.append("\nmisses (expected -> got):")
        lines += [f"  {label:6} -> {got:6}  {text}" for label, got, text in report.misses]
    return "\n".join(lines)
