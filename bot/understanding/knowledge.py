"""The knowledge base: YAML theme files loaded into topics, validated with precise errors."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from bot.understanding.errors import TELEGRAM_MAX_TEXT, KnowledgeError, load_yaml, yaml_text
from bot.understanding.level_answers import parse_by_level, parse_level_sources
from bot.understanding.normalise import Lexicon, strip_accents, words
from bot.understanding.safety import SafetyNet
from bot.understanding.safety_model import EXAMPLES_FILE, SafetyModel, read_examples
from bot.understanding.safety_rules import builtin_net, load_safety
from bot.understanding.topic_examples import TOPIC_EXAMPLES_FILE, read_topic_examples
from bot.understanding.topics import CRISIS_TOPIC, KnowledgeBase, Theme, Topic

__all__ = ["KnowledgeBase", "KnowledgeError", "LoadResult", "Theme", "Topic", "load_knowledge"]

ROLES = ("pupil", "teacher")
AUDIENCES = ("pupil", "teacher", "both")
ACTIONS = ("escalate",)
MIN_QUESTIONS = 10
MAX_TITLE = 40
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SAFETY_FILE = "safety.yaml"
SPECIAL_FILES = {"synonyms.yaml", "academies.yaml", SAFETY_FILE}  # not themes
OUT_OF_SCOPE_FILE = "out_of_scope.txt"  # messages about nothing we answer (the classifier's "-")


@dataclass
class LoadResult:
    """A knowledge base built from every valid file, and the errors of the others."""

    kb: KnowledgeBase
    errors: list[KnowledgeError]

    @property
    def ok(self) -> bool:
        return not self.errors


def default_knowledge_dir() -> Path:
    """KNOWLEDGE_DIR, else ./knowledge, else the knowledge/ folder beside the package."""
    env = os.environ.get("KNOWLEDGE_DIR")
    if env:
        return Path(env)
    cwd = Path.cwd() / "knowledge"
    if cwd.is_dir():
        return cwd
    return Path(__file__).resolve().parents[2] / "knowledge"  # bot/understanding/ → the repo


def _read_yaml(path: Path, errors: list[KnowledgeError]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(KnowledgeError(path.name, None, None, f"fichier illisible ({exc})"))
        return None
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(KnowledgeError(path.name, None, None, f"YAML invalide{where} : {problem}"))
        return None


def _string_list(
    value: Any, file: str, entry: str, name: str, errors: list[KnowledgeError]
) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(KnowledgeError(file, entry, name, "doit être une liste"))
        return []
    out = []
    for i, item in enumerate(value, 1):
        text = yaml_text(item) if not isinstance(item, int | float) else str(item)
        if text is None:
            errors.append(
                KnowledgeError(file, entry, f"{name}[{i}]", "élément vide ou non textuel")
            )
        else:
            out.append(text)
    return out


def _parse_answers(
    raw: Any, audience: str, file: str, entry: str, errors: list[KnowledgeError]
) -> dict[str, str]:
    answers: dict[str, str] = {}
    if isinstance(raw, str):
        text = yaml_text(raw)
        if text is None:
            errors.append(KnowledgeError(file, entry, "answer", "réponse vide"))
            return {}
        if audience == "both":
            errors.append(
                KnowledgeError(
                    file,
                    entry,
                    "answer",
                    "audience « both » : donnez une version « pupil » (tu) et une version "
                    "« teacher » (vous)",
                )
            )
        roles = ROLES if audience == "both" else (audience,)
        answers = {role: text for role in roles}
    elif isinstance(raw, dict):
        unknown = set(raw) - {*ROLES, "parent"}  # parent: optional, else the teacher's
        if unknown:
            errors.append(
                KnowledgeError(
                    file,
                    entry,
                    "answer",
                    f"clés inconnues {sorted(map(str, unknown))} (attendu : pupil, teacher, parent)",
                )
            )
        needed = ROLES if audience == "both" else (audience,)
        for role in needed:
            text = yaml_text(raw.get(role))
            if text is None:
                errors.append(KnowledgeError(file, entry, f"answer.{role}", "réponse vide"))
            else:
                answers[role] = text
        if (parent := yaml_text(raw.get("parent"))) is not None:
            answers["parent"] = parent
    else:
        errors.append(KnowledgeError(file, entry, "answer", "réponse manquante"))
    for role, text in answers.items():
        if len(text) > TELEGRAM_MAX_TEXT - 300:
            errors.append(
                KnowledgeError(
                    file,
                    entry,
                    f"answer.{role}" if isinstance(raw, dict) else "answer",
                    f"{len(text)} caractères : trop long pour un message Telegram "
                    f"(maximum {TELEGRAM_MAX_TEXT - 300}, la source s'ajoute)",
                )
            )
    return answers


def _parse_topic(raw: Any, index: int, file: str, theme: str, errors: list[KnowledgeError]):
    if not isinstance(raw, dict):
        errors.append(KnowledgeError(file, f"#{index}", None, "une entrée doit être un objet"))
        return None
    before = len(errors)
    topic_id = yaml_text(raw.get("id"))
    entry = topic_id or f"#{index}"
    if topic_id is None:
        errors.append(KnowledgeError(file, entry, "id", "identifiant manquant"))
    elif not _ID.match(topic_id):
        errors.append(KnowledgeError(file, entry, "id", "minuscules, chiffres et tirets seulement"))
    known = {"id", "title", "audience", "questions", "keywords", "answer", "related"}
    known |= {"source", "action", "urgent", "triggers", "by_level", "source_by_level"}
    for key in sorted(set(raw) - known, key=str):
        errors.append(KnowledgeError(file, entry, str(key), "champ inconnu"))
    title = yaml_text(raw.get("title"))
    if title is None:
        errors.append(KnowledgeError(file, entry, "title", "titre manquant"))
    elif len(title) > MAX_TITLE:
        errors.append(
            KnowledgeError(file, entry, "title", f"{len(title)} caractères (maximum {MAX_TITLE})")
        )
    audience = raw.get("audience")
    if audience not in AUDIENCES:
        errors.append(
            KnowledgeError(file, entry, "audience", f"« {audience} » : pupil, teacher ou both")
        )
        audience = "both"
    questions = _string_list(raw.get("questions"), file, entry, "questions", errors)
    if len(questions) < MIN_QUESTIONS:
        errors.append(
            KnowledgeError(
                file,
                entry,
                "questions",
                f"{len(questions)} question(s) : il en faut au moins {MIN_QUESTIONS}",
            )
        )
    seen: set[str] = set()
    for q in questions:
        key = " ".join(words(q))
        if key in seen:
            errors.append(KnowledgeError(file, entry, "questions", f"« {q} » figure deux fois"))
        seen.add(key)
    keywords = _string_list(raw.get("keywords"), file, entry, "keywords", errors)
    answers = _parse_answers(raw.get("answer"), audience, file, entry, errors)
    by_level = parse_by_level(raw.get("by_level"), audience, file, entry, errors)
    level_sources = parse_level_sources(raw.get("source_by_level"), file, entry, errors)
    related = _string_list(raw.get("related"), file, entry, "related", errors)
    source = yaml_text(raw.get("source"))
    if source is None:
        errors.append(KnowledgeError(file, entry, "source", "source manquante"))
    action = raw.get("action")
    if action is not None and action not in ACTIONS:
        errors.append(
            KnowledgeError(file, entry, "action", f"« {action} » inconnue (connues : {ACTIONS})")
        )
    urgent = raw.get("urgent", False)
    if not isinstance(urgent, bool):
        errors.append(KnowledgeError(file, entry, "urgent", "true ou false"))
    triggers = _string_list(raw.get("triggers"), file, entry, "triggers", errors)
    for i, phrase in enumerate(triggers, 1):
        if len(words(phrase)) < 2:
            errors.append(
                KnowledgeError(file, entry, f"triggers[{i}]", f"« {phrase} » : au moins deux mots")
            )
    if len(errors) > before:
        return None
    return Topic(
        id=topic_id,
        title=title,
        audience=audience,
        questions=tuple(questions),
        answers=answers,
        source=source,
        theme=theme,
        keywords=tuple(keywords),
        related=tuple(related),
        action=action,
        urgent=bool(urgent),
        triggers=tuple(triggers),
        file=file,
        by_level=by_level,
        level_sources=level_sources,
    )


def _parse_theme_file(path: Path, errors: list[KnowledgeError]):
    file = path.name
    data = _read_yaml(path, errors)
    if data is None and not errors:
        errors.append(KnowledgeError(file, None, None, "fichier vide"))
    if not isinstance(data, dict):
        if data is not None:
            errors.append(KnowledgeError(file, None, None, "le fichier doit être un objet"))
        return None, []
    file_errors: list[KnowledgeError] = []
    theme_id = yaml_text(data.get("theme")) or path.stem
    title = yaml_text(data.get("title"))
    if title is None:
        file_errors.append(KnowledgeError(file, None, "title", "titre du thème manquant"))
    order = data.get("order", 50)
    if not isinstance(order, int):
        file_errors.append(KnowledgeError(file, None, "order", "doit être un nombre entier"))
        order = 50
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        file_errors.append(KnowledgeError(file, None, "topics", "liste de sujets manquante"))
        raw_topics = []
    topics = []
    for i, raw in enumerate(raw_topics, 1):
        topic = _parse_topic(raw, i, file, theme_id, file_errors)
        if topic is not None:
            topics.append(topic)
    errors.extend(file_errors)
    if file_errors:
        return None, []
    return Theme(theme_id, title, order, tuple(t.id for t in topics)), topics


def load_lexicon(directory: Path, errors: list[KnowledgeError]) -> Lexicon:
    """Read synonyms.yaml (optional)."""
    path = directory / "synonyms.yaml"
    if not path.exists():
        return Lexicon()
    data = _read_yaml(path, errors)
    if data is None:
        return Lexicon()
    if not isinstance(data, dict):
        errors.append(KnowledgeError(path.name, None, None, "le fichier doit être un objet"))
        return Lexicon()
    synonyms, sms, not_int = data.get("synonyms") or {}, data.get("sms") or {}, []
    ok = True
    if not isinstance(synonyms, dict) or not all(isinstance(v, list) for v in synonyms.values()):
        errors.append(KnowledgeError(path.name, None, "synonyms", "mot: [variantes, ...]"))
        ok = False
    if not isinstance(sms, dict):
        errors.append(KnowledgeError(path.name, None, "sms", "variante: forme complète"))
        ok = False
    not_int = data.get("not_internship") or []
    if not isinstance(not_int, list):
        errors.append(KnowledgeError(path.name, None, "not_internship", "doit être une liste"))
        ok = False
    friends = data.get("false_friends") or {}
    if not isinstance(friends, dict) or not all(isinstance(v, list) for v in friends.values()):
        errors.append(KnowledgeError(path.name, None, "false_friends", "mot: [contextes, ...]"))
        ok = False
    domain = data.get("domain_words") or []
    if not isinstance(domain, list):
        errors.append(KnowledgeError(path.name, None, "domain_words", "doit être une liste"))
        ok = False
    if not ok:
        return Lexicon()
    return Lexicon.from_lists(sms, synonyms, not_int, friends, domain)


def theme_files(directory: Path) -> list[Path]:
    return sorted(
        p for p in directory.glob("*.yaml") if p.name not in SPECIAL_FILES and p.is_file()
    )


def load_knowledge(directory: Path | str | None = None) -> LoadResult:
    """Load every theme file; a file with an error is left out whole and reported."""
    directory = Path(directory) if directory else default_knowledge_dir()
    errors: list[KnowledgeError] = []
    if not directory.is_dir():
        errors.append(KnowledgeError(str(directory), None, None, "dossier introuvable"))
        return LoadResult(KnowledgeBase(directory=directory), errors)
    lexicon = load_lexicon(directory, errors)
    themes: list[Theme] = []
    topics: dict[str, Topic] = {}
    question_owner: dict[str, tuple[str, str]] = {}
    for path in theme_files(directory):
        theme, file_topics = _parse_theme_file(path, errors)
        if theme is None:
            continue
        kept = []
        for topic in file_topics:
            if topic.id in topics:
                other = topics[topic.id].file
                errors.append(
                    KnowledgeError(
                        path.name, topic.id, "id", f"identifiant déjà utilisé dans {other}"
                    )
                )
                continue
            for q in topic.questions:
                key = " ".join(words(q, lexicon))
                owner = question_owner.get(key)
                if owner and owner[0] != topic.id:
                    errors.append(
                        KnowledgeError(
                            path.name,
                            topic.id,
                            "questions",
                            f"« {q} » figure aussi dans « {owner[0]} » ({owner[1]})",
                        )
                    )
                question_owner.setdefault(key, (topic.id, path.name))
            topics[topic.id] = topic
            kept.append(topic.id)
        themes.append(Theme(theme.id, theme.title, theme.order, tuple(kept)))
    for topic in list(topics.values()):
        unknown = [r for r in topic.related if r not in topics]
        for r in unknown:
            errors.append(KnowledgeError(topic.file, topic.id, "related", f"sujet inconnu « {r} »"))
        if unknown or topic.id in topic.related:
            related = tuple(r for r in topic.related if r in topics and r != topic.id)
            topics[topic.id] = replace(topic, related=related)
    themes.sort(key=lambda t: (t.order, strip_accents(t.title)))
    safety_file = directory / SAFETY_FILE
    safety = load_safety(safety_file) if safety_file.exists() else builtin_net()
    errors += safety.errors
    topic_examples, problems = read_topic_examples(directory / TOPIC_EXAMPLES_FILE, set(topics))
    errors += problems
    examples, problems = read_examples(directory / EXAMPLES_FILE)
    errors += [KnowledgeError(EXAMPLES_FILE, None, None, p) for p in problems]
    if examples:
        safety.model = train_safety_model(
            safety, examples, ordinary_messages(topics, topic_examples)
        )
    kb = KnowledgeBase(
        topics=topics,
        themes=themes,
        lexicon=lexicon,
        directory=directory,
        safety=safety,
        out_of_scope=read_lines(directory / OUT_OF_SCOPE_FILE),
        examples=topic_examples,
    )
    return LoadResult(kb, errors)


def train_safety_model(
    net: SafetyNet, examples: Iterable[tuple[str, str, str]], ordinary: Iterable[str]
) -> SafetyModel:
    """The net's learned model: its labelled examples and the ordinary messages, both read
    as the net reads a message (`SafetyNet.prepared`); an ordinary message's sentences and
    clauses are ordinary too, since the net also reads them alone (`SafetyNet.units`)."""
    units = [net.units(q) for q in ordinary]  # the prepared message first, then its parts
    return SafetyModel(
        [(label, cat, net.prepared(text)) for label, cat, text in examples],
        [u[0] for u in units],
        parts=[part for u in units for part in u[1:]],
    )


def ordinary_messages(
    topics: Mapping[str, Topic],
    examples: Iterable[tuple[str, str]],
    leave_out: Collection[str] = frozenset(),
) -> list[str]:
    """What the safety model learns as ordinary: every topic's questions and the labelled
    real-style messages of topic_examples.tsv (stories, slang, chit-chat), distress left out."""
    questions = [q for t in topics.values() if t.id != CRISIS_TOPIC for q in t.questions]
    said = [text for topic_id, text in examples if topic_id != CRISIS_TOPIC]
    return [q for q in (*questions, *said) if q not in leave_out]


def read_lines(path: Path) -> tuple[str, ...]:
    """The non-blank lines of a text file, # comments left out (none when it is missing)."""
    if not path.exists():
        return ()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))
