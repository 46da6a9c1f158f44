"""`make summary`: the class at a glance, ``reports/class-summary.html`` (one file, pictures inside).

* a histogram of final scores per released assignment (grades.py: penalties applied);
* the pass rate of every property the checks judge (each property is a failure class: a
  lost update, a deadlock, a lost wake-up ...), from the verdicts the trusted grader kept in
  each autograded notebook (``metadata["autograder"]["report"]``);
* the most common failures: grouped by property and by what went wrong (the verdict's first
  sentence with its numbers blanked), with their count, the decisive steps of one example's
  story and its fix; examples are anonymised (no student is named, and student code appears
  only as the line a step ran);
* the students with flags (grading-report.csv), which is the only named list, for the instructor.
"""
from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import grades, roster as rosters
from .report import read_report
from .settings import course_config


@dataclass
class Failure:
    exercise: str
    property: str          # its id: the failure class
    name: str              # what was checked, in words
    message: str
    timeline: str
    fix: str


@dataclass
class Verdicts:
    passed: Counter = field(default_factory=Counter)          # (exercise, property) -> count
    checked: Counter = field(default_factory=Counter)
    names: dict = field(default_factory=dict)                 # (exercise, property) -> words
    failures: list[Failure] = field(default_factory=list)


def verdicts(course: Path, keys) -> Verdicts:
    """Every property verdict kept in the autograded notebooks of these submissions."""
    found = Verdicts()
    for student, assignment in keys:
        for path in sorted((course / "autograded" / student / assignment).glob("*.ipynb")):
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:
                continue
            for cell in nb.cells:
                report = cell.get("metadata", {}).get("autograder", {}).get("report")
                if not report:
                    continue
                for r in report.get("results", []):
                    key = (report["exercise"], r.get("id") or r.get("name"))
                    found.names[key] = r.get("name", key[1])
                    found.checked[key] += 1
                    if r.get("passed"):
                        found.passed[key] += 1
                    else:
                        found.failures.append(Failure(key[0], key[1], r.get("name", ""), r.get("message", ""),
                                                      r.get("timeline", ""), r.get("fix", "")))
    return found


def kind_of(message: str) -> str:
    """What went wrong, without the numbers of one run: its first sentence, digits blanked."""
    first = re.split(r"(?<=[.!?])\s", message.strip(), maxsplit=1)[0]
    return re.sub(r"\d+(\.\d+)?", "N", first)


def picture(fig) -> str:
    """A matplotlib figure as an <img> with the PNG inside."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="" src="data:image/png;base64,{data}">'


def histograms(final: dict) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted({a for _, a in final})
    if not names:
        return "<p>No assignment has been released yet.</p>"
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3), squeeze=False)
    for ax, name in zip(axes[0], names):
        mine = [g for (_, a), g in final.items() if a == name]
        scores = [g.score for g in mine if g.submitted]
        top = max((g.max_score for g in mine), default=1) or 1
        ax.hist(scores, bins=min(10, max(1, int(top * 2))), range=(0, top), color="#4c72b0", edgecolor="white")
        missing = sum(1 for g in mine if not g.submitted)
        ax.set_title(f"{name}: {len(scores)} graded, {missing} not submitted", fontsize=9)
        ax.set_xlabel(f"score (of {top:g}, late penalties applied)")
        ax.set_ylabel("students")
        ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return picture(fig)


def pass_rates(found: Verdicts) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = sorted(found.checked, key=lambda k: (found.passed[k] / found.checked[k], k))
    if not keys:
        return "<p>No check has run yet.</p>"
    rates = [100 * found.passed[k] / found.checked[k] for k in keys]
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(keys) + 1))
    colors = ["#c44e52" if r < 50 else "#dd8452" if r < 80 else "#55a868" for r in rates]
    ax.barh(range(len(keys)), rates, color=colors)
    ax.set_yticks(range(len(keys)), [f"{e} · {p}" for e, p in keys], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions that passed (%)")
    for i, k in enumerate(keys):
        ax.text(min(rates[i] + 1, 88), i, f"{found.passed[k]}/{found.checked[k]}", va="center", fontsize=7)
    fig.tight_layout()
    return picture(fig)


def common_failures(found: Verdicts, limit: int = 12) -> str:
    groups = defaultdict(list)
    for f in found.failures:
        groups[(f.exercise, f.property, kind_of(f.message))].append(f)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    if not ordered:
        return "<p>No check failed.</p>"
    parts = []
    for (exercise, prop, kind), members in ordered:
        example = members[0]
        story = "\n".join(filter(None, [example.message, example.timeline])) or "(no message)"
        parts.append(
            f"<section class='failure'><h3>{len(members)} × {html.escape(exercise)} · {html.escape(prop)}</h3>"
            f"<p class='what'>{html.escape(example.name)}</p><p><b>{html.escape(kind)}</b></p>"
            f"<p>One example (anonymised), with the decisive steps of its story where the check has them:</p>"
            f"<pre>{html.escape(story)}</pre>"
            + (f"<p><i>Fix:</i> {html.escape(example.fix)}</p>" if example.fix else "") + "</section>")
    return "\n".join(parts)


def flagged(course: Path) -> str:
    rows = [r for r in read_report(course / "grading-report.csv") if r.flags]
    if not rows:
        return "<p>Nobody is flagged.</p>"
    body = "".join(f"<tr><td>{html.escape(r.student)}</td><td>{html.escape(r.assignment)}</td><td>"
                   + "<br>".join(html.escape(str(f)) for f in r.flags) + "</td></tr>" for r in rows)
    return f"<table><tr><th>student</th><th>assignment</th><th>flags</th></tr>{body}</table>"


STYLE = """body{font-family:DejaVu Sans,Arial,sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}
img{max-width:100%;height:auto}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;text-align:left}
section.failure{border-left:4px solid #c44e52;padding-left:.8em;margin:1em 0}h3{margin:.2em 0}"""


def write_summary(course: Path, out: Path, db_url: str | None = None) -> Path:
    """Write the class summary of ``course`` to ``out`` (HTML, pictures embedded)."""
    course = Path(course).resolve()
    db_url = db_url or course_config(course).CourseDirectory.db_url
    roster = rosters.read(db_url)
    final = grades.read(db_url, [(s, a) for s in roster.students for a in roster.assignments])
    found = verdicts(course, [k for k, g in final.items() if g.submitted])
    course_id = course_config(course).CourseDirectory.course_id or course.name
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Class summary: {html.escape(course_id)}</title>
<style>{STYLE}</style></head><body>
<h1>Class summary: {html.escape(course_id)}</h1>
<p>{len(roster.students)} students on the roster, {len(roster.assignments)} released assignment(s),
{sum(g.submitted for g in final.values())} graded submission(s).</p>
<h2>Scores per assignment</h2>{histograms(final)}
<h2>Pass rate per property</h2>
<p>Each property is one thing that can go wrong; a low bar is a lesson to revisit.</p>{pass_rates(found)}
<h2>Most common failures</h2>{common_failures(found)}
<h2>Students with flags</h2>{flagged(course)}
</body></html>
"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page)
    return out
