"""Prometheus metrics of the bot (exposed on /metrics in webhook mode)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry()
UPDATES = Counter("ipe_updates_total", "Updates handled, by kind", ["kind"], registry=REGISTRY)
DUPLICATES = Counter(
    "ipe_duplicate_updates_total", "Redelivered updates ignored", registry=REGISTRY
)
ANSWERS = Counter("ipe_replies_total", "Replies, by outcome", ["outcome"], registry=REGISTRY)
LATENCY = Histogram(
    "ipe_update_seconds",
    "Time to handle an update in the core",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
CASES = Gauge("ipe_cases", "Escalation cases, by status", ["status"], registry=REGISTRY)
OUTBOX = Gauge("ipe_outbox_backlog", "Outbox messages waiting to be delivered", registry=REGISTRY)
DB_ERRORS = Counter(
    "ipe_database_errors_total", "Updates answered without the database", registry=REGISTRY
)

LIMITED = Counter(
    "ipe_limited_total", "Actions refused by a per-chat limit", ["action"], registry=REGISTRY
)


def render() -> bytes:
    return generate_latest(REGISTRY)
