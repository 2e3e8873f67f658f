"""Rendering replies for Telegram."""

from __future__ import annotations

import html

import pytest

from bot.channels.render import TELEGRAM_MAX_TEXT, keyboard, render, split_text
from bot.messages import Choice, Reply


def test_short_text_is_one_part():
    assert split_text("bonjour") == ["bonjour"]
    assert split_text("") == [""]


def test_long_text_is_split_under_the_limit_at_boundaries():
    paragraphs = [f"paragraphe {i} " * 30 for i in range(40)]
    text = "\n\n".join(paragraphs)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(p) <= TELEGRAM_MAX_TEXT for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_one_huge_word_is_cut_hard():
    parts = split_text("x" * 10_000)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_entities_are_not_cut():
    text = html.escape("a" * 4093 + "&&&&")
    parts = split_text(text)
    assert all(p.count("&") == p.count(";") for p in parts)


def test_render_escapes_and_puts_the_keyboard_on_the_last_part():
    reply = Reply("<b>x</b> & y\n\n" + "z " * 5000, [Choice("Menu", "m")])
    parts = render(reply)
    assert parts[0][0].startswith("&lt;b&gt;x&lt;/b&gt; &amp; y")
    assert all(markup is None for _, markup in parts[:-1])
    assert parts[-1][1].inline_keyboard[0][0].callback_data == "m"


def test_callback_data_over_64_bytes_is_refused():
    with pytest.raises(ValueError):
        keyboard(Reply("x", [Choice("x", "t:" + "é" * 40)]))


def test_every_choice_the_engine_offers_fits_in_callback_data(engine, kb):
    from bot.messages import State

    state = State(role="pupil")
    replies = [engine.start(state), engine.menu(state), engine.profile(state)]
    replies += [engine.theme_menu(state, t.id) for t in kb.themes]
    replies += [engine.answer(state, t) for t in kb.topics.values()]
    for reply in replies:
        keyboard(reply)  # raises when over 64 bytes
