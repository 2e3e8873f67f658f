"""How well the safety net generalises: the whole pipeline (rules, then the learned model)
measured on messages its model did not learn from.

    python -m bench.safety_cv [--folds 5] [--misses] [--sweep] [--long]

- every labelled set of tests/data/safety_*.tsv is measured with a model trained on
  knowledge/safety_examples.tsv *without* that set's lines (leave one set out: the holdout and
  final sets were added to the examples after their one blind measurement);
- the examples' own lines are measured by k-fold cross-validation (each fold left out in turn);
- "rules alone" is the same measurement without the model;
- "long" (with `--long`): every line of the left-out set hidden among 3 to 5 ordinary questions
  of tests/data/*_questions.tsv (joined by ". ", a line break or nothing at all, as people
  write), measured the same way: the distress must still be found, the harmless must stay quiet;
  "run-on": the same without any punctuation at all, one line (the net must cut it into clauses);
- "ordinary questions": alarms on the questions of tests/data/*_questions.tsv (their labelled
  distress lines left out), with the model trained on every example and on the ordinary
  messages it learns (topics' questions, knowledge/topic_examples.tsv) *without* those questions;
- `--sweep` records, for every held-out message and for the ordinary questions of
  tests/data/*_questions.tsv (their labelled distress lines left out), what the rules found and
  the model's P(distress), and prints recall and false alarms for other thresholds.

The rules (knowledge/safety.yaml) were written by people who had read every one of these sets,
so the rules' share is optimistic: the figures that carry information about new messages are
the model's. Nothing is asserted: this prints figures (see README, "Safety net").
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from bot.understanding.evaluation import SafetyReport, evaluate_safety, read_safety_labelled
from bot.understanding.knowledge import load_knowledge, ordinary_messages, train_safety_model
from bot.understanding.safety import SafetyNet
from bot.understanding.safety_model import EXAMPLES_FILE, read_examples

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((ROOT / "tests" / "data").glob("safety_*.tsv"))

Row = tuple[str, str, str]


def train(net: SafetyNet, examples: list[Row], ordinary: list[str]) -> None:
    net.model = train_safety_model(net, examples, ordinary)
    net._recent.clear()


def measure(net: SafetyNet, rows: list[Row], use_model: bool = True) -> SafetyReport:
    model = net.model
    if not use_model:
        net.model = None
    net._recent.clear()
    try:
        return evaluate_safety(net.assess, rows)
    finally:
        net.model = model
        net._recent.clear()


def observe(net: SafetyNet, rows: list[Row], sink: list[tuple[str, str | None, bool, float]]):
    """(label, the rules' level, near a game word, the model's P(distress)) for every row."""
    assert net.model is not None
    for label, _cat, text in rows:
        prepared = net.prepared(text)
        positions = net._families.positions(prepared.split()) if net._families else {}
        rules = net._rules(prepared, positions)
        vetoed = any(positions.get(v) for v in net._veto_names)
        probs = net.model.probabilities(prepared)
        sink.append((label, rules[0] if rules else None, vetoed, probs[0] if probs else 0.0))


def sweep(seen: list[tuple[str, str | None, bool, float]], ordinary: int) -> None:
    """Recall and false alarms if the model's bars were others (the vetoed bar unchanged)."""
    from bot.understanding.safety import VETOED_BAR

    print("\nthresholds: strong_at upgrade_at -> recall, false alarms (labelled), ordinary alarms")
    for strong_at in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75):
        for upgrade_at in (0.5, 0.6, 0.7, 0.75, 0.85):
            if upgrade_at < strong_at - 0.2:
                continue
            hit = alarms = harmless = strong = plain = 0
            for label, rules, vetoed, p in seen:
                bar = VETOED_BAR if vetoed else upgrade_at if rules == "weak" else strong_at
                is_strong = rules == "strong" or p >= bar
                if label == "strong":
                    strong += 1
                    hit += is_strong
                elif label == "none":
                    harmless += 1
                    alarms += is_strong
                elif label == "ordinary":
                    plain += is_strong
            print(
                f"  {strong_at:.2f} {upgrade_at:.2f} -> {hit / strong:6.1%} {alarms / harmless:5.1%}"
                f" ({alarms}/{harmless})  {plain}/{ordinary}"
            )


JOINERS = (". ", ".\n", "\n", " ", "! ")


def long_rows(rows: list[Row], ordinary: list[str], seed: int) -> list[Row]:
    """Each row hidden among 3 to 5 ordinary questions, at a random place."""
    rng = random.Random(seed)
    out = []
    for label, cat, text in rows:
        around = rng.sample(ordinary, rng.randint(3, 5))
        around.insert(rng.randint(0, len(around)), text)
        joiner = rng.choice(JOINERS)
        out.append((label, cat, joiner.join(t.rstrip(" .!?") for t in around)))
    return out


_PUNCTUATION = re.compile(r"[.!?…;:,]+")


def run_on_rows(rows: list[Row], ordinary: list[str], seed: int) -> list[Row]:
    """Each row hidden among 3 to 5 ordinary questions in one line without any punctuation,
    as some pupils write: only the net's clauses can isolate the distress."""
    out = []
    for label, cat, text in long_rows(rows, ordinary, seed):
        out.append((label, cat, " ".join(_PUNCTUATION.sub(" ", text).split())))
    return out


def line(name: str, report: SafetyReport, rules: SafetyReport) -> str:
    return (
        f"{name:28} {len(report.misses):>3} wrong | recall {report.recall:6.1%} "
        f"({report.strong_found}/{report.strong}; rules alone {rules.recall:6.1%}) | "
        f"weak flagged {report.weak_found}/{report.weak} | "
        f"false alarms {report.false_alarm_rate:5.1%} ({report.false_alarms}/{report.harmless};"
        f" rules alone {rules.false_alarms}) | footers on harmless {report.harmless_weak}"
    )


def merge(reports: list[SafetyReport]) -> SafetyReport:
    total = SafetyReport()
    for r in reports:
        for name in ("strong", "strong_found", "weak", "weak_found", "harmless"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        total.false_alarms += r.false_alarms
        total.harmless_weak += r.harmless_weak
        total.misses += r.misses
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="print the misses of every set")
    parser.add_argument("--sweep", action="store_true", help="recall and alarms at other bars")
    parser.add_argument("--long", action="store_true", help="the sets hidden in long messages")
    args = parser.parse_args()

    kb = load_knowledge(ROOT / "knowledge").kb
    net = kb.safety
    assert net is not None
    examples, _ = read_examples(ROOT / "knowledge" / EXAMPLES_FILE)
    seen: list[tuple[str, str | None, bool, float]] = []
    questions = [
        ("ordinary", "-", line.split("\t")[1])
        for path in sorted((ROOT / "tests" / "data").glob("*_questions.tsv"))
        if not path.stem.startswith("safety")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and "detresse" not in line.split("\t")[0]
    ]
    # the topics' questions and real-style messages, as the bot learns them, the question sets'
    # own lines left out: the alarms measured on them stay a measure on unseen messages
    ordinary = ordinary_messages(kb.topics, kb.examples, {q for _, _, q in questions})
    texts_of = {path.stem: {r[2] for r in read_safety_labelled(path)} for path in SETS}

    print("Leave one set out (model trained without the set's lines):")
    for path in SETS:
        rows = read_safety_labelled(path)
        keep = [e for e in examples if e[2] not in texts_of[path.stem]]
        train(net, keep, ordinary)
        report, rules = measure(net, rows), measure(net, rows, use_model=False)
        if args.sweep:
            observe(net, rows, seen)
        print(line(path.stem, report, rules))
        if args.misses:
            for label, got, text in report.misses:
                print(f"    {label:6} -> {got:6}  {text}")
        if args.long:
            hidden = long_rows(rows, [q for _, _, q in questions], len(rows))
            report = measure(net, hidden)
            print(line("  long", report, measure(net, hidden, use_model=False)))
            if args.misses:
                for label, got, text in report.misses:
                    print(f"    {label:6} -> {got:6}  {text}")
            run_on = run_on_rows(rows, [q for _, _, q in questions], len(rows) + 1)
            report = measure(net, run_on)
            print(line("  run-on", report, measure(net, run_on, use_model=False)))
            if args.misses:
                for label, got, text in report.misses:
                    print(f"    {label:6} -> {got:6}  {text}")

    in_sets = set().union(*texts_of.values())
    own = [e for e in examples if e[2] not in in_sets]
    random.Random(11).shuffle(own)
    reports, rules_reports = [], []
    for k in range(args.folds):
        fold = own[k :: args.folds]
        held = {e[2] for e in fold}
        train(net, [e for e in examples if e[2] not in held], ordinary)
        reports.append(measure(net, fold))
        rules_reports.append(measure(net, fold, use_model=False))
        if args.sweep:
            observe(net, fold, seen)
    total = merge(reports)
    print(f"\n{args.folds}-fold cross-validation of the examples' own lines ({len(own)}):")
    print(line("examples (k-fold)", total, merge(rules_reports)))
    if args.misses:
        for label, got, text in total.misses:
            print(f"    {label:6} -> {got:6}  {text}")
    train(net, examples, ordinary)
    plain = measure(net, questions)
    print(
        f"\nordinary questions (model trained on every example): {plain.false_alarms}"
        f"/{plain.harmless} alarms ({plain.false_alarm_rate:.2%}), {plain.harmless_weak} footers"
    )
    if args.misses:
        for _, got, text in plain.misses:
            if got == "strong":
                print(f"    alarm   {text}")
    if args.sweep:
        observe(net, questions, seen)
        sweep(seen, len(questions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
