"""One update as the desks see it: the open transaction, the chat's state, what came in."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.service import Scope, resolve_scope
from bot.messages import Incoming, State


@dataclass
class Turn:
    session: AsyncSession
    state: State
    incoming: Incoming
    admin_ids: frozenset[int] = frozenset()
    _scope: Scope | None = field(default=None, repr=False)

    @property
    def chat_id(self) -> int:
        return self.incoming.chat_id

    @property
    def user_id(self) -> int:
        """Who acted: rights belong to the user (the chat, for channels without users)."""
        return self.incoming.user_id if self.incoming.user_id is not None else self.chat_id

    @property
    def is_admin(self) -> bool:
        return self.user_id in self.admin_ids

    async def scope(self) -> Scope:
        """Which académies this user may act on: read from the directory once per update."""
        if self._scope is None:
            self._scope = await resolve_scope(self.session, self.user_id, self.admin_ids)
        return self._scope
