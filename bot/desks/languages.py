""" "I don't speak French very well", "tu parles anglais ?": what languages the bot reads and
writes, said plainly instead of "not understood"."""

from __future__ import annotations

import re
import time

from bot.messages import Reply, State, by_role, voice
from bot.understanding.language import in_english

ENGLISH_NOTE = "(I answer in French only.)"  # above the reply to a message written in English
ENGLISH_HELP = (
    "(I answer in French only. Can't find a placement? Press 🙋 to send your request to an "
    "engineer who helps pupils find one: a few short questions, in French.)"
)
NOTE_AGAIN_AFTER = 30 * 60  # seconds: said once, then again only after a pause

# normalised words
LANGUAGE_QUESTION = re.compile(
    r"\b(?:(?:don t|dont|do not|can t|cant|cannot) (?:speak|write|read|understand) (?:french|"
    r"very good french|good french)|(?:my|mon) (?:french|francais) (?:is|est) (?:not|pas|bad|nul)"
    r"|(?:speak|write|talk|answer|reply) (?:in )?english|english (?:please|pls|plz)"
    r"|(?:tu parles|vous parlez|parles tu|parlez vous|tu comprends|vous comprenez) (?:l |le )?"
    r"anglais|(?:ecrire|repondre|ecris|reponds|ecrivez|repondez) en anglais"
    r"|(?:je|j) (?:ne )?(?:parle|comprends|ecris) (?:pas|mal) (?:tres |trop )?(?:bien )?(?:le )?"
    r"francais|francais (?:c est|est) pas ma langue)\b"
)
MAX_WORDS = 20  # a long story that mentions languages is a question about something else
# a question beside the words on languages (at least ASKS_WORDS other words): it is answered
ASKS = re.compile(
    r"\b(how|what|where|when|who|can i|do i|is it|are|comment|cmt|quoi|koi|ou|quand|combien"
    r"|est ce|c est quoi|pourquoi)\b"
)
ASKS_WORDS = 4
ANSWER = (
    "Pas de problème : écris en anglais ou en français simple, même avec des fautes. Je comprends "
    "les deux, mais je réponds en français, avec des phrases courtes. Pose ta question !",
    "Pas de problème : écrivez en anglais ou en français simple. Je comprends les deux, mais je "
    "réponds en français. Posez votre question !",
)

IN_ENGLISH = (
    "No problem: write in English or in simple French, even with mistakes. I understand both, "
    "but I answer in French only, with short sentences (a translation app can help). Ask your "
    "question!"
)
_ASKED_IN_ENGLISH = re.compile(r"\b(english|speak|write|answer|reply|please|understand)\b")


def languages(state: State, said: str) -> Reply | None:
    """The answer to a question about languages; None for anything else."""
    if len(said.split()) > MAX_WORDS or not LANGUAGE_QUESTION.search(said):
        return None
    rest = LANGUAGE_QUESTION.sub(" ", said)
    if len(rest.split()) >= ASKS_WORDS and ASKS.search(rest):  # "how do i find an internship?"
        return None  # the question is answered (with the English line above it)
    text = by_role(voice(state), *ANSWER)
    if in_english(said) or _ASKED_IN_ENGLISH.search(said):  # said in English too, this once
        state.english_at = time.time()  # (no « I answer in French only » above it)
        text = f"{IN_ENGLISH}\n\n{text}"
    return Reply(text, kind="answer", topic="aide", score=100.0)


def with_note(state: State, text: str, reply: Reply) -> None:
    """The reply to a message written in English gets the English line above it (once in a
    while: not on every reply of an English conversation); under « 🙋 », it says what it does."""
    if not in_english(text) or time.time() - state.english_at <= NOTE_AGAIN_AFTER:
        return
    state.english_at = time.time()
    helps = any(c.id == "esc" for c in reply.choices)
    reply.text = f"{ENGLISH_HELP if helps else ENGLISH_NOTE}\n{reply.text}"
