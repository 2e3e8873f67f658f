"""The authors' desk: /stats for IPE and administrators, /reload for administrators."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass

from bot.cases import insights
from bot.cases.academies import AcademyDirectory, of_academy
from bot.cases.dates import today_in_france
from bot.cases.report import Scope, build_report, school_year, year_label
from bot.desks.dialogue import DialogueEngine
from bot.desks.offers import stats_lines
from bot.desks.turn import Turn
from bot.messages import Reply
from bot.understanding.knowledge import load_knowledge
from bot.understanding.matching import Matcher

log = logging.getLogger(__name__)


def reload_knowledge(engine: DialogueEngine) -> list[str]:
    """Load knowledge/ again; on any error keep the current knowledge and return the errors."""
    result = load_knowledge(engine.kb.directory)
    if result.errors or not result.kb.topics:
        return [str(e) for e in result.errors] or ["aucun sujet chargé"]
    engine.kb = result.kb
    engine.matcher = Matcher(result.kb, engine.matcher.settings)
    gc.freeze()  # long-lived, like the first one (see channels.telegram.post_init)
    log.info("knowledge reloaded: %d topics", len(result.kb.topics))
    return []


@dataclass
class AdminDesk:
    engine: DialogueEngine

    async def stats(self, turn: Turn) -> Reply:
        scope = await turn.scope()
        if not scope.staff:
            return Reply("Cette commande est réservée aux IPE et aux administrateurs.", kind="info")
        directory = self.engine.academies
        names = {a.id: a.name for a in directory.academies.values()} if directory else {}
        chosen = _chosen_academy(turn.incoming.text, directory, scope.academies, names)
        if isinstance(chosen, Reply):
            return chosen
        academies = scope.academies if chosen is None else {chosen}
        stats = await insights.compute_stats(turn.session, academies=academies)
        titles = {t.id: t.title for t in self.engine.kb.topics.values()}
        text = (f"Académie {of_academy(names[chosen])} :\n" if chosen else "") + (
            insights.format_stats(stats, titles)
        )
        # the activity of this school year, for the IPE's académies (an administrator: all)
        year = school_year(today_in_france())
        kept = frozenset(academies) if academies is not None else None
        report = await build_report(turn.session, Scope(kept, year, names))
        text += f"\n\nAnnée scolaire {year_label(year)} :\n{report.format()}"
        text += "\n\n" + await stats_lines(turn.session, academies)  # issue #15
        return Reply(text, kind="info")

    async def reload(self, turn: Turn) -> Reply:
        if not turn.is_admin:
            return Reply("Cette commande est réservée aux administrateurs.", kind="info")
        errors = reload_knowledge(self.engine)
        if errors:
            listed = "\n".join(f"• {e}" for e in errors[:15])
            return Reply(
                f"Base de connaissances NON rechargée : {len(errors)} erreur(s). "
                f"L'ancienne version reste en service.\n{listed}",
                kind="info",
            )
        return Reply(
            f"Base de connaissances rechargée : {len(self.engine.kb.topics)} sujets.", kind="info"
        )


def _chosen_academy(
    arg: str,
    directory: AcademyDirectory | None,
    allowed: set[str] | None,
    names: dict[str, str],
) -> str | Reply | None:
    """« /stats nantes »: that académie's id; None without an argument; or why not."""
    arg = " ".join(arg.split())[:60]
    if not arg or directory is None:
        return None
    found = directory.get(arg) or directory.resolve(arg).academy
    if found is None:
        return Reply(
            f"Je ne connais pas l'académie « {arg} ». /stats seul donne vos chiffres ; "
            "/stats Nantes, ceux d'une académie.",
            kind="info",
        )
    if allowed is not None and found.id not in allowed:
        yours = ", ".join(sorted(names.get(a, a) for a in allowed))
        return Reply(
            f"Vos chiffres portent sur vos académies ({yours}) : l'académie "
            f"{of_academy(found.name)} n'en fait pas partie. /stats seul les donne.",
            kind="info",
        )
    return found.id
