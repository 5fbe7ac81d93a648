"""similarity.png: the scores of the top pairs (ranked bars), beside each student's highest score
(a histogram), so that a pair's score can be read against the rest of the class."""
from __future__ import annotations

import io

from .compare import Comparison

BARS = 25


def label(text: str, width: int = 24) -> str:
    """A student id as a chart label: short, and no ``$`` for matplotlib to read as maths."""
    text = text if len(text) <= width else text[:width - 1] + "…"
    return text.replace("$", r"\$")


def png(assignment: str, comparison: Comparison) -> bytes:
    """The chart, as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    top = comparison.pairs[:BARS]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, max(4.0, 0.3 * len(top) + 1.5)),
                                      gridspec_kw={"width_ratios": [1.4, 1]})
    names = [f"{label(p.a.student_id)} / {label(p.b.student_id)}" for p in top][::-1]
    values = [100 * p.score for p in top][::-1]
    left.barh(range(len(values)), values, color="#4c72b0")
    left.set_yticks(range(len(values)), names)
    for y, v in enumerate(values):
        left.text(min(v + 1, 90), y, f"{v:.0f}%", va="center")
    left.set_xlim(0, 100)
    left.set_xlabel("score: share of the shorter answer also in the other (%)")
    left.set_title(f"The {len(top)} pairs to look at first" if top else "No pair shares enough to look at")
    best = [100 * v for v in comparison.best.values()]
    right.hist(best, bins=[x * 5 for x in range(21)], color="#8c8c8c", edgecolor="white")
    right.set_yscale("log" if len(best) > 50 else "linear")
    right.set_xlabel("each student's highest score with anyone (%)")
    right.set_ylabel("students")
    right.set_title(f"All {len(best)} students compared")
    fig.suptitle(f"{assignment}: answers alike", fontweight="bold")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()
