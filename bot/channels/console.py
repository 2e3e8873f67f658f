"""Terminal chat: the same conversation service as Telegram, choices picked by number."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

from bot.conversation import ConversationService
from bot.desks.routes import CHOICE_ROUTES
from bot.messages import Choice, Incoming, Reply

QUIT_WORDS = {"/quit", "/quitter", "/exit", "quitter", "exit"}
CONSOLE_CHAT = 0  # the terminal user's chat id in the database


def render(reply: Reply) -> str:
    """Plain-text rendering of a reply: its text, then its numbered choices."""
    lines = [reply.text]
    if reply.choices:
        lines.append("")
        lines += [f"  {i}. {c.label}" for i, c in enumerate(reply.choices, 1)]
    return "\n".join(lines)


def parse_line(line: str, chat_id: int = CONSOLE_CHAT, shown: Sequence[Choice] = ()) -> Incoming:
    """A typed line as the channel-independent Incoming: /command args, or text. The number of
    a button another desk answers (« 🗑️ Tout effacer », ↩️ Répondre) is that button's press, as
    on Telegram; the others stay text, which the dialogue reads (« 3 » at the class step is 3e)."""
    number = line.strip()
    if number.isascii() and number.isdigit() and 0 < int(number) <= len(shown):
        choice = shown[int(number) - 1]
        if CHOICE_ROUTES.get(choice.id.partition(":")[0], ("pupil", "reply")) != ("pupil", "reply"):
            return Incoming(chat_id, "choice", choice.id, user_name="terminal")
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
        shown = reply.choices if reply is not None else []
        out(render(reply) + "\n")
        while True:
            out("\n> ")
            stdout.flush()
            line = await _read_line(stdin)
            if not line:
                out("\n")
                return 0
            line = line.strip()
            if line.lower() in QUIT_WORDS:
                out("À bientôt !\n")
                return 0
            reply = await service.handle(parse_line(line, chat_id, shown))
            if reply is not None:
                shown = reply.choices
                out("\n" + render(reply) + "\n")
                await service.delivered(reply)
    finally:
        await service.db.dispose()


async def _read_line(stdin: TextIO) -> str:
    """One line, read on a daemon thread: a Ctrl-C never waits for the user to press Enter
    (the event loop's default executor would be joined at exit, blocked in readline)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def deliver(line: str) -> None:
        if not future.done():
            future.set_result(line)

    def read() -> None:
        try:
            line = stdin.readline()
        except (OSError, ValueError):
            line = ""
        with contextlib.suppress(RuntimeError):  # a closed loop: the chat is over
            loop.call_soon_threadsafe(deliver, line)

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    return await future


def quiet_logs() -> None:
    """The operator's warnings ("case …: nobody to notify") stay out of the conversation on
    the screen; errors still show. Logging configured elsewhere is left as it is."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.ERROR, format="(journal) %(levelname)s %(message)s")


def chat_in_terminal(service: ConversationService) -> int:
    """`ipe-bot chat`: Ctrl-C leaves at once with a goodbye; a second Ctrl-C is ignored."""
    quiet_logs()

    def interrupted(signum, frame) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the next Ctrl-C cannot interrupt the exit
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        status = asyncio.run(run_chat(service))
    except KeyboardInterrupt:  # SIGINT stays ignored until the process ends
        print("\nÀ bientôt !", flush=True)
        return 0
    signal.signal(signal.SIGINT, previous)
    return status
