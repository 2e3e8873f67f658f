"""The house rules: layers only import downwards, no import cycle, every button is routed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.conversation import ConversationService
from bot.desks.admin import AdminDesk
from bot.desks.followup import FollowupDesk
from bot.desks.ipe import IpeDesk
from bot.desks.offers import OffersDesk
from bot.desks.pupil import PupilDesk
from bot.desks.routes import CHOICE_ROUTES, COMMAND_ROUTES
from bot.desks.thread import ThreadDesk

BOT = Path(__file__).resolve().parent.parent / "bot"
# Top to bottom: an import may only go to a lower rank, or stay inside its own package.
RANKS = {
    "bot.__main__": 10,
    "bot.cli": 9,
    "bot.runner": 8,
    "bot.channels": 7,
    "bot.conversation": 6,
    "bot.desks": 5,
    "bot.cases": 4,
    "bot.placements": 4,  # beside cases: may use cases.communes (SIDEWAYS), desks use it
    "bot.store": 3,
    "bot.config": 2,
    "bot.understanding": 1,
    "bot.messages": 0,
    "bot.concurrency": 0,
    "bot.metrics": 0,
}
# The only imports allowed between two layers of the same rank.
SIDEWAYS = {"bot.placements": {"bot.cases.communes", "bot.cases.dates", "bot.cases.report"}}
DESKS = {
    "pupil": PupilDesk,
    "ipe": IpeDesk,
    "thread": ThreadDesk,
    "admin": AdminDesk,
    "offers": OffersDesk,
    "followup": FollowupDesk,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    return next(name for name in RANKS if module == name or module.startswith(name + "."))


def runtime_imports(path: Path) -> set[str]:
    """Modules of ours imported by a file, leaving out `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("bot")}
    return {m for m in found if m in MODULES}


FILES = {module_name(p): p for p in BOT.rglob("*.py") if "migrations" not in p.parts}
MODULES = set(FILES)
GRAPH = {module: runtime_imports(path) for module, path in FILES.items()}


def test_every_module_has_a_layer():
    assert [m for m in MODULES if m != "bot" and not any(m.startswith(n) for n in RANKS)] == []


@pytest.mark.parametrize("module", sorted(MODULES - {"bot"}))
def test_imports_only_go_down(module):
    mine = layer(module)
    upward = [
        target
        for target in GRAPH[module]
        if target != "bot"
        and layer(target) != mine
        and RANKS[layer(target)] >= RANKS[mine]
        and target not in SIDEWAYS.get(mine, ())
    ]
    assert upward == [], f"{module} imports a layer at or above its own: {upward}"


def test_no_import_cycle():
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, " -> ".join([*visiting, module])
        visiting.append(module)
        for target in GRAPH[module]:
            if target != module:
                visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(MODULES):
        visit(module)


def test_modules_stay_small():
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in FILES.items()}
    assert {m: n for m, n in sizes.items() if n > 420} == {}
    assert sizes["bot.conversation"] <= 160


def choice_prefixes() -> set[str]:
    """Prefixes of every button id written in bot/: Choice(label, "x:...") and ("label", "x:...")."""
    prefixes = set()
    for path in FILES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            args = None
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Choice":
                args = node.args
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
                args = node.elts
            if not args or len(args) < 2:
                continue
            first = args[1]
            if isinstance(first, ast.JoinedStr) and first.values:
                first = first.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                head = first.value.partition(":")[0]
                short = head.isalpha() and head.islower() and len(head) <= 4
                if short and (isinstance(node, ast.Call) or ":" in first.value):
                    prefixes.add(head)
    return prefixes


def test_every_button_prefix_is_routed():
    prefixes = choice_prefixes()
    assert {"t", "fb", "ca", "cr", "pr", "f", "esc", "m"} <= prefixes  # the scan sees them
    assert prefixes - set(CHOICE_ROUTES) == set()


@pytest.mark.parametrize(
    "desk, action", sorted({*CHOICE_ROUTES.values(), *COMMAND_ROUTES.values()})
)
def test_every_route_names_a_desk_action(desk, action):
    assert callable(getattr(DESKS[desk], action, None))


def test_the_service_builds_every_desk_it_routes_to(engine):
    service = ConversationService(engine, db=None, escalation=None)  # type: ignore[arg-type]
    assert set(service.desks) == set(DESKS)
