"""Terminal chat: the dialogue engine in a terminal, choices picked by number."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.dialogue import DialogueEngine, Reply, State

QUIT_WORDS = {"/quit", "/quitter", "/exit", "quitter", "exit"}


def render(reply: Reply) -> str:
    """Plain-text rendering of a reply: its text, then its numbered choices."""
    lines = [reply.text]
    if reply.choices:
        lines.append("")
        lines += [f"  {i}. {c.label}" for i, c in enumerate(reply.choices, 1)]
    return "\n".join(lines)


def run_chat(
    engine: DialogueEngine,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Read lines until end of input or /quit; answer each one."""
    state = State()
    out = stdout.write
    out("Assistant stages (terminal). Tape ta question, un numéro pour choisir, /menu, /quit.\n\n")
    out(render(engine.start(state)) + "\n")
    while True:
        out("\n> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            out("\n")
            return 0
        line = line.rstrip("\n")
        if line.strip().lower() in QUIT_WORDS:
            out("À bientôt !\n")
            return 0
        if line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            reply = engine.command(state, name, args)
        else:
            reply = engine.handle_text(state, line)
        out("\n" + render(reply) + "\n")
