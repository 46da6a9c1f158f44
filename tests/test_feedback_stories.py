"""The four reference wrong answers of issue 10 get feedback as a story: what went wrong in
one sentence, the decisive steps with the student's line, the fix, and the replay call, in
at most 15 lines. The properties are controlled (seeded, deterministic), so the exact steps
are asserted."""
from __future__ import annotations

import importlib.util
import sys

import pytest

from autograder.checks import exercise_for
from tests.testkit import REPO

CORPUS = REPO / "tests" / "corpus"
MAX_LINES = 15


def verdict(exercise: str, corpus_file: str, prop: str):
    """The PropertyResult of one controlled property on a corpus answer, in this process."""
    path = CORPUS / exercise / corpus_file
    name = f"answer_{exercise}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        graded = exercise_for(exercise)
        return graded.property(prop)(graded.load(module))
    finally:
        sys.modules.pop(name, None)


CASES = {
    "counter without a lock": (
        "safe_counter", "bad_no_lock.py", "atomic_under_controlled_interleavings",
        ["The counter ended at 2 instead of 4: updates were lost.",
         "1. P1 reads _value = 0   line 16: self._value.value += n",
         "2. P2 reads _value = 0",
         "7. P1 writes _value = 1",
         "P1 read _value at step 1 and wrote it back at step 7",
         "Fix: Hold one ctx lock around the whole read-add-write"]),
    "queue with if around wait": (
        "bounded_queue", "bad_if_wait.py", "no_lost_wakeups_controlled",
        ["1 came out twice, 2 was put but never came out",
         "P3 waits on _cond", "P1 notifies _cond (wakes P3)", "P4 acquires _cond",
         "P4 writes _count = 0", "P3 wakes up on _cond (notified)",
         "P3 was woken by P1's notify, but P4 took _cond first and changed _count to 0; then P3 went on "
         "without checking _count again.",
         "Fix: Wait in a loop, `while <nothing to take>: cond.wait()`"]),
    "bank locking src then dst": (
        "lock_ordering", "bad_argument_order.py", "no_deadlock_opposite_transfers",
        ["Deadlock: P1 and P2 each hold one lock and wait for the other's",
         "1. P1 acquires _locks[0]                line 27: with self._locks[src]:",
         "2. P2 acquires _locks[1]", "3. P2 blocks on _locks[0] (held by P1)  line 28: with self._locks[dst]:",
         "4. P1 blocks on _locks[1] (held by P2)",
         "Fix: Take the locks in one global order that every process agrees on"]),
    "three-transfer cycle": (
        "lock_ordering", "bad_argument_order.py", "cyclic_transfers",
        ["Deadlock: P1, P2 and P3 each hold one lock and wait for the next one's, in a cycle "
         "(P1 -> P2 -> P3 -> P1)",
         "P1 acquires _locks[0]", "P2 acquires _locks[1]", "P3 acquires _locks[2]",
         "P3 blocks on _locks[0] (held by P1)", "P1 blocks on _locks[1] (held by P2)",
         "P2 blocks on _locks[2] (held by P3)",
         "Fix: Take the locks in one global order"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_reference_answer_feedback_is_a_short_story(case):
    exercise, corpus_file, prop, expected = CASES[case]
    result = verdict(exercise, corpus_file, prop)
    assert not result.passed
    text = result.render()
    assert len(text.splitlines()) <= MAX_LINES, text
    for piece in expected:
        assert piece in text, f"{piece!r} is not in\n{text}"
    assert f'Every step, with a picture: autograder.replay("{exercise}", "{prop}")' in text
    assert "seed" not in text and "strategy=" not in text and "schedule=[" not in text, text
    assert "more steps" not in text and "omitted" not in text, text


def test_a_finding_keeps_its_fix_when_copied_or_pickled():
    # the engine copies and pickles a check's message along with a failure (shrinking, jobs)
    import copy
    import pickle

    from autograder.checks.controlled import Finding

    found = Finding("money was destroyed", "hold both locks")
    for again in (copy.copy(found), copy.deepcopy(found), pickle.loads(pickle.dumps(found))):
        assert again == "money was destroyed" and again.fix == "hold both locks"
