"""Self-check questions: ``quiz.check(question_id, answer)`` says whether an answer is right.

Answers are stored as salted digests, so reading this file does not give them away (it
would not take long to try every option of a multiple-choice question, but then you would
miss the point). A right answer prints why it is right; a wrong one raises AssertionError
with a hint, which is what makes the autograded self-check cell lose its point.

Every answer is a number or one or more choices: choices are letters, given as ``"b"``,
``"bd"``, ``"b, d"`` or ``["b", "d"]`` in any order and either case; numbers compare as
numbers (``0``, ``0.0`` and ``"0"`` are the same answer).
"""
from __future__ import annotations

import hashlib

# question id -> (digest of the right answer, why it is right, a hint when it is not)
QUESTIONS: dict[str, tuple[str, str, str]] = {}


def normalise(answer) -> str:
    """Numbers as integers where they are whole; choices as their sorted letters."""
    if isinstance(answer, bool):
        return str(answer).lower()
    if isinstance(answer, (int, float)):
        return str(int(answer)) if float(answer).is_integer() else repr(float(answer))
    if isinstance(answer, (list, tuple, set, frozenset)):
        answer = "".join(str(a) for a in answer)
    text = str(answer).strip().lower()
    try:
        return normalise(float(text))
    except ValueError:
        pass
    letters = text.replace(",", "").replace(" ", "").replace("(", "").replace(")", "")
    return "".join(sorted(set(letters)))


def digest(question: str, answer) -> str:
    return hashlib.sha256(f"course-quiz:{question}:{normalise(answer)}".encode()).hexdigest()


def check(question: str, answer) -> None:
    """Print why ``answer`` is right, or raise AssertionError with a hint."""
    try:
        expected, why, hint = QUESTIONS[question]
    except KeyError:
        raise KeyError(f"there is no self-check question {question!r}") from None
    if answer is None or answer is Ellipsis:
        raise AssertionError("no answer yet: replace the placeholder in the cell above with your answer")
    if digest(question, answer) != expected:
        raise AssertionError(f"not quite ({answer!r}). Hint: {hint}")
    print(f"Right. {why}")


def _question(question: str, answer_digest: str, why: str, hint: str) -> None:
    QUESTIONS[question] = (answer_digest, why, hint)


# ---------------------------------------------------------------- 01 · processes
_question("processes_selfcheck_1", "80ad8f7fd8df9e9f8a0031131d31a38ffc22a92b591a597c33b9bb0874aa3af3",
          "Each child incremented its own copy of hits; the parent's copy never changed.",
          "which process's copy of hits does the parent print?")
_question("processes_selfcheck_2", "fe7174262f8ba3afb8f6b6f44c6618746c51dfb106677814bae90ce0fa7d4953",
          "Only objects in shared memory made from ctx (Value, Array and their Raw forms) are "
          "shared; a global or a list is copied into each child.",
          "which of these live in shared memory, and which are copied into each child?")
_question("processes_selfcheck_3", "07fba519b517a394cd20f796b11ca0a8a54d63265c72d12d71c6344c3c5f6333",
          "The read and the write each take the lock, but another process can write in "
          "between them; hold v.get_lock() around the whole += to make it atomic.",
          "when exactly is the Value's lock held during v.value += 1?")

# ---------------------------------------------------------------- 02 · locks
_question("locks_selfcheck_1", "7a0e70ef9e35a20c605ee79dbb548b3f865059433c34d4560ab37e2186deefdf",
          "release() never ran, so the lock stays held, even after its holder has ended; use "
          "`with lock:` (or try/finally) and a timeout.",
          "does a multiprocessing lock know that the process holding it has died?")
_question("locks_selfcheck_2", "e204502d038c49af066067558e713c59513157b399b48cac802230c86959a880",
          "An RLock counts its holder's acquisitions; a Lock makes its own holder wait for a "
          "release that only the waiter could do.",
          "who would have to release the Lock for the inner `with r:` to go on?")
_question("locks_selfcheck_3", "bbd5607a31f8cb1a160a861834d2ccb65b4162b3121ddd75f20a77ebb1dbb0ca",
          "Holding the lock during the work serialises the processes: 4 x 10 rounds x 11 ms. "
          "With the work outside the lock it would take about 110 ms.",
          "while one process holds the lock for 11 ms, what do the other three do?")
