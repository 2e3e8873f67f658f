"""Finding a pupil's académie from what they type."""

from __future__ import annotations

import pytest
from conftest import KNOWLEDGE_DIR

from bot.cases.academies import load_academies


@pytest.fixture(scope="module")
def directory():
    directory, errors = load_academies(KNOWLEDGE_DIR / "academies.yaml")
    assert errors == []
    return directory


def test_thirty_academies_cover_every_departement(directory):
    assert len(directory.academies) == 30
    metro = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    overseas = {"971", "972", "973", "974", "976"}
    assert metro | overseas <= set(directory.by_departement)
    assert len({a.code for a in directory.academies.values()}) == 30


@pytest.mark.parametrize(
    ("text", "academy"),
    [
        ("j'habite à Marseille", "aix-marseille"),
        ("93", "creteil"),
        ("dans le 93", "creteil"),
        ("69003", "lyon"),
        ("aix", "aix-marseille"),
        ("caen", "normandie"),
        ("Rouen", "normandie"),
        ("la réunion", "la-reunion"),
        ("97400", "la-reunion"),
        ("2A", "corse"),
        ("20200", "corse"),
        ("Bretagne", "rennes"),
        ("académie de Nancy-Metz", "nancy-metz"),
        ("Toulon", "nice"),
        ("05", "aix-marseille"),
        # a département's name, not the village of the same name with its article
        ("la Creuse", "limoges"),
        ("gueret dans la creuse", "limoges"),
        ("la Marne", "reims"),
        ("Le Mans", "nantes"),
    ],
)
def test_confident_answers(directory, text, academy):
    result = directory.resolve(text)
    assert result.academy is not None and result.academy.id == academy, (text, result)
    assert result.confident


@pytest.mark.parametrize(
    ("text", "academy"),
    [
        ("St-Denis", None),
        ("saint denis", None),
        ("Saint-Denis 93", "creteil"),
        ("st denis 974", "la-reunion"),
        ("Saint-Denis de la Réunion", "la-reunion"),
        ("Valence", "grenoble"),
        ("Montreuil", "creteil"),
    ],
)
def test_a_town_name_as_big_in_another_academy_is_asked(directory, text, academy):
    """Saint-Denis (93) and Saint-Denis (974) are as big: never guessed; a small village of
    the same name elsewhere (Valence, Tarn-et-Garonne) does not make a name ambiguous."""
    result = directory.resolve(text)
    if academy is None:
        assert {a.id for a in result.candidates} == {"creteil", "la-reunion"}, result
        assert result.academy is None
    else:
        assert result.academy is not None and result.academy.id == academy, (text, result)
        assert result.confident


def test_misspellings_are_proposed_for_confirmation(directory):
    result = directory.resolve("marseile")
    assert result.academy is not None and result.academy.id == "aix-marseille"
    assert not result.confident


def test_regions_with_several_academies_give_candidates(directory):
    result = directory.resolve("ile de france")
    assert result.academy is None
    assert {a.id for a in result.candidates} == {"creteil", "paris", "versailles"}


@pytest.mark.parametrize("text", ["j'ai 15 ans", "je sais pas", "", "😀", "stage de 3e"])
def test_no_silent_guess(directory, text):
    assert directory.resolve(text).academy is None


@pytest.mark.parametrize(
    "text",
    [
        "la semaine pro",  # not Semoine (Aube, 50 inhabitants)
        "lycée jean jaurès",  # not Jaure
        "le même que tout à l'heure",  # not the Eure
        "mon lycée est à coté de la gare",  # not La Garde
        "c pour ma soeur",  # not Seur
        "45 candidatures, 3 entretiens, aucun retour positif",  # not Aucun (65)
        "ça a pas de sens",  # not Sens, nor Sens-de-Bretagne
    ],
)
def test_everyday_words_are_not_guessed_as_a_village(directory, text):
    result = directory.resolve(text)
    assert result.academy is None and not result.candidates, text


def test_a_town_named_like_an_everyday_word_is_read_when_alone(directory):
    for text in ("Sens", "j'habite à Sens", "Sens 89"):
        found = directory.resolve(text)
        assert found.academy is not None and found.academy.id == "dijon", text


def test_a_bare_digit_is_confirmed_not_taken(directory):
    """« 1 » at the académie step may be a button's number: Lyon (Ain) is asked, not assumed."""
    one = directory.resolve("1")
    assert one.academy is not None and one.academy.id == "lyon" and not one.confident
    assert directory.resolve("01").confident


def test_lookup_by_code_or_name(directory):
    assert directory.get("NOR").id == "normandie"
    assert directory.get("Créteil").id == "creteil"
    assert directory.get("nowhere") is None


@pytest.mark.parametrize(
    ("text", "academy"),
    [
        ("st barth", "guadeloupe"),  # the island, not « Le Saint » (56)
        ("le 9-3", "creteil"),
        ("neuf trois", "creteil"),
        ("le 92", "versailles"),
        ("20", "corse"),
        ("besac", "besancon"),
        ("Saint-Pierre-et-Miquelon", "normandie"),
    ],
)
def test_nicknames_and_old_numbers(directory, text, academy):
    result = directory.resolve(text)
    assert result.academy is not None and result.academy.id == academy and result.confident


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("idf", {"paris", "creteil", "versailles"}),
        ("région parisienne", {"paris", "creteil", "versailles"}),
        ("outre-mer", {"guadeloupe", "martinique", "guyane", "la-reunion", "mayotte"}),
        ("dom tom", {"guadeloupe", "martinique", "guyane", "la-reunion", "mayotte"}),
        ("les antilles", {"guadeloupe", "martinique"}),
    ],
)
def test_a_word_for_several_academies_offers_them(directory, text, choices):
    result = directory.resolve(text)
    assert result.academy is None and {a.id for a in result.candidates} == choices


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("nouméa", "la Nouvelle-Calédonie"),
        ("jsuis a tahiti", "la Polynésie française"),
        ("Wallis", "Wallis-et-Futuna"),
    ],
)
def test_places_in_no_academy_are_named(directory, text, place):
    assert directory.resolve(text).academy is None
    assert directory.outside(text) == place
    assert directory.outside("Marseille") is None


def test_bad_groups_are_reported(tmp_path):
    text = (KNOWLEDGE_DIR / "academies.yaml").read_text(encoding="utf-8")
    text += "\n" if not text.endswith("\n") else ""
    bad = text.replace(
        "academies: [guadeloupe, martinique]\n", "academies: [guadeloupe, atlantis]\n"
    )
    (tmp_path / "academies.yaml").write_text(bad, encoding="utf-8")
    directory, errors = load_academies(tmp_path / "academies.yaml")
    assert len(directory.academies) == 30
    assert [(e.entry, e.field) for e in errors] == [("groups #3", "academies")]


@pytest.mark.parametrize(
    ("text", "academy"),
    [("jsuis a bordo", "bordeaux"), ("marseil", "aix-marseille"), ("toulouz", "toulouse")],
)
def test_a_name_written_as_it_sounds_is_offered_to_confirm(directory, text, academy):
    result = directory.resolve(text)
    assert result.academy is not None and result.academy.id == academy and not result.confident
