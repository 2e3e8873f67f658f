"""Per-chat limits on what notifies a person: requests, relayed messages, registration tries.

Kept in the chat's State (timestamps of recent actions), so they hold across replicas and
restarts; a refused action is counted in the `ipe_limited_total` metric.
"""

from __future__ import annotations

import time

from bot import metrics
from bot.messages import State

# action -> (how many, within how many seconds)
LIMITS: dict[str, tuple[int, float]] = {
    "case": (3, 24 * 3600),  # requests filed
    "relay": (30, 3600),  # messages passed between a pupil and an IPE
    "register": (5, 3600),  # /ipe CODE attempts, right or wrong
}


def allow(state: State, action: str, now: float | None = None) -> bool:
    """Record the action and say yes, or say no when the chat is over its limit."""
    count, window = LIMITS[action]
    now = time.time() if now is None else now
    recent = [t for t in state.recent.get(action, []) if now - t < window]
    if len(recent) >= count:
        state.recent[action] = recent
        metrics.LIMITED.labels(action).inc()
        return False
    state.recent[action] = [*recent, now]
    return True
