"""Command line: python -m autograder {grade,demo,export,gradescope-bundle,release,solutions,lab,hub,selfcheck}.

Library code raises exceptions; this is the one place that turns them into messages and
exit codes.
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
    _grading_options(g)
    d = sub.add_parser("demo", help="grade the sample submissions in a scratch copy of the course")
    _course(d)
    d.add_argument("--scratch", type=Path, default=None, help="default: <course>/.demo-course")
    d.add_argument("--gradebook", metavar="URL",
                   help="gradebook database for the demo (default: a SQLite file in the scratch folder)")
    _grading_options(d)
    e = sub.add_parser("export", help="write results.json per graded submission for another platform")
    e.add_argument("format", choices=("gradescope", "prairielearn"))
    _course(e)
    e.add_argument("--out", type=Path, default=None, help="default: <course>/exports/<format>")
    b = sub.add_parser("gradescope-bundle", help="build the autograder zip for Gradescope")
    _course(b)
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
    from autograder.instructor.gradebook import GradebookError
    from autograder.sandbox import SandboxUnavailable
    from autograder.instructor.test_cells import UngradableCell

    try:
        return run(args)
    except (SandboxUnavailable, UngradableCell, GradebookError) as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2


def run(args) -> int:
    if args.command == "grade":
        from autograder.instructor.grading import grade_course
        grade_course(args.course, deadline=args.deadline, sandbox=not args.no_sandbox, jobs=args.jobs,
                     progress=args.progress)
    elif args.command == "demo":
        from autograder.instructor.demo import run_demo
        run_demo(args.course, args.scratch or args.course / ".demo-course", jobs=args.jobs,
                 progress=args.progress, gradebook_url=args.gradebook)
    elif args.command == "export":
        from autograder.instructor.exports import export
        from autograder.instructor.settings import gradebook_url
        course = args.course.resolve()
        written = export(course, args.format, db_url=gradebook_url(course), out=args.out)
        print(f"{len(written)} results.json written under {args.out or course / 'exports' / args.format}")
    elif args.command == "gradescope-bundle":
        from autograder.instructor.gradescope import build_bundle
        print(f"wrote {build_bundle(args.course, args.out or args.course / 'gradescope-autograder.zip')}")
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
