"""Start-up time and resident memory of `ipe-bot run`, now and at a reference commit; the
safety net's time per message against the matcher's.

The start-up is everything `ipe-bot run` does before its first network call: import the
package, load and validate knowledge/, train the topic classifier and the safety model, build
the service. Each side runs in a fresh child process (three times, median), so the reference
(REFERENCE, the last commit before this round, checked out into a temporary folder) and the
current tree pay the same imports. Nothing is asserted.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Report, cli, heldout_questions, load_kb

REFERENCE = "61974e5"  # before the restructuring, the safety net and the classifier
RUNS = 3
CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from pathlib import Path
from bot.config import Config
from bot.runner import build_service, load_kb_or_exit
if len(sys.argv) > 2:  # a model cache directory (see bot/understanding/model_cache.py)
    from bot.understanding import model_cache
    model_cache.use_directory(Path(sys.argv[2]))
config = Config(database_url="sqlite+aiosqlite://", knowledge_dir=Path(sys.argv[1]))
service = build_service(config, load_kb_or_exit(config))
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mib": rss}))
"""


def start_up(tree: Path, cache: Path | None = None) -> tuple[float, float]:
    """Median seconds and peak RSS (MiB) of building the service from `tree`'s code (with a
    model cache directory: filled by a first run left out of the figures)."""
    runs = []
    extra = [str(cache)] if cache else []
    for n in range(RUNS + (1 if cache else 0)):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(tree / "knowledge"), *extra],
            cwd=tree,
            env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        )
        if n or not cache:
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return (
        statistics.median(r["seconds"] for r in runs),
        statistics.median(r["rss_mib"] for r in runs),
    )


def per_message(fn, texts: list[str], passes: int) -> float:
    """Median per-message seconds over `passes` passes."""
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        times.append((time.perf_counter() - start) / len(texts))
    return statistics.median(times)


def run(quick: bool = False) -> Report:
    report = Report("Start-up, memory and the safety net")
    with tempfile.TemporaryDirectory(prefix="ipe-ref-") as tmp:
        reference = Path(tmp)
        archive = subprocess.run(
            ["git", "archive", REFERENCE], cwd=ROOT, capture_output=True, check=False
        )
        if archive.returncode == 0:
            subprocess.run(["tar", "-x", "-C", str(reference)], input=archive.stdout, check=True)
            ref_seconds, ref_rss = start_up(reference)
            report.add(f"start-up at {REFERENCE} (before this round)", f"{ref_seconds:.2f} s")
            report.add(f"peak RSS at {REFERENCE}", f"{ref_rss:.0f} MiB")
        else:
            ref_seconds = ref_rss = 0.0
            report.note(f"reference commit {REFERENCE} not available: no comparison")
    seconds, rss = start_up(ROOT)
    report.add(
        "start-up now, models trained (imports, knowledge, classifier, safety model)",
        f"{seconds:.2f} s",
    )
    report.add("peak RSS now", f"{rss:.0f} MiB")
    with tempfile.TemporaryDirectory(prefix="ipe-models-") as tmp:
        warm, warm_rss = start_up(ROOT, Path(tmp))
    report.add("start-up now, fitted models read from MODEL_CACHE_DIR", f"{warm:.2f} s")
    report.add("peak RSS now, models read from the cache", f"{warm_rss:.0f} MiB")
    if ref_seconds:
        report.add(
            "start-up ratio now / before (trained; cached)",
            f"{seconds / ref_seconds:.2f}x; {warm / ref_seconds:.2f}x",
        )
    report.target(
        "resident memory under ~400 MiB", f"{max(rss, warm_rss):.0f} MiB", max(rss, warm_rss) < 400
    )
    kb = load_kb()
    texts = heldout_questions()
    if quick:
        texts = texts[:40]
    assert kb.safety is not None
    from bot.understanding.matching import Matcher, Settings

    matcher = Matcher(kb, Settings(recent_results=0))  # the work itself, not the cache

    def assess(text: str) -> object:
        kb.safety._recent.clear()  # likewise
        return kb.safety.assess(text)

    for text in texts:  # warm the typo caches
        assess(text)
        matcher.match(text)
    passes = 3 if quick else 7
    safety = per_message(assess, texts, passes)
    matching = per_message(matcher.match, texts, passes)
    report.add("safety net per message (rules + model), median", f"{safety * 1000:.2f} ms")
    report.add("matching per message (matcher + classifier), median", f"{matching * 1000:.2f} ms")
    report.add("safety net / matching", f"{safety / matching:.2f}x")
    report.target(
        "matching per message ≤ 2 ms (median)", f"{matching * 1000:.2f} ms", matching <= 0.002
    )
    return report


def main() -> None:
    cli(run, __doc__)


if __name__ == "__main__":
    main()
