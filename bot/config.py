"""Settings from environment variables (see README and .env.example)."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.understanding.knowledge import default_knowledge_dir

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///ipe-bot.sqlite3"
LINK_KEY_LABEL = b"ipe-bot start links v1"  # what the token signs to make the default link key


def async_database_url(url: str) -> str:
    """Map plain SQLAlchemy URLs to their async drivers (sqlite -> aiosqlite, postgresql -> asyncpg)."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    for prefix in ("postgresql:", "postgres:"):
        if url.startswith(prefix):
            return "postgresql+asyncpg:" + url[len(prefix) :]
    return url


def _ids(value: str) -> frozenset[int]:
    out = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            out.add(int(part))
    return frozenset(out)


def model_cache_dir(env: dict[str, str]) -> Path | None:
    """MODEL_CACHE_DIR, else the user's cache directory; "off" (or "0", "no") caches nothing."""
    value = (env.get("MODEL_CACHE_DIR") or "").strip()
    if value.lower() in {"0", "false", "no", "non", "off"}:
        return None
    if value:
        return Path(value).expanduser()
    base = (env.get("XDG_CACHE_HOME") or "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "ipe-bot"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in {"0", "false", "no", "non", "off"}


@dataclass(frozen=True)
class Config:
    token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    database_url: str = DEFAULT_DATABASE_URL
    knowledge_dir: Path = field(default_factory=default_knowledge_dir)
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    remind_after_minutes: float = 24 * 60
    max_reminders: int = 2
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_secret: str = ""
    webhook_path: str = "/telegram"
    db_auto_migrate: bool = True
    record_questions: bool = True
    link_secret: str = ""  # LINK_SECRET: signs the start links of posters (see link_key)
    bot_username: str = ""  # BOT_USERNAME: the bot's @name for `admin link` (else getMe)
    model_cache_dir: Path | None = None  # MODEL_CACHE_DIR: fitted models kept between starts

    def link_key(self) -> bytes | None:
        """The key that signs start links: LINK_SECRET, else one derived from the token (so a
        bot's links stay valid while its token does); None when neither is set."""
        if self.link_secret:
            return self.link_secret.encode("utf-8")
        if self.token:
            return hmac.new(self.token.encode("utf-8"), LINK_KEY_LABEL, hashlib.sha256).digest()
        return None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Config:
        env = dict(os.environ if env is None else env)
        knowledge = env.get("KNOWLEDGE_DIR")
        return cls(
            token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
            api_base_url=(env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL).strip(),
            database_url=async_database_url(
                (env.get("DATABASE_URL") or DEFAULT_DATABASE_URL).strip()
            ),
            knowledge_dir=Path(knowledge) if knowledge else default_knowledge_dir(),
            admin_ids=_ids(env.get("ADMIN_IDS", "")),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            remind_after_minutes=float(env.get("REMIND_AFTER_MINUTES") or 24 * 60),
            max_reminders=int(env.get("MAX_REMINDERS") or 2),
            webhook_url=(env.get("WEBHOOK_URL") or "").strip(),
            webhook_listen=(env.get("WEBHOOK_LISTEN") or "0.0.0.0").strip(),
            webhook_port=int(env.get("WEBHOOK_PORT") or 8080),
            webhook_secret=(env.get("WEBHOOK_SECRET") or "").strip(),
            webhook_path="/" + (env.get("WEBHOOK_PATH") or "telegram").strip().lstrip("/"),
            db_auto_migrate=_flag(env.get("DB_AUTO_MIGRATE"), True),
            record_questions=_flag(env.get("RECORD_QUESTIONS"), True),
            link_secret=(env.get("LINK_SECRET") or "").strip(),
            bot_username=(env.get("BOT_USERNAME") or "").strip().lstrip("@"),
            model_cache_dir=model_cache_dir(env),
        )
