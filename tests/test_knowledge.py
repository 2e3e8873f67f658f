"""Loading and validating the YAML knowledge base."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.understanding.knowledge import TELEGRAM_MAX_TEXT, default_knowledge_dir, load_knowledge

REQUIRED_TOPICS = """
stage-3e trouver-stage pas-de-stage pfmp stage-bts stage-seconde convention-stage banque-stages
discrimination parrainage objectif-stages cv-lettre entretien stage-etranger probleme-stage ipe
dp3 dp6 dp-entreprises parcours-metiers info-metiers stage-enseignants mini-entreprise
lycee-des-metiers plateforme-technologique apprentissage partenariat detresse salutation merci aide
""".split()


def questions(prefix: str, n: int = 10) -> list[str]:
    return [f"{prefix} question numéro {i}" for i in range(n)]


def topic(topic_id: str, **fields) -> dict:
    entry = {
        "id": topic_id,
        "title": f"Titre {topic_id}",
        "audience": "pupil",
        "questions": questions(topic_id),
        "answer": "Une réponse.",
        "source": "Rapport IPE 2008",
    }
    entry.update(fields)
    return entry


def write_theme(directory: Path, name: str, *topics) -> Path:
    path = directory / name
    data = {"theme": path.stem, "title": f"Thème {path.stem}", "topics": list(topics)}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_valid_minimal_knowledge(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha"), topic("beta", related=["alpha"]))
    result = load_knowledge(tmp_path)
    assert result.errors == []
    assert set(result.kb.topics) == {"alpha", "beta"}
    assert result.kb.topics["beta"].related == ("alpha",)


def test_errors_name_file_entry_and_field(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha", audience_typo="x"))
    result = load_knowledge(tmp_path)
    messages = [str(e) for e in result.errors]
    assert any("a.yaml" in m and "alpha" in m and "audience_typo" in m for m in messages), messages


def test_too_few_questions_and_empty_answer(tmp_path):
    write_theme(
        tmp_path,
        "a.yaml",
        topic("alpha", questions=questions("alpha", 3), answer=""),
    )
    errors = load_knowledge(tmp_path).errors
    fields = {(e.file, e.entry, e.field) for e in errors}
    assert ("a.yaml", "alpha", "questions") in fields
    assert ("a.yaml", "alpha", "answer") in fields


def test_duplicate_ids_across_files(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha"))
    write_theme(tmp_path, "b.yaml", topic("alpha", questions=questions("other")))
    errors = load_knowledge(tmp_path).errors
    assert any(e.file == "b.yaml" and e.entry == "alpha" and e.field == "id" for e in errors)


def test_question_listed_under_two_topics(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha"), topic("beta", questions=questions("alpha")))
    errors = load_knowledge(tmp_path).errors
    assert any(
        e.entry == "beta" and e.field == "questions" and "alpha" in e.message for e in errors
    )


def test_unknown_related_is_reported_and_dropped(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha", related=["nowhere"]))
    result = load_knowledge(tmp_path)
    assert any(e.field == "related" and "nowhere" in e.message for e in result.errors)
    assert result.kb.topics["alpha"].related == ()


def test_answer_too_long_for_telegram(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha", answer="x" * TELEGRAM_MAX_TEXT))
    errors = load_knowledge(tmp_path).errors
    assert any(
        e.entry == "alpha" and e.field == "answer" and "trop long" in e.message for e in errors
    )


def test_both_audience_needs_two_registers(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha", audience="both"))
    errors = load_knowledge(tmp_path).errors
    assert any(e.entry == "alpha" and e.field == "answer" for e in errors)


def test_corrupt_yaml_is_reported_with_line_and_other_files_still_load(tmp_path):
    write_theme(tmp_path, "good.yaml", topic("alpha"))
    (tmp_path / "bad.yaml").write_text("theme: x\ntopics: [\n  - id: :::\n", encoding="utf-8")
    result = load_knowledge(tmp_path)
    assert [e.file for e in result.errors] == ["bad.yaml"]
    assert "ligne" in result.errors[0].message
    assert set(result.kb.topics) == {"alpha"}


def test_a_key_written_twice_is_an_error_with_its_line(tmp_path):
    """YAML would keep the second one silently; an author loses half a list without a word."""
    write_theme(tmp_path, "good.yaml", topic("alpha"))
    (tmp_path / "twice.yaml").write_text(
        "theme: x\ntitle: X\ntitle: Y\ntopics: []\n", encoding="utf-8"
    )
    result = load_knowledge(tmp_path)
    [error] = [e for e in result.errors if e.file == "twice.yaml"]
    assert "title" in error.message and "deux fois" in error.message and "ligne 3" in error.message
    assert set(result.kb.topics) == {"alpha"}


def test_non_utf8_and_wrong_shapes_do_not_crash(tmp_path):
    (tmp_path / "latin.yaml").write_bytes("theme: é".encode("latin-1") + b"\xff\xfe")
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    write_theme(tmp_path, "weird.yaml", 42, {"id": "Bad Id!", "title": 3})
    result = load_knowledge(tmp_path)
    assert {e.file for e in result.errors} == {
        "latin.yaml",
        "list.yaml",
        "empty.yaml",
        "weird.yaml",
    }
    assert result.kb.topics == {}


def test_missing_directory(tmp_path):
    result = load_knowledge(tmp_path / "nope")
    assert result.errors and "introuvable" in result.errors[0].message


# -- the shipped knowledge base ----------------------------------------------------------------


def test_the_shipped_knowledge_is_found_from_any_directory(tmp_path, monkeypatch):
    # `ipe-bot chat` started outside the repository: the knowledge/ folder beside the package
    monkeypatch.delenv("KNOWLEDGE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    found = default_knowledge_dir()
    assert (found / "stages.yaml").is_file(), found


def test_shipped_kb_has_the_required_topics(kb):
    missing = [t for t in REQUIRED_TOPICS if t not in kb.topics]
    assert missing == []


def test_shipped_kb_entries_are_complete(kb):
    for topic in kb.topics.values():
        assert len(topic.questions) >= 10, topic.id
        assert topic.source.strip(), topic.id
        assert 2 <= len(topic.related) <= 5 or topic.id in {"salutation", "merci"}, topic.id
        for role, text in topic.answers.items():
            assert 20 < len(text) <= 1800, (topic.id, role, len(text))
            assert "<" not in text and "**" not in text, (topic.id, role)
        if topic.audience == "both":
            assert set(topic.answers) - {"parent"} == {"pupil", "teacher"}, topic.id
        elif topic.audience == "teacher":  # a parent's version beside a pupil's only: a
            assert "parent" not in topic.answers, topic.id  # pupil's topic a parent asks too


def test_pupil_answers_say_tu_and_teacher_answers_never_do(kb):
    import re

    tu = re.compile(r"\b(tu|te|t'|ton|ta|tes|toi)\b", re.I)
    for topic in kb.topics.values():
        if topic.audience != "both":
            continue
        pupil, teacher = topic.answers["pupil"], topic.answers["teacher"]
        assert tu.search(pupil), topic.id
        assert not re.search(r"\b(tu|ton|toi)\b", teacher, re.I), topic.id


def test_pas_de_stage_offers_escalation(kb):
    assert kb.topics["pas-de-stage"].action == "escalate"


def test_history_is_marked_as_history(kb):
    for topic_id in ("dp3", "dp6"):
        text = kb.topics[topic_id].answers["teacher"].lower()
        assert any(w in text for w in ("historique", "n'existe plus", "supprim", "remplac")), (
            topic_id
        )


def test_export_has_every_topic(kb):
    exported = kb.export()["topics"]
    assert {t["id"] for t in exported} == set(kb.topics)
    assert all({"id", "title", "audience", "questions", "answer"} <= set(t) for t in exported)


def test_triggers_are_checked_and_loaded(tmp_path):
    write_theme(
        tmp_path,
        "a.yaml",
        topic("alpha", urgent=True, triggers=["j'en peux plus", "aide"]),
        topic("beta", triggers="pas une liste"),
    )
    result = load_knowledge(tmp_path)
    messages = [str(e) for e in result.errors]
    assert any("alpha" in m and "triggers[2]" in m for m in messages), messages
    assert any("beta" in m and "triggers" in m for m in messages), messages
    write_theme(tmp_path, "a.yaml", topic("alpha", urgent=True, triggers=["j'en peux plus"]))
    assert load_knowledge(tmp_path).kb.topics["alpha"].triggers == ("j'en peux plus",)


def test_domain_words_go_through_synonyms_and_stems(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha"))
    (tmp_path / "synonyms.yaml").write_text(
        yaml.safe_dump(
            {"synonyms": {"entreprise": ["boîte"]}, "domain_words": ["Stages", "boîte"]},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    result = load_knowledge(tmp_path)
    assert result.errors == []
    assert result.kb.lexicon.domain == {"stag", "entrepris"}
    (tmp_path / "synonyms.yaml").write_text("domain_words: stage\n", encoding="utf-8")
    messages = [str(e) for e in load_knowledge(tmp_path).errors]
    assert any("synonyms.yaml" in m and "domain_words" in m for m in messages), messages


def test_topic_examples_are_loaded_and_bad_lines_named(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha"), topic("beta"))
    (tmp_path / "topic_examples.tsv").write_text(
        "# real messages\n"
        "alpha\tjsp koi faire pr alpha\n"
        "-\ttu fais quoi ce soir\n"
        "gamma\tun sujet qui n'existe pas\n"
        "beta sans tabulation\n"
        "beta\t   \n",
        encoding="utf-8",
    )
    result = load_knowledge(tmp_path)
    assert result.kb.examples == (
        ("alpha", "jsp koi faire pr alpha"),
        ("-", "tu fais quoi ce soir"),
    )
    messages = [str(e) for e in result.errors]
    assert len(messages) == 3, messages
    assert "topic_examples.tsv, entrée « ligne 4 », champ « sujet »" in messages[0]
    assert "gamma" in messages[0]
    assert all("topic_examples.tsv" in m for m in messages)
    assert "ligne 5" in messages[1] and "ligne 6" in messages[2]


def test_shipped_topic_examples_are_all_valid(kb):
    assert len(kb.examples) > 2000
    assert {t for t, _ in kb.examples} - {"-"} <= set(kb.topics)
