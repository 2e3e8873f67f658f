"""Poster deep links: the signed /start payload, and what /start <payload> does."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
from conftest import KNOWLEDGE_DIR
from support.bot_api_server import FakeBotAPI
from support.harness import running_bot, until

from bot.cases.academies import load_academies
from bot.cli.main import main
from bot.config import Config
from bot.desks import forms
from bot.desks.dialogue import DialogueEngine
from bot.desks.links import (
    MAX_PAYLOAD,
    SCHOOL_BYTES,
    Link,
    at_school,
    make_payload,
    read_payload,
    school_fits,
)
from bot.messages import State

SECRET = b"a secret only this bot knows, 32+"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
ALLOWED = re.compile(r"[A-Za-z0-9_-]+")
DIRECTORY, _ = load_academies(KNOWLEDGE_DIR / "academies.yaml")
LYON = DIRECTORY.get("lyon")
LONGEST_SCHOOL = "Lycée pro Édouard-Branly, Saint-Étienne"[:34]  # 37 bytes in UTF-8


@pytest.fixture
def linked(kb, matcher) -> DialogueEngine:
    return DialogueEngine(kb, matcher, academies=DIRECTORY, link_secret=SECRET)


def test_round_trip_every_academy_role_and_school():
    assert len(LONGEST_SCHOOL.encode()) == SCHOOL_BYTES
    for academy in DIRECTORY.academies.values():
        for role in ("pupil", "teacher", None):
            for school in (None, "Collège Jean Moulin", LONGEST_SCHOOL):
                payload = make_payload(academy, school, role, SECRET)
                assert len(payload) <= MAX_PAYLOAD and ALLOWED.fullmatch(payload), payload
                assert read_payload(payload, SECRET) == Link(role, academy.code, school)
    assert read_payload(make_payload(None, None, "teacher", SECRET), SECRET) == Link("teacher")


def test_the_payload_reads_as_role_and_academy_first():
    payload = make_payload(LYON, "Collège Jean Moulin", "pupil", SECRET)
    assert payload.startswith("pLYO")
    assert make_payload(LYON, None, "teacher", SECRET).startswith("tLYO")


def test_a_school_name_too_long_is_left_out():
    long_name = "Lycée professionnel Jean-Baptiste de La Salle, Saint-Denis"
    assert not school_fits(long_name) and school_fits(LONGEST_SCHOOL)
    payload = make_payload(LYON, long_name, "pupil", SECRET)
    assert len(payload) <= MAX_PAYLOAD
    assert read_payload(payload, SECRET) == Link("pupil", "LYO", None)


def test_names_are_kept_on_one_line():
    payload = make_payload(LYON, "  Collège\n Jean\tMoulin ", "pupil", SECRET)
    assert read_payload(payload, SECRET).school == "Collège Jean Moulin"


def test_a_forged_or_damaged_payload_is_refused():
    payload = make_payload(LYON, "Collège Jean Moulin", "pupil", SECRET)
    forged = [
        payload[0] + "AIX" + payload[4:],  # académie swapped
        "t" + payload[1:],  # role swapped
        payload[:-1],  # cut short
        payload + "A",
        "",
        "x" * 65,
        "pLYO",
        "pLYO" + "A" * 60,
        "plyo" + payload[4:],
        payload[:10] + "+" + payload[11:],  # base64 but not base64url
        payload[:10] + "=" + payload[11:],
    ]
    for i in range(4, len(payload)):  # every bit of every character after the header
        for bit in range(6):
            flipped = B64URL[B64URL.index(payload[i]) ^ (1 << bit)]
            forged.append(payload[:i] + flipped + payload[i + 1 :])
    for candidate in forged:
        assert read_payload(candidate, SECRET) is None, candidate
    assert read_payload(payload, b"another bot's secret") is None
    assert read_payload(payload, None) is None
    assert read_payload(payload, SECRET) is not None


def test_make_payload_refuses_bad_input():
    with pytest.raises(ValueError):
        make_payload(LYON, None, "admin", SECRET)
    with pytest.raises(ValueError):
        make_payload(replace(LYON, code="LYON"), None, "pupil", SECRET)
    with pytest.raises(ValueError):
        make_payload(LYON, None, "pupil", b"")


def test_the_link_secret_setting_and_its_default():
    assert Config(link_secret="s3cret").link_key() == b"s3cret"
    one = Config.from_env({"TELEGRAM_BOT_TOKEN": "1:AAA"}).link_key()
    assert one == Config(token="1:AAA").link_key() and one and b"AAA" not in one
    assert Config(token="2:BBB").link_key() != one  # links stay with their bot
    assert Config(token="1:AAA", link_secret="chosen").link_key() == b"chosen"
    assert Config().link_key() is None
    assert Config.from_env({"BOT_USERNAME": "@ipe_bot"}).bot_username == "ipe_bot"


def test_start_with_a_pupil_link_fills_the_profile(linked):
    state = State()
    payload = make_payload(LYON, "Collège Jean Moulin", "pupil", SECRET)
    reply = linked.command(state, "start", payload)
    assert (state.role, state.academy, state.school) == ("pupil", "lyon", "Collège Jean Moulin")
    assert reply.text.startswith("Bienvenue ! Tu es au collège Jean Moulin (académie de Lyon)")
    assert "pose-moi ta question" in reply.text
    assert reply.choices and all(c.id.startswith("th:") for c in reply.choices)
    assert state.choices == reply.choices


def test_start_with_a_teacher_link_says_vous(linked):
    state = State()
    payload = make_payload(DIRECTORY.get("aix-marseille"), None, "teacher", SECRET)
    reply = linked.command(state, "start", payload)
    assert (state.role, state.academy, state.school) == ("teacher", "aix-marseille", None)
    assert reply.text.startswith("Bienvenue ! Vous êtes dans l'académie d'Aix-Marseille : posez")
    assert " tu " not in reply.text.lower()


def test_a_link_without_role_asks_it(linked):
    state = State()
    reply = linked.command(state, "start", make_payload(LYON, "EREA Lyon", None, SECRET))
    assert state.academy == "lyon" and state.role is None
    assert reply.text.startswith("Bienvenue ! C'est noté : tu es à l'EREA Lyon (académie de Lyon)")
    assert [c.id for c in reply.choices] == ["r:pupil", "r:parent", "r:teacher"]


def test_the_school_reads_in_french():
    assert at_school("Collège Jean Moulin") == "au collège Jean Moulin"
    assert at_school("LP Jean Moulin") == "au LP Jean Moulin"
    assert at_school("Lycée Ampère") == "au lycée Ampère"
    assert at_school("EREA Lyon") == "à l'EREA Lyon"
    assert at_school("Cité scolaire Jean Zay") == "à la cité scolaire Jean Zay"
    assert at_school("« Les Tilleuls »") == "au « Les Tilleuls »"


def test_a_forged_link_is_refused_then_the_usual_start(linked):
    state = State()
    payload = make_payload(LYON, "Collège Jean Moulin", "pupil", SECRET)
    reply = linked.command(state, "start", "pAIX" + payload[4:])
    assert reply.text.startswith("Ce lien n'est pas valable")
    assert [c.id for c in reply.choices] == ["r:pupil", "r:parent", "r:teacher"]
    assert (state.role, state.academy, state.school) == (None, None, None)


def test_a_link_to_an_academie_the_bot_does_not_know_is_refused(linked, kb, matcher):
    atlantis = replace(LYON, id="atlantide", code="ATL", name="Atlantide")
    reply = linked.command(State(), "start", make_payload(atlantis, None, "pupil", SECRET))
    assert reply.text.startswith("Ce lien n'est pas valable")
    no_directory = DialogueEngine(kb, matcher, link_secret=SECRET)  # nothing to check against
    reply = no_directory.command(State(), "start", make_payload(LYON, None, "pupil", SECRET))
    assert reply.text.startswith("Ce lien n'est pas valable")
    no_secret = DialogueEngine(kb, matcher, academies=DIRECTORY)
    reply = no_secret.command(State(), "start", make_payload(LYON, None, "pupil", SECRET))
    assert reply.text.startswith("Ce lien n'est pas valable")


def test_the_request_form_uses_the_academie_and_school_of_the_link(linked):
    state = State()
    linked.command(state, "start", make_payload(LYON, "Collège Jean Moulin", "pupil", SECRET))
    reply = linked.command(state, "stage")
    assert "académie de Lyon" in reply.text
    assert [c.id for c in reply.choices][:2] == ["f:ac:lyon", "f:ac:no"]
    reply = linked.handle_choice(state, "f:ac:lyon")
    assert "Collège Jean Moulin" in reply.text and reply.choices[0].id == "f:sc"
    linked.handle_choice(state, "f:sc")
    assert state.form["answers"] == {"academy": "lyon", "school": "Collège Jean Moulin"}
    assert state.form["step"] == "level"


def test_the_school_step_still_takes_another_name():
    form = {**forms.new_form(), "step": "school", "known_school": "Collège Jean Moulin"}
    assert forms.answer_text(form, "Lycée Ampère, Lyon", "pupil", DIRECTORY) is None
    assert form["answers"]["school"] == "Lycée Ampère, Lyon"
    assert forms.answer_choice(forms.new_form() | {"step": "school"}, "sc", DIRECTORY) == "invalid"


# -- ipe-bot admin link ---------------------------------------------------------------------------
@pytest.fixture
def link_env(monkeypatch):
    for name in ("BOT_USERNAME", "LINK_SECRET", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def decode_qr(path) -> list[str]:
    """What a QR reader sees in the PNG (matplotlib decodes the PNG, zxing-cpp the code)."""
    import numpy as np
    import zxingcpp
    from matplotlib.image import imread

    pixels = imread(path)
    grey = pixels[..., :3].mean(axis=2) if pixels.ndim == 3 else pixels
    return [found.text for found in zxingcpp.read_barcodes((grey * 255).astype(np.uint8))]


def test_admin_link_prints_the_link_and_writes_the_qr_code(link_env, tmp_path, capsys):
    link_env.setenv("BOT_USERNAME", "@ipe_test_bot")
    link_env.setenv("LINK_SECRET", SECRET.decode())
    png = tmp_path / "affiche.png"
    args = ["--academy", "Lyon", "--school", "Collège Jean Moulin", "--role", "pupil"]
    assert main(["admin", "link", *args, "--qr", str(png)]) == 0
    url = capsys.readouterr().out.strip()
    prefix = "https://t.me/ipe_test_bot?start="
    assert url.startswith(prefix) and len(url) - len(prefix) <= MAX_PAYLOAD
    assert read_payload(url[len(prefix) :], SECRET) == Link("pupil", "LYO", "Collège Jean Moulin")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert decode_qr(png) == [url]


def test_admin_link_asks_getme_without_bot_username(link_env, capsys):
    api = FakeBotAPI().start()
    try:
        link_env.setenv("TELEGRAM_BOT_TOKEN", api.token)
        link_env.setenv("TELEGRAM_API_BASE_URL", api.base_url)
        assert main(["admin", "link", "--academy", "AIX", "--role", "teacher"]) == 0
    finally:
        api.stop()
    url = capsys.readouterr().out.strip()
    assert url.startswith(f"https://t.me/{api.username}?start=tAIX")
    key = Config(token=api.token).link_key()  # no LINK_SECRET: the key the bot derives too
    assert read_payload(url.partition("?start=")[2], key) == Link("teacher", "AIX")


def test_admin_link_says_what_is_missing(link_env, capsys):
    assert main(["admin", "link", "--academy", "Lyon"]) == 2
    assert "LINK_SECRET" in capsys.readouterr().err
    link_env.setenv("LINK_SECRET", "s3cret")
    assert main(["admin", "link", "--academy", "Lyon"]) == 2
    assert "BOT_USERNAME" in capsys.readouterr().err
    link_env.setenv("BOT_USERNAME", "ipe_test_bot")
    assert main(["admin", "link", "--academy", "Atlantide"]) == 2
    assert "Académie inconnue" in capsys.readouterr().err
    assert main(["admin", "link", "--school", "Collège Jean Moulin"]) == 2
    assert "--academy" in capsys.readouterr().err
    long_name = "Lycée professionnel Jean-Baptiste de La Salle, Saint-Denis"
    assert main(["admin", "link", "--academy", "Lyon", "--school", long_name]) == 0
    out, err = capsys.readouterr()
    assert "attention" in err and "37 octets" in err
    assert read_payload(out.strip().partition("?start=")[2], b"s3cret") == Link(None, "LYO")


# -- end to end: the real Application polling the loopback Bot API server -------------------------
async def test_a_poster_link_through_telegram(kb, db_url):
    api = FakeBotAPI().start()
    pupil, forger, teacher = 3001, 3002, 3003
    try:
        # no LINK_SECRET: the bot derives its key from its token, as `admin link` does
        key = Config(token=api.token).link_key()
        good = make_payload(LYON, "Collège Jean Moulin", "pupil", key)
        async with running_bot(api, kb, db_url) as app:
            api.send_text(pupil, f"/start {good}")
            assert await until(lambda: len(api.sent[pupil]) == 1)
            welcome = html.unescape(api.last(pupil)["text"])
            assert welcome.startswith("Bienvenue ! Tu es au collège Jean Moulin (académie de Lyon)")
            assert all(data.startswith("th:") for _, data in api.buttons(api.last(pupil)))

            # the request form only confirms the académie, then offers the school
            api.send_text(pupil, "/stage")
            assert await until(lambda: len(api.sent[pupil]) == 2)
            assert "académie de Lyon" in html.unescape(api.last(pupil)["text"])
            assert ("Oui", "f:ac:lyon") in api.buttons(api.last(pupil))
            api.press(pupil, api.last(pupil)["message_id"], "f:ac:lyon")
            assert await until(lambda: len(api.sent[pupil]) == 3)
            assert "Collège Jean Moulin" in html.unescape(api.last(pupil)["text"])

            # a forged link (académie swapped) is refused, and the usual /start follows
            api.send_text(forger, f"/start pAIX{good[4:]}")
            assert await until(lambda: len(api.sent[forger]) == 1)
            refused = html.unescape(api.last(forger)["text"])
            assert refused.startswith("Ce lien n'est pas valable")
            assert [label for label, _ in api.buttons(api.last(forger))] == [
                "Élève",
                "Parent",
                "Enseignant·e",
            ]

            # a link signed with another key (another bot's) is refused too
            other = make_payload(LYON, None, "teacher", b"another bot's key")
            api.send_text(teacher, f"/start {other}")
            assert await until(lambda: len(api.sent[teacher]) == 1)
            assert api.last(teacher)["text"].startswith("Ce lien n")

            conversation = app.bot_data["services"].conversation
            state = await conversation.state_of(pupil)
            assert (state.role, state.academy, state.school) == (
                "pupil",
                "lyon",
                "Collège Jean Moulin",
            )
            assert (await conversation.state_of(forger)).academy is None
            assert (await conversation.state_of(teacher)).role is None
    finally:
        api.stop()
