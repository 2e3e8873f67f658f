"""Loading knowledge/safety.yaml: validation with errors that name file, entry and field.

A file with a mistake is refused as a whole: load_safety() then returns the small built-in net,
with the errors attached, so that the bot never runs without a safety net.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.understanding.errors import load_yaml
from bot.understanding.safety import (
    _TOP_KEYS,
    BUILTIN_SOURCE,
    CATEGORIES,
    LEVELS,
    NUMBERS_REQUIRED,
    PUPIL_MAX_CHARS,
    SafetyError,
    SafetyNet,
    _Texts,
)
from bot.understanding.safety_concepts import read_concepts
from bot.understanding.safety_phrases import Normaliser, PatternError, _Compiled, compile_phrase


def _strings(value: Any, file: str, entry: str, name: str, errors: list[SafetyError]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(SafetyError(file, entry, name, "une liste est attendue"))
        return []
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, str | int | float) or not str(item).strip():
            errors.append(SafetyError(file, entry, f"{name}[{i}]", "un texte non vide est attendu"))
            continue
        out.append(str(item))
    return out


def _text(
    value: Any, file: str, entry: str, name: str, errors: list[SafetyError], limit: int
) -> str:
    if not isinstance(value, str) or not value.strip():
        errors.append(SafetyError(file, entry, name, "un texte non vide est attendu"))
        return ""
    if len(value.strip()) > limit:
        errors.append(
            SafetyError(file, entry, name, f"{len(value.strip())} caractères, {limit} au plus")
        )
    if "<" in value and re.search(r"</?[a-zA-Z]", value):
        errors.append(SafetyError(file, entry, name, "texte simple attendu (pas de HTML)"))
    return value


def build_net(
    data: Any, file: str = "safety.yaml", real_words: Iterable[str] = ()
) -> tuple[SafetyNet | None, list[SafetyError]]:
    """The net described by the YAML data, or None with the errors.

    real_words: more words never corrected as typos (see REAL_WORDS_FILE).
    """
    errors: list[SafetyError] = []
    if not isinstance(data, dict):
        return None, [SafetyError(file, None, None, "le fichier doit être un dictionnaire")]
    for key in data:
        if key not in _TOP_KEYS:
            errors.append(SafetyError(file, str(key), None, "entrée inconnue"))

    sms_raw = data.get("sms") or {}
    if not isinstance(sms_raw, dict):
        errors.append(SafetyError(file, "sms", None, "un dictionnaire est attendu"))
        sms_raw = {}
    sms = {str(k): str(v) for k, v in sms_raw.items() if v is not None}
    normaliser = Normaliser(sms)

    lists: dict[str, list[list[str]]] = {}
    lists_raw = data.get("lists") or {}
    if not isinstance(lists_raw, dict):
        errors.append(SafetyError(file, "lists", None, "un dictionnaire est attendu"))
        lists_raw = {}
    for name, items in lists_raw.items():
        if not re.fullmatch(r"[a-z_]+", str(name)):
            errors.append(SafetyError(file, "lists", str(name), "nom en minuscules sans accent"))
        choices = []
        for i, item in enumerate(_strings(items, file, "lists", str(name), errors), 1):
            if any(x in item for x in "()[]<>|"):
                errors.append(
                    SafetyError(file, "lists", f"{name}[{i}]", "un mot ou une suite de mots")
                )
                continue
            ws = normaliser.words(item, pattern=True)
            if ws:
                choices.append(ws)
        if not choices:
            errors.append(SafetyError(file, "lists", str(name), "liste vide"))
        lists[str(name)] = choices

    def compile_all(items: list[str], entry: str, name: str) -> list[_Compiled]:
        out = []
        for i, phrase in enumerate(items, 1):
            try:
                out.append(compile_phrase(phrase, normaliser, lists))
            except PatternError as e:
                errors.append(SafetyError(file, entry, f"{name}[{i}]", f"« {phrase} » : {e}"))
        return out

    phrases: dict[str, dict[str, list[_Compiled]]] = {}
    cats = data.get("categories")
    if not isinstance(cats, dict):
        errors.append(SafetyError(file, "categories", None, "un dictionnaire est attendu"))
        cats = {}
    for cat in cats:
        if cat not in CATEGORIES:
            errors.append(
                SafetyError(file, str(cat), None, f"catégorie inconnue ({', '.join(CATEGORIES)})")
            )
    for cat in CATEGORIES:
        raw = cats.get(cat)
        if not isinstance(raw, dict):
            errors.append(SafetyError(file, cat, None, "catégorie manquante (strong, weak)"))
            phrases[cat] = {"strong": [], "weak": []}
            continue
        for key in raw:
            if key not in LEVELS:
                errors.append(SafetyError(file, cat, str(key), "champ inconnue (strong, weak)"))
        strong = _strings(raw.get("strong"), file, cat, "strong", errors)
        if not strong:
            errors.append(SafetyError(file, cat, "strong", "au moins une phrase"))
        weak = _strings(raw.get("weak"), file, cat, "weak", errors)
        phrases[cat] = {
            "strong": compile_all(strong, cat, "strong"),
            "weak": compile_all(weak, cat, "weak"),
        }
    concepts, vetoes, problems = read_concepts(data.get("concepts"), lists, CATEGORIES, LEVELS)
    errors.extend(SafetyError(file, "concepts", where, message) for where, message in problems)
    harmless = compile_all(
        _strings(data.get("harmless"), file, "harmless", "harmless", errors),
        "harmless",
        "harmless",
    )
    denials = compile_all(
        _strings(data.get("denials"), file, "denials", "denials", errors), "denials", "denials"
    )
    reporters = compile_all(
        _strings(data.get("reporters"), file, "reporters", "reporters", errors),
        "reporters",
        "reporters",
    )
    not_typos = _strings(data.get("not_typos"), file, "not_typos", "not_typos", errors)
    not_typos.extend(real_words)

    msgs = data.get("messages")
    if not isinstance(msgs, dict):
        errors.append(SafetyError(file, "messages", None, "un dictionnaire est attendu"))
        msgs = {}
    pupil: dict[str, str] = {}
    intro: dict[str, str] = {}
    pupil_raw = msgs.get("pupil") if isinstance(msgs.get("pupil"), dict) else {}
    intro_raw = msgs.get("adult_intro") if isinstance(msgs.get("adult_intro"), dict) else {}
    for cat in CATEGORIES:
        text = _text(pupil_raw.get(cat), file, "messages", f"pupil.{cat}", errors, PUPIL_MAX_CHARS)
        for number in NUMBERS_REQUIRED:
            if text and not re.search(rf"(?<!\d){number}(?!\d)", text):
                errors.append(
                    SafetyError(file, "messages", f"pupil.{cat}", f"le {number} n'est pas cité")
                )
        pupil[cat] = text
        intro[cat] = _text(intro_raw.get(cat), file, "messages", f"adult_intro.{cat}", errors, 600)
    body = _text(msgs.get("adult_body"), file, "messages", "adult_body", errors, 3000)
    # a parent's own version is optional: without it, parents read the staff's
    family_raw = msgs.get("parent_intro") if isinstance(msgs.get("parent_intro"), dict) else {}
    family = {
        cat: _text(family_raw[cat], file, "messages", f"parent_intro.{cat}", errors, 600)
        if family_raw.get(cat) is not None
        else intro[cat]
        for cat in CATEGORIES
    }
    family_body = msgs.get("parent_body")
    if family_body is not None:
        family_body = _text(family_body, file, "messages", "parent_body", errors, 3000)
    footer_raw = msgs.get("footer") if isinstance(msgs.get("footer"), dict) else {}
    footer = {
        role: _text(footer_raw.get(role), file, "messages", f"footer.{role}", errors, 300)
        for role in ("pupil", "teacher")
    }
    parent_footer = footer_raw.get("parent")
    footer["parent"] = (
        footer["teacher"]
        if parent_footer is None
        else _text(parent_footer, file, "messages", "footer.parent", errors, 300)
    )
    if errors:
        return None, errors
    bodies = {"teacher": body, "parent": family_body or body}
    texts = _Texts(pupil, {"teacher": intro, "parent": family}, bodies, footer)
    net = SafetyNet(
        phrases,
        harmless,
        reporters,
        normaliser,
        not_typos,
        texts,
        file,
        (),
        concepts,
        lists,
        vetoes,
        denials,
    )
    return net, []


# The net used when the file is missing or refused: the core phrases only.
BUILTIN: dict[str, Any] = {
    "sms": {"jpp": "j'en peux plus", "jveux": "je veux", "jme": "je me", "g": "j'ai"},
    "lists": {
        "moi": ["me", "m", "ma", "la", "le", "lui"],
        "famille": [
            "père",
            "mère",
            "beau-père",
            "belle-mère",
            "parents",
            "daron",
            "darons",
            "daronne",
            "frère",
            "oncle",
        ],
    },
    "categories": {
        "suicide": {
            "strong": [
                "(veux|envie de|pense à|voudrais) ... (mourir|crever)",
                "(veux|envie de|vais|pense à) ...2 (me|se) (tuer|suicider|pendre)",
                "(me|se) suicid*",
                "suicidaire*",
                "envie ... en finir",
                "(me|se) scarif*",
                "(me|se) (fais|fait|faire) du mal",
                "(plus|pas) envie de vivre",
                "peux plus de (ma|la) vie",
                "idées noires",
                "sauter (d'un|du|par la) ...2 (pont|fenêtre|toit|immeuble)",
                "(want to|wanna) die",
                "kill myself",
            ],
            "weak": ["en peux plus", "(vais|va) (mal|pas bien)"],
        },
        "home_violence": {
            "strong": ["<famille> ...4 <moi> [a] ...1 (frapp*|tape|tapent|bat|battent|cogne*)"],
            "weak": [],
        },
        "sexual": {
            "strong": [
                "(main|mains) aux fesses",
                "nude*",
                "<moi> [a] (touche|touché|touchée|tripote)",
                "(violée|violé|violer)",
                "attouchement*",
                "(agression|agressée|harcèlement) sexuel*",
                "(menace|chantage) ...4 (diffuser|publier|photos|vidéos)",
            ],
            "weak": [],
        },
        "assault": {
            "strong": ["<moi> [a|ont] ...1 (frapp*|gifl*|tabass*|agressé|agressée)"],
            "weak": [],
        },
        "abuse": {
            "strong": [
                "sale (noir|noire|arabe|juif|juive|pédé|gouine|nègre|négresse|bougnoule)",
                "(insultes|propos|blagues) (racistes|homophobes)",
            ],
            "weak": [],
        },
        "harassment": {
            "strong": [
                "(me|m|la|le) ...2 (harcèle|harcèlent|harceler|harcelé|harcelée)",
                "victime de (harcèlement|cyberharcèlement)",
                "(tout le monde|tlm) ...2 se moque* de moi",
            ],
            "weak": ["se moque* de moi"],
        },
    },
    "harmless": ["(mort|morte|meurs) de (rire|faim|fatigue)", "mdr", "ptdr", "(ça|ca) me tue"],
    "reporters": [
        "je suis (prof|professeur|professeure|cpe|infirmière|infirmier|principal|principale)",
        "(élève|fils|fille) ...6 (m'a|me) (confié|dit|raconté)",
        "mes élèves",
        "(mon|notre) (fils|enfant)",
        "(ma|notre) fille",
    ],
    "messages": {
        "pupil": dict.fromkeys(
            CATEGORIES,
            "Merci de me l'avoir dit. Ce n'est pas de ta faute et tu n'es pas seul·e.\n"
            "• 3114 : prévention du suicide, 24h/24, gratuit\n"
            "• 119 : Allô enfance en danger, 24h/24, gratuit (allo119.gouv.fr)\n"
            "• 3018 : harcèlement et cyberharcèlement, gratuit, 9 h–23 h 7j/7\n"
            "• 114 par SMS si tu ne peux pas parler\n"
            "• 112 si tu es en danger maintenant\n"
            "Parle à un adulte de confiance : CPE, infirmier·e scolaire, professeur principal.",
        ),
        "adult_intro": dict.fromkeys(CATEGORIES, "Un élève est peut-être en danger."),
        "adult_body": (
            "• Danger immédiat : 112, 15 ou 17.\n"
            "• Informez sans délai le chef d'établissement.\n"
            "• Information préoccupante à la CRIP ou 119 (24h/24, gratuit).\n"
            "• Crime ou délit : procureur de la République (art. 40 du code de procédure "
            "pénale).\n"
            "• Harcèlement : 3018. Idées suicidaires : 3114."
        ),
        "footer": {
            "pupil": "Si ça ne va pas : 3114 ou 119 (24h/24, gratuits), 3018 pour le harcèlement.",
            "teacher": "Élève en danger : 119 ou information préoccupante (CRIP) ; urgence : 112.",
        },
    },
}

_builtin_net: SafetyNet | None = None


def builtin_net(errors: Iterable[SafetyError] = ()) -> SafetyNet:
    """The minimal built-in net, carrying the errors that made the bot fall back on it."""
    global _builtin_net
    if _builtin_net is None:
        net, problems = build_net(BUILTIN, BUILTIN_SOURCE)
        if net is None:  # a programming error: caught by the tests
            raise RuntimeError("; ".join(map(str, problems)))
        _builtin_net = net
    base = _builtin_net
    net = SafetyNet.__new__(SafetyNet)
    net.__dict__.update(base.__dict__)
    net._recent = {}  # findings depend on the model attached to this copy
    net.errors = tuple(errors)
    return net


REAL_WORDS_FILE = "safety_real_words.txt"


def read_real_words(path: Path) -> list[str]:
    """Words of the real-words file (one a line, # comments); none when it is missing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [w for line in lines if (w := line.split("#", 1)[0].strip())]


def load_safety(path: str | Path, real_words_path: str | Path | None = None) -> SafetyNet:
    """The net of the file; on any mistake, the built-in net with the errors in .errors.

    real_words_path: real French words never taken for typos of an alarm word ("perdre" is
    not "pendre"); by default REAL_WORDS_FILE next to the YAML file. Optional.
    """
    path = Path(path)
    file = path.name
    real_words = read_real_words(
        Path(real_words_path) if real_words_path else path.with_name(REAL_WORDS_FILE)
    )
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as e:
        return builtin_net([SafetyError(file, None, None, f"lecture impossible : {e}")])
    except yaml.YAMLError as e:
        where = ""
        mark = getattr(e, "problem_mark", None)
        if mark is not None:
            where = f" (ligne {mark.line + 1})"
        return builtin_net([SafetyError(file, None, None, f"YAML illisible{where} : {e}")])
    try:
        net, errors = build_net(data, file, real_words)
    except Exception as e:  # never let a bad file take the bot down
        return builtin_net([SafetyError(file, None, None, f"erreur inattendue : {e!r}")])
    if net is None:
        return builtin_net(errors)
    return net
