"""The ``%%exercise <id>`` cell magic: an answer cell becomes an importable module.

Child processes started with spawn or forkserver cannot unpickle a class defined in a
notebook (it lives in the kernel's ``__main__``). So the magic saves the cell's text as
module ``answer_<id>`` (autograder.checks.answers owns where), imports it fresh, and copies its
public names into the notebook. The class then pickles by reference to that module under
every start method, and the visible test cell checks exactly that text.
"""
from __future__ import annotations

from autograder.checks.answers import save_answer


def exercise(line: str, cell: str) -> None:
    """IPython cell magic body: ``%%exercise safe_counter``."""
    from IPython import get_ipython

    module = save_answer(line.strip(), "\n" + cell)     # the magic's line: numbered as in the cell
    public = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    get_ipython().user_ns.update(public)


def register(ipython) -> None:
    ipython.register_magic_function(exercise, magic_kind="cell", magic_name="exercise")
