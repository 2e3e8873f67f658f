"""`ipe-bot admin link`: the deep link (and its QR code) for a poster in a school."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys

from bot.cases.academies import load_academies
from bot.config import Config
from bot.desks.links import SCHOOL_BYTES, make_payload, read_payload

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
NO_USERNAME = (
    "Nom du bot inconnu : définissez BOT_USERNAME (le @nom du bot, sans @), ou "
    "TELEGRAM_BOT_TOKEN pour le demander à Telegram (getMe)."
)
NO_SECRET = (
    "Rien pour signer le lien : définissez LINK_SECRET (conseillé avant d'imprimer des affiches), "
    "ou TELEGRAM_BOT_TOKEN."
)


class LinkError(Exception):
    """A French message for the administrator; the command stops with status 2."""


async def _get_me(config: Config) -> str:
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    assert config.token
    try:
        async with Bot(config.token, base_url=config.api_base_url) as bot:
            return bot.username
    except InvalidToken:
        raise LinkError("Telegram refuse le jeton TELEGRAM_BOT_TOKEN (getMe).") from None
    except TelegramError as exc:
        raise LinkError(
            f"Impossible de demander le nom du bot à Telegram ({type(exc).__name__}) : "
            "définissez BOT_USERNAME."
        ) from None


def bot_username(config: Config) -> str:
    """BOT_USERNAME when set, else the bot's username from getMe with the token."""
    name = config.bot_username or (asyncio.run(_get_me(config)) if config.token else "")
    if not name:
        raise LinkError(NO_USERNAME)
    if not _USERNAME.fullmatch(name):
        raise LinkError(f"Nom de bot invalide : {name!r} (lettres, chiffres et _, 5 à 32).")
    return name


def cmd_link(args: argparse.Namespace, config: Config) -> int:
    try:
        return _link(args, config)
    except LinkError as exc:
        print(exc, file=sys.stderr)
        return 2


def _link(args: argparse.Namespace, config: Config) -> int:
    directory, errors = load_academies(config.knowledge_dir / "academies.yaml")
    for error in errors:
        print(f"erreur : {error}", file=sys.stderr)
    academy = directory.get(args.academy) if args.academy else None
    if args.academy and academy is None:
        known = ", ".join(sorted(a.name for a in directory.academies.values()))
        raise LinkError(f"Académie inconnue : {args.academy!r}. Académies : {known}")
    if args.school and academy is None:
        raise LinkError("--school va avec --academy : l'académie de l'établissement.")
    secret = config.link_key()
    if secret is None:
        raise LinkError(NO_SECRET)
    username = bot_username(config)
    payload = make_payload(academy, args.school, args.role, secret)
    link = read_payload(payload, secret)
    if args.school and (link is None or link.school is None):
        print(
            f"attention : le nom de l'établissement dépasse {SCHOOL_BYTES} octets, il n'est pas "
            "dans le lien (l'élève le donnera dans sa demande). Pour l'y mettre, raccourcissez-le, "
            "par exemple --school « LP Jean Moulin, Lyon ».",
            file=sys.stderr,
        )
    url = f"https://t.me/{username}?start={payload}"
    print(url)
    if args.qr:
        import segno

        segno.make(url, error="m").save(args.qr, kind="png", scale=10, border=4)
        print(f"QR code : {args.qr}", file=sys.stderr)
    return 0


def add_parser(admin_sub: argparse._SubParsersAction) -> None:
    link = admin_sub.add_parser(
        "link", help="lien t.me (et QR code) d'une affiche : rôle, académie, établissement"
    )
    link.add_argument("--academy", help="nom, ville ou code de l'académie")
    link.add_argument("--school", help=f"nom de l'établissement ({SCHOOL_BYTES} octets au plus)")
    link.add_argument("--role", choices=["pupil", "teacher"], default=None)
    link.add_argument("--qr", metavar="FILE.png", help="écrire aussi le QR code (PNG)")
    link.set_defaults(admin_func=cmd_link)
