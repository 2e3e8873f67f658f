"""Regenerate knowledge/safety_real_words.txt: real French words the safety net must not correct.

The net corrects one typo in words of 6 letters or more towards the words of its phrases. Real
words that sit one letter away from such a word ("perdre" / "pendre", "centre" / "contre") are
listed here so that they are never corrected. Run after adding phrases to knowledge/safety.yaml:

    python -m venv /tmp/wordlist && /tmp/wordlist/bin/pip install pyspellchecker rapidfuzz pyyaml
    /tmp/wordlist/bin/python knowledge/scripts/safety_real_words.py

(pyspellchecker is a tool of this script only, not a dependency of the bot.)
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from spellchecker import SpellChecker  # noqa: E402

from bot.understanding.safety_rules import REAL_WORDS_FILE, load_safety  # noqa: E402

HEADER = """\
# Vrais mots français que le filet de sécurité ne corrige jamais en mot d'alerte
# (« perdre » n'est pas une faute de frappe de « pendre »). Fichier généré par
# knowledge/scripts/safety_real_words.py à partir du dictionnaire de fréquences de pyspellchecker
# et des noms de communes de communes.tsv.gz (« Strasbourg » n'est pas « stress ») ;
# on peut y ajouter des mots à la main (un par ligne). Voir aussi `not_typos` dans safety.yaml.
"""


def commune_names(path: Path) -> list[str]:
    """The communes' names (a pupil types the town: "Strasbourg" is not a typo of "stress")."""
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        next(lines)  # header
        return [line.split("\t")[1] for line in lines]


def main() -> None:
    yaml_path = ROOT / "knowledge" / "safety.yaml"
    out_path = yaml_path.with_name(REAL_WORDS_FILE)
    net = load_safety(yaml_path, real_words_path=out_path.with_suffix(".none"))
    if net.errors:
        sys.exit("\n".join(map(str, net.errors)))
    dictionary = SpellChecker(language="fr").word_frequency.dictionary
    found: set[str] = set()
    for word in [*dictionary, *commune_names(yaml_path.with_name("communes.tsv.gz"))]:
        for w in net._normaliser.words(word):
            if net._fix(w) != w:
                found.add(w)
    out_path.write_text(HEADER + "".join(f"{w}\n" for w in sorted(found)), encoding="utf-8")
    print(f"{len(found)} words in {out_path}")


if __name__ == "__main__":
    main()
