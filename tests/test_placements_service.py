"""The placements service: reading a pupil's sentence, ranking offers, what pupils may see,
places taken at most once (PostgreSQL: two IPE confirming at the same moment), unmet demand,
the CSV reader and the IPE's /offre steps."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support.cases import IPE_A, PUPIL, fill_form, invite, make_service, outbox_rows, press, say
from test_communes import EVERY_ACADEMY

from bot.cases.communes import default_index
from bot.desks import offer_form
from bot.placements import repository
from bot.placements.demand import demand_lines, record_unmet, unmet_demand
from bot.placements.importer import read_rows
from bot.placements.query import looks_like_search, parse
from bot.placements.search import rank, search
from bot.store.database import Database
from bot.store.models import Case, CasePlacement, Placement

TODAY = date(2026, 12, 1)
SOON = TODAY + timedelta(days=40)


@pytest.fixture(scope="module")
def index():
    return default_index()


def offer(**fields) -> dict:
    base = dict(
        title="Découverte du fournil",
        employer="Boulangerie Dupont",
        sector="boulangerie",
        commune="Nantes",
        insee="44109",
        postcode="44000",
        departement="44",
        academy_id="nantes",
        levels=" 3e 2de ",
        first_day=SOON,
        last_day=SOON + timedelta(days=4),
        places=2,
        contact="dupont@example.fr",
    )
    return {**base, **fields}


# -- reading a sentence ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sector", "commune", "departement", "academy", "level"),
    [
        (
            "je cherche un stage en boulangerie vers Rezé",
            "boulangerie",
            "Rezé",
            "44",
            "nantes",
            None,
        ),
        ("y a des stages en informatique à Lille ?", "informatique", "Lille", "59", "lille", None),
        ("stage 3e a nantes", None, "Nantes", "44", "nantes", "3e"),
        ("je cherche un stage de seconde dans le 93", None, None, "93", "creteil", "2de"),
        (
            "je veux un stage en coiffure en Loire-Atlantique",
            "coiffure",
            None,
            "44",
            "nantes",
            None,
        ),
        (
            "stage bac pro en garage 69003",
            "automobile",
            "Lyon 3e Arrondissement",
            "69",
            "lyon",
            "bacpro",
        ),
    ],
)
def test_a_sentence_gives_sector_place_and_level(
    index, text, sector, commune, departement, academy, level
):
    query = parse(text, index, TODAY)
    assert looks_like_search(text)
    assert query.sector == sector and query.level == level
    assert (query.commune.commune if query.commune else None) == commune
    assert (query.departement, query.academy) == (departement, academy)


@pytest.mark.parametrize(
    "text",
    [
        "jcherche un stage en boulangerie vers reze",
        "jveux un stage a lille",
        "jtrouve pa de stage a nantes",
        "need an internship in lyon",
        "j'ai trouvé aucun stage a lyon",
        "jai pas trouvé de stage a bobigny",
    ],
)
def test_searches_in_sms_spelling_and_english(text):
    assert looks_like_search(text)


@pytest.mark.parametrize(
    "text",
    [
        "c'est quoi un stage de 3e ?",
        "comment écrire une lettre de motivation",
        "bonjour",
        # a stage already found: the questions are about it, not a search (a pupil got the
        # offers' « rien trouvé » and the request form)
        "jai trouvé une boulangerie a bobigny pour mon stage, il veut pas signer la convention",
        "g trouvé mon stage a lille mais je veux savoir si c payé",
    ],
)
def test_questions_about_stages_are_not_searches(text):
    assert not looks_like_search(text)


def test_the_week_asked_for_and_nothing_personal(index):
    query = parse("je cherche un stage en boulangerie à Rezé du 12 au 16 janvier", index, TODAY)
    assert query.week == "2027-W02" and query.sector == "boulangerie"
    assert parse("stage à Rezé semaine du 3 mars", index, TODAY).week == "2027-W09"


@pytest.mark.parametrize(("query", "commune", "departement", "academy"), EVERY_ACADEMY)
def test_a_search_in_a_commune_of_every_academy(index, query, commune, departement, academy):
    """Commune resolution inside a pupil's sentence, one real commune per académie; the offer
    there is found, an offer of the same académie elsewhere comes after it."""
    parsed = parse(f"je cherche un stage en informatique à {query}", index, TODAY)
    assert parsed.academy == academy and parsed.commune.commune == commune
    assert parsed.departement == departement
    here = Placement(
        id=1, **offer(title="Développeur web", sector="informatique", insee=parsed.commune.insee)
    )
    elsewhere = Placement(id=2, **offer(title="Réseaux", sector="informatique", insee="00000"))
    found = rank([elsewhere, here], parsed)
    assert [f.placement.id for f in found] == [1, 2] and found[0].nearness == 2


def test_ranking_nearest_first_and_only_the_sector_asked_for(index):
    query = parse("je cherche un stage en boulangrie vers Rezé", index, TODAY)  # a typo
    rezé = Placement(id=1, **offer(commune="Rezé", insee="44143"))
    nantes = Placement(id=2, **offer())
    angers = Placement(id=3, **offer(commune="Angers", insee="49007", departement="49"))
    garage = Placement(id=4, **offer(title="Atelier", sector="automobile", employer="Garage"))
    found = rank([angers, garage, nantes, rezé], query)
    assert [f.placement.id for f in found] == [1, 2, 3]
    assert [f.nearness for f in found] == [2, 1, 0]


# -- the database ---------------------------------------------------------------------------


async def _db(db_url: str) -> Database:
    db = Database(db_url)
    await db.create_schema()
    return db


async def _case(session, n: int) -> Case:
    case = Case(reference=f"NAN-2026-{n:04d}", academy_id="nantes", pupil_chat_id=9000 + n)
    session.add(case)
    await session.flush()
    return case


async def test_what_pupils_see(db_url, index):
    db = await _db(db_url)
    async with db.transaction() as session:
        shown = await repository.add(session, **offer())
        await repository.add(session, **offer(last_day=TODAY - timedelta(days=1)))
        await repository.add(session, **offer(expires_on=TODAY - timedelta(days=1)))
        await repository.add(session, **offer(places=1, places_left=0))
        closed = await repository.add(session, **offer())
        await repository.add(session, **offer(levels=" bts "))
        assert await repository.close(session, closed.id)
        assert not await repository.close(session, closed.id)
    async with db.transaction() as session:
        query = parse("je cherche un stage en boulangerie à Nantes", index, TODAY)
        found = await search(session, query, "3e", TODAY)
        assert [f.placement.id for f in found] == [shown.id]
        assert await repository.visible(session, closed.id, TODAY) is None
        assert shown.expires_on == shown.last_day  # the expiry defaults to the last day
    await db.dispose()


async def test_two_confirmations_at_once_take_the_last_place_once(db_url):
    db = await _db(db_url)
    async with db.transaction() as session:
        placement = await repository.add(session, **offer(places=1))
        links = []
        for n in (1, 2):
            link, new = await repository.link(session, (await _case(session, n)).id, placement.id)
            assert new
            links.append(link.id)
        assert not (await repository.link(session, links and link.case_id, placement.id))[1]
    first_done = asyncio.Event()

    async def first():
        async with db.transaction() as session:
            outcome = await repository.decide(session, links[0], True)
            first_done.set()
            await asyncio.sleep(0.2)  # the other confirmation waits on the row meanwhile
            return outcome

    async def second():
        await first_done.wait()
        async with db.transaction() as session:
            return await repository.decide(session, links[1], True)

    assert await asyncio.gather(first(), second()) == ["confirmed", "full"]
    async with db.transaction() as session:
        assert await repository.decide(session, links[0], False) == "already"
        assert await repository.decide(session, links[1], False) == "declined"
        row = await session.get(Placement, placement.id)
        statuses = (await session.scalars(select(CasePlacement.status))).all()
    assert row.places_left == 0 and sorted(statuses) == ["confirmed", "declined"]
    await db.dispose()


async def test_unmet_demand_by_place_sector_level_and_week(db_url, index):
    db = await _db(db_url)
    async with db.transaction() as session:
        for text, level in [
            ("stage en boulangerie à Rezé le 12 janvier", "3e"),
            ("je cherche un stage en boulangerie vers Rezé", "3e"),
            ("je cherche un stage en informatique à Lille", "2de"),
            ("je cherche un stage en astrophysique quantique à Lille", None),
        ]:
            await record_unmet(session, parse(text, index, TODAY), level)
    async with db.transaction() as session:
        report = await unmet_demand(session)
        nantes = await unmet_demand(session, {"nantes"})
    assert report["total"] == 4 and nantes["total"] == 2
    assert report["top"][0] == {
        "academy": "nantes",
        "departement": "44",
        "commune": "Rezé",
        "sector": "boulangerie",
        "level": "3e",
        "count": 2,
    }
    # an unknown subject is counted without its words: no raw text is ever kept
    assert {r["sector"] for r in report["top"]} == {"boulangerie", "informatique", ""}
    assert report["weeks"] == [{"week": "2027-W02", "count": 1}]
    assert "Rezé — boulangerie, 3e : 2" in "\n".join(demand_lines(nantes))
    await db.dispose()


# -- the CSV reader and the /offre steps ----------------------------------------------------


def test_csv_columns_of_1eleve1stage_are_read(index):
    text = (
        "title,employer_name,sector,city,zipcode,grades,date_start,date_end,max_candidates,"
        "description,contact,rep,remote_id\n"
        "Fournil,Boulangerie Dupont,boulangerie,Rezé,44400,troisieme;seconde,2027-01-11,"
        "2027-01-15,3,Pain,x@y.fr,true,R1\n"
    )
    rows, errors = read_rows(text, index)
    assert errors == []
    (row,) = rows
    assert (row["employer"], row["commune"], row["insee"], row["academy_id"]) == (
        "Boulangerie Dupont",
        "Rezé",
        "44143",
        "nantes",
    )
    assert row["levels"] == " 3e 2de " and row["places"] == 3 and row["reserved"] == "rep"
    assert row["expires_on"] == date(2027, 1, 15)


def test_csv_missing_columns_and_the_academy_restriction(index):
    rows, errors = read_rows("title,employer\nA,B\n", index)
    assert rows == [] and "colonnes manquantes" in str(errors[0]) and errors[0].line == 1
    text = (
        "title,employer,sector,commune,postcode,levels,first_day,last_day,places,description,"
        "contact\nA,B,C,Lille,59000,3e,2027-01-11,2027-01-15,1,D,E\n"
    )
    rows, errors = read_rows(text, index, academy="nantes")
    assert rows == [] and str(errors[0]) == "ligne 2 : Lille n'est pas dans l'académie nantes"


def test_the_offer_form_steps(index):
    form = offer_form.new_form()
    for answer in ("Fournil", "Boulangerie Dupont", "boulangerie"):
        assert offer_form.answer_text(form, answer, index, {"nantes"}) is None
    assert "pas dans votre académie" in offer_form.answer_text(form, "Lille", index, {"nantes"})
    assert offer_form.answer_text(form, "44400", index, {"nantes"}) is None
    assert form["answers"]["commune"] == "Rezé" and form["step"] == "levels"
    assert offer_form.answer_choice(form, "lv:ok") == "invalid"  # at least one level
    assert offer_form.answer_choice(form, "lv:3e") == "ok"
    assert offer_form.answer_choice(form, "lv:cap") == "ok"
    assert offer_form.answer_choice(form, "lv:cap") == "ok"  # pressed again: removed
    assert offer_form.answer_choice(form, "lv:ok") == "ok" and form["answers"]["levels"] == " 3e "
    assert "passées" in offer_form.answer_text(form, "01/01/2020 05/01/2020", index, None)
    assert "avant" in offer_form.answer_text(form, "2099-01-15 2099-01-11", index, None)
    assert offer_form.answer_text(form, "du 11/01/2099 au 15/01/2099", index, None) is None
    assert offer_form.answer_choice(form, "back") == "back" and form["step"] == "dates"


# -- consent when the pupil already has a request open ---------------------------------------


async def test_an_offer_joins_the_open_request_only_after_a_yes(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    async with service.db.transaction() as session:
        placement = await repository.add(
            session,
            **offer(commune="Aubagne", insee="13005", departement="13", academy_id="aix-marseille"),
        )
    before = len(await outbox_rows(service, IPE_A))
    reply = await say(service, PUPIL, "je cherche un stage en boulangerie à Marseille")
    assert "Découverte du fournil" in reply.text and reply.choices[0].id == f"pl:{placement.id}"
    reply = await press(service, PUPIL, f"pl:{placement.id}")
    assert reply.kind == "consent" and "AIX-" in reply.text
    assert len(await outbox_rows(service, IPE_A)) == before  # nothing without the yes
    reply = await press(service, PUPIL, f"pj:{placement.id}")
    assert "C'est transmis" in reply.text
    rows = await outbox_rows(service, IPE_A)
    assert len(rows) == before + 1 and "Offre demandée" in rows[-1].text
    assert (await press(service, PUPIL, f"pj:{placement.id}")).text.startswith("C'est transmis")
    assert len(await outbox_rows(service, IPE_A)) == before + 1  # once only
    # the IPE declines: the pupil is told, no place is taken; a pupil cannot decide
    link_id = int(rows[-1].choices.split("po:")[1].split('"')[0])
    assert "réservée" in (await press(service, PUPIL, f"pn:{link_id}")).text
    reply = await press(service, IPE_A, f"pn:{link_id}")
    assert "refusée" in reply.text
    told = await outbox_rows(service, PUPIL)
    assert "n'a pas pu te réserver" in told[-1].text
    async with service.db.sessions() as session:
        assert (await session.get(Placement, placement.id)).places_left == 2
    await service.db.dispose()


async def test_asking_for_help_shows_the_academys_offers_first(kb, db_url):
    from bot.messages import State
    from bot.store.chats import save_state

    service = make_service(db_url, kb)
    await service.db.create_schema()
    async with service.db.transaction() as session:
        await repository.add(
            session,
            **offer(commune="Aubagne", insee="13005", departement="13", academy_id="aix-marseille"),
        )
        await save_state(session, PUPIL, State(role="pupil", level="3e", academy="aix-marseille"))
    reply = await press(service, PUPIL, "esc")
    assert reply.text.startswith("Avant ta demande") and "Aubagne" in reply.text
    assert [c.id for c in reply.choices][-1] == "esc:go"
    reply = await press(service, PUPIL, "esc:go")
    assert reply.kind == "form" and "Aix-Marseille" in reply.text
    # a pupil of another académie, with no offer there: the form at once
    async with service.db.transaction() as session:
        await save_state(session, PUPIL + 5, State(role="pupil", academy="lille"))
    assert (await press(service, PUPIL + 5, "esc")).kind == "form"
    await service.db.dispose()


async def test_the_safety_net_comes_before_a_search(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    reply = await say(service, PUPIL, "je cherche un stage à Lille mais j'ai envie de mourir")
    assert reply.kind == "safety" and reply.safety == "strong"
    reply = await say(service, PUPIL, "je cherche un stage en informatique à Lille")
    assert reply.kind == "form" and "pas encore d'offre" in reply.text
    await service.db.dispose()


async def test_a_search_without_a_place_is_left_to_the_faq(kb, db_url):
    """Without a place (in the sentence or the profile), nothing to search: the FAQ answers."""
    service = make_service(db_url, kb)
    await service.db.create_schema()
    reply = await say(service, PUPIL, "je cherche un stage en informatique")
    assert reply.kind in ("answer", "did_you_mean", "fallback") and "pas encore" not in reply.text
    async with service.db.sessions() as session:
        assert (await unmet_demand(session))["total"] == 0
    await service.db.dispose()


@pytest.mark.parametrize(
    ("text", "says", "never", "searched"),
    [
        ("jsui en 2nde a bordeaux jtrouve pa de stage", "programme sur place", "BTS", 1),
        ("jsuis en 3e a toulouse jtrouve pa de stage", "1eleve1stage", "lycée professionnel", 1),
        # a PFMP is not among the offers (4e, 3e, 2de): no search, the same advice
        ("slt jsuis en terminale bac pro a lille jtrouve pa de pfmp", "bureau des", "4e", 0),
    ],
)
async def test_not_finding_a_stage_in_a_town_gets_the_advice_for_the_class(
    kb, db_url, text, says, never, searched
):
    """No offer and no subject searched: the class's advice and its 🙋 button, not the form at
    once (the unmet search is still counted for the IPE)."""
    service = make_service(db_url, kb)
    await service.db.create_schema()
    reply = await say(service, PUPIL, text)
    assert reply.kind == "answer" and reply.topic == "pas-de-stage"
    assert says in reply.text and never not in reply.text.partition("Source :")[0]
    assert reply.choices[0].id == "esc"
    assert (await service.state_of(PUPIL)).form is None
    async with service.db.sessions() as session:
        assert (await unmet_demand(session))["total"] == searched
    await service.db.dispose()
