"""Who receives cases: IPE registered with one-time invite codes, fallbacks, coordinators."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Contact, Invite, aware, utcnow

KINDS = ("ipe", "fallback", "coordinator")
NATIONAL = "*"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


async def create_invite(
    session: AsyncSession, academy_id: str, kind: str = "ipe", days: float = 7
) -> str:
    """A new one-time code; only its hash is stored."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    code = new_code()
    session.add(
        Invite(
            code_hash=hash_code(code),
            academy_id=NATIONAL if kind == "coordinator" else academy_id,
            kind=kind,
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    return code


async def revoke_invite(session: AsyncSession, code: str) -> bool:
    invite = await session.scalar(select(Invite).where(Invite.code_hash == hash_code(code)))
    if invite is None or invite.used_at is not None:
        return False
    invite.revoked = True
    return True


@dataclass(frozen=True)
class Redeemed:
    contact: Contact | None
    problem: str | None = None  # unknown | used | expired | revoked


async def redeem(session: AsyncSession, code: str, chat_id: int, name: str) -> Redeemed:
    """Register the sender of /ipe CODE for the invite's académie."""
    invite = await session.scalar(select(Invite).where(Invite.code_hash == hash_code(code)))
    if invite is None:
        return Redeemed(None, "unknown")
    if invite.revoked:
        return Redeemed(None, "revoked")
    if invite.used_at is not None:
        return Redeemed(None, "used")
    if aware(invite.expires_at) < utcnow():
        return Redeemed(None, "expired")
    invite.used_at = utcnow()
    existing = await session.scalar(
        select(Contact).where(
            Contact.chat_id == chat_id,
            Contact.academy_id == invite.academy_id,
            Contact.kind == invite.kind,
        )
    )
    if existing is not None:
        existing.active, existing.unreachable, existing.name = True, False, name[:120]
        return Redeemed(existing)
    contact = Contact(
        chat_id=chat_id, name=name[:120], academy_id=invite.academy_id, kind=invite.kind
    )
    session.add(contact)
    await session.flush()
    return Redeemed(contact)


async def contacts_of_chat(session: AsyncSession, chat_id: int) -> list[Contact]:
    rows = await session.scalars(
        select(Contact).where(Contact.chat_id == chat_id, Contact.active.is_(True))
    )
    return list(rows.all())


async def list_contacts(session: AsyncSession, academy_id: str | None = None) -> list[Contact]:
    query = select(Contact).where(Contact.active.is_(True)).order_by(Contact.academy_id, Contact.id)
    if academy_id:
        query = query.where(Contact.academy_id == academy_id)
    return list((await session.scalars(query)).all())


async def remove_contact(session: AsyncSession, contact_id: int) -> bool:
    contact = await session.get(Contact, contact_id)
    if contact is None or not contact.active:
        return False
    contact.active = False
    return True


async def recipients(session: AsyncSession, academy_id: str) -> tuple[str, list[Contact]]:
    """Who to notify for a case of this académie: its IPE, else its fallback, else national."""
    for kind, academy in (("ipe", academy_id), ("fallback", academy_id), ("coordinator", NATIONAL)):
        rows = await session.scalars(
            select(Contact).where(
                Contact.kind == kind,
                Contact.academy_id == academy,
                Contact.active.is_(True),
                Contact.unreachable.is_(False),
            )
        )
        found = list(rows.all())
        if found:
            return kind, found
    return "none", []


async def fallback_recipients(session: AsyncSession, academy_id: str) -> list[Contact]:
    """The académie's fallback contacts and the national coordinators (for late cases)."""
    rows = await session.scalars(
        select(Contact).where(
            Contact.active.is_(True),
            Contact.unreachable.is_(False),
            ((Contact.kind == "fallback") & (Contact.academy_id == academy_id))
            | (Contact.kind == "coordinator"),
        )
    )
    return list(rows.all())


def can_see(contacts: list[Contact], academy_id: str) -> bool:
    """An IPE acts on their académies' cases; fallbacks likewise; coordinators on all."""
    return any(c.kind == "coordinator" or c.academy_id == academy_id for c in contacts)
