"""``autograder.replay(exercise, property)``: the failing run of your own answer, step by step.

The feedback of a controlled property that fails ends with this call, e.g.
``autograder.replay("bounded_queue", "no_lost_wakeups_controlled")``. In the notebook it loads
the answer your ``%%exercise`` cell saved, runs the same seeded search as the grader (so
it finds the same shrunk run), prints every step of that run with the line of your code
that made it (the steps the feedback named are marked ``*``), and draws it as a swim-lane
picture (autograder.student.pictures). Your code runs here, in your kernel, as when you run the
test cell.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["replay", "Replay"]


@dataclass
class Replay:
    """What :func:`replay` found: ``failure`` (an engine Failure, None if the property now
    passes), its ``steps`` (every one), ``decisive`` (those the feedback names) and ``text``
    (what was printed)."""

    failure: object
    steps: list
    decisive: list
    text: str
    title: str = ""           # the picture's: the scenario the run comes from, in words

    def __repr__(self):
        return f"Replay({len(self.steps)} steps, {'failed' if self.failure else 'passed'})"


def _property(exercise_id: str, name: str):
    from autograder.checks import exercise_for
    from autograder.checks.controlled import ControlledProperty

    exercise = exercise_for(exercise_id)
    prop = exercise.property(name)
    if not isinstance(prop, ControlledProperty):
        raise ValueError(f"{exercise_id}'s {name} runs real processes, whose runs cannot be replayed step by "
                         f"step; only controlled properties can (their feedback ends with autograder.replay(...))")
    return exercise, prop


def replay(exercise: str, prop: str, *, show: bool = True, say=print) -> Replay | None:
    """Re-run property ``prop`` of ``exercise`` on your answer and show its failing run as a
    list of steps and a picture. Returns a :class:`Replay` when ``show`` is False (nothing
    is printed or drawn then), else None."""
    from autograder.checks.answers import answer_path, load_answer
    from autograder.checks.controlled import STORY_STEPS, render_steps
    from autograder.engine import story
    from .pictures import plot_steps

    graded, check = _property(exercise, prop)
    cls = graded.load(load_answer(exercise, answer_path(exercise)))
    plan, failure, notes = check.search(cls)
    if failure is None:
        text = f"{check.title}: passes now ({'; '.join(filter(None, notes)) or 'nothing failed'})"
        result = Replay(None, [], [], text)
    else:
        told = story(failure, STORY_STEPS)
        steps = [s for s in failure.steps if s.verb != "time"]
        text = "\n".join([f"{check.title}", f"In {plan.scenario.name}:", failure.message,
                          render_steps(told, failure, every=steps)])
        result = Replay(failure, failure.steps, told.steps, text,
                        title=f"Your {graded.class_name}, step by step: {plan.scenario.name}")
    if not show:
        return result
    say(result.text)
    if result.failure is not None:
        plot_steps(result.steps, marked=result.decisive, title=result.title)
    return None
