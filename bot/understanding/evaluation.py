"""Accuracy of the matcher on labelled question files (`expected<TAB>question`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.understanding.matching import Matcher

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


def evaluate(matcher: Matcher, items: list[Labelled]) -> EvalReport:
    report = EvalReport()
    for item in items:
        result = matcher.match(item.question)
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
