"""The knowledge authors' loop: unanswered inbox, statistics, hot reload."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from conftest import KNOWLEDGE_DIR, ROOT
from sqlalchemy import func, inspect, select

from bot.cases.insights import compute_stats, format_stats, gaps, plot_stats
from bot.config import Config
from bot.conversation import Incoming
from bot.runner import build_service
from bot.store.models import QuestionEvent, Unanswered

ADMIN, PUPIL, PUPIL2 = 4999, 4001, 4002
UNANSWERED = "on peut faire le stage dans l'armée ?"


def service_for(db_url: str, kb, knowledge_dir=KNOWLEDGE_DIR, **fields):
    config = Config(
        database_url=db_url, knowledge_dir=knowledge_dir, admin_ids=frozenset({ADMIN}), **fields
    )
    return build_service(config, kb)


async def say(service, chat_id, text):
    if text.startswith("/"):
        name, _, args = text[1:].partition(" ")
        return await service.handle(Incoming(chat_id, "command", args, command=name))
    return await service.handle(Incoming(chat_id, "text", text))


async def test_unanswered_questions_are_recorded_without_user_ids_and_grouped(kb, db_url):
    service = service_for(db_url, kb)
    await service.db.create_schema()
    for chat, text in [
        (PUPIL, UNANSWERED),
        (PUPIL2, "on peut faire son stage dans l'armée"),
        (PUPIL, "quelle est la recette des crêpes"),
        (PUPIL2, "c'est quoi le stage de 3e"),
    ]:
        await say(service, chat, text)
    answer = await say(service, PUPIL2, "convention de stage")
    assert answer.choices[-1].id == "fb:-:convention-stage"
    await service.handle(Incoming(PUPIL2, "choice", "fb:-:convention-stage"))
    async with service.db.sessions() as session:
        found = await gaps(session)
        outcomes = dict(
            (
                await session.execute(
                    select(QuestionEvent.outcome, func.count()).group_by(QuestionEvent.outcome)
                )
            ).all()
        )
        connection = await session.connection()
        columns = await connection.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("unanswered")}
        )
    assert found[0].count == 2 and "armée" in found[0].example
    assert any(g.reasons["not_helpful"] and "convention de stage" in g.texts for g in found)
    assert outcomes["fallback"] >= 3 and outcomes["answer"] == 2 and outcomes["not_helpful"] == 1
    assert not {"chat_id", "user_id"} & columns
    await service.db.dispose()


async def test_what_a_thumbs_down_says_was_missing_joins_the_gaps_inbox(kb, db_url):
    service = service_for(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/start")
    await service.handle(Incoming(PUPIL, "choice", "r:teacher"))
    await say(service, PUPIL, "découverte des métiers au collège")
    topic = (await service.state_of(PUPIL)).last_topic
    asked = await service.handle(Incoming(PUPIL, "choice", f"fb:-:{topic}"))
    assert "Qu'est-ce qui manquait" in asked.text
    noted = await say(
        service, PUPIL, "Il manque le dispositif de 2023, une demi-journée par semaine"
    )
    assert noted.text.startswith("Merci, c'est noté")
    again = await say(service, PUPIL, "la convention de stage, qui la signe ?")  # a question again
    assert again.topic == "convention-stage"
    async with service.db.sessions() as session:
        rows = (
            await session.scalars(select(Unanswered).where(Unanswered.reason == "comment"))
        ).all()
    assert [r.text for r in rows] == [
        "Il manque le dispositif de 2023, une demi-journée par semaine"
    ]
    await service.db.dispose()


async def test_recording_can_be_turned_off(kb, db_url):
    service = service_for(db_url, kb, record_questions=False)
    await service.db.create_schema()
    await say(service, PUPIL, UNANSWERED)
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count(Unanswered.id))) == 0
        assert await session.scalar(select(func.count(QuestionEvent.id))) == 0
    await service.db.dispose()


async def test_from_gaps_to_a_fixed_knowledge_base(kb, db_url, tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    service = service_for(db_url, kb, knowledge_dir=knowledge)
    service.engine.kb.directory = knowledge
    await service.db.create_schema()
    assert (await say(service, PUPIL, UNANSWERED)).kind == "fallback"

    # the author reads the inbox...
    env = {**os.environ, "DATABASE_URL": db_url, "KNOWLEDGE_DIR": str(knowledge)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "gaps", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    inbox = json.loads(proc.stdout)["gaps"]
    assert inbox[0]["example"] == UNANSWERED

    # ...labels the message as it was written (the route README gives first), reloads
    path = knowledge / "topic_examples.tsv"
    with path.open("a", encoding="utf-8") as examples:
        examples.write(f"stage-3e\t{inbox[0]['example']}\n")
    assert "non rechargée" not in (await say(service, ADMIN, "/reload")).text
    reply = await say(service, PUPIL, UNANSWERED)
    assert reply.kind == "answer" and reply.topic == "stage-3e"
    await service.db.dispose()


async def test_reload_with_a_broken_file_keeps_the_old_knowledge(kb, db_url, tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    service = service_for(db_url, kb, knowledge_dir=knowledge)
    service.engine.kb.directory = knowledge
    await service.db.create_schema()
    (knowledge / "stages.yaml").write_text("topics: [\n  - broken", encoding="utf-8")
    assert "réservée" in (await say(service, PUPIL, "/reload")).text
    reply = await say(service, ADMIN, "/reload")
    assert "NON rechargée" in reply.text and "stages.yaml" in reply.text
    assert (await say(service, PUPIL, "c'est quoi le stage de 3e")).topic == "stage-3e"
    await service.db.dispose()


async def test_stats_text_scope_and_png(kb, db_url, tmp_path):
    service = service_for(db_url, kb)
    await service.db.create_schema()
    for text in ["stage de 3e", "stage de 3e", "convention de stage", "la météo à Paris"]:
        await say(service, PUPIL, text)
    assert "réservée" in (await say(service, PUPIL, "/stats")).text
    text = (await say(service, ADMIN, "/stats")).text
    assert "Questions : 4" in text and "Le stage d'observation de 3e" in text
    async with service.db.sessions() as session:
        stats = await compute_stats(session)
    assert stats.per_topic["stage-3e"] == 2 and stats.outcomes["fallback"] == 1
    assert "Questions : 4" in format_stats(stats)
    png = tmp_path / "stats.png"
    plot_stats(stats, str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    await service.db.dispose()


def test_stats_text_names_statuses_and_delays_in_french():
    from collections import Counter

    from bot.cases.insights import Stats, duration

    stats = Stats(cases=Counter({("lyon", "acknowledged"): 2, ("lyon", "new"): 1}))
    stats.median_ack_hours, stats.median_resolve_hours = 0.0, 27.5
    text = format_stats(stats)
    assert "lyon / prise en charge" in text and "lyon / nouvelle" in text
    assert "moins d'une minute" in text and "27 h 30" in text and "0.0 h" not in text
    assert [duration(h) for h in (None, 0.25, 3, 100)] == ["—", "15 min", "3 h", "4 j"]
    assert "Sujets les plus demandés :\n  aucun" in text  # no heading left empty


def test_stats_png_titles_the_period_and_academy_with_whole_number_ticks(tmp_path, monkeypatch):
    from collections import Counter

    from matplotlib.figure import Figure

    from bot.cases.insights import Stats

    drawn = []
    save = Figure.savefig

    def keep(figure, *args, **kwargs):
        figure.canvas.draw()
        drawn.append(figure)
        return save(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    stats = Stats(
        questions=3,
        per_topic=Counter({"stage-3e": 2, "pfmp": 1}),
        outcomes=Counter(answer=3),
        cases=Counter({("lyon", "new"): 1}),
    )
    png = tmp_path / "stats.png"
    plot_stats(stats, str(png), period="depuis le 2026-09-01", academy="Lyon")
    [figure] = drawn
    assert "depuis le 2026-09-01" in figure._suptitle.get_text()
    assert "Lyon" in figure._suptitle.get_text()
    for ax in figure.axes:
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert all(float(t).is_integer() for t in ticks), ticks
