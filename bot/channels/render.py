"""Rendering a core Reply for Telegram: escaped HTML text, split under 4096, inline buttons."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Reply

TELEGRAM_MAX_TEXT = 4096
CALLBACK_MAX_BYTES = 64


def split_text(text: str, limit: int = TELEGRAM_MAX_TEXT) -> list[str]:
    """Split at paragraph, then line, then word boundaries so that each part fits."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit))
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        # never cut inside an HTML entity such as &amp;
        amp = rest.rfind("&", max(0, cut - 8), cut)
        if amp != -1 and ";" not in rest[amp:cut]:
            cut = amp
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One button per row (labels are short sentences, easier to hit on a phone); 👍 👎 share one."""
    rows: list[list[InlineKeyboardButton]] = []
    for choice in reply.choices:
        if len(choice.id.encode("utf-8")) > CALLBACK_MAX_BYTES:
            raise ValueError(f"callback data over 64 bytes: {choice.id!r}")
        button = InlineKeyboardButton(choice.label, callback_data=choice.id)
        if choice.id.startswith("fb:") and rows and rows[-1][0].callback_data.startswith("fb:"):
            rows[-1].append(button)  # 👍 and 👎 side by side
        else:
            rows.append([button])
    return InlineKeyboardMarkup(rows) if rows else None


def render(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Messages to send, in order: (HTML text, keyboard); the keyboard goes on the last one."""
    parts = split_text(html.escape(reply.text, quote=False))
    markup = keyboard(reply)
    return [(part, markup if i == len(parts) - 1 else None) for i, part in enumerate(parts)]
