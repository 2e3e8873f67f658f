"""What the command-line tools share: the académie directory, one database job, --academy."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.academies import Academy, AcademyDirectory, load_academies
from bot.config import Config
from bot.store.database import Database


def load_directory(config: Config) -> AcademyDirectory:
    """The académies (and communes); a bad file is reported, the rest still loads."""
    directory, errors = load_academies(config.knowledge_dir / "academies.yaml")
    for error in errors:
        print(f"erreur : {error}", file=sys.stderr)
    return directory


async def with_db(config: Config, job: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """Run `job` in one transaction on a database brought up to date, then close it."""
    db = Database(config.database_url)
    try:
        await db.create_schema()
        async with db.transaction() as session:
            return await job(session)
    finally:
        await db.dispose()


def pick_academy(directory: AcademyDirectory, name: str | None) -> tuple[Academy | None, int]:
    """The académie named by --academy (None when not given), or exit status 2 once the
    unknown name has been reported."""
    if not name:
        return None, 0
    academy = directory.get(name)
    if academy is None:
        print(f"Académie inconnue : {name!r}", file=sys.stderr)
        return None, 2
    return academy, 0
