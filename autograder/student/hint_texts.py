"""The hints: three per graded exercise and puzzle, two more per quiz question.

Each list goes from a nudge to a strong pointer, and none is an answer: no hint holds code
that passes an exercise, a schedule that breaks a puzzle, or a quiz question's choice or
number (tests/test_hints.py checks all three), and none names a hidden check. A quiz
question's first hint is the one its wrong answer already shows (autograder.checks.quizzes);
the two here follow it. Worked solutions are not hints: instructors hand them out after the
due date (docs/solutions.md).
"""
from __future__ import annotations

EXERCISES: dict[str, tuple[str, str, str]] = {
    "safe_counter": (
        "Where can another process run between your read of the total and your write of it? That gap "
        "is where an increment gets lost (the counter_schedule puzzle shows it step by step).",
        "Keep the total in shared memory made from ctx (a Value or a RawValue) and hold one lock, also "
        "from ctx, across the whole read-add-write: one `with` around both the read and the write, not "
        "one around each. Reading the value takes the same lock.",
        "A ctx.Value comes with its own lock (its get_lock()), so it can be both the total and its lock. "
        "Make everything in __init__, from ctx; increment adds n whatever its sign (0 and negatives "
        "need no special case); the value property reads under the lock. Then run the cell that tries "
        "your counter with 4 real processes.",
    ),
    "bounded_queue": (
        "The items must live in shared memory, not in a Python list: a ring buffer (ctx.Array('q', "
        "capacity)) with the index of the oldest item and the number of items in ctx values, all "
        "guarded by one lock from ctx.",
        "put() waits while the buffer is full and get() while it is empty: a Condition over that lock "
        "(or two, one per kind of waiter, over the same lock), with wait() inside a while loop, or "
        "wait_for(). After each change, wake the waiters of the other kind, all of them if they share "
        "one condition.",
        "A timeout is the total time a call may wait, however often it wakes up: compute the deadline "
        "once (time.monotonic() + timeout) and wait only for what is left, or let wait_for(predicate, "
        "timeout) do it; when it returns False, raise queue.Full or queue.Empty. The lesson's "
        "TicketsWhile (section 1) is the same pattern with one counter instead of a buffer.",
    ),
    "lock_ordering": (
        "Two transfers in opposite directions (0 to 1 and 1 to 0) each need both accounts' locks. In "
        "which order would they have to take them so that neither can hold one while waiting for the "
        "other's?",
        "Take the two locks in increasing account number, whichever way the money goes, and make total() "
        "take every lock in that same order. A transfer from an account to itself must not take the same "
        "Lock twice (the second acquire would wait for ever).",
        "Check the accounts and the amount before taking any lock, and the balance while holding both, "
        "so that a ValueError leaves everything unchanged. One ctx.Lock per account in a list, the "
        "balances in a ctx.Array: section 3's workers.transfer_ordered does the locking part with real "
        "processes.",
    ),
}

PUZZLES: dict[str, tuple[str, str, str]] = {
    "counter_schedule": (
        "An increment is lost when both processes read the total before either of them writes it back.",
        "Let P1 finish its first critical section (the read), then switch to P2 before P1 writes.",
        "puzzle.run(...) shows every step: P1's read section is three steps (acquire, read, release). "
        "Which process must write last for the counter to end at 1? After your last entry the run "
        "goes on by itself.",
    ),
    "queue_schedule": (
        "Two get() calls return the same item only if both consumers were woken by the same put().",
        "Let P2 and P3 each run until it waits on the condition, before P1 puts anything.",
        "Then let P1 put its first item and notify_all(), and let one consumer finish its get() "
        "completely before the other one moves: the second never looks again. A wake-up is a step of "
        "its own, and so is taking the lock back after it (puzzle.run lists them).",
    ),
    "bank_schedule": (
        "A deadlock needs each process to hold a lock the other one is waiting for.",
        "transfer(0, 1, 10) takes _locks[0] first; total() starts from the last account, _locks[1].",
        "Find the moment P1 holds _locks[0] and nothing else. If P2 now takes its first lock, can "
        "either of them ever go on? After your last entry the run goes on by itself.",
    ),
}

#: quiz question -> (second hint, third hint); the first is its wrong answer's hint
QUIZZES: dict[str, tuple[str, str]] = {
    "processes_selfcheck_1": (
        "Each process has its own copy of the module's globals; `global hits` names the copy in the "
        "process that runs the function.",
        "Section 1 runs exactly this with workers.COUNTER: compare what each child returned with what "
        "the notebook's workers.COUNTER shows afterwards.",
    ),
    "processes_selfcheck_2": (
        "A child gets a copy of ordinary Python objects (pickled under spawn, a copy-on-write snapshot "
        "under fork); only objects made by ctx live in memory that every process maps.",
        "Sections 1 to 3 pass a list, a Value and an Array to children and print the notebook's copy "
        "afterwards: which changes came back? More than one choice may be right.",
    ),
    "processes_selfcheck_3": (
        "`v.value += 1` is `tmp = v.value` (lock, read, unlock) and then `v.value = tmp + 1` (lock, "
        "write, unlock).",
        "Section 6's first pitfall runs this with two processes: compare the total with the increments "
        "made. And is a 32-bit int anywhere near its limit at 2,000?",
    ),
    "processes_selfcheck_4": (
        "A forked child begins as a copy of its parent at that moment; spawn and forkserver children "
        "begin in a fresh interpreter that imports the module again.",
        "Section 1b sets workers.COUNTER = 42 in the notebook and shows what each start method's "
        "children see.",
    ),
    "locks_selfcheck_1": (
        "A lock is a semaphore in shared memory. A process that raises before release() never runs "
        "it, and nothing runs it for that process, even after it has ended.",
        "Section 3 runs workers.update_without_finally: look at what happened to P2 and at the "
        "deadline's report.",
    ),
    "locks_selfcheck_2": (
        "The inner `with r:` asks for a lock its own process already holds. An RLock counts its "
        "holder's acquisitions; a Lock makes every acquire wait for a release.",
        "Section 5 runs workers.deposit with each kind of lock: compare the two outcomes.",
    ),
    "locks_selfcheck_3": (
        "Only one process can hold the lock at a time, so rounds of different processes cannot "
        "overlap at all while the work is inside it.",
        "Count it: every round of every process, one after another, each 11 ms long. Section 6's "
        "first timeline shows the same thing.",
    ),
    "semaphores_selfcheck_1": (
        "Each `with slots:` takes one slot and gives it back at its end; a process that finds no slot "
        "free waits in acquire().",
        "The answer depends neither on the number of processes nor on how long work() takes, only on "
        "the semaphore.",
    ),
    "semaphores_selfcheck_2": (
        "A plain Semaphore does not remember who acquired it: every release() adds one to its value.",
        "Start from the value it was made with and apply the extra release(): the value is how many "
        "processes can hold it at once.",
    ),
    "semaphores_selfcheck_3": (
        "To notice an extra release, a BoundedSemaphore compares its value with the one it was made "
        "with, so it must be able to read its value.",
        "Look for macOS in the lesson's BoundedSemaphore section (and in CPython's documentation of "
        "multiprocessing.BoundedSemaphore): can it read a semaphore's value there?",
    ),
    "events_barriers_selfcheck_1": (
        "A timeout on Event.wait() is not an error: wait() returns the flag's value when it returns.",
        "Nobody ever sets the flag. What can wait() report once its 2 s are over?",
    ),
    "events_barriers_selfcheck_2": (
        "A barrier lets its parties through only when all of them have arrived; a wait that times "
        "out breaks it for everyone waiting at it.",
        "What does a broken barrier do to the processes waiting at it when it breaks?",
    ),
    "events_barriers_selfcheck_3": (
        "Waking up and returning are two steps: a woken waiter reads the flag again before wait() "
        "returns, and clear() may have run by then.",
        "Event.wait returns the flag's value at the moment it returns, not whether set() was ever "
        "called.",
    ),
    "conditions_selfcheck_1": (
        "Between the notify() and the moment the woken process holds the lock again, any other process "
        "may take the lock and change the state; a wait with a timeout may also just end.",
        "Section 2's TicketsIf: a woken taker takes a ticket that another one took first. Which choice "
        "explains how that can happen?",
    ),
    "conditions_selfcheck_2": (
        "notify() wakes one waiter, whichever it is, whatever it waits for.",
        "Suppose the one woken is another producer, waiting for 'not full': it looks, and goes back to "
        "sleep. Who is still asleep, and is anything waiting for them?",
    ),
    "conditions_selfcheck_3": (
        "A Condition made from ctx is shared between processes; `self.items = []` is an ordinary list, "
        "copied into each process.",
        "Section 4 runs TicketsList: what did the takers get, and what was in the notebook's list?",
    ),
    "conditions_selfcheck_4": (
        "A readers-preferring writer waits until the count of readers is 0, and new readers may come in "
        "while it waits.",
        "Section 5's first timeline: when did the writer (P4) get in, and was there ever a moment "
        "without a reader before that?",
    ),
    "conditions_selfcheck_5": (
        "The fix gives readers one more reason to wait; it changes nothing for writers.",
        "Swap the roles in section 5's second timeline: if writers kept arriving, who would never get "
        "in?",
    ),
    "deadlock_selfcheck_1": (
        "A cycle in the wait-for graph needs some process that holds a later lock to wait for an "
        "earlier one.",
        "With one global order every process takes its locks in increasing order. Can the wait-for "
        "edges go all the way round?",
    ),
    "deadlock_selfcheck_2": (
        "id() returns an address in the memory of the process that calls it.",
        "Under spawn each child unpickles its own lock objects; section 3's id() demo prints which "
        "account each process locks first.",
    ),
    "deadlock_selfcheck_3": (
        "Each philosopher holds its left fork and waits for its right one, which its neighbour holds.",
        "Follow the waits round the table: P1 waits for P2's fork, P2 for P3's, ... Where does the "
        "chain close, and who is in it?",
    ),
    "deadlock_selfcheck_4": (
        "Giving the first lock back after a timeout changes what happens to the locks a process holds "
        "while it waits; it does not change the order in which locks are taken.",
        "Section 2's table says how each condition can be broken: find the row whose remedy is a "
        "holder giving back what it holds.",
    ),
    "messages_selfcheck_1": (
        "put() hands the object to a feeder thread, and a process does not exit until that thread has "
        "written everything into the pipe.",
        "A pipe holds about 64 KiB. With 10 MB to write and nobody reading yet, what does the child "
        "wait for, and what does the parent wait for? Section 2 runs it.",
    ),
    "messages_selfcheck_2": (
        "The manager runs the operations on its dict one at a time, but d['n'] += 1 is more than one "
        "operation.",
        "Section 5 runs it without and then with a manager lock: compare the totals.",
    ),
    "messages_selfcheck_3": (
        "Look at each signature: Queue.get(block=True, timeout=None), SimpleQueue.get(), "
        "Connection.poll(timeout=0.0), JoinableQueue.join().",
        "The table at the end of section 6 has a column 'timeouts'. More than one choice may be right.",
    ),
    "shared_memory_selfcheck_1": (
        "One of the two calls is about this process's mapping only; the other about the segment's "
        "name, for everyone.",
        "Section 2's table, and its cell: after which call does SharedMemory(name=...) raise "
        "FileNotFoundError?",
    ),
    "shared_memory_selfcheck_2": (
        "Under spawn every Process argument is pickled in the parent and unpickled in the child.",
        "Section 3 runs it: what did the notebook's data sum to after the spawned child filled its "
        "array?",
    ),
    "shared_memory_selfcheck_3": (
        "np.frombuffer keeps a reference to shm.buf, and close() has to release that memoryview.",
        "Section 2's first cell tries exactly this: what did close() print?",
    ),
    "shared_memory_selfcheck_4": (
        "The notebook's tracker is running, so under every start method the child registers its "
        "segment with that tracker (the table in section 4).",
        "A tracker cleans up when every process that uses it has exited. Which process is the last one "
        "here?",
    ),
    "shared_memory_selfcheck_5": (
        "Attaching maps the same physical pages into another process, and np.frombuffer makes a view, "
        "not a copy.",
        "How many copies of the bytes exist, however many processes map them and view them?",
    ),
}
