"""The number of pupils in a teacher's words: « 28 », « vingt-huit », « une quinzaine »,
« 2 classes de 25 », « deux classes, soit 48 élèves »."""

from __future__ import annotations

import re

from bot.cases.academies import fold

MAX_PUPILS = 1000
_NUMBER = re.compile(r"^\d{1,4}$")
_UNITS = dict(
    zip(
        "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
        "seize".split(),
        (1, 1, *range(2, 17)),
        strict=True,
    )
)
_TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100}
_ABOUT = {  # "une quinzaine", "une trentaine"
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
    "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60, "centaine": 100,
}  # fmt: skip
_GROUPS = ("classe", "classes", "groupe", "groupes")
_RESTATED = re.compile(r"\b(enfin|plutot|exactement|precisement|en fait|pardon|non|correction)\b")
PUPIL_WORDS = ("eleves", "eleve", "jeunes", "collegiens", "lyceens", "personnes")
# a number that counts something else: « réservée 15 jours à l'avance », « 2 h », « 30 km »
_NOT_PUPILS = frozenset(
    "jour jours semaine semaines mois heure heures h min minutes an ans euros eur km fois "
    "places salle salles janvier fevrier mars avril mai juin juillet aout septembre octobre "
    "novembre decembre".split()  # « le mardi quatorze mars » is a date
)


def pupil_count(text: str) -> tuple[int | None, bool]:
    """The number of pupils in "28", "vingt-huit", "une quinzaine", "2 classes de 25"; and
    whether the text counted classes or groups instead ("deux classes")."""
    words = fold(text).split()
    runs: list[tuple[int, str, str]] = []  # a number, the word after it, the word before it
    total, started, before = 0, False, ""
    for i, word in enumerate([*words, ""]):
        value = int(word) if _NUMBER.match(word) else None
        after = words[i + 1] if i + 1 < len(words) else ""
        if word in _ABOUT or word.rstrip("s") in _ABOUT:
            runs.append((_ABOUT[word.rstrip("s")], after, words[i - 1] if i else ""))
        elif value is not None and not started:
            runs.append((value, after, words[i - 1] if i else ""))
        elif word in _TENS and total % 100 == 4 and word == "vingt":  # quatre-vingt(s)
            total, started = total + 76, True
        elif word in _TENS or word.rstrip("s") in _TENS or word in _UNITS:
            before = before if started else (words[i - 1] if i else "")
            total += _UNITS[word] if word in _UNITS else _TENS[word.rstrip("s")]
            started = True
        elif word == "et" and started:
            continue
        elif started:
            runs.append((total, word, before))
            total, started = 0, False
    runs = [run for run in runs if run[1] not in _NOT_PUPILS]
    counts = [n for n, after, _ in runs if after not in _GROUPS]
    # « deux classes, soit 48 élèves »: the total, said after the classes
    totals = [n for n, after, before in runs if after in PUPIL_WORDS and before != "de"]
    first_groups = next((n for n, after, _ in runs if after in _GROUPS), None)
    if counts and first_groups and runs[0][1] in _GROUPS and not totals:  # "2 classes de 25"
        return first_groups * max(counts), False
    if counts:  # « une trentaine, enfin exactement vingt-neuf »: the number said last
        return (counts[-1] if _RESTATED.search(" ".join(words)) else max(counts)), False
    return None, bool(runs)
