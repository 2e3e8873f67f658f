"""Poster deep links: a signed /start payload that tells the bot the role, académie and school.

`https://t.me/<bot>?start=<payload>`: Telegram sends the payload as `/start <payload>`. It may
only hold A-Z a-z 0-9 _ - and at most 64 characters, so version 1 of the format is

    R CCC T        e.g. pLYO + base64url(mac + "Collège Jean Moulin")

- R, one letter: the role and the format's version: p (pupil), t (teacher), x (not given);
- CCC: the académie's code from knowledge/academies.yaml (LYO, AIX...), or ___ for none;
- T: base64url without padding of an 8-byte HMAC-SHA256 tag, then the school's name in UTF-8
  (possibly empty). The tag covers the version, R, CCC and the name: changing any of them,
  or a single bit of the tag, makes the link invalid.

That leaves SCHOOL_BYTES (37) bytes for the name; a longer one is left out of the link (the
caller warns, and the pupil types the school in the request form). The payload is signed, not
encrypted: anyone can read the académie and the school, as on the poster itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.cases.academies import Academy, fold, of_academy
from bot.messages import Reply, State, by_role, voice

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

MAX_PAYLOAD = 64  # Telegram's limit for a start parameter
TAG_BYTES = 8
ROLE_LETTERS = {"pupil": "p", "teacher": "t", None: "x"}
NO_ACADEMY = "___"
HEADER = 4  # role letter + académie code
SCHOOL_BYTES = (MAX_PAYLOAD - HEADER) * 3 // 4 - TAG_BYTES  # 37
_PAYLOAD = re.compile(r"[ptx]([A-Z]{3}|___)[A-Za-z0-9_-]{11,60}")
_CODE = re.compile(r"[A-Z]{3}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
REFUSED = (
    "Ce lien n'est pas valable (il a peut-être été mal copié ou modifié). Pas de souci : "
    "on commence normalement."
)


@dataclass(frozen=True)
class Link:
    """What a valid payload says; academy is the académie's code (LYO...)."""

    role: str | None = None
    academy: str | None = None
    school: str | None = None


def clean_school(name: str | None) -> str:
    """One line, single spaces, no control character."""
    return " ".join(_CONTROL.sub(" ", name or "").split())


def school_fits(name: str | None) -> bool:
    return len(clean_school(name).encode("utf-8")) <= SCHOOL_BYTES


def _tag(secret: bytes, header: str, school: bytes) -> bytes:
    message = b"ipe-link:1:" + header.encode("ascii") + b":" + school
    return hmac.new(secret, message, hashlib.sha256).digest()[:TAG_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def make_payload(
    academy: Academy | None, school: str | None, role: str | None, secret: bytes
) -> str:
    """The start payload; a school name longer than SCHOOL_BYTES is left out (see school_fits)."""
    if role not in ROLE_LETTERS:
        raise ValueError(f"unknown role: {role!r}")
    if academy is not None and not _CODE.fullmatch(academy.code):
        raise ValueError(f"académie code must be 3 capital letters: {academy.code!r}")
    if not secret:
        raise ValueError("no secret to sign the link")
    name = clean_school(school) if academy is not None and school_fits(school) else ""
    header = ROLE_LETTERS[role] + (academy.code if academy is not None else NO_ACADEMY)
    raw = name.encode("utf-8")
    return header + _b64(_tag(secret, header, raw) + raw)


def read_payload(payload: str, secret: bytes | None) -> Link | None:
    """The link a payload stands for, or None when it is damaged, forged or signed otherwise."""
    if not secret or not payload or len(payload) > MAX_PAYLOAD or not _PAYLOAD.fullmatch(payload):
        return None
    header, tail = payload[:HEADER], payload[HEADER:]
    try:
        raw = base64.urlsafe_b64decode(tail + "=" * (-len(tail) % 4))
    except (binascii.Error, ValueError):
        return None
    if _b64(raw) != tail or len(raw) < TAG_BYTES:  # one spelling only: no spare bits flipped
        return None
    tag, name = raw[:TAG_BYTES], raw[TAG_BYTES:]
    if not hmac.compare_digest(tag, _tag(secret, header, name)):
        return None
    try:
        school = clean_school(name.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    role = next(r for r, letter in ROLE_LETTERS.items() if letter == header[0])
    code = None if header[1:] == NO_ACADEMY else header[1:]
    return Link(role, code, school if code and school else None)


def at_school(name: str) -> str:
    """ "au collège Jean Moulin", "à l'EREA de Lille", "à la cité scolaire X"."""
    first = name.split()[0]
    word = fold(first)
    shown = name if first.isupper() else name[:1].lower() + name[1:]
    if word in ("cite", "maison"):
        return f"à la {shown}"
    if word[:1] and word[0] in "aeiouyh":
        return f"à l'{shown}"
    return f"au {shown}"


def welcome(engine: DialogueEngine, state: State, payload: str) -> Reply:
    """/start <payload>: the role, académie and school taken in, and a greeting that says so;
    a link that is not valid (or names an académie the bot does not know) is refused politely,
    then the usual /start follows."""
    link = read_payload(payload.strip(), engine.link_secret)
    academy = None
    if link is not None and link.academy is not None:
        academy = engine.academies.get(link.academy) if engine.academies else None
        if academy is None or academy.code != link.academy:
            link = None
    if link is None:
        reply = engine.start(state)
        reply.text = f"{REFUSED}\n\n{reply.text}"
        return reply
    if link.role is not None:
        state.role = link.role
    if academy is not None:
        state.academy = academy.id
        state.school = link.school
    where = ""
    if academy is not None:
        region = f"académie {of_academy(academy.name)}"
        where = f"{at_school(link.school)} ({region})" if link.school else f"dans l'{region}"
    if link.role is None:  # the usual choice of role, with what the link said
        reply = engine.start(state)
        if where:
            reply.text = f"Bienvenue ! C'est noté : tu es {where}.\n\n{reply.text}"
        return reply
    text = by_role(
        voice(state),
        (f"Bienvenue ! Tu es {where} : pose" if where else "Bienvenue ! Pose")
        + "-moi ta question sur les stages en quelques mots (par exemple « c'est quoi le stage "
        "de 3e ? »), ou choisis un thème :",
        (f"Bienvenue ! Vous êtes {where} : posez" if where else "Bienvenue ! Posez")
        + " votre question en quelques mots, ou choisissez un thème :",
    )
    return Reply(text, engine.theme_choices(state), kind="welcome")
