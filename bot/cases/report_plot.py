"""The activity report as a PNG (matplotlib, the optional `charts` extra; imported lazily)."""

from __future__ import annotations

import math
import textwrap

from bot.cases.report import Report

BLUE, LIGHT = "#3b6ea5", "#c9d8ea"


def plot_report(report: Report, path: str, *, subtitle: str) -> None:
    """Every section's panels as horizontal bar charts, two per row, whole-number axes, values
    written at the end of the bars; the school year and the académies in the title."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    panels = [panel for section in report.sections for panel in section.panels()]
    rows = math.ceil(len(panels) / 2)
    fig, axes = plt.subplots(rows, 2, figsize=(15, 4.6 * rows), layout="constrained", squeeze=False)
    for ax, panel in zip(axes.flat, panels, strict=False):
        labels = [textwrap.shorten(label, 34, placeholder="…") for label in panel.labels]
        ys = list(range(len(labels)))[::-1]  # the first label at the top
        top = max([*panel.values, *(panel.behind or []), 1])
        if panel.behind is not None:
            ax.barh(ys, panel.behind, color=LIGHT, height=0.8, label=panel.legend[1])
            for y, value in zip(ys, panel.behind, strict=True):
                ax.text(value, y + 0.22, f" {value}", va="center", color="#5a6f86", fontsize=9)
        ax.barh(ys, panel.values, color=BLUE, height=0.45, label=panel.legend[0] or None)
        for y, value in zip(ys, panel.values, strict=True):
            ax.text(value, y, f" {value}", va="center", fontsize=11, fontweight="bold")
        ax.set_yticks(ys, labels, fontsize=11)
        ax.set_title(panel.title, fontsize=13, loc="left")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, top * 1.18)
        ax.spines[["top", "right"]].set_visible(False)
        if panel.behind is not None:
            ax.legend(loc="lower right", frameon=False)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    fig.suptitle(f"Ingénieurs pour l'école : rapport d'activité, {subtitle}", fontsize=15)
    fig.savefig(path, dpi=100)
    plt.close(fig)
