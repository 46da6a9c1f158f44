"""Command line: python -m autograder {grade,feedback,summary,extension,demo,export,
gradescope-bundle,release,solutions,lab,hub,selfcheck}.

Library code raises exceptions; this is the one place that turns them into messages and
exit codes. ``grade`` exits 0 when every submission it graded has a final or pending grade
and nothing is a problem, 1 when it graded but some submission carries a problem flag (not
executed, inconclusive, unknown assignment, not on the roster: autograder/instructor/flags.py),
2 when it refused to start (no sandbox, an ungradable test cell, a stale quiz key, a
gradebook error, a bad option).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

COURSE_HELP = "the course folder: nbgrader_config.py, source/, submitted/ ... (default: this folder)"


def _course(p: argparse.ArgumentParser) -> None:
    p.add_argument("--course", type=Path, default=Path("."), help=COURSE_HELP)


def _grading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=int, default=None,
                   help="submissions graded side by side (default: c.Grading.jobs, else one per core)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar (default: when stderr is a terminal)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="autograde submitted/, generate feedback, export grades.csv")
    _course(g)
    g.add_argument("--deadline", type=float, default=None,
                   help="seconds per submission, of machine share: a busy machine stretches it "
                        "(default: c.Grading.submission_deadline, 300)")
    g.add_argument("--no-sandbox", action="store_true",
                   help="grade without the bubblewrap sandbox (unsafe: student code runs as you)")
    g.add_argument("--student", default=None, help="grade only this student's submissions (a regrade)")
    g.add_argument("--assignment", default=None, help="grade only submissions of this assignment")
    g.add_argument("--shard", default=None, metavar="I/N",
                   help="grade only the I-th of N deterministic slices (N machines, one gradebook server)")
    _grading_options(g)
    f = sub.add_parser("feedback", help="feedback for grades that became final (after manual grading), "
                                        "then grades.csv and grading-report.csv again")
    _course(f)
    sm = sub.add_parser("summary", help="write reports/class-summary.html: scores, properties, common failures")
    _course(sm)
    sm.add_argument("--out", type=Path, default=None, help="default: <course>/reports/class-summary.html")
    x = sub.add_parser("extension", help="give a student more time for an assignment (then regrade them)")
    _course(x)
    x.add_argument("student")
    x.add_argument("assignment")
    x.add_argument("--hours", type=float, required=True, help="hours after the due date (0 removes it)")
    d = sub.add_parser("demo", help="grade the sample submissions in a scratch copy of the course")
    _course(d)
    d.add_argument("--scratch", type=Path, default=None, help="default: <course>/.demo-course")
    d.add_argument("--gradebook", metavar="URL",
                   help="gradebook database for the demo (default: a SQLite file in the scratch folder)")
    _grading_options(d)
    e = sub.add_parser("export", help="write results.json per graded submission for another platform")
    e.add_argument("format", choices=("gradescope", "prairielearn", "canvas"))
    _course(e)
    e.add_argument("--out", type=Path, default=None,
                   help="default: <course>/exports/<format> (canvas: <course>/exports/canvas.csv)")
    b = sub.add_parser("gradescope-bundle", help="build the autograder zip for Gradescope")
    _course(b)
    b.add_argument("--assignment", default=None,
                   help="a bundle for this assignment only, which refuses a notebook of another")
    b.add_argument("--out", type=Path, default=None, help="default: <course>/gradescope-autograder.zip")
    gr = sub.add_parser("gradescope-run", help="what the bundle's run_autograder runs, on Gradescope")
    gr.add_argument("--root", type=Path, default=Path("/autograder"))
    r = sub.add_parser("release", help="regenerate release/ from source/")
    _course(r)
    r.add_argument("assignments", nargs="*")
    lab = sub.add_parser("lab", help="start JupyterLab with nbgrader, at release/ (what students work in)")
    _course(lab)
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--instructor", action="store_true",
                     help="open at the course folder (source/, solutions, the Formgrader) instead of release/")
    sol = sub.add_parser("solutions", help="write solutions/NN-topic.ipynb from source/ (docs/solutions.md)")
    _course(sol)
    sol.add_argument("assignments", nargs="*")
    h = sub.add_parser("hub", help="start JupyterHub for a class on this machine (deploy/)")
    _course(h)
    h.add_argument("--port", type=int, default=8000)
    h.add_argument("--state", type=Path, default=None,
                   help="the hub's own files: database, users' homes, the exchange (default: <course>/.hub)")
    s = sub.add_parser("selfcheck", help="run every check on notebooks, as the grader would")
    _course(s)
    s.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in <course>/release/")
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    # nbgrader creates a new gradebook's tables by running `alembic` from PATH (as the Makefile
    # says): this interpreter's own bin folder first, for the gradebooks opened in this process.
    import os
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    from autograder.instructor.diagrams import DiagramsUnavailable
    from autograder.instructor.gradebook import GradebookError
    from autograder.sandbox import SandboxUnavailable
    from autograder.instructor.test_cells import UngradableCell

    try:
        return run(args)
    except (SandboxUnavailable, UngradableCell, GradebookError, DiagramsUnavailable, ValueError) as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2


def run(args) -> int:
    if args.command == "grade":
        from autograder.instructor.flags import problems
        from autograder.instructor.grading import grade_course
        from autograder.instructor.selection import Selection, Shard
        selection = Selection(args.student or None, args.assignment or None,
                              Shard.parse(args.shard) if args.shard else None)
        results = grade_course(args.course, deadline=args.deadline, sandbox=not args.no_sandbox, jobs=args.jobs,
                               progress=args.progress, selection=selection)
        return 1 if problems(results) else 0
    elif args.command == "feedback":
        from autograder.instructor.grading import refresh
        refresh(args.course)
    elif args.command == "summary":
        from autograder.instructor.summary import write_summary
        course = args.course.resolve()
        print(f"wrote {write_summary(course, args.out or course / 'reports' / 'class-summary.html')}")
    elif args.command == "extension":
        from autograder.instructor.roster import grant_extension
        from autograder.instructor.settings import gradebook_url
        given = grant_extension(gradebook_url(args.course.resolve()), args.student, args.assignment, hours=args.hours)
        print(f"{args.student} has {given} more for {args.assignment}; regrade with "
              f"`make grade STUDENT={args.student} ASSIGNMENT={args.assignment}`")
    elif args.command == "demo":
        from autograder.instructor.demo import run_demo
        run_demo(args.course, args.scratch or args.course / ".demo-course", jobs=args.jobs,
                 progress=args.progress, gradebook_url=args.gradebook)
    elif args.command == "export":
        from autograder.instructor.settings import gradebook_url
        course = args.course.resolve()
        if args.format == "canvas":
            from autograder.instructor.canvas import CanvasExport, write_canvas_csv
            from autograder.instructor.roster import read
            from autograder.instructor.settings import course_config
            db_url = gradebook_url(course)
            out = args.out or course / "exports" / "canvas.csv"
            rows = write_canvas_csv(out, db_url, read(db_url), CanvasExport(config=course_config(course)))
            print(f"{rows} students written to {out}")
            return 0
        from autograder.instructor.exports import export
        written = export(course, args.format, db_url=gradebook_url(course), out=args.out)
        print(f"{len(written)} results.json written under {args.out or course / 'exports' / args.format}")
    elif args.command == "gradescope-bundle":
        from autograder.instructor.gradescope import build_bundle
        out = args.out or args.course / "gradescope-autograder.zip"
        print(f"wrote {build_bundle(args.course, out, assignment=args.assignment)}")
    elif args.command == "gradescope-run":
        from autograder.instructor.gradescope import run as run_gradescope
        results = run_gradescope(args.root)
        print(f"score {results.get('score', 0):g}; results in {args.root / 'results' / 'results.json'}")
    elif args.command == "release":
        from autograder.instructor.release import release
        return 0 if release(args.course, args.assignments) else 1
    elif args.command == "lab":
        from autograder.instructor.lab import run_lab
        return run_lab(args.course, args.port, instructor=args.instructor)
    elif args.command == "solutions":
        from autograder.instructor.solutions import write_solutions
        for path in write_solutions(args.course, args.assignments):
            print(f"wrote {path}")
    elif args.command == "hub":
        from autograder.instructor.hub import run_hub
        return run_hub(args.port, args.state or args.course / ".hub", args.course)
    elif args.command == "selfcheck":
        from autograder.student import check_notebook
        notebooks = args.notebooks or sorted(args.course.glob("release/*/*.ipynb"))
        ok = [check_notebook(nb) for nb in notebooks]
        return 0 if all(ok) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
