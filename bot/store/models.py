"""The tables: SQLAlchemy 2 declarative models (schema changes go through Alembic)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: read them as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Base(DeclarativeBase):
    pass


class ChatState(Base):
    """One row per chat: the user's State as JSON, saved after every update."""

    __tablename__ = "chat_state"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcessedUpdate(Base):
    """Update ids already handled, so a redelivered update is not answered twice."""

    __tablename__ = "processed_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(32), default="")


class Contact(Base):
    """A person who receives cases: an IPE, an académie's fallback contact, or a coordinator."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    academy_id: Mapped[str] = mapped_column(String(40), index=True)  # "*" for national
    kind: Mapped[str] = mapped_column(String(16), default="ipe")  # ipe | fallback | coordinator
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Invite(Base):
    """A one-time registration code (only its hash is stored)."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    academy_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16), default="ipe")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Case(Base):
    """A request handed to the IPE of an académie: a pupil's (a placement) or a teacher's (a
    speaker in class, a company visit...). `pupil_chat_id` is the requester's chat."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    academy_id: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    pupil_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    details: Mapped[str] = mapped_column(Text, default="{}")  # personal: erased by /oublier
    level: Mapped[str] = mapped_column(String(20), default="")  # kept for anonymous counts
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    fallback_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    erased: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(10), default="pupil", server_default="pupil")
    # a teacher's request: the agreed date, the speaker's company, and the teacher's feedback
    event_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    event_hours: Mapped[str | None] = mapped_column(String(32), nullable=True)  # « de 9 h à 12 h »
    company: Mapped[str | None] = mapped_column(String(120), nullable=True)
    feedback: Mapped[str | None] = mapped_column(String(16), nullable=True)  # good|mixed|bad
    pupils_reached: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CaseEvent(Base):
    """History of a case: created, notified, taken, messages, resolved..."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(40), default="system")
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # personal: erasable


class CaseCounter(Base):
    """Last sequence number of references per académie code and year."""

    __tablename__ = "case_counter"

    prefix: Mapped[str] = mapped_column(String(12), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class OutboxMessage(Base):
    """A message to deliver: written in the same transaction as the change it reports."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[str] = mapped_column(Text, default="[]")
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    contact_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # "send", or "edit": replace the text and buttons of message_id (a notice already delivered)
    kind: Mapped[str] = mapped_column(String(8), default="send", server_default="send")
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # once delivered


class QuestionEvent(Base):
    """One answered or unanswered question, or a 👍/👎, for statistics (no user identifier)."""

    __tablename__ = "question_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # answer|did_you_mean|fallback|helpful|...
    topic: Mapped[str | None] = mapped_column(String(60), nullable=True)
    role: Mapped[str | None] = mapped_column(String(10), nullable=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)


class Unanswered(Base):
    """A question the bot could not answer well, for the knowledge authors (no user id)."""

    __tablename__ = "unanswered"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(16))  # fallback|did_you_mean|not_helpful|comment
    text: Mapped[str] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(String(10), nullable=True)
    near: Mapped[str] = mapped_column(Text, default="[]")  # closest topic ids, JSON


# -- placements (bot.placements): offers the IPE negotiated, and the searches nothing answered --


class Placement(Base):
    """An internship offer recorded by an IPE or an administrator; `contact` is never shown to
    pupils."""

    __tablename__ = "placement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    employer: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(120), default="")
    commune: Mapped[str] = mapped_column(String(120))
    insee: Mapped[str] = mapped_column(String(5), index=True)
    postcode: Mapped[str] = mapped_column(String(5), default="")
    departement: Mapped[str] = mapped_column(String(3), index=True)
    academy_id: Mapped[str] = mapped_column(String(40), index=True)
    levels: Mapped[str] = mapped_column(String(60), default="")  # " 3e 2de " (spaces around)
    first_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    places: Mapped[int] = mapped_column(Integer, default=1)
    places_left: Mapped[int] = mapped_column(Integer, default=1)
    reserved: Mapped[str] = mapped_column(String(16), default="")  # "" | rep | schools
    schools: Mapped[str] = mapped_column(Text, default="")  # named schools, ";"-separated
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")  # the host's: never shown to pupils
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open | closed
    source: Mapped[str] = mapped_column(String(60), default="")  # telegram:contact id | csv
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CasePlacement(Base):
    """A placement a pupil asked for within their case, and the IPE's decision."""

    __tablename__ = "case_placement"
    __table_args__ = (UniqueConstraint("case_id", "placement_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # confirmed | declined
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UnmetSearch(Base):
    """A pupil's search that found no placement: where, what, which level (no identity)."""

    __tablename__ = "unmet_search"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    academy_id: Mapped[str] = mapped_column(String(40), default="", index=True)
    departement: Mapped[str] = mapped_column(String(3), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")  # "" when only a département
    sector: Mapped[str] = mapped_column(String(60), default="")  # a known sector, never raw text
    level: Mapped[str] = mapped_column(String(10), default="")
    week: Mapped[str] = mapped_column(String(8), default="")  # ISO week asked for: 2027-W03
