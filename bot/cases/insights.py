"""What the knowledge authors and the academies learn: the unanswered inbox and statistics.

Nothing here stores a user identifier: a question event has an outcome, a topic, a role.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.details import STATUS_LABELS
from bot.messages import Reply
from bot.store.models import Case, QuestionEvent, Unanswered, aware
from bot.understanding.normalise import words
from bot.understanding.privacy import scrub

RECORDED = ("answer", "level", "did_you_mean", "fallback")
MAX_TEXT = 500


_INSERT_EVENT = insert(QuestionEvent)


async def record_reply(session: AsyncSession, reply: Reply, role: str | None, text: str) -> None:
    """One event per question; fallbacks and "did you mean" also go to the gaps inbox."""
    if reply.kind not in RECORDED:
        return
    outcome = "answer" if reply.kind == "level" else reply.kind  # answered once the class is known
    # a Core INSERT: this runs for every question, the ORM's unit of work adds nothing here
    await session.execute(
        _INSERT_EVENT,
        {"outcome": outcome, "topic": reply.topic, "role": role, "score": reply.score},
    )
    if outcome != "answer" and text.strip():
        near = reply.suggestions or reply.near
        session.add(
            Unanswered(
                reason=reply.kind, text=scrub(text)[:MAX_TEXT], role=role, near=json.dumps(near)
            )
        )


async def record_feedback(
    session: AsyncSession, helpful: bool, topic: str, question: str | None, role: str | None
) -> None:
    outcome = "helpful" if helpful else "not_helpful"
    session.add(QuestionEvent(outcome=outcome, topic=topic, role=role, score=0.0))
    if not helpful and question:
        session.add(
            Unanswered(
                reason="not_helpful",
                text=scrub(question)[:MAX_TEXT],
                role=role,
                near=json.dumps([topic]),
            )
        )


async def record_comment(session: AsyncSession, topic: str, text: str, role: str | None) -> None:
    """What a 👎 said was missing, for the gaps inbox (scrubbed, no user identifier)."""
    session.add(
        Unanswered(
            reason="comment", text=scrub(text)[:MAX_TEXT], role=role, near=json.dumps([topic])
        )
    )


# -- the gaps inbox -------------------------------------------------------------------------------
@dataclass
class Gap:
    """Similar unanswered questions, grouped."""

    example: str
    count: int = 0
    texts: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    near: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "example": self.example,
            "count": self.count,
            "questions": self.texts[:10],
            "reasons": dict(self.reasons),
            "closest_topics": [t for t, _ in self.near.most_common(3)],
        }


async def gaps(
    session: AsyncSession, since: datetime | None = None, threshold: float = 70.0
) -> list[Gap]:
    """Unanswered questions clustered by similarity, most frequent first."""
    query = select(Unanswered).order_by(Unanswered.id)
    if since is not None:
        query = query.where(Unanswered.at >= since)
    clusters: list[tuple[str, Gap]] = []
    for row in (await session.scalars(query)).all():
        key = " ".join(words(row.text))
        if not key:
            continue
        best, best_score = None, 0.0
        for other_key, gap in clusters:
            score = fuzz.token_sort_ratio(key, other_key)
            if score > best_score:
                best, best_score = gap, score
        if best is None or best_score < threshold:
            best = Gap(example=row.text)
            clusters.append((key, best))
        best.count += 1
        if row.text not in best.texts:
            best.texts.append(row.text)
        best.reasons[row.reason] += 1
        best.near.update(json.loads(row.near or "[]"))
    return sorted((g for _, g in clusters), key=lambda g: -g.count)


# -- statistics -----------------------------------------------------------------------------------
@dataclass
class Stats:
    questions: int = 0
    per_topic: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    helpful: int = 0
    not_helpful: int = 0
    cases: Counter = field(default_factory=Counter)  # (academy, status) -> n
    median_ack_hours: float | None = None
    median_resolve_hours: float | None = None

    @property
    def answer_rate(self) -> float:
        return self.outcomes["answer"] / self.questions if self.questions else 0.0

    @property
    def fallback_rate(self) -> float:
        return self.outcomes["fallback"] / self.questions if self.questions else 0.0

    def as_dict(self) -> dict:
        return {
            "questions": self.questions,
            "answer_rate": round(self.answer_rate, 3),
            "fallback_rate": round(self.fallback_rate, 3),
            "did_you_mean": self.outcomes["did_you_mean"],
            "per_topic": dict(self.per_topic.most_common()),
            "helpful": self.helpful,
            "not_helpful": self.not_helpful,
            "cases": {f"{a}/{s}": n for (a, s), n in sorted(self.cases.items())},
            "median_hours_to_acknowledge": self.median_ack_hours,
            "median_hours_to_resolve": self.median_resolve_hours,
        }


def _median_hours(pairs: list[tuple[datetime | None, datetime | None]]) -> float | None:
    spans = [
        (aware(end) - aware(start)).total_seconds() / 3600
        for start, end in pairs
        if start is not None and end is not None
    ]
    return round(statistics.median(spans), 2) if spans else None


async def compute_stats(
    session: AsyncSession, since: datetime | None = None, academies: set[str] | None = None
) -> Stats:
    """Question statistics (all académies: no user data) and case statistics for `academies`."""
    stats = Stats()
    query = select(QuestionEvent)
    if since is not None:
        query = query.where(QuestionEvent.at >= since)
    for event in (await session.scalars(query)).all():
        if event.outcome in RECORDED:
            stats.questions += 1
            stats.outcomes[event.outcome] += 1
            if event.outcome == "answer" and event.topic:
                stats.per_topic[event.topic] += 1
        elif event.outcome == "helpful":
            stats.helpful += 1
        elif event.outcome == "not_helpful":
            stats.not_helpful += 1
    case_query = select(Case)
    if since is not None:
        case_query = case_query.where(Case.created_at >= since)
    if academies is not None:
        case_query = case_query.where(Case.academy_id.in_(academies))
    cases = list((await session.scalars(case_query)).all())
    for case in cases:
        stats.cases[(case.academy_id, case.status)] += 1
    stats.median_ack_hours = _median_hours([(c.created_at, c.acknowledged_at) for c in cases])
    stats.median_resolve_hours = _median_hours([(c.created_at, c.resolved_at) for c in cases])
    return stats


def format_stats(stats: Stats, topic_titles: dict[str, str] | None = None) -> str:
    titles = topic_titles or {}
    lines = [
        f"Questions : {stats.questions}",
        f"Répondues : {stats.answer_rate:.0%} ; sans réponse : {stats.fallback_rate:.0%} ; "
        f"« tu voulais dire » : {stats.outcomes['did_you_mean']}",
        f"Avis : 👍 {stats.helpful}  👎 {stats.not_helpful}",
        "",
        "Sujets les plus demandés :",
    ]
    for topic, n in stats.per_topic.most_common(10):
        lines.append(f"  {n:5d}  {titles.get(topic, topic)}")
    if not stats.per_topic:
        lines.append("  aucun")
    lines += ["", "Demandes d'aide (académie / statut) :"]
    if not stats.cases:
        lines.append("  aucune")
    for (academy, status), n in sorted(stats.cases.items()):
        lines.append(f"  {n:5d}  {academy} / {STATUS_LABELS.get(status, status)}")
    ack, res = duration(stats.median_ack_hours), duration(stats.median_resolve_hours)
    lines.append(f"Délai médian de prise en charge : {ack} ; de résolution : {res}")
    return "\n".join(lines)


def duration(hours: float | None) -> str:
    """« 12 min », « 3 h 30 », « 2 j » — a delay as an administrator reads it."""
    if hours is None:
        return "—"
    minutes = round(hours * 60)
    if minutes < 1:
        return "moins d'une minute"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        whole, rest = divmod(minutes, 60)
        return f"{whole} h {rest:02d}" if rest else f"{whole} h"
    return f"{round(hours / 24)} j"


def plot_stats(
    stats: Stats,
    path: str,
    topic_titles: dict[str, str] | None = None,
    *,
    period: str = "depuis le début",
    academy: str = "toutes les académies",
) -> None:
    """Draw the statistics to a PNG file (needs matplotlib): three horizontal bar charts with
    whole-number axes, the period and the académie in the title."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    titles = topic_titles or {}
    top = list(reversed(stats.per_topic.most_common(12)))  # the most asked at the top
    outcome_labels = {
        "answer": "répondues",
        "did_you_mean": "« tu voulais dire »",
        "fallback": "sans réponse",
    }
    statuses = ["new", "acknowledged", "resolved", "closed"]
    status_labels = ["nouvelles", "prises en charge", "résolues", "closes"]
    panels = [
        (
            "Sujets les plus demandés",
            [textwrap.shorten(titles.get(t, t), 42, placeholder="…") for t, _ in top],
            [n for _, n in top],
        ),
        (
            f"{stats.questions} questions",
            list(reversed(outcome_labels.values())),
            [stats.outcomes[o] for o in reversed(outcome_labels)],
        ),
        (
            "Demandes d'aide aux IPE",
            list(reversed(status_labels)),
            [
                sum(n for (_, s), n in stats.cases.items() if s == status)
                for status in reversed(statuses)
            ],
        ),
    ]
    fig, axes = plt.subplots(
        1, 3, figsize=(16, 6), gridspec_kw={"width_ratios": [2.2, 1, 1]}, layout="constrained"
    )
    for ax, (title, labels, values) in zip(axes, panels, strict=True):
        ax.barh(range(len(values)), values, color="#3b6ea5")
        ax.set_yticks(range(len(values)), labels)
        ax.set_title(title)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max([*values, 1]) * 1.15)
        for y, value in enumerate(values):
            ax.text(value, y, f" {value}", va="center")
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(f"Assistant stages : statistiques {period}, {academy}", fontsize=14)
    fig.savefig(path, dpi=100)
    plt.close(fig)


async def prune_unanswered(session: AsyncSession, before: datetime) -> int:
    """Forget the unanswered questions kept before `before` (the privacy notice says how long)."""
    result = await session.execute(delete(Unanswered).where(Unanswered.at < before))
    return result.rowcount or 0
