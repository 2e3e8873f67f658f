"""Is a message written in English? Pupils write "how do i find an internship", teachers
"are interns allowed to work on sundays": the matcher reads them through synonyms.yaml's English
words, and the bot answers in French, saying so in one English line.

Counting function words is enough at this length (a message, not a document), and needs no
language model: words that exist in both languages ("on", "me", "a", "as", "son", "pour") are
left out of both lists.
"""

from __future__ import annotations

import re

from bot.understanding.normalise import strip_accents, without_tags

ENGLISH = frozenset(
    """
    the is are was were be been am i i'm im what's it's that's my mine your yours you he she it its we they them
    their what whats how who whom which when where why will would can could should shall must
    may might do does did don't dont doesn't didn't can't cant isn't aren't won't have has had
    having of to for with from at in into about by and or but if because so than then there
    here this that these those any some no not nothing anything something all every each
    please thanks thank hello hi hey bye yes yeah get got need want know tell find work
    internship internships intern interns placement company job school student students
    teacher teachers allowed paid pay help
    """.split()
)
FRENCH = frozenset(
    """
    le la les de des du un une et est je j tu il elle ils elles nous vous mon ma mes ton ta tes
    ce cet cette ces qui que quoi comment quand pourquoi ou pas ne n avec dans sur chez mais
    donc car c ca c'est suis es sont ai avez peux peut faire fait stage stages entreprise
    bonjour salut merci oui non jsuis jai g koi cmt
    """.split()
)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def in_english(text: str) -> bool:
    """True when the message's function words are mostly English (two at least)."""
    tokens = _WORD.findall(strip_accents(without_tags(text).replace("’", "'")))
    english = sum(t in ENGLISH for t in tokens)
    french = sum(t in FRENCH for t in tokens)
    return english >= 2 and english > 2 * french
