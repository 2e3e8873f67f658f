"""What the console try-out of 1 December 2026 found in the knowledge base and the answers' first
message, fixed: asserted with wordings the knowledge base has never seen."""

from __future__ import annotations

import re

import pytest

from bot.desks.answers import SHORT_SOURCE, short_source, split_answer
from bot.understanding.normalise import words

UNSEEN = [
    ("Qu'était l'option découverte professionnelle 6h au collège ?", "dp6"),
    ("l'option de découverte pro de 6 heures existe-t-elle toujours ?", "dp6"),
    ("à quoi servait l'option découverte professionnelle 3 h ?", "dp3"),
    ("moi et ma pote on peut être stagiaires dans le même salon de coiffure ?", "trouver-stage"),
    ("mes potes et moi on voudrait faire le stage au même endroit", "trouver-stage"),
    (
        "mon père veut pas que j'aille faire mon stage à l'autre bout du département",
        "trouver-stage",
    ),
    ("je voudrais faire mon stage de 3e à la caserne de pompiers de ma ville", "stage-3e"),
    (
        "à 15 ans je peux faire mon stage dans un bar ?",
        "stage-bar",
    ),  # its own topic since the twelfth session
    ("si j'ai pas fait mon stage de 3e je redouble ?", "absence-stage"),
    ("je peux faire mes 5 jours de stage dans deux boites différentes ?", "duree-stage"),
    ("ptdr les devoirs de svt me saoulent, le stage de seconde c'est quand ?", "stage-seconde"),
    (
        "mdr la prof de physique nous a donné 4 exos, c'est quand déjà le stage de 2nde",
        "stage-seconde",
    ),
    (
        "à 15 ans la boulangerie me fait commencer à 4h du matin pour le stage c normal ?",
        "horaires-mineurs",
    ),
    # the neighbours keep their own messages
    ("mon père est boulanger je peux faire mon stage chez lui", "stage-famille"),
]


@pytest.mark.parametrize(("text", "topic"), UNSEEN)
def test_tryout_questions_get_their_topic(kb, matcher, text, topic):
    known = {" ".join(words(m)) for _, m in kb.examples}
    known |= {" ".join(words(q)) for t in kb.topics.values() for q in t.questions}
    assert " ".join(words(text)) not in known  # a new wording, not one the classifier learned
    result = matcher.match(text)
    assert result.topic == topic, (text, result.candidates[:3])


def test_homework_chit_chat_alone_stays_out_of_scope(matcher):
    assert matcher.match("ptdr les devoirs de svt me saoulent").topic is None
    assert matcher.match("j'ai raté le car ce matin").topic is None


def pupil_answer(kb, topic_id: str, level: str | None = None) -> str:
    return kb.topics[topic_id].answer_for("pupil", level)


def test_the_stage_de_seconde_dates_are_dated_not_stale(kb):
    for text in (
        pupil_answer(kb, "stage-seconde"),
        kb.topics["stage-seconde"].answer_for("teacher", None),
        pupil_answer(kb, "duree-stage", "2de"),
    ):
        head, _ = split_answer(text)
        assert "chaque année" in head and "à jour : novembre 2026" in head, head
    # no year's dates anywhere without the date they were checked
    for topic in kb.topics.values():
        for role in ("pupil", "teacher"):
            if topic.serves(role):
                text = topic.answer_for(role, None)
                if re.search(r"\d{1,2} au \d{1,2} juin", text):
                    assert "à jour" in text, topic.id


def test_night_work_is_on_the_first_screen_and_the_39_hours_line_is_gone(kb):
    head, _ = split_answer(pupil_answer(kb, "horaires-mineurs"))
    assert "20 h et 6 h avant 16 ans" in head and "4 h dans une boulangerie" in head
    assert "établissement" in head  # what to do is on the first screen too
    assert "39 h" not in pupil_answer(kb, "horaires-mineurs")


def test_the_answers_for_the_tryout_gaps_say_what_the_pupil_asked(kb):
    assert "même entreprise" in pupil_answer(kb, "trouver-stage")
    assert "Tes parents signent ta convention" in pupil_answer(kb, "trouver-stage")
    assert "Stage de 3e manqué" in pupil_answer(kb, "absence-stage")
    assert "deux entreprises" in pupil_answer(kb, "duree-stage", "3e")
    assert "deux entreprises" in pupil_answer(kb, "duree-stage", "2de")


def test_one_inclusive_style_across_the_knowledge_base(kb):
    for topic in kb.topics.values():
        for role in ("pupil", "teacher"):
            if topic.serves(role):
                text = topic.answer_for(role, None)
                assert not re.search(r"\w\((e|s|es)\)", text), topic.id  # seul(e): seul·e
                assert "infirmière scolaire" not in text, topic.id  # infirmier·e scolaire


def test_a_list_after_a_full_screen_is_not_cut_in_half():
    intro = "Une introduction assez longue. " * 12  # about 370 characters
    plan = "Un plan simple :\n" + "\n".join(
        f"• partie {i}, " + "avec des détails " * 4 for i in range(4)
    )
    head, rest = split_answer(f"{intro.strip()}\n\n{plan}\n\nUn dernier mot.")
    assert head == intro.strip()
    assert rest.startswith("Un plan simple :") and rest.endswith("Un dernier mot.")


def test_a_list_announced_by_a_short_line_is_cut_bullet_by_bullet():
    bullets = [f"• conseil numéro {i}, " + "expliqué en détail " * 5 for i in range(8)]
    head, rest = split_answer("Pour trouver un stage :\n" + "\n".join(bullets) + "\n\nFin.")
    assert head.startswith("Pour trouver un stage :\n• conseil numéro 0")
    assert 100 < len(head) <= 500 and head.endswith(bullets[head.count("•") - 1])
    assert rest.startswith("• conseil numéro") and rest.endswith("Fin.")
    assert head.count("•") + rest.count("•") == 8


def test_the_rapport_stage_first_message_ends_on_a_whole_list(kb):
    head, _ = split_answer(pupil_answer(kb, "rapport-stage"))
    assert "Un plan simple" not in head
    assert head.rstrip().endswith(".")


@pytest.mark.parametrize(
    ("source", "short"),
    [
        (
            "Code du travail, art. L.3161-1, L.3162-1, L.3162-3, L.3163-1, L.3163-2, L.3164-5 et "
            "L.3164-6 (jeunes travailleurs, à jour : novembre 2026)",
            "Code du travail, art. L.3161-1, L.3162-1, L.3162-3, L.3163-1, L.3163-2, L.3164-5 …",
        ),
        (
            "Rapport « Ingénieurs pour l'école », 2008 — partie « La problématique des stages » "
            "(le stage, moment pédagogique) ; code",
            "Rapport « Ingénieurs pour l'école », 2008 — partie « La problématique des stages » …",
        ),
        ("Décret n° 2023-765 (allocation) ; autre", "Décret n° 2023-765 (allocation)"),
        ("Code, art. L.1 (élèves ; PPS) ; circulaire", "Code, art. L.1 (élèves ; PPS)"),
        ("x" * 120, "x" * (SHORT_SOURCE - 2) + " …"),
    ],
)
def test_a_short_source_stops_at_a_boundary(source, short):
    assert short_source(source) == short


def test_every_shipped_short_source_stops_at_a_boundary(kb):
    for topic in kb.topics.values():
        short = short_source(topic.source)
        assert len(short) <= SHORT_SOURCE, topic.id
        kept = short.removesuffix(" …")
        assert topic.source.startswith(kept), topic.id
        following = topic.source[len(kept) : len(kept) + 3]
        assert not following or not following[0].isalnum(), (topic.id, short)  # not mid-word
        assert kept.count("«") == kept.count("»"), (topic.id, short)
        assert kept.count("(") == kept.count(")"), (topic.id, short)
