"""What the lesson notebooks import.

``import course`` inside a notebook registers the ``%%exercise`` cell magic, and
``course.context()`` returns the multiprocessing context every lesson uses
(``COURSE_START_METHOD=fork|spawn|forkserver`` chooses it). It also makes a quiz or schedule
cell run before its answer say "not answered yet" (autograder.student.unanswered), and the
kernel stop multiprocessing's helper processes when it shuts down (course/kernel_exit.py).
What a notebook calls to check work (``check``, ``quiz``, ``puzzle``, ``replay``,
``check_my_answers``) is ``autograder``'s student API (autograder/student/).
"""
from __future__ import annotations

import multiprocessing
import os
import sys

from autograder.environment import START_METHOD



def start_method() -> str:
    """The start method lessons use: $COURSE_START_METHOD, else multiprocessing's default."""
    method = os.environ.get(START_METHOD) or multiprocessing.get_start_method(allow_none=True) \
        or multiprocessing.get_context().get_start_method()
    available = multiprocessing.get_all_start_methods()
    if method not in available:
        raise ValueError(
            f"{START_METHOD}={method!r} is not available here; choose one of {', '.join(available)}"
        )
    return method


def context():
    """The multiprocessing context for live cells (see start_method)."""
    return multiprocessing.get_context(start_method())


def load_ipython_extension(ipython) -> None:
    from autograder.student import unanswered

    from . import exercise, kernel_exit

    exercise.register(ipython)
    unanswered.install(ipython)
    kernel_exit.install(ipython)


def _register_magic_if_in_ipython() -> None:
    if "IPython" not in sys.modules:   # not in a notebook (e.g. a spawned worker): skip the import
        return
    from IPython import get_ipython

    ipython = get_ipython()
    if ipython is not None:
        load_ipython_extension(ipython)


_register_magic_if_in_ipython()
