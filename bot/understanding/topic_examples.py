"""knowledge/topic_examples.tsv: real messages labelled with their topic, for the classifier.

One line per message, `topic<TAB>message`, `-` as the topic for a message the knowledge base
does not answer. Authors add the messages pupils and teachers actually wrote (the unanswered
questions of `ipe-bot admin insights`, question sets once measured); the classifier learns them
beside the topics' own questions, the word matcher does not (a long story would widen a topic's
vocabulary with names and feelings).
"""

from __future__ import annotations

from pathlib import Path

from bot.understanding.errors import KnowledgeError

TOPIC_EXAMPLES_FILE = "topic_examples.tsv"
NOT_A_TOPIC = "-"


def read_topic_examples(
    path: Path, topic_ids: set[str]
) -> tuple[tuple[tuple[str, str], ...], list[KnowledgeError]]:
    """The (topic, message) pairs of the file, and its bad lines (named by line number)."""
    if not path.exists():
        return (), []
    rows: list[tuple[str, str]] = []
    errors: list[KnowledgeError] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        topic_id, sep, message = line.partition("\t")
        topic_id, message = topic_id.strip(), message.strip()
        where = f"ligne {number}"
        if not sep or not message:
            errors.append(KnowledgeError(path.name, where, None, "attendu « sujet<TAB>message »"))
        elif topic_id != NOT_A_TOPIC and topic_id not in topic_ids:
            errors.append(
                KnowledgeError(path.name, where, "sujet", f"sujet inconnu « {topic_id} »")
            )
        else:
            rows.append((topic_id, message))
    return tuple(rows), errors
