"""The core's vocabulary: what comes in, what goes out, what a chat remembers.

Plain data, imported by every layer; it imports nothing of ours (the floor of the house).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Incoming:
    """One user action, whatever the channel."""

    chat_id: int
    kind: str  # text | choice | command | media
    text: str = ""  # message text, choice id, command arguments or media kind
    command: str = ""
    update_id: int | None = None
    user_name: str = ""
    user_id: int | None = None  # who acted: rights are checked on the user, not the chat
    private: bool = True  # a one-to-one chat with the bot (False in groups and channels)
    edited: bool = False  # an edit of an earlier message


@dataclass(frozen=True)
class Choice:
    """A button or a numbered option: a French label and an opaque id (≤ 64 bytes)."""

    label: str
    id: str


@dataclass
class State:
    """What the bot remembers about one user; stored per chat."""

    role: str | None = None
    level: str | None = None
    academy: str | None = None
    school: str | None = None  # from a poster's link: offered at the request form's school step
    last_topic: str | None = None
    topic_level: str | None = None  # the class the talk is about ("stage de 3e"), level unknown
    told_rest: str | None = None  # the last topic whose rest ("En savoir plus") was shown
    shown_point: str | None = None  # a line of the last answer's rest shown in its first message
    last_question: str | None = None  # for a 👎 on the answer it got; erased by /oublier
    choices: list[Choice] = field(default_factory=list)
    form: dict[str, Any] | None = None  # the request form for an IPE, while being filled
    relay_case: int | None = None  # thread mode: this chat's texts go to the case's other party
    relay_at: float = 0.0  # when an IPE opened the thread or last wrote in it (desks.thread)
    pending_text: str | None = None  # a pupil's text waiting for "transmettre ?" (tx button)
    case_input: dict[str, Any] | None = None  # a typed value awaited for a case (desks.followup)
    draft: dict[str, str] | None = None  # what a teacher's request said, for its form
    comment_for: str | None = None  # after 👎 on this topic: the next text may say what lacked
    parent: bool = False  # writes about their child (desks.parents): answered in vous
    staff: bool = False  # registered as an IPE (free text is then not a question to the FAQ)
    turns: int = 0  # texts received while the role is unknown (desks.register)
    role_asked: bool = False  # the role question came under an answer (asked once)
    recent: dict[str, list[float]] = field(default_factory=dict)  # per-chat limits (desks.limits)
    last_at: float = 0.0  # when the last topic was answered (a follow-up leans on it for a while)
    english_at: float = 0.0  # when "(I answer in French only.)" was last said (once a while)
    crisis_at: float = 0.0  # when the safety message was last shown (desks.crisis.comfort)
    cared_at: float = 0.0  # when « Prends soin de toi » answered an « ok » after it (desks.acks)
    weak_at: float = 0.0  # when a weak signal's helpline line was last shown (desks.acks)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        data = dict(data or {})
        choices = [Choice(**c) for c in data.pop("choices", []) or []]
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known, choices=choices)


@dataclass
class Reply:
    """What to show: plain French text (the channel escapes it) and choices."""

    text: str
    choices: list[Choice] = field(default_factory=list)
    kind: str = "info"  # answer | did_you_mean | fallback | menu | role | info
    topic: str | None = None
    score: float = 0.0
    suggestions: list[str] = field(default_factory=list)
    source: str | None = None
    effects: list[tuple[str, Any]] = field(default_factory=list)  # for the service to carry out
    near: list[str] = field(default_factory=list)  # closest topics, for the gaps inbox
    safety: str | None = None  # the safety net's signal on the message: weak | strong
    receipt: str | None = None  # an outbox copy of this reply, cancelled once it is delivered


MAX_ROW_ID = 2**31 - 1  # case, contact and outbox ids are 32-bit integers in the database


def clean_text(text: str) -> str:
    """Text safe to store: no NUL byte (PostgreSQL refuses it), no unpaired surrogate."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "ignore").decode("utf-8")
    return text


def parse_id(text: str) -> int | None:
    """A database row id typed or sent in a button: ASCII digits only, within 32 bits."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None


def voice(state: State) -> str | None:
    """The role whose words to use: a parent, an IPE or an administrator is vouvoyé, as a
    teacher is."""
    if state.role is None and (state.parent or state.staff):
        return "teacher"
    return state.role


def by_role(role: str | None, pupil: str, teacher: str) -> str:
    """The pupil's wording (tu) or the adults' (vous)."""
    return teacher if role == "teacher" else pupil


def answer_voice(state: State) -> str | None:
    """Which version of an answer: a parent's when they have one (topics.answer_for)."""
    return "parent" if state.parent and state.role != "pupil" else voice(state)
