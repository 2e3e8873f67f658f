"""How well the matcher generalises to a new writer: every question set of tests/data measured
with a classifier that did not learn it.

    python -m bench.topics_cv [--settings clf_blend=0.6,clf_other_margin=0.3] [--misses N]

knowledge/topic_examples.tsv holds the question sets of tests/data, each added after its one
blind measurement. Measuring a set with the shipped classifier would score what it learned;
here each set is measured with a classifier trained on the examples *without* that set's
messages (leave one set out), and with a safety model trained without them too (it learns
the examples as ordinary messages; its false alarms are answers lost). Each set was written by another hand, in its own styles, so the
figures estimate what a new user's messages get. "without examples" is the same measurement
with the classifier trained on the topics' questions alone. Settings are chosen here, on these
figures; the blind set of a round is measured once, after (README, "Understanding").
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from bot.understanding.evaluation import (
    EvalReport,
    evaluate,
    format_report,
    leave_out,
    read_labelled,
)
from bot.understanding.knowledge import load_knowledge
from bot.understanding.matching import Matcher, Settings

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted(
    p for p in (ROOT / "tests" / "data").glob("*_questions.tsv") if not p.name.startswith("safety_")
)


def overall(report: EvalReport) -> float:
    total = report.in_scope + report.out_scope
    return (report.in_scope_right + report.out_scope_rejected) / total if total else 0.0


def _value(default: object, text: str) -> object:
    if isinstance(default, bool):
        return text.lower() in ("1", "true", "yes", "on")
    return type(default)(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="", help="matcher settings, name=value,...")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses per set")
    parser.add_argument("--quick", action="store_true", help="only the run with the examples")
    args = parser.parse_args(argv)
    overrides = {
        name: _value(getattr(Settings(), name), value)
        for name, _, value in (p.partition("=") for p in args.settings.split(",") if p)
    }
    kb = load_knowledge().kb
    for with_examples in (True,) if args.quick else (False, True):
        print("with examples (leave one set out)" if with_examples else "without examples")
        total = EvalReport()
        for path in SETS:
            items = read_labelled(path)
            known = leave_out(kb, items)  # the safety model too never learned the set
            if not with_examples:
                known = dataclasses.replace(known, examples=())
            matcher = Matcher(known, Settings(**overrides))
            report = evaluate(matcher, items, known.safety)
            name = path.name.removesuffix("_questions.tsv")
            print(
                f"  {name:9} in scope {report.accuracy:6.1%}  rejection {report.rejection:6.1%}"
                f"  overall {overall(report):6.1%}"
            )
            if args.misses and with_examples:
                print(format_report(report, top=args.misses))
            for name in ("in_scope", "in_scope_right", "out_scope", "out_scope_rejected"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
        print(
            f"  {'all':9} in scope {total.accuracy:6.1%}  rejection {total.rejection:6.1%}"
            f"  overall {overall(total):6.1%}"
        )


if __name__ == "__main__":
    main()
