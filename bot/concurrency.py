"""Small asyncio helpers shared by the core and the channels: per-chat locks, a periodic job."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable


class ChatLocks:
    """One asyncio.Lock per chat so that a chat's updates are handled one at a time."""

    def __init__(self, size: int = 10_000) -> None:
        self._locks: OrderedDict[int, asyncio.Lock] = OrderedDict()
        self._size = size

    def get(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.pop(chat_id, None) or asyncio.Lock()
        self._locks[chat_id] = lock
        while len(self._locks) > self._size:
            oldest, old_lock = next(iter(self._locks.items()))
            if old_lock.locked():
                break
            self._locks.pop(oldest)
        return lock


class Periodic:
    """Call a coroutine function at most every `every` seconds (for the worker's loop)."""

    def __init__(self, every: float, job: Callable[[], Awaitable[object]]) -> None:
        self.every = every
        self.job = job
        self._last = float("-inf")

    async def __call__(self) -> None:
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            await self.job()
