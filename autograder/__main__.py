"""Command line: python -m autograder {grade,demo,release,lab,hub,selfcheck}."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="autograde submitted/, generate feedback, export grades.csv")
    g.add_argument("--course", type=Path, default=REPO)
    g.add_argument("--deadline", type=float, default=300.0, help="seconds per submission")
    d = sub.add_parser("demo", help="grade the sample submissions in a scratch course")
    d.add_argument("--scratch", type=Path, default=REPO / ".demo-course")
    d.add_argument("--gradebook", metavar="URL",
                   help="gradebook database for the demo (default: a SQLite file in the scratch folder)")
    r = sub.add_parser("release", help="regenerate release/ from source/")
    r.add_argument("assignments", nargs="*")
    l = sub.add_parser("lab", help="start JupyterLab with nbgrader")
    l.add_argument("--port", type=int, default=8888)
    h = sub.add_parser("hub", help="start JupyterHub for a class on this machine (deploy/)")
    h.add_argument("--port", type=int, default=8000)
    h.add_argument("--state", type=Path, default=REPO / ".hub",
                   help="the hub's own files: database, users' homes, the exchange")
    h.add_argument("--course", type=Path, default=REPO, help="the instructor's course folder")
    s = sub.add_parser("selfcheck", help="run all checks on a notebook")
    s.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)

    if args.command == "grade":
        from .grading import grade_course
        grade_course(args.course, deadline=args.deadline)
    elif args.command == "demo":
        from .demo import run_demo
        run_demo(args.scratch, gradebook_url=args.gradebook)
    elif args.command == "release":
        from .release import release
        return 0 if release(REPO, args.assignments) else 1
    elif args.command == "lab":
        from .lab import run_lab
        return run_lab(args.port)
    elif args.command == "hub":
        from .hub import run_hub
        return run_hub(args.port, args.state, args.course)
    elif args.command == "selfcheck":
        from .selfcheck import selfcheck
        notebooks = args.notebooks or sorted(REPO.glob("release/*/*.ipynb"))
        ok = [selfcheck(nb) for nb in notebooks]
        return 0 if all(ok) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
