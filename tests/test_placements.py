"""Placements end to end through the real Application: an IPE records an offer in the chat, a
pupil of a nearby commune finds it, says "Ça m'intéresse", consents, the IPE confirms, a place
is taken and the pupil is told; a search with nothing leads to the request form; a CSV file
with bad rows imports nothing."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from datetime import date, timedelta

from conftest import ROOT
from sqlalchemy import select
from support.cases import IPE_A, PUPIL, PUPIL2, invite, make_service
from support.harness import running_bot, until

from bot.store.models import Case, CasePlacement, Placement, UnmetSearch

HOST_PHONE = "02 40 12 34 56"


def plain(message: dict) -> str:
    return html.unescape(message["text"])


async def turn(api, chat: int, action) -> str:
    """Do something in the chat and wait for the bot's next message; its text."""
    seen = len(api.sent[chat])
    action()
    assert await until(lambda: len(api.sent[chat]) > seen), f"no answer in {chat}"
    return plain(api.sent[chat][seen])


async def test_an_offer_recorded_by_the_ipe_is_found_taken_and_confirmed(api, kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "nantes")
    await service.db.dispose()
    first = date.today() + timedelta(days=40)
    last = first + timedelta(days=4)
    async with running_bot(api, kb, db_url):
        text = await turn(api, IPE_A, lambda: api.send_text(IPE_A, f"/ipe {code}"))
        assert "Nantes" in text

        # the IPE records an offer in Nantes with /offre (vous, back, summary, confirm)
        text = await turn(api, IPE_A, lambda: api.send_text(IPE_A, "/offre"))
        assert "(1/9) Intitulé" in text and "Annuler" in str(api.buttons(api.last(IPE_A)))
        for answer in ("Découverte du fournil", "Boulangerie Dupont", "boulangerie"):
            await turn(api, IPE_A, lambda a=answer: api.send_text(IPE_A, a))
        text = await turn(api, IPE_A, lambda: api.send_text(IPE_A, "Nulle-part-sur-lune"))
        assert "pas trouvé cette commune" in text
        text = await turn(api, IPE_A, lambda: api.send_text(IPE_A, "Brest"))
        assert "pas dans votre académie" in text
        text = await turn(api, IPE_A, lambda: api.send_text(IPE_A, "Nantes"))
        assert "classes" in text
        await turn(api, IPE_A, lambda: api.press_button(IPE_A, "3e"))
        assert "✅ 3e" in str(api.buttons(api.last(IPE_A)))
        text = await turn(api, IPE_A, lambda: api.press_button(IPE_A, "Valider"))
        assert "Dates" in text
        days = f"{first:%d/%m/%Y} {last:%d/%m/%Y}"
        assert "places" in await turn(api, IPE_A, lambda: api.send_text(IPE_A, days))
        assert "nombre" in await turn(api, IPE_A, lambda: api.send_text(IPE_A, "beaucoup"))
        await turn(api, IPE_A, lambda: api.send_text(IPE_A, "2"))
        await turn(api, IPE_A, lambda: api.send_text(IPE_A, "Pétrir, façonner, cuire."))
        text = await turn(api, IPE_A, lambda: api.send_text(IPE_A, f"M. Dupont, {HOST_PHONE}"))
        assert "Récapitulatif" in text and "Nantes (44000)" in text and HOST_PHONE in text
        text = await turn(api, IPE_A, lambda: api.press_button(IPE_A, "Enregistrer"))
        assert "enregistrée" in text

        # a pupil of Rezé, next to Nantes, looks for a bakery: the offer, without the contact
        text = await turn(
            api,
            PUPIL,
            lambda: api.send_text(PUPIL, "je cherche un stage en boulangerie vers Rezé"),
        )
        assert "Découverte du fournil — Boulangerie Dupont, Nantes" in text
        assert "2 places restantes" in text and HOST_PHONE not in text and "Dupont," in text
        labels = [label for label, _ in api.buttons(api.last(PUPIL))]
        assert labels[0] == "Ça m'intéresse (1)" and len(labels) == 2

        # "Ça m'intéresse": the request form with the offer filled in; nothing sent yet
        text = await turn(api, PUPIL, lambda: api.press_button(PUPIL, "Ça m'intéresse"))
        assert "Découverte du fournil" in text and "Nantes" in text
        await turn(api, PUPIL, lambda: api.press_button(PUPIL, "Oui"))
        text = await turn(api, PUPIL, lambda: api.send_text(PUPIL, "Collège Jean Moulin, Rezé"))
        assert "classe" in text
        text = await turn(api, PUPIL, lambda: api.send_text(PUPIL, "3e"))
        assert "essayé" in text  # period, sectors and place come from the offer
        await turn(api, PUPIL, lambda: api.press_button(PUPIL, "Rien encore"))
        text = await turn(api, PUPIL, lambda: api.press_button(PUPIL, "messagerie"))
        assert "J'accepte" in text and "Découverte du fournil" in text
        assert len(api.sent[IPE_A]) == 16, "nothing reaches the IPE before consent"
        text = await turn(api, PUPIL, lambda: api.press_button(PUPIL, "J'accepte"))
        assert "NAN-" in text
        assert await until(lambda: "Offre demandée" in " ".join(api.texts(IPE_A)))
        notice = plain(api.last(IPE_A))
        assert "Découverte du fournil" in notice and HOST_PHONE in notice
        assert "2/2" in notice

        # the IPE confirms: one place fewer, the pupil is told (and never gets the contact)
        text = await turn(api, IPE_A, lambda: api.press_button(IPE_A, "Confirmer la place"))
        assert "Place confirmée" in text and "1 place(s) restante(s)" in text
        assert await until(lambda: "confirmé ta place" in " ".join(api.texts(PUPIL)))
        assert all(HOST_PHONE not in t for t in api.texts(PUPIL))
        # the case view shows the offer as confirmed, without buttons to confirm again
        reference = next(w for w in text.split() if w.startswith("NAN-"))
        text = await turn(api, IPE_A, lambda: api.send_text(IPE_A, f"/dossier {reference}"))
        assert "confirmée (1/2 place(s))" in text
        assert not any(d.startswith("po:") for _, d in api.buttons(api.last(IPE_A)))

        # a second pupil still finds it, with one place left
        text = await turn(
            api, PUPIL2, lambda: api.send_text(PUPIL2, "y a des stages en boulangerie à Nantes ?")
        )
        assert "1 place restante" in text

    service = make_service(db_url, kb)
    async with service.db.sessions() as session:
        placement = await session.scalar(select(Placement))
        link = await session.scalar(select(CasePlacement))
        case = await session.scalar(select(Case))
    assert (placement.places, placement.places_left) == (2, 1)
    assert link.status == "confirmed" and link.case_id == case.id
    assert placement.academy_id == "nantes" and placement.insee == "44109"
    await service.db.dispose()


async def test_a_search_with_nothing_leads_to_the_request_form(api, kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "rennes")
    await service.db.dispose()
    async with running_bot(api, kb, db_url):
        await turn(api, IPE_A, lambda: api.send_text(IPE_A, f"/ipe {code}"))
        text = await turn(
            api,
            PUPIL,
            lambda: api.send_text(PUPIL, "je cherche un stage en coiffure à Brest le 12 janvier"),
        )
        assert "pas encore d'offre" in text and "académie de Rennes" in text
        assert ("Oui", "f:ac:rennes") in api.buttons(api.last(PUPIL))
        # the IPE sees the unmet search in /stats, without anything that names the pupil
        text = await turn(api, IPE_A, lambda: api.send_text(IPE_A, "/stats"))
        assert "Recherches d'offres sans résultat : 1" in text and "Brest — coiffure" in text
    service = make_service(db_url, kb)
    async with service.db.sessions() as session:
        rows = (await session.scalars(select(UnmetSearch))).all()
    assert [(r.academy_id, r.commune, r.sector, r.level) for r in rows] == [
        ("rennes", "Brest", "coiffure", "")
    ]
    assert rows[0].week.endswith(("-W02", "-W03"))
    await service.db.dispose()


CSV_HEADER = (
    "title,employer,sector,commune,postcode,levels,first_day,last_day,places,description,contact"
)


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "KNOWLEDGE_DIR": str(ROOT / "knowledge")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "placements", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_a_csv_with_bad_rows_imports_nothing_and_names_each_line(db_url, tmp_path):
    day = date.today() + timedelta(days=30)
    good = f"Fournil,Boulangerie Dupont,boulangerie,Rezé,44400,3e;2de,{day},{day},2,Pain,x@y.fr"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join(
            [
                CSV_HEADER,
                good,
                f"Garage,Garage Martin,auto,Nulle-Part,99999,3e,{day},{day},1,Moteurs,a@b.fr",
                f"Salon,Salon Léa,coiffure,Nantes,44000,CM2,{day},{day},1,Coupes,c@d.fr",
                f"Salon,Salon Léa,coiffure,Nantes,44000,3e,{day},{day},zéro,Coupes,c@d.fr",
                f"Salon,Salon Léa,coiffure,Nantes,44000,3e,{day},2020-01-01,1,Coupes,c@d.fr",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = _cli(db_url, "import", str(bad))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert [e.split(" : ")[1] for e in errors[:4]] == ["ligne 3", "ligne 4", "ligne 5", "ligne 6"]
    assert "99999" in errors[0] and "CM2" in errors[1] and "places" in errors[2]
    assert "avant" in errors[3] and "Rien n'a été importé : 4 ligne(s)" in errors[4]
    listed = json.loads(_cli(db_url, "list", "--json").stdout)
    assert listed == {"placements": []}

    # the same file without its bad rows: imported, listed (the contact only when asked)
    ok = tmp_path / "ok.csv"
    ok.write_text(
        f"{CSV_HEADER},zipcode,remote_id\n{good},44400,X1\n"
        f"Code,Code & Co,informatique,Lille,59000,3e,{day},{day},1,Web,rh@code.fr,,X2\n",
        encoding="utf-8",
    )
    result = _cli(db_url, "import", str(ok))
    assert result.returncode == 0 and "2 offre(s) importée(s)" in result.stdout
    listed = json.loads(_cli(db_url, "list", "--academy", "Nantes", "--json").stdout)
    (offer,) = listed["placements"]
    assert offer["commune"] == "Rezé" and offer["academy"] == "nantes"
    assert offer["levels"] == ["3e", "2de"] and offer["places_left"] == 2
    assert "contact" not in offer
    secret = json.loads(_cli(db_url, "list", "--json", "--with-contact").stdout)
    assert {p["contact"] for p in secret["placements"]} == {"x@y.fr", "rh@code.fr"}
    closed = _cli(db_url, "close", str(offer["id"]))
    assert closed.returncode == 0 and _cli(db_url, "close", str(offer["id"])).returncode == 1
    left = json.loads(_cli(db_url, "list", "--json").stdout)["placements"]
    assert [p["commune"] for p in left] == ["Lille"]
    demand = json.loads(_cli(db_url, "demand", "--json").stdout)
    assert demand == {"total": 0, "top": [], "weeks": []}
