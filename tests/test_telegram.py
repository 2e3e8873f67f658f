"""The real python-telegram-bot Application, polling a Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import html
import io
import logging
import os
import signal
import socket
import subprocess
import sys

import pytest
from conftest import ROOT
from support.harness import running_bot, until

from bot.channels import bot_api
from bot.channels import telegram as telegram_channel
from bot.runner import build_service

PUPIL = 1001
TEACHER = 1002


async def test_conversation_end_to_end(api, kb, db_url):
    async with running_bot(api, kb, db_url):
        assert await until(lambda: api.calls_of("setMyCommands"))
        commands = {c["command"] for c in api.calls_of("setMyCommands")[0]["commands"]}
        assert {"start", "menu", "aide", "profil", "annuler", "oublier"} <= commands

        # /start -> greeting with role buttons
        api.send_text(PUPIL, "/start")
        assert await until(lambda: len(api.sent[PUPIL]) == 1)
        start = api.last(PUPIL)
        assert [label for label, _ in api.buttons(start)] == ["Élève", "Parent", "Enseignant·e"]

        # the role button edits the message in place into the theme menu
        api.press_button(PUPIL, "Élève")
        assert await until(lambda: "edit_date" in api.messages[(PUPIL, start["message_id"])])
        assert len(api.sent[PUPIL]) == 1
        assert api.calls_of("answerCallbackQuery")

        # free text -> the stage-3e answer with related-topic buttons
        api.send_text(PUPIL, "c'est quoi le stage de 3e")
        assert await until(lambda: len(api.sent[PUPIL]) == 2)
        answer = api.last(PUPIL)
        expected = kb.topics["stage-3e"].answer_for("pupil")
        assert html.unescape(answer["text"]).startswith(expected[:80])
        assert "Source : " in answer["text"]
        related = [(label, data) for label, data in api.buttons(answer) if data.startswith("t:")]
        assert related
        assert [d for _, d in api.buttons(answer)][-2:] == ["fb:+:stage-3e", "fb:-:stage-3e"]
        assert len(answer["reply_markup"]["inline_keyboard"][-1]) == 2  # 👍 👎 on one row

        # a related button -> that topic's answer
        _label, data = related[0]
        api.press(PUPIL, answer["message_id"], data)
        assert await until(lambda: len(api.sent[PUPIL]) == 3)
        topic = kb.topics[data[2:]]
        assert html.unescape(api.last(PUPIL)["text"]).startswith(topic.answer_for("pupil")[:60])

        # /menu -> themes; a theme -> its topics, edited in place; back
        api.send_text(PUPIL, "/menu")
        assert await until(lambda: len(api.sent[PUPIL]) == 4)
        menu = api.last(PUPIL)
        themes = api.buttons(menu)
        assert themes and all(d.startswith("th:") for _, d in themes)
        api.press(PUPIL, menu["message_id"], themes[0][1])
        key = (PUPIL, menu["message_id"])
        assert await until(lambda: any(d == "m" for _, d in api.buttons(api.messages[key])))
        api.press(PUPIL, menu["message_id"], "m")
        assert await until(lambda: api.buttons(api.messages[key]) == themes)

        # out of scope -> short fallback with the menu
        api.send_text(PUPIL, "c'est quoi la meilleure recette de crêpes")
        assert await until(lambda: len(api.sent[PUPIL]) == 5)
        fallback = api.last(PUPIL)
        assert "pas compris" in fallback["text"]
        assert all(d.startswith("th:") for _, d in api.buttons(fallback))

        # non-text messages -> a friendly text
        api.send_sticker(PUPIL)
        api.send_photo(PUPIL)
        api.send_voice(PUPIL)
        api.send_location(PUPIL)
        assert await until(lambda: len(api.sent[PUPIL]) == 9)
        texts = api.texts(PUPIL)[5:]
        assert any("sticker" in t for t in texts) and any("vocal" in t for t in texts)

        # a forged callback is refused without a crash
        api.press(PUPIL, menu["message_id"], "t:../../etc/passwd")
        assert await until(lambda: "plus valable" in api.messages[key]["text"])


async def test_teacher_register_and_restart_keeps_the_profile(api, kb, db_url):
    async with running_bot(api, kb, db_url):
        api.send_text(TEACHER, "/start")
        assert await until(lambda: len(api.sent[TEACHER]) == 1)
        api.press_button(TEACHER, "Enseignant")
        assert await until(lambda: "edit_date" in api.last(TEACHER))
    # a new process on the same database: the role is remembered
    async with running_bot(api, kb, db_url):
        api.send_text(TEACHER, "c'est quoi le stage de 3e")
        assert await until(lambda: len(api.sent[TEACHER]) == 2)
        text = html.unescape(api.last(TEACHER)["text"])
        assert text.startswith(kb.topics["stage-3e"].answer_for("teacher")[:60])


async def test_the_communes_are_read_at_start_up_not_by_the_first_pupil(api, kb, db_url):
    async with running_bot(api, kb, db_url) as app:
        index = telegram_channel.services_of(app).conversation.engine.academies.communes
        assert index is not None and index._communes is not None  # before any update
        api.send_text(PUPIL, "je cherche un stage en boulangerie à Lyon")
        assert await until(lambda: len(api.sent[PUPIL]) == 1)


async def test_hundred_chats_at_once_are_all_answered(api, kb, db_url):
    chats = list(range(5000, 5100))
    async with running_bot(api, kb, db_url):
        for chat in chats:
            api.send_text(chat, "je trouve pas de stage")
        assert await until(lambda: all(len(api.sent[c]) >= 1 for c in chats), timeout=60)
        assert all(len(api.sent[c]) == 1 for c in chats)


async def test_a_chats_replies_keep_the_order_of_its_messages(api, kb, db_url):
    # a pupil typing fast: each reply must answer the message before it, in order
    questions = {
        "c'est quoi une convention de stage": "convention",
        "c'est quoi le stage de 3e": "3e",
        "comment faire un cv": "CV",
        "c'est quoi une pfmp": "PFMP",
    }
    chats = range(7000, 7020)  # other chats at the same time, as in real traffic
    async with running_bot(api, kb, db_url):
        for _ in range(3):
            for question in questions:
                for chat in chats:
                    api.send_text(chat, question)
        assert await until(lambda: all(len(api.sent[c]) >= 12 for c in chats), timeout=60)
    for chat in chats:
        texts = api.texts(chat)
        assert len(texts) == 12
        for text, word in zip(texts, list(questions.values()) * 3, strict=True):
            assert word in text, (word, text[:80])


async def test_telegram_errors_do_not_kill_the_bot(api, kb, db_url):
    async with running_bot(api, kb, db_url):
        api.fail("sendMessage", 429, retry_after=1)
        api.send_text(PUPIL, "convention de stage")
        assert await until(lambda: len(api.sent[PUPIL]) == 1)

        api.fail("sendMessage", 500, times=2)
        api.send_text(PUPIL, "pfmp")
        assert await until(lambda: len(api.sent[PUPIL]) == 2)

        api.fail("sendMessage", 502)
        api.fail("getUpdates", 500)
        api.send_text(PUPIL, "stage de seconde")
        assert await until(lambda: len(api.sent[PUPIL]) == 3)

        api.blocked.add(TEACHER)
        api.send_text(TEACHER, "bonjour")
        api.send_text(PUPIL, "merci")
        assert await until(lambda: len(api.sent[PUPIL]) == 4)
        assert api.sent[TEACHER] == []


async def test_an_unparseable_update_is_skipped_without_logging_its_content(
    api, kb, db_url, caplog
):
    caplog.set_level(logging.INFO)
    async with running_bot(api, kb, db_url):
        bad = api.send_malformed(TEACHER, "mon secret tres prive")
        api.send_text(PUPIL, "c'est quoi le stage de 3e")  # in the same batch
        assert await until(lambda: len(api.sent[PUPIL]) == 1, timeout=10)
        assert await until(lambda: api.confirmed_offset > bad)
        api.send_text(PUPIL, "c'est quoi une pfmp")  # and polling goes on
        assert await until(lambda: len(api.sent[PUPIL]) == 2, timeout=10)
    assert api.sent[TEACHER] == []  # no handler ran for it
    assert "mon secret tres prive" not in caplog.text
    assert "stage de 3e" not in caplog.text
    skipped = [r.getMessage() for r in caplog.records if "could not be parsed" in r.getMessage()]
    assert skipped == [f"update {bad} could not be parsed (TypeError): skipped"]


async def test_replies_survive_a_bot_api_outage_in_order(api, kb, db_url, monkeypatch):
    assert bot_api.REPLY_RETRY_SECONDS >= 60  # the default rides out a minute
    monkeypatch.setattr(bot_api, "REPLY_BACKOFF_FIRST", 0.05)
    monkeypatch.setattr(bot_api, "REPLY_BACKOFF_MAX", 0.2)
    monkeypatch.setattr(bot_api, "REPLY_RETRY_SECONDS", 10.0)
    async with running_bot(api, kb, db_url):
        api.outage("sendMessage", 502, seconds=2.5)  # longer than the old 1.4 s of retries
        api.send_text(PUPIL, "c'est quoi une convention de stage")
        api.send_text(PUPIL, "c'est quoi une pfmp")
        assert await until(lambda: len(api.sent[PUPIL]) == 2, timeout=15)
        await asyncio.sleep(0.3)
    texts = api.texts(PUPIL)
    assert len(texts) == 2  # each sent once
    assert "convention" in texts[0] and "PFMP" in texts[1]
    assert len(api.calls_of("sendMessage")) > 4  # it was retried


async def test_a_permanent_send_error_is_not_retried(api, kb, db_url):
    async with running_bot(api, kb, db_url):
        api.fail("sendMessage", 400, chat_id=PUPIL)
        api.send_text(PUPIL, "c'est quoi une convention de stage")
        assert await until(lambda: len(api.sent[PUPIL]) == 1)
        await asyncio.sleep(0.5)
    # the reply was refused once and not sent again; the pupil is told something went wrong
    assert api.texts(PUPIL) == [telegram_channel.SORRY]
    assert len([c for c in api.calls_of("sendMessage") if c["chat_id"] == PUPIL]) == 2


async def test_groups_only_commands_and_mentions(api, kb, db_url):
    group = -4242
    async with running_bot(api, kb, db_url):
        api.send_text(group, "c'est quoi le stage de 3e", user_id=7, chat_type="group")
        api.send_text(
            group, "@ipe_test_bot c'est quoi le stage de 3e", user_id=7, chat_type="group"
        )
        assert await until(lambda: len(api.sent[group]) >= 1)
        await asyncio.sleep(0.5)
        assert len(api.sent[group]) == 1
        assert "3e" in api.last(group)["text"]


async def test_user_html_is_never_interpreted(api, kb, db_url):
    async with running_bot(api, kb, db_url):
        api.send_text(PUPIL, "<b>stage</b> & <script>alert(1)</script> de 3e")
        assert await until(lambda: len(api.sent[PUPIL]) == 1)
        text = api.last(PUPIL)["text"]
        assert "<script>" not in text and "<b>" not in text
        send = api.calls_of("sendMessage")[-1]
        assert send["parse_mode"] == "HTML"


async def test_database_down_still_answers(api, kb, tmp_path):
    bad_url = f"sqlite+aiosqlite:///{tmp_path / 'missing-dir' / 'x.sqlite3'}"
    async with running_bot(api, kb, bad_url):
        api.send_text(PUPIL, "c'est quoi la convention de stage")
        assert await until(lambda: len(api.sent[PUPIL]) == 1)
        text = html.unescape(api.last(PUPIL)["text"])
        assert text.startswith(kb.topics["convention-stage"].answer_for("pupil")[:40])
        assert "souci technique" in text


def test_ipe_bot_run_process_against_loopback_server(api, tmp_path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "NO_PROXY": "127.0.0.1,localhost",
        "LOG_LEVEL": "INFO",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api.send_text(PUPIL, "/start")
        api.send_text(PUPIL, "c'est quoi le stage de 3e")
        api.send_sticker(PUPIL)
        # a cold start trains the models first: a generous wait, not a timing assertion
        assert api.wait_for(lambda: len(api.sent[PUPIL]) >= 3, timeout=240), proc.poll()
        start = api.sent[PUPIL][0]
        assert [label for label, _ in api.buttons(start)] == ["Élève", "Parent", "Enseignant·e"]
        api.press(PUPIL, start["message_id"], "r:pupil")
        assert api.wait_for(lambda: "edit_date" in api.messages[(PUPIL, start["message_id"])], 20)
        chats = range(7000, 7050)
        for chat in chats:
            api.send_text(chat, "stage de 3e")
        assert api.wait_for(lambda: all(api.sent[c] for c in chats), timeout=60)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert api.token not in err  # the token never reaches the logs
    assert "stage de 3e" not in err  # nor the users' text at info level


WRONG_TOKEN = "987654321:AAHwrongWRONGwrongWRONGwrong_abcdefgh"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("mode", ["run", "run --webhook"])
@pytest.mark.parametrize("server", ["rejects the token", "unreachable"])
def test_a_start_up_failure_is_one_line_without_the_token(api, tmp_path, server, mode):
    base_url = (
        api.base_url if server == "rejects the token" else f"http://127.0.0.1:{free_port()}/bot"
    )
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": WRONG_TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "WEBHOOK_SECRET": "a-webhook-secret-long-enough-0123456789",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(free_port()),
        "NO_PROXY": "127.0.0.1,localhost",
        "LOG_LEVEL": "INFO",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot", *mode.split()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert WRONG_TOKEN not in output and WRONG_TOKEN.split(":")[1] not in output
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) <= 3, output
    last = proc.stderr.strip().splitlines()[-1]
    assert ("refuse le jeton" if server == "rejects the token" else "Impossible de joindre") in last


def test_logs_never_hold_a_token():
    import logging

    from bot.runner import RedactTokens

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens(("123456:SECRET-configured",)))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("HTTP Request: POST %s", "https://api.telegram.org/bot42:AAA-bbb_ccc/getMe")
        logger.warning("config %s", "123456:SECRET-configured")
        try:
            raise RuntimeError(f"The token `{WRONG_TOKEN}` was rejected")
        except RuntimeError:
            logger.exception("start-up")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "AAA-bbb_ccc" not in text and "SECRET-configured" not in text
    assert WRONG_TOKEN.split(":")[1] not in text
    assert "bot<token>/getMe" in text and "Traceback" in text


def test_ipe_bot_run_without_token_explains():
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "BotFather" in proc.stderr and "ipe-bot chat" in proc.stderr


async def test_database_down_then_back_loses_nothing_after_it_returns(kb, tmp_path):
    from bot.config import Config as BotConfig
    from bot.conversation import Incoming

    folder = tmp_path / "later"
    config = BotConfig(database_url=f"sqlite+aiosqlite:///{folder / 'x.sqlite3'}")
    service = build_service(config, kb)
    service.db.retry_every = 0.0
    reply = await service.handle(Incoming(PUPIL, "choice", "r:teacher"))
    assert "souci technique" in reply.text  # told, and answered all the same
    form = await service.handle(Incoming(PUPIL, "command", command="stage"))
    assert "rien n'a été envoyé" in form.text  # no request taken while it is down
    folder.mkdir()  # the database comes back
    await service.handle(Incoming(PUPIL, "choice", "r:teacher"))
    assert (await service.state_of(PUPIL)).role == "teacher"
    await service.db.dispose()
