"""Self-check questions: ``quiz.check(question_id, answer)`` says whether an answer is right.

This table is the grader's: ``verdict()`` is what the trusted grading path uses on the value
an answer cell gave its variable (evaluated in a sandbox); notebooks reach ``check()``
through the student API (``autograder.quiz``).

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


def verdict(question: str, answer) -> tuple[bool, str]:
    """(right, what to tell the student) for ``answer`` to ``question``; KeyError if unknown."""
    try:
        expected, why, hint = QUESTIONS[question]
    except KeyError:
        raise KeyError(f"there is no self-check question {question!r}") from None
    if answer is None or answer is Ellipsis:
        return False, "no answer yet: replace the placeholder in the cell above with your answer"
    if digest(question, answer) != expected:
        return False, f"not quite ({answer!r}). Hint: {hint}"
    return True, f"Right. {why}"


def check(question: str, answer) -> None:
    """Print why ``answer`` is right, or raise AssertionError with a hint."""
    right, message = verdict(question, answer)
    if not right:
        raise AssertionError(message)
    print(message)


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
_question("processes_selfcheck_4", "3b1c87b735eb126515be3f558ff23a6064ec993559dee0df87728b35297d6c95",
          "A forked child is a copy of the parent's memory at the moment of the fork, changes "
          "included; spawn and forkserver children import the module afresh and see 'slow'.",
          "which start method copies the parent's memory, and which ones import the module again?")

# ---------------------------------------------------------------- 02 · locks
_question("locks_selfcheck_1", "7a0e70ef9e35a20c605ee79dbb548b3f865059433c34d4560ab37e2186deefdf",
          "release() never ran, so the lock stays held, even after its holder has ended; use "
          "`with lock:` (or try/finally) and a timeout.",
          "does a multiprocessing lock know that the process holding it has died?")
_question("locks_selfcheck_2", "e204502d038c49af066067558e713c59513157b399b48cac802230c86959a880",
          "An RLock counts its holder's acquisitions; a Lock makes its own holder wait for a "
          "release, and the only process that would release it is the one waiting.",
          "who would have to release the Lock for the inner `with r:` to go on?")
_question("locks_selfcheck_3", "bbd5607a31f8cb1a160a861834d2ccb65b4162b3121ddd75f20a77ebb1dbb0ca",
          "Holding the lock during the work serialises the processes: 4 x 10 rounds x 11 ms. "
          "With the work outside the lock it would take about 110 ms.",
          "while one process holds the lock for 11 ms, what do the other three do?")

# ---------------------------------------------------------------- 03 · semaphores
_question("semaphores_selfcheck_1", "57b90a8d6f7a41daf9b0fd7c76d4f378e431b49405ae858dfbc9cd0a5379008f",
          "Three slots: the fourth process waits in acquire() until one of the three releases.",
          "how many slots does the semaphore start with?")
_question("semaphores_selfcheck_2", "9bf729a7f169549b8b7560bb44bd8501fdb4d72bd8762531317828e6d69661d1",
          "A plain Semaphore counts every release(): the extra one added a third slot, silently.",
          "what does release() do to a plain Semaphore's value, whoever calls it?")
_question("semaphores_selfcheck_3", "cea8969a12ea0255a965f50a6c97ef204dddbf1baf8bdb639bcb5a3187125462",
          "Where CPython can read a semaphore's value (Linux, Windows), BoundedSemaphore refuses "
          "to grow past its initial value and raises ValueError where the extra release() "
          "happens; macOS has no sem_getvalue(), so there it behaves like a Semaphore (CPython's "
          "documentation says so).",
          "what must the semaphore read to notice that it was released once too often, and can "
          "every platform read it?")

# ---------------------------------------------------------------- 04 · events and barriers
_question("events_barriers_selfcheck_1", "fcae06c60a715bffc72be9cf07285bad834958f566dbe263576f4453cf36b5ef",
          "wait(timeout) blocks up to the timeout and returns the flag: False means it gave up.",
          "Event.wait raises nothing on a timeout; what does it return instead?")
_question("events_barriers_selfcheck_2", "bee2dc81e003a62e9d4829177a80e82d399b36845a55c5d755621d21701eec25",
          "The third party never comes; at the timeout the barrier breaks and every waiter gets "
          "BrokenBarrierError.",
          "what does a barrier do when its wait times out?")
_question("events_barriers_selfcheck_3", "a78b8e19a7fc928b7fd80a6b8702b67e7861e8c4f2b1d902caa15903998aae4b",
          "The waiter wakes, then looks at the flag: if clear() ran first it reports False. An "
          "Event is a state, not a queue of signals.",
          "what does a woken waiter look at before wait() returns?")

# ---------------------------------------------------------------- 05 · conditions
_question("conditions_selfcheck_1", "8786f002617999393243c60798daa09266792401cd55c03205449d458bf8c3f1",
          "A wake-up only says 'look again': re-check the state under the lock, every time.",
          "what can have happened between the notify and the moment wait() returns?")
_question("conditions_selfcheck_2", "15033aeb591a642529a8a3c412eef1ac2197e6c707f6c93970e7592a46427508",
          "notify() wakes one arbitrary waiter; if it is a producer, the consumer's wake-up is "
          "lost. Use notify_all(), or one condition per kind of waiter.",
          "which waiter does notify() wake when producers and consumers share a condition?")
_question("conditions_selfcheck_3", "400ec9d325e7408db59a97a05015751244b354721dd05db6f272b149d39ba254",
          "The condition is shared, the list is not: P1 appended to its own copy.",
          "which of the two attributes lives in shared memory?")
_question("conditions_selfcheck_4", "69677b5fd6a771764531d1ad00b52595169224d2bdd1895384a5678989ecac13",
          "The writer needs the count of readers to reach 0, and overlapping readers never let "
          "it: the writer starves while everyone else makes progress.",
          "what must be true for the writer's wait_for to return, and does it ever become true?")
_question("conditions_selfcheck_5", "ff4c04dc975434a273237228c8749e15b9ec810ec2c00bd438108298a234e310",
          "Preferring writers moves the risk of starvation to the readers; a fair lock serves "
          "everyone in order of arrival instead.",
          "who waits now while a writer waits, and what if writers never stop coming?")

# ---------------------------------------------------------------- 06 · deadlock
_question("deadlock_selfcheck_1", "d76262cfb30bfaae420084bafef9a0978d9f43493b01b38bd381a18da063a057",
          "With one global order, nobody holding a later lock ever waits for an earlier one, "
          "so the wait-for graph cannot close a cycle.",
          "which condition is about the shape of the wait-for graph?")
_question("deadlock_selfcheck_2", "30b75f9ee3ad29b0825f672c0123d26992aa152e71414a443083304b78adcf04",
          "id() is an address in the asking process; spawned processes build their own copies "
          "of the locks, and their addresses need not be in the same order.",
          "whose memory does id() describe, and how did the locks get into a spawned process?")
_question("deadlock_selfcheck_3", "afaf2a916a8c992248c0bee670ee9fd19ecae8e8ef2b512b12aea02d615550bb",
          "Each philosopher waits for the right fork, held by the neighbour, all the way round: "
          "a cycle through all five.",
          "who holds the fork each philosopher waits for?")
_question("deadlock_selfcheck_4", "1bde58eaa888bf872538b98b4dd61bef9414eefe9ab999f80f84a268732b2d26",
          "Nobody takes a lock away from its holder, but a holder that times out gives its lock "
          "back by itself: the lock is preempted, voluntarily. Hold and wait still happens, "
          "for at most the timeout.",
          "after the timeout, what happens to the lock the process was holding?")

# ---------------------------------------------------------------- 07 · message passing
_question("messages_selfcheck_1", "51e56b858c407182757971f3320bdf7824dcc19fdb030820ac8dfad5073c4ee4",
          "The child's feeder thread must push all 10 MB into the pipe before the child can "
          "exit, and nobody reads the pipe: drain the queue before joining.",
          "when does a process that has put data on a Queue actually exit?")
_question("messages_selfcheck_2", "568b1f8c2af9a62569529ad2d8ba2d4b672a35a1e83965fa1e108731b7b72bcd",
          "Each message is handled atomically by the manager, but += is two messages; hold a "
          "manager Lock around it (or send increments instead of sharing the dict).",
          "how many messages does d['n'] += 1 send to the manager?")
_question("messages_selfcheck_3", "85076a7d1280dccc37061dc865472a1e9e0e358ad82d10821e0928c42b28e915",
          "Queue.get and Connection.poll take timeouts; SimpleQueue.get and JoinableQueue.join "
          "do not.",
          "look at each call's signature: which ones accept a timeout?")

# ---------------------------------------------------------------- 09 · shared memory
_question("shared_memory_selfcheck_1", "4a0cdf6b4ddc6ef635aea07b5a4aadd6ffc69bb92a92da17b63fb5006d632b64",
          "unlink() removes the name (once, in one process); close() only unmaps the segment "
          "from the process that calls it.",
          "which call is made once, by one process, and which one by every process?")
_question("shared_memory_selfcheck_2", "18c7b434dec55c8fa43bae45e3a0bd5ef856d112766deb0e0fbed845a0bc6bd6",
          "Under spawn a Process argument is pickled, and a numpy array pickles as a copy of its "
          "data. Pass the segment's name (and shape, dtype) instead.",
          "what does pickling a numpy array send: the memory it views, or its values?")
_question("shared_memory_selfcheck_3", "e4129db53e70faa311f13e6f18346acdcca6df25f0d7e4ff238ae073e2aa6c88",
          "The memoryview cannot be released while something still exports it: delete every "
          "view, then close().",
          "what does close() do to shm.buf, and can it while the array uses it?")
_question("shared_memory_selfcheck_4", "a3fc7f04a5ddfe193c4ba53d39af5e6851eb59d665db7b03e1fe000887357292",
          "A segment outlives its creator; the resource tracker is the safety net that unlinks "
          "leftovers when the whole program ends, and warns about them.",
          "is a segment tied to the process that made it, and who cleans up at the very end?")
_question("shared_memory_selfcheck_5", "1f06ebf663c2c87cc4ac1bf97b90fa1ef4a8fbdc35379f8c5fc37f08ad2cb72b",
          "Every view maps the same pages: one copy of the data, however many processes look.",
          "does attaching or making a numpy view copy the bytes?")
