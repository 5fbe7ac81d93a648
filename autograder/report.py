"""summary.png and summary.md: the score distribution and each item's pass rate.

An item is passed when it got all its points. Pass rates count the students whose
notebook ran (status ``ok`` or ``needs review``, notes or not); errors and timeouts are
counted apart, since they say nothing about a question. Items graded by hand are listed,
not rated. With a due date, both count the late submissions (``late_summary``).
"""
from __future__ import annotations

import pathlib


def _pass_rates(items, graded):
    rates = {}
    for item in items:
        if item.manual or not graded:
            continue
        passed = sum(float(row[item.grade_id] or 0) >= item.points for row in graded)
        rates[item.grade_id] = passed / len(graded)
    return rates


def write_summary(out: pathlib.Path, assignment: str, items, rows: list[dict[str, str]]) -> None:
    not_graded = [row for row in rows if row["status"].startswith(("error", "timeout"))]
    graded = [row for row in rows if row not in not_graded]
    rates = _pass_rates(items, graded)
    max_score = sum(item.points for item in items)
    scores = [float(row["score"]) for row in rows]
    groups = [[float(row["score"]) for row in group] for group in (graded, not_graded)]
    title = f"{assignment}: {late_summary(rows)}" if rows and "late_days" in rows[0] else assignment
    _write_png(out / "summary.png", title, groups, max_score, rates)
    _write_md(out / "summary.md", assignment, items, rows, scores, max_score, rates, len(graded),
              len(rows) - len(graded))


def late_summary(rows: list[dict[str, str]]) -> str:
    """``late: 3 of 40 (1 lost all its points); submission time unknown (no penalty): 2`` from grades.csv's rows."""
    known = [row for row in rows if row.get("late_days")]
    late = [row for row in known if row["late_days"] != "0"]
    past = sum(row.get("penalty") == "100%" for row in late)
    text = f"late: {len(late)} of {len(known)}" + (f" ({past} lost all {'their' if past > 1 else 'its'} points)" if past else "")
    unknown = len(rows) - len(known)
    return text + (f"; submission time unknown (no penalty): {unknown}" if unknown else "")


def _write_png(path, assignment, groups, max_score, rates) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, max(4.0, 0.45 * len(rates) + 1.5)),
                                      gridspec_kw={"width_ratios": [1, 1.3]})
    bins = [x - 0.5 for x in range(int(max_score) + 2)] if max_score <= 60 else 20
    scores, not_graded = groups
    left.hist(groups, bins=bins, stacked=True, color=["#4c72b0", "#b0b0b0"], edgecolor="white",
              label=[f"graded ({len(scores)})", f"error or timeout ({len(not_graded)}): 0"])
    left.legend(loc="upper center")
    left.set_xlabel(f"score (out of {max_score:g})")
    left.set_ylabel("students")
    left.set_title(f"Score distribution ({sum(map(len, groups))} students)")
    left.yaxis.get_major_locator().set_params(integer=True)
    names = list(rates)[::-1]
    values = [100 * rates[n] for n in names]
    colors = ["#c44e52" if v < 50 else "#dd8452" if v < 80 else "#55a868" for v in values]
    right.barh(names, values, color=colors)
    for y, v in enumerate(values):
        right.text(min(v + 1, 88), y, f"{v:.0f}%", va="center")
    right.set_xlim(0, 100)
    right.set_xlabel(f"students with full points (%), of the {len(scores)} graded automatically")
    right.set_title("Pass rate per item (red: under 50%, orange: under 80%)")
    fig.suptitle(assignment, fontweight="bold")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _write_md(path, assignment, items, rows, scores, max_score, rates, n_graded, n_left_out) -> None:
    statuses = {}
    for row in rows:
        key = row["status"].split(":")[0].split(";")[0]  # "ok; notes: ..." counts as ok
        statuses[key] = statuses.get(key, 0) + 1
    mean = sum(scores) / len(scores) if scores else 0.0
    lines = [f"# {assignment}: summary", "",
             f"{len(rows)} students; mean score {mean:.2f} / {max_score:g}; "
             + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())), "",
             f"Pass rate: share of the {n_graded} students graded automatically that got all the item's points "
             f"({n_left_out} errors or timeouts left out).", "",
             *([late_summary(rows) + ".", ""] if rows and "late_days" in rows[0] else []),
             "| item | points | pass rate |", "| --- | ---: | ---: |"]
    for item in items:
        rate = "graded by hand" if item.manual else (f"{100 * rates[item.grade_id]:.0f}%" if item.grade_id in rates else "-")
        lines.append(f"| {item.grade_id} | {item.points:g} | {rate} |")
    lines += ["", "![score distribution and pass rates](summary.png)", ""]
    path.write_text("\n".join(lines))
