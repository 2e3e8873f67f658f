"""The command line, as external tooling uses it."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from bot.cli.main import main
from bot.understanding.knowledge import load_knowledge


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_ask_json_reads_one_question_per_line_in_order():
    questions = [
        "c'est quoi le stage de 3e",
        "donne moi la recette des crêpes",
        "",
        "convention",
        "😀",
    ]
    proc = run_cli("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(questions)
    payloads = [json.loads(line) for line in lines]
    for p in payloads:
        assert set(p) == {"topic", "score", "answer", "suggestions", "safety"}
        assert p["safety"] in (None, "weak", "strong")
        assert isinstance(p["score"], int | float) and 0 <= p["score"] <= 100
        assert (p["topic"] is None) == (p["answer"] is None)
    assert payloads[0]["topic"] == "stage-3e"
    assert payloads[1]["topic"] is None
    assert payloads[0]["safety"] is None


def test_ask_json_says_what_the_safety_net_found():
    questions = [
        "je veux me tuer ce soir",
        "je me sens nul en stage, j'arrive à rien",
        "c koi un cv",
    ]
    proc = run_cli("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    strong, weak, none = (json.loads(line) for line in proc.stdout.splitlines())
    assert strong["safety"] == "strong" and "3114" in strong["answer"]
    assert strong["topic"] == "detresse"
    assert weak["safety"] == "weak"
    assert none["safety"] is None and none["topic"] == "cv-lettre"


def test_ask_text_with_role(capsys):
    assert main(["ask", "--role", "teacher", "--json", "c'est quoi la convention de stage"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["topic"] == "convention-stage"
    kb = load_knowledge(ROOT / "knowledge").kb
    assert payload["answer"].startswith(kb.topics["convention-stage"].answers["teacher"][:60])


def test_ask_plain_prints_choices(capsys):
    assert main(["ask", "pfmp"]) == 0
    out = capsys.readouterr().out
    assert "Source : " in out and "  1. " in out


def test_kb_export_json(capsys):
    assert main(["kb", "export", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = {t["id"] for t in data["topics"]}
    assert {"stage-3e", "pas-de-stage", "detresse"} <= ids


def test_kb_check_passes_on_shipped_kb(capsys):
    assert main(["kb", "check"]) == 0
    assert "0 erreur" in capsys.readouterr().out


def test_kb_check_fails_on_a_broken_file(tmp_path, capsys):
    (tmp_path / "broken.yaml").write_text(
        "theme: x\ntitle: X\ntopics:\n  - id: a\n", encoding="utf-8"
    )
    assert main(["--knowledge", str(tmp_path), "kb", "check"]) == 1
    out = capsys.readouterr().out
    assert "broken.yaml" in out and "« a »" in out


def test_eval_prints_accuracy_and_misses(tmp_path, capsys):
    f = tmp_path / "set.tsv"
    f.write_text(
        "stage-3e\tstage de 3e\n-\tla météo demain\nstage-3e|stage-seconde\tstage\n", "utf-8"
    )
    assert main(["eval", str(f)]) == 0
    out = capsys.readouterr().out
    assert "in-scope accuracy" in out and "out-of-scope rejection" in out and "misses" in out


async def test_chat_in_terminal(tmp_path):
    from bot.channels.console import run_chat
    from bot.config import Config
    from bot.runner import build_service

    config = Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}")
    service = build_service(config, load_knowledge(ROOT / "knowledge").kb)
    stdin = io.StringIO("1\nc'est quoi le stage de 3e\n1\n/menu\n2\nblablabla la météo\n/quit\n")
    stdout = io.StringIO()
    assert await run_chat(service, stdin, stdout) == 0
    out = stdout.getvalue()
    assert "Élève" in out
    assert "Source : " in out
    assert "Choisis un thème" in out
    assert "À bientôt" in out


def test_a_button_number_in_the_terminal_is_that_button_s_press():
    from bot.channels.console import parse_line
    from bot.messages import Choice

    shown = [Choice("🗑️ Tout effacer", "del")]
    assert parse_line("1", 7, shown).kind == "choice" and parse_line("1", 7, shown).text == "del"
    # a number the dialogue reads itself (« 3 » at the class step, a topic's button) stays text
    assert parse_line("1", 7, [Choice("Le stage de 3e", "t:stage-3e")]).kind == "text"
    assert parse_line("2", 7, shown).kind == "text"


def test_python_dash_m_and_console_script_agree():
    proc = run_cli("--help")
    assert proc.returncode == 0 and "ipe-bot" in proc.stdout
    assert Path(ROOT / "pyproject.toml").read_text().count('ipe-bot = "bot.cli.main:main"') == 1


@pytest.mark.parametrize("gap", [0.0, 0.05])
def test_ctrl_c_in_the_terminal_chat_leaves_at_once(tmp_path, gap):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,  # kept open: the chat waits for a line
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    shown = b""
    deadline = time.monotonic() + 60
    while b"\n> " not in shown and time.monotonic() < deadline:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        shown += chunk
    assert b"\n> " in shown, shown
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    time.sleep(gap)
    proc.send_signal(signal.SIGINT)  # a second Ctrl-C, impatient
    try:
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert time.monotonic() - started < 5
    assert proc.returncode == 0
    assert "À bientôt" in out.decode()
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err


def test_admin_cases_status_takes_the_french_labels(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'admin.sqlite3'}")
    for status in ("nouvelle", "prise en charge", "résolue", "Resolue", "close", "acknowledged"):
        assert main(["admin", "cases", "--status", status]) == 0
        assert "Aucune demande." in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["admin", "cases", "--status", "perdue"])
    assert exit_info.value.code == 2
    assert "prise en charge" in capsys.readouterr().err


def test_admin_invite_without_academy_says_one_is_needed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'admin.sqlite3'}")
    for kind in ("ipe", "fallback"):
        assert main(["admin", "invite", "--kind", kind]) == 2
        err = capsys.readouterr().err
        assert "--academy" in err and "None" not in err
        assert "Aix-Marseille" in err  # the académies it can be
    assert main(["admin", "invite", "--academy", "Atlantide"]) == 2
    assert "Académie inconnue : 'Atlantide'" in capsys.readouterr().err
