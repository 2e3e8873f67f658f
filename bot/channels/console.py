"""Terminal chat: the same conversation service as Telegram, choices picked by number."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.conversation import ConversationService
from bot.messages import Incoming, Reply

QUIT_WORDS = {"/quit", "/quitter", "/exit", "quitter", "exit"}
CONSOLE_CHAT = 0  # the terminal user's chat id in the database


def render(reply: Reply) -> str:
    """Plain-text rendering of a reply: its text, then its numbered choices."""
    lines = [reply.text]
    if reply.choices:
        lines.append("")
        lines += [f"  {i}. {c.label}" for i, c in enumerate(reply.choices, 1)]
    return "\n".join(lines)


def parse_line(line: str, chat_id: int = CONSOLE_CHAT) -> Incoming:
    """A typed line as the channel-independent Incoming: /command args, or text."""
    if line.startswith("/"):
        name, _, args = line[1:].partition(" ")
        return Incoming(
            chat_id, "command", args.strip(), command=name.lower(), user_name="terminal"
        )
    return Incoming(chat_id, "text", line)


async def run_chat(
    service: ConversationService,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    chat_id: int = CONSOLE_CHAT,
) -> int:
    """Read lines until end of input or /quit; answer each one."""
    out = stdout.write
    out("Assistant stages (terminal). Tape ta question, un numéro pour choisir, /menu, /quit.\n\n")
    await service.db.create_schema()
    try:
        reply = await service.handle(Incoming(chat_id, "command", command="start"))
        out(render(reply) + "\n")
        loop = asyncio.get_running_loop()
        while True:
            out("\n> ")
            stdout.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                out("\n")
                return 0
            line = line.strip()
            if line.lower() in QUIT_WORDS:
                out("À bientôt !\n")
                return 0
            reply = await service.handle(parse_line(line, chat_id))
            if reply is not None:
                out("\n" + render(reply) + "\n")
                await service.delivered(reply)
    finally:
        await service.db.dispose()
