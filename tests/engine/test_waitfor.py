"""The wait-for reporter (autograder/engine/waitfor.py) the engine and the lessons' traces
share: the cycle, where it starts, and each voice's sentences, on plain data."""
from autograder.engine.waitfor import (PARENT, Blocked, WaitEdge, deadlock_message, find_cycle,
                                       stuck_report, wait_edges)


def test_a_two_process_cycle_in_both_voices():
    blocked = [Blocked("P1", "lock B", "lock", ("lock A",), ("P2",)),
               Blocked("P2", "lock A", "lock", ("lock B",), ("P1",))]
    assert [b.process for b in find_cycle(blocked)] == ["P1", "P2"]
    assert stuck_report(blocked) == (
        "deadlock: P1 holds lock A and waits for lock B (held by P2); "
        "P2 holds lock B and waits for lock A (held by P1). Wait-for cycle: P1 → P2 → P1.")
    message, cycle = deadlock_message([Blocked("P1", "B", held_by=("P2",)), Blocked("P2", "A", held_by=("P1",))])
    assert message == "deadlock: P1 holds A and waits for B; P2 holds B and waits for A"
    assert wait_edges(cycle) == [WaitEdge("P1", "A", "B", "P2"), WaitEdge("P2", "B", "A", "P1")]


def test_the_cycle_starts_at_its_first_process_even_when_entered_from_outside():
    # P1 waits for P3, which is in a cycle with P2: the cycle is P2 -> P3 -> P2, told from P2.
    blocked = [Blocked("P1", "c", held_by=("P3",)), Blocked("P2", "a", held_by=("P3",)),
               Blocked("P3", "b", held_by=("P2",))]
    assert [b.process for b in find_cycle(blocked)] == ["P2", "P3"]
    assert stuck_report(blocked).startswith("deadlock: P2 waits for a (held by P3); P3 waits for b "
                                            "(held by P2); P1 waits for c (held by P3).")


def test_a_semaphore_with_several_holders_is_followed_through_the_one_that_waits():
    blocked = [Blocked("P1", "slots", "semaphore", ("lock",), ("P2", "P3")),
               Blocked("P3", "lock", "lock", ("slots",), ("P1",))]
    assert [b.process for b in find_cycle(blocked)] == ["P1", "P3"]


def test_waits_that_no_cycle_explains():
    # Not every wait-for edge is a cycle: a holder that ended, or one not blocked at all.
    assert find_cycle([Blocked("P2", "lock L", held_by=("P1",))]) is None
    assert stuck_report([Blocked("P2", "lock L", held_by=("P1",))], ended=["P1"]) == (
        "stuck: P2 waits for lock L (held by P1, which ended without releasing it: nobody ever will).")
    assert stuck_report([Blocked("P4", "slots", "semaphore", held_by=("P1", "P2", "P3"))],
                        ended=["P1", "P2", "P3"]) == (
        "stuck: P4 waits for slots (held by P1, P2 and P3, which all ended without releasing it: "
        "nobody ever will).")
    message, cycle = deadlock_message([Blocked("P2", "lock", held_by=("P1",))], finished=["P1"])
    assert cycle is None
    assert message == ("deadlock: every live process is blocked and none can wake it: P2 waits for "
                       "lock, held by P1, which finished without releasing it (P1 finished)")
    assert deadlock_message([Blocked("P1", "lock", held_by=(PARENT,))])[0].endswith(
        "P1 waits for lock, held by the parent (setup) and never released")


def test_a_lock_taken_twice_is_told_by_who_holds_it():
    # A lesson's trace names no process as its own holder: it already holds it itself. The
    # engine names the owner, itself: a cycle of one.
    lesson = Blocked("P1", "lock balance", "lock", ("lock balance",))
    assert stuck_report([lesson]) == ("stuck: P1 holds lock balance and waits for lock balance, which it "
                                      "already holds itself.")
    message, cycle = deadlock_message([Blocked("P1", "lock", held_by=("P1",))])
    assert message == "deadlock: P1 holds lock and waits for lock" and len(cycle) == 1


def test_the_other_waits_in_each_voice():
    blocked = [Blocked("P1", "cond", "notify"), Blocked("P2", "go", "event"),
               Blocked("P3", "end", "barrier", missing=2), Blocked("P4", "slots", "semaphore")]
    assert deadlock_message(blocked)[0] == (
        "deadlock: every live process is blocked and none can wake it: P1 waits on cond for a notify "
        "that never comes; P2 waits for go to be set; P3 waits at end for 2 more process(es); "
        "P4 waits for slots (value 0) to be released")
    assert stuck_report(blocked + [Blocked("P5", "tasks.join()", "call"), Blocked("P6", how=None),
                                   Blocked("P7", how="unseen")]) == (
        "stuck: P1 waits on cond for a notify that never came; P2 waits for go, which nobody set; "
        "P3 waits at end for parties that never arrived; P4 waits for slots; P5 is blocked in "
        "tasks.join(); P6 holds nothing and is not waiting (still working, or in an endless loop); "
        "P7 used no traced primitive (it is blocked on something the tracer does not see, or still "
        "working).")
