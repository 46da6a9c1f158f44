"""``autograder.step(...)``: be the scheduler by clicking, on a puzzle or on your own class.

* ``step("counter_schedule")``: the puzzle's flawed class in its scenario; the schedule you
  click is the list its answer takes, and one button copies it into ``counter_schedule``.
* ``step("safe_counter")`` (also ``"bounded_queue"``, ``"lock_ordering"``): the class your
  ``%%exercise`` cell saved, in a small scenario that can show the exercise's classic bug
  (autograder.student.step_scenarios).
* ``step(scenario=Scenario(...), cls=MyClass)``: any engine scenario.

It runs here, in your kernel (simulated processes: nothing is started, nothing is graded).
Needs ipywidgets (installed with the course); without a notebook front end the widget
cannot show.
"""
from __future__ import annotations

__all__ = ["step"]


def step(target: str | None = None, *, scenario=None, cls=None):
    """The click-to-step widget (autograder.student.step_widget) for ``target`` (see the
    module docstring): displayed in a notebook, returned elsewhere (tests)."""
    from .step_widget import StepWidget
    from .stepping import Stepper

    if scenario is not None:
        stepper = Stepper(lambda: scenario, title=scenario.name)
        return _shown(StepWidget(stepper, cls=cls))
    from autograder.checks.puzzles import PUZZLES

    if target in PUZZLES:
        puzzle = PUZZLES[target]
        name = puzzle.scenario().name
        stepper = Stepper(puzzle.scenario, title=name, invariant=puzzle.invariant)
        return _shown(StepWidget(stepper, cls=puzzle.flawed, variable=target))
    from .step_scenarios import SCENARIOS, scenario_for

    if target in SCENARIOS:
        from autograder.checks import exercise_for
        from autograder.checks.answers import answer_path, load_answer

        yours = exercise_for(target).load(load_answer(target, answer_path(target)))
        invariant, make = scenario_for(target, yours)
        stepper = Stepper(make, title=make().name, invariant=invariant)
        return _shown(StepWidget(stepper, cls=yours))
    raise ValueError(f"step() takes a puzzle ({', '.join(PUZZLES)}), an exercise you have answered "
                     f"({', '.join(SCENARIOS)}), or scenario=...; not {target!r}")


def _shown(widget):
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:        # pragma: no cover - plain Python
        return widget
    if get_ipython() is None:
        return widget
    display(widget)
    return None
