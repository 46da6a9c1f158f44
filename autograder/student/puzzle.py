""""You are the scheduler": break a flawed class by choosing who runs at each step.

In a lesson: ``puzzle.show("counter_schedule")`` prints the flawed class, the scenario and
the rules; ``puzzle.run("counter_schedule", [1, 2, ...])`` replays a schedule and shows
every step as a list and a picture (try as many as you like), and ``autograder.step(...)``
lets you click through one; the graded test cell calls
``puzzle.check("counter_schedule", counter_schedule)``, which does the same and fails unless
the schedule broke the invariant. Under grading the grader replays the schedule from your
submitted answer cell itself (autograder/instructor/verdicts.py). The flawed classes and
the replay are autograder.checks.puzzles.
"""
from __future__ import annotations

from autograder.checks.puzzles import PUZZLES, described, feedback, judge
from autograder.environment import being_graded

__all__ = ["PUZZLES", "show", "run", "check", "fix"]


def show(puzzle_id: str, say=print) -> None:
    """Print the flawed class, the scenario, what to break and how a schedule reads."""
    if puzzle_id not in PUZZLES:
        raise ValueError(f"there is no puzzle {puzzle_id!r}; there are {', '.join(PUZZLES)}")
    say(described(puzzle_id))


def run(puzzle_id: str, schedule, *, picture: bool = True, say=print):
    """Replay ``schedule`` on the puzzle's flawed class: the verdict, every step, and a
    swim-lane picture. Returns the Verdict (``.broken``, ``.steps``, ``.decisive``)."""
    verdict = judge(puzzle_id, schedule)
    say(feedback(verdict))
    marked = {s.index for s in verdict.decisive}
    say("Every step" + (" (* = the ones above):" if marked else ":"))
    for s in verdict.steps:
        if s.verb != "time":
            say(f"{'*' if s.index in marked else ' '} {s.index:>2}. {s.text}")
    if picture:
        from .pictures import plot_steps

        plot_steps(verdict.steps, marked=verdict.decisive,
                   title=f"{PUZZLES[puzzle_id].flawed.__name__} under your schedule")
    return verdict


def check(puzzle_id: str, schedule) -> None:
    """The graded test cell: :func:`run`, then AssertionError unless the schedule broke the
    invariant (the cell then scores 0)."""
    if being_graded():
        print(f"{puzzle_id}: replayed by the grader from your submitted answer cell")
        return
    try:
        verdict = run(puzzle_id, schedule)
    except ValueError as exc:
        raise AssertionError(str(exc)) from None
    if not verdict.broken:
        raise AssertionError(f"{puzzle_id}: your schedule did not break {PUZZLES[puzzle_id].flawed.__name__}")


def fix(puzzle_id: str, cls, *, picture: bool = True, say=print) -> None:
    """Break it, then fix it: explore every distinct interleaving of the puzzle's scenario on
    ``cls``, your fixed class, and print the certificate or the first failing run (its
    decisive steps and a picture); see autograder.student.fixes."""
    from .fixes import verify_fix

    verdict = verify_fix(puzzle_id, cls)
    say(verdict.message)
    failure = verdict.failure
    if failure is None:
        return
    from autograder.engine import story

    told = story(failure)
    if told.summary:
        say(told.summary[0].upper() + told.summary[1:] + ".")
    say("The steps that show it:")
    for s in told.steps:
        say(f"  {s.index:>2}. {s.text}" + (f"   ({s.code})" if s.code else ""))
    if picture:
        from .pictures import plot_steps

        plot_steps(failure.steps, marked=told.steps, title=f"{cls.__name__}: the first run that breaks it")
