"""The activity report: actions by kind, pupils, teachers and companies reached, pupils'
requests, by académie and school year; as text, JSON, CSV and PNG; /stats scoped to the IPE."""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import UTC, date, datetime

from support.cases import ADMIN, IPE_A, PUPIL, fill_form, invite, make_service, say
from support.teachers import TEACHER, TEACHER2

from bot.cases.dates import today_in_france
from bot.cases.report import school_year
from bot.cli.main import main
from bot.store.models import UnmetSearch

SECRET_SCHOOL = "Collège Secret-Défense"


async def _action(service, chat, academy, action, day, pupils, company, status="resolved"):
    """A teacher's request as the follow-up leaves it (created through the service)."""
    answers = {"academy": academy, "action": action, "school": SECRET_SCHOOL, "pupils": "30"}
    async with service.db.transaction() as session:
        case = await service.escalation.create_case(session, chat, answers, "teacher")
        case.status, case.event_date = status, day
        if status == "resolved":
            case.pupils_reached, case.company, case.feedback = pupils, company, "good"
        return case.id


def test_school_years_run_from_september_to_august():
    assert school_year(date(2026, 9, 1)) == 2026
    assert school_year(date(2027, 8, 31)) == 2026
    assert school_year(date(2026, 8, 31)) == 2025


async def test_report_as_json_csv_and_png(kb, db_url, tmp_path, monkeypatch, capsys):
    service = make_service(db_url, kb)
    await invite(service, "aix-marseille")
    await _action(service, TEACHER, "aix-marseille", "talk", date(2026, 11, 3), 28, "Airbus")
    await _action(service, TEACHER, "aix-marseille", "visit", date(2027, 3, 12), 25, "AIRBUS ")
    await _action(service, TEACHER2, "lyon", "talk", date(2027, 1, 15), 50, "Renault")
    await _action(service, TEACHER2, "lyon", "project", date(2026, 5, 2), 90, "Michelin")  # 2025
    await _action(service, TEACHER2, "lyon", "immersion", None, 0, None, status="new")
    await fill_form(service, PUPIL)  # a pupil's request, received this school year
    async with service.db.transaction() as session:  # two searches for a placement found nothing
        for when in (datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)):
            session.add(
                UnmetSearch(
                    at=when,
                    academy_id="lyon",
                    departement="69",
                    commune="Vénissieux",
                    sector="boulangerie",
                    level="3e",
                    week="2027-W03",
                )
            )
    await service.db.dispose()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(service.engine.kb.directory))
    png, table = tmp_path / "report.png", tmp_path / "report.csv"

    args = ["admin", "report", "--year", "2026", "--json", "--csv", str(table), "--png", str(png)]
    assert await asyncio.to_thread(main, args) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    total = data["sections"]["ActivitySection"]["total"]
    assert data["school_year"] == "2026-2027"
    assert total["actions_done"] == {
        "talk": 2,
        "visit": 1,
        "project": 0,
        "immersion": 0,
        "other": 0,
    }
    assert total["pupils_reached"] == 28 + 25 + 50  # not the 90 of 2025-2026
    assert total["teachers_reached"] == 2
    assert total["companies_involved"] == 2  # Airbus twice, Renault
    cells = data["sections"]["ActivitySection"]["by_year_and_academy"]
    aix = next(c for c in cells if c["academy"] == "aix-marseille")
    assert aix["pupils_reached"] == 53 and aix["pupil_requests"]["received"] == 1
    unmet = data["sections"]["UnmetSection"]
    assert unmet["total"] == 1  # the June search belongs to 2025-2026
    assert unmet["top"][0]["commune"] == "Vénissieux" and unmet["top"][0]["count"] == 1
    assert unmet["weeks"] == [{"week": "2027-W03", "count": 1}]
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert any(
        r["section"] == "unmet" and r["metric"] == "unmet.search.Vénissieux|boulangerie|3e"
        for r in rows
    )
    assert {"section", "school_year", "academy", "metric", "value"} == set(rows[0])
    assert any(
        r["academy"] == "lyon" and r["metric"] == "pupils_reached" and r["value"] == "50"
        for r in rows
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    for leak in ("Secret", "Airbus", "Renault", str(TEACHER)):  # counts only
        assert leak not in out and leak not in table.read_text(encoding="utf-8")

    assert await asyncio.to_thread(main, ["admin", "report", "--academy", "Lyon"]) == 0
    text = capsys.readouterr().out
    assert "2025-2026, académie : Lyon" in text and "Élèves touchés : 90" in text
    assert "Aix" not in text


async def test_stats_show_an_ipe_their_academies_figures(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    today = today_in_france()
    await _action(service, TEACHER, "aix-marseille", "talk", today, 27, "Airbus")
    await _action(service, TEACHER2, "lyon", "visit", today, 50, "Renault")
    reply = await say(service, IPE_A, "/stats")
    assert "Élèves touchés : 27" in reply.text and "académie : Aix-Marseille" in reply.text
    assert "Élèves touchés : 50" not in reply.text and "Lyon" not in reply.text
    admin = await say(service, ADMIN, "/stats")
    assert "Élèves touchés : 50" in admin.text and "Élèves touchés : 77" in admin.text
    await service.db.dispose()
