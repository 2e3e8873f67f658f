"""Shared helpers of the benchmarks: paths, machine description, the report format."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import resource
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType

from bot.understanding.knowledge import KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"
TESTS_DIR = ROOT / "tests"
HELDOUT = TESTS_DIR / "data" / "heldout_questions.tsv"

# httpx honours proxy variables: the loopback Bot API server must be reached directly.
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")


def load_kb() -> KnowledgeBase:
    """The shipped knowledge base; refuses to benchmark a broken one."""
    result = load_knowledge(KNOWLEDGE_DIR)
    if result.errors:
        raise SystemExit("knowledge base errors:\n" + "\n".join(map(str, result.errors)))
    return result.kb


def heldout_questions() -> list[str]:
    """Question texts (column 2) of tests/data/heldout_questions.tsv, in file order."""
    questions = []
    for line in HELDOUT.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[1].strip():
            questions.append(parts[1].strip())
    return questions


def bot_api_server() -> ModuleType:
    """tests/support/bot_api_server.py (the loopback Bot API server), imported from tests/."""
    return importlib.import_module("support.bot_api_server")


def harness() -> ModuleType:
    """tests/support/harness.py: the bot wired and started as the end-to-end tests do."""
    return importlib.import_module("support.harness")


def support_cases() -> ModuleType:
    """tests/support/cases.py: the tests' pupils, IPE and request form answers."""
    return importlib.import_module("support.cases")


if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))


def max_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_model() -> str:
    """Model name from /proc/cpuinfo, with family, model and clock (some VMs name no model)."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or "unknown"
    name = fields.get("model name", "unknown")
    extra = [f"{k} {fields[k]}" for k in ("cpu family", "model") if k in fields]
    if "cpu MHz" in fields:
        extra.append(f"{float(fields['cpu MHz']):.0f} MHz")
    return f"{name} ({', '.join(extra)})" if extra else name


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for package in ("python-telegram-bot", "rapidfuzz", "SQLAlchemy", "aiosqlite", "httpx"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    return {
        "CPU": cpu_model(),
        "cores": f"{usable} usable ({os.cpu_count()} online)",
        "memory": memory_total(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "OS": f"{platform.system()} {platform.release()}",
        "packages": ", ".join(versions),
    }


@dataclass
class Target:
    """A goal to report (never asserted): what, the measured value, and whether it is met."""

    goal: str
    measured: str
    met: bool


@dataclass
class Report:
    """One benchmark's results: labelled values, targets and notes, printable and as Markdown."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, value: str) -> None:
        self.rows.append((label, value))
        print(f"  {label:<58} {value}", flush=True)

    def target(self, goal: str, measured: str, met: bool) -> None:
        self.targets.append(Target(goal, measured, met))
        print(f"  target: {goal:<50} {measured:>14}  {'met' if met else 'NOT met'}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", "| measure | value |", "| --- | --- |"]
        lines += [f"| {label} | {value} |" for label, value in self.rows]
        if self.targets:
            lines += [
                "",
                "| target (reported, not asserted) | measured | met |",
                "| --- | --- | --- |",
            ]
            lines += [
                f"| {t.goal} | {t.measured} | {'yes' if t.met else '**no**'} |"
                for t in self.targets
            ]
        if self.notes:
            lines += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Report:
        targets = [Target(**t) for t in data.get("targets", [])]
        rows = [(label, value) for label, value in data.get("rows", [])]
        return cls(data["title"], rows, targets, list(data.get("notes", [])))


def cli(run: Callable[[bool], Report], doc: str | None) -> None:
    """Command line of a benchmark module: --quick, and --json FILE to save the report."""
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument("--json", type=Path, help="write the report to this file")
    args = parser.parse_args()
    report = run(args.quick)
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), ensure_ascii=False), encoding="utf-8")


def ratio(value: float, baseline: float) -> str:
    """value / baseline as text (\"n/a\" when the baseline is zero)."""
    return f"{value / baseline:.2f}x" if baseline else "n/a"
