"""Every French commune: postcodes, INSEE codes, names, typos, and the académie they give."""

from __future__ import annotations

import io
import json

import pytest
from conftest import KNOWLEDGE_DIR

from bot.cases.academies import load_academies
from bot.cases.communes import COMMUNES_FILE, default_index, fold, resolve
from bot.cli.main import main


@pytest.fixture(scope="module")
def directory():
    directory, errors = load_academies(KNOWLEDGE_DIR / "academies.yaml")
    assert errors == [] and directory.communes is not None
    return directory


def first(query: str):
    found = resolve(query)
    assert found, query
    return found[0]


def test_the_data_file_is_compact_and_complete():
    assert (KNOWLEDGE_DIR / COMMUNES_FILE).stat().st_size < 1_000_000
    index = default_index()
    assert len(index.communes) > 34_000
    assert index.unmapped_departements() == set()
    arrondissements = [c for c in index.communes if "Arrondissement" in c.name]
    assert len(arrondissements) == 20 + 9 + 16


# One commune per académie, none of them in academies.yaml's short list of towns.
EVERY_ACADEMY = [
    ("La Ciotat", "La Ciotat", "13", "aix-marseille"),
    ("Méru", "Méru", "60", "amiens"),
    ("Ornans", "Ornans", "25", "besancon"),
    ("Oloron-Sainte-Marie", "Oloron-Sainte-Marie", "64", "bordeaux"),
    ("Issoire", "Issoire", "63", "clermont-ferrand"),
    ("Ajaccio", "Ajaccio", "2A", "corse"),
    ("Vitry-sur-Seine", "Vitry-sur-Seine", "94", "creteil"),
    ("Chalon-sur-Saône", "Chalon-sur-Saône", "71", "dijon"),
    ("Échirolles", "Échirolles", "38", "grenoble"),
    ("Pointe-à-Pitre", "Pointe-à-Pitre", "971", "guadeloupe"),
    ("Cayenne", "Cayenne", "973", "guyane"),
    ("Le Tampon", "Le Tampon", "974", "la-reunion"),
    ("Roubaix", "Roubaix", "59", "lille"),
    ("Tulle", "Tulle", "19", "limoges"),
    ("Villeurbanne", "Villeurbanne", "69", "lyon"),
    ("Fort-de-France", "Fort-de-France", "972", "martinique"),
    ("Mamoudzou", "Mamoudzou", "976", "mayotte"),
    ("Sète", "Sète", "34", "montpellier"),
    ("Thionville", "Thionville", "57", "nancy-metz"),
    ("Rezé", "Rezé", "44", "nantes"),
    ("Fréjus", "Fréjus", "83", "nice"),
    ("Lisieux", "Lisieux", "14", "normandie"),
    ("Miquelon-Langlade", "Miquelon-Langlade", "975", "normandie"),
    ("Vierzon", "Vierzon", "18", "orleans-tours"),
    ("Paris 15e", "Paris 15e Arrondissement", "75", "paris"),
    ("Cognac", "Cognac", "16", "poitiers"),
    ("Épernay", "Épernay", "51", "reims"),
    ("Lannion", "Lannion", "22", "rennes"),
    ("Haguenau", "Haguenau", "67", "strasbourg"),
    ("Montauban", "Montauban", "82", "toulouse"),
    ("Nanterre", "Nanterre", "92", "versailles"),
]


@pytest.mark.parametrize(("query", "commune", "departement", "academy"), EVERY_ACADEMY)
def test_a_commune_of_every_academy(directory, query, commune, departement, academy):
    best = first(query)
    assert (best.commune, best.departement, best.academy) == (commune, departement, academy)
    assert best.exact and len(best.insee) == 5 and len(best.postcode) == 5


def test_the_sample_covers_every_academy(directory):
    sampled = {academy for *_, academy in EVERY_ACADEMY}
    assert sampled == set(directory.academies)


@pytest.mark.parametrize(
    ("query", "commune", "postcode", "academy"),
    [
        ("69003", "Lyon 3e Arrondissement", "69003", "lyon"),
        ("97400", "Saint-Denis", "97400", "la-reunion"),
        ("44400", "Rezé", "44400", "nantes"),
        ("20000", "Ajaccio", "20000", "corse"),
        ("mon code postal c'est 59100", "Roubaix", "59100", "lille"),
        ("97133", "Saint-Barthélemy", "97133", "guadeloupe"),
    ],
)
def test_postcodes(query, commune, postcode, academy):
    best = first(query)
    assert (best.commune, best.postcode, best.academy) == (commune, postcode, academy)


def test_insee_codes():
    assert first("44143").commune == "Rezé"
    assert first("2A004").commune == "Ajaccio"
    assert first("75056").commune == "Paris"
    # a postcode first, then the commune whose INSEE code it also is
    assert [c.commune for c in resolve("69003")] == ["Lyon 3e Arrondissement", "Albigny-sur-Saône"]


@pytest.mark.parametrize(
    ("query", "insee"),
    [
        ("Marseille 3e", "13203"),
        ("marseille 3eme arrondissement", "13203"),
        ("Lyon 3", "69383"),
        ("lyon 1er", "69381"),
        ("Paris 15e", "75115"),
        ("paris 15", "75115"),
        ("3e arrondissement de Paris", "75103"),
        ("75015", "75115"),
        ("13008", "13208"),
    ],
)
def test_arrondissements(query, insee):
    assert first(query).insee == insee


@pytest.mark.parametrize(
    ("query", "commune"),
    [
        ("st etienne", "Saint-Étienne"),
        ("St-Étienne", "Saint-Étienne"),
        ("ste maxime", "Sainte-Maxime"),
        ("ST MALO", "Saint-Malo"),
        ("saint nazaire", "Saint-Nazaire"),
        ("REZE", "Rezé"),
        ("chalons en champagne", "Châlons-en-Champagne"),
        ("aix en provence", "Aix-en-Provence"),
        ("au Havre", "Le Havre"),
        ("j'habite à Rezé", "Rezé"),
        ("vers Lille", "Lille"),
        ("je suis au lycée à Roubaix", "Roubaix"),
        ("près de Villeneuve-sur-Lot", "Villeneuve-sur-Lot"),
    ],
)
def test_names_in_any_spelling(query, commune):
    assert first(query).commune == commune


@pytest.mark.parametrize(
    ("query", "commune"),
    [
        ("marseile", "Marseille"),
        ("tolouse", "Toulouse"),
        ("bordeau", "Bordeaux"),
        ("montpelier", "Montpellier"),
        ("j'habite à villeurbane", "Villeurbanne"),
        ("clermont ferand", "Clermont-Ferrand"),
        ("Cherbourg", "Cherbourg-en-Cotentin"),  # the start of a longer name
    ],
)
def test_typos_are_guessed_not_exact(query, commune):
    best = first(query)
    assert best.commune == commune
    assert not best.exact


def test_ambiguous_names_give_several_biggest_first():
    found = resolve("Saint-Denis")
    departements = [c.departement for c in found]
    assert {"93", "974"} <= set(departements)
    assert set(departements[:2]) == {"93", "974"}  # the two big ones first
    assert all(c.commune == "Saint-Denis" and c.exact for c in found)


@pytest.mark.parametrize(
    ("query", "departement"),
    [("Saint-Denis 93", "93"), ("st denis 974", "974"), ("Saint-Denis de la Réunion", "974")],
)
def test_a_departement_beside_the_name_narrows_it(query, departement):
    assert [c.departement for c in resolve(query)] == [departement]


@pytest.mark.parametrize(
    "query", ["xqzwv", "", "   ", "😀", "azerty", "je sais pas", "j'ai 15 ans", "stage de 3e"]
)
def test_nothing_for_gibberish(query):
    assert resolve(query) == []


def test_fold():
    assert fold("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert fold("St-Ouen-l'Aumône") == "saint ouen l aumone"


@pytest.mark.parametrize(
    ("text", "academy", "confident"),
    [
        ("Rezé", "nantes", True),
        ("j'habite à Lannion", "rennes", True),
        ("Saint-André-de-Corcy", "lyon", True),  # not Saint-André of La Réunion
        ("Divonne-les-Bains", "lyon", True),
        ("Mamoudzou", "mayotte", True),
        ("Cherbourg", "normandie", False),
        ("villeurbane", "lyon", False),
    ],
)
def test_the_academy_directory_knows_every_commune(directory, text, academy, confident):
    result = directory.resolve(text)
    assert result.academy is not None and result.academy.id == academy, (text, result)
    assert result.confident is confident


def test_a_commune_in_several_academies_asks(directory):
    result = directory.resolve("Saint-Martin")
    assert result.academy is None
    assert len(result.candidates) > 1


def test_cli_where_json_one_query(capsys):
    assert main(["where", "--json", "j'habite", "à", "Rezé"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload == {
        "query": "j'habite à Rezé",
        "candidates": [
            {
                "commune": "Rezé",
                "insee": "44143",
                "postcode": "44400",
                "departement": "44",
                "academy": "nantes",
            }
        ],
    }


def test_cli_where_json_reads_stdin_in_order(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Saint-Denis\nxqzwv\n69003\nCayenne\n"))
    assert main(["where", "--json", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [p["query"] for p in lines] == ["Saint-Denis", "xqzwv", "69003", "Cayenne"]
    assert len(lines[0]["candidates"]) > 1
    assert lines[1]["candidates"] == []
    assert lines[2]["candidates"][0]["commune"] == "Lyon 3e Arrondissement"
    assert lines[3]["candidates"][0]["academy"] == "guyane"
    keys = {"commune", "insee", "postcode", "departement", "academy"}
    assert all(set(c) == keys for p in lines for c in p["candidates"])


def test_cli_where_plain(capsys):
    assert main(["where", "Saint-Denis"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) > 1
    assert any("97400" in line and "académie de La Réunion" in line for line in out)
    assert main(["where", "xqzwv"]) == 0
    assert "aucune commune" in capsys.readouterr().out


def test_indexes_of_one_file_share_its_tables_and_an_edited_file_is_read_again(tmp_path):
    import gzip
    import os

    from bot.cases.communes import CommuneIndex

    first_index = CommuneIndex(KNOWLEDGE_DIR / COMMUNES_FILE, {})
    second = CommuneIndex(KNOWLEDGE_DIR / COMMUNES_FILE, {"75": "paris"})
    assert first_index.communes is second.communes  # read once per file version
    assert second.resolve("Paris")[0].academy == "paris"
    assert first_index.resolve("Paris")[0].academy is None  # each index its own académies

    path = tmp_path / "communes.tsv.gz"
    header = "insee\tname\tpostcodes\tdepartement\tpopulation\n"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(header + "01001\tVillebrune\t01400\t01\t800\n")
    assert CommuneIndex(path, {}).resolve("villebrune")[0].commune == "Villebrune"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(header + "01002\tMontplaisir-sur-Ain\t01500\t01\t300\n")
    os.utime(path, ns=(1, 1_000_000_000_000))  # another version of the file
    index = CommuneIndex(path, {})
    assert index.resolve("villebrune") == []
    assert index.resolve("montplaisir sur ain")[0].insee == "01002"


@pytest.mark.parametrize("query", ["marsseille", "bordeauxx", "villeurbanee"])
def test_close_spellings_of_any_length_are_still_found(query):
    # only names of nearly the query's length are compared: the bound must not lose these
    assert not first(query).exact
