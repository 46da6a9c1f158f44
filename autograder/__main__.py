"""Command line: python -m autograder {grade,demo,release,lab,selfcheck}."""
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
    g.add_argument("--no-sandbox", action="store_true",
                   help="grade without the bubblewrap sandbox (unsafe: student code runs as you)")
    d = sub.add_parser("demo", help="grade the sample submissions in a scratch course")
    d.add_argument("--scratch", type=Path, default=REPO / ".demo-course")
    r = sub.add_parser("release", help="regenerate release/ from source/")
    r.add_argument("assignments", nargs="*")
    l = sub.add_parser("lab", help="start JupyterLab with nbgrader")
    l.add_argument("--port", type=int, default=8888)
    s = sub.add_parser("selfcheck", help="run all checks on a notebook")
    s.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)

    if args.command == "grade":
        from .grading import grade_course
        from .sandbox import SandboxUnavailable
        from .trusted import UngradableCell
        try:
            grade_course(args.course, deadline=args.deadline, sandbox=not args.no_sandbox)
        except (SandboxUnavailable, UngradableCell) as exc:
            print(f"make grade: {exc}", file=sys.stderr)
            return 2
    elif args.command == "demo":
        from .demo import run_demo
        from .sandbox import SandboxUnavailable
        try:
            run_demo(args.scratch)
        except SandboxUnavailable as exc:
            print(f"make demo: {exc}", file=sys.stderr)
            return 2
    elif args.command == "release":
        from .release import release
        return 0 if release(REPO, args.assignments) else 1
    elif args.command == "lab":
        from .lab import run_lab
        return run_lab(args.port)
    elif args.command == "selfcheck":
        from .selfcheck import selfcheck
        notebooks = args.notebooks or sorted(REPO.glob("release/*/*.ipynb"))
        ok = [selfcheck(nb) for nb in notebooks]
        return 0 if all(ok) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
