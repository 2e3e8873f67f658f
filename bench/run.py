"""Run every benchmark, each in its own process with a time limit; optionally write RESULTS.md.

    /work/venv/bin/python bench/run.py [--quick] [--write] [--only matching,e2e,escalation]

Speed and memory are printed as ratios against a baseline run in the same process as the
measured code (machines are noisy): nothing is asserted. Everything runs offline on 127.0.0.1.
Each benchmark runs in a child process (`python -m bench.<name>_bench`) so that a hang is
bounded by its time limit and peak memory figures do not mix.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
ANALYSIS_HEADING = "## Analysis"  # kept as is when RESULTS.md is written again
# name -> time limit in seconds (full mode, on 2 cores: matching takes about 200 s, the
# classifier being trained once per scaled copy of the knowledge base; start-up about 250 s,
# the models trained from scratch, then read from their cache, several times each; both have
# grown with the examples)
BENCHMARKS = {"matching": 300, "e2e": 160, "escalation": 120, "startup": 420, "placements": 60}
QUICK_LIMIT = 60
SUITE_LIMIT = 1080.0  # the whole suite stays under 18 minutes, whatever happens


def run_one(name: str, quick: bool, limit: float) -> tuple[dict | None, float, str]:
    """Run bench.<name>_bench in a child process; (report as JSON or None, seconds, problem)."""
    with tempfile.TemporaryDirectory(prefix="ipe-bench-") as tmp:
        out = Path(tmp) / "report.json"
        command = [sys.executable, "-m", f"bench.{name}_bench", "--json", str(out)]
        if quick:
            command.append("--quick")
        start = time.perf_counter()
        try:
            proc = subprocess.run(command, cwd=ROOT, timeout=limit, check=False)
        except subprocess.TimeoutExpired:
            return None, time.perf_counter() - start, f"stopped after its {limit:.0f} s limit"
        seconds = time.perf_counter() - start
        if proc.returncode != 0 or not out.exists():
            return None, seconds, f"exited with status {proc.returncode}"
        return json.loads(out.read_text(encoding="utf-8")), seconds, ""


def code_version() -> str:
    """The commit measured, and whether bot/ or knowledge/ had uncommitted changes."""

    def git(*args: str) -> str:
        try:
            proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        except OSError:
            return ""
        return proc.stdout.strip() if proc.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "bot", "knowledge")
    return f"{commit}" + (" + uncommitted changes in bot/ or knowledge/" if dirty else "")


def machine_markdown() -> str:
    sys.path.insert(0, str(ROOT))
    from bench.common import machine

    lines = ["| machine | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in machine().items()]
    lines.append(f"| code | {code_version()} |")
    return "\n".join(lines) + "\n"


def write_results(sections: list[str], quick: bool, total: float) -> None:
    """RESULTS.md: machine, each benchmark's tables; an existing Analysis section is kept."""
    analysis = ""
    if RESULTS.exists():
        text = RESULTS.read_text(encoding="utf-8")
        if ANALYSIS_HEADING in text:
            analysis = text[text.index(ANALYSIS_HEADING) :]
    mode = " --quick" if quick else ""
    head = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py{mode} --write` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; the whole suite took {total:.0f} s. "
        "Every figure is a ratio against a baseline run in the same process, or a rate "
        "measured next to one; targets are reported, never asserted.",
        "",
        machine_markdown(),
    ]
    body = "\n".join(head) + "\n" + "\n".join(sections)
    if analysis:
        body += "\n" + analysis
    RESULTS.write_text(body.rstrip() + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run of everything")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(BENCHMARKS))
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    sys.path.insert(0, str(ROOT))
    from bench.common import Report, machine

    for key, value in machine().items():
        print(f"{key}: {value}")
    sections, failed = [], []
    start = time.perf_counter()
    for name in names:
        remaining = SUITE_LIMIT - (time.perf_counter() - start)
        limit = max(1.0, min(QUICK_LIMIT if args.quick else BENCHMARKS[name], remaining))
        print(f"\n== {name} (limit {limit:.0f} s)", flush=True)
        data, seconds, problem = run_one(name, args.quick, limit)
        print(f"== {name}: {seconds:.0f} s{' — ' + problem if problem else ''}", flush=True)
        if data is None:
            failed.append(name)
            sections.append(f"## {name}\n\nNo result: {problem}.\n")
            continue
        report = Report.from_json(data)
        report.notes.append(f"Ran in {seconds:.0f} s.")
        sections.append(report.markdown())
    total = time.perf_counter() - start
    print(f"\nall benchmarks: {total:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    if args.write:
        write_results(sections, args.quick, total)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
