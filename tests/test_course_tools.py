"""What the lessons rely on from course/: trace times, blocking calls in a trace, children that
die of a signal, and the readers-writers locks of lesson 05. Real processes, with deadlines."""
from __future__ import annotations

import multiprocessing
import sys
import time
from multiprocessing import shared_memory

import pytest

from course import readers_writers, runner, sharedmem, tracing, workers


METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]


@pytest.mark.parametrize("method", METHODS)
def test_no_traced_event_comes_before_time_zero(method):
    # Time 0 is the first process past the start barrier; a busy parent used to take it late,
    # which put the children's first events at negative times on the timeline.
    ctx = multiprocessing.get_context(method)
    tracer = tracing.Tracer(ctx, processes=3)
    lock, work = tracer.Lock("total lock"), tracer.Activity("work")
    total = ctx.Value("q", 0, lock=False)
    result = runner.run(workers.work_and_update, [(lock, total, 2, 0.002, 0.001, True, work)] * 3,
                        ctx=ctx, tracer=tracer, deadline=60, check=True)
    assert total.value == 6
    child_events = [e for e in result.trace if e.process != "main"]
    assert len(child_events) == 3 * 2 * 5       # request, acquire, begin, end, release
    assert min(e.t for e in child_events) >= 0
    assert all(i.start >= 0 for i in result.trace.intervals())


def test_a_blocking_call_shows_as_waiting_and_explains_a_stuck_process():
    ctx = multiprocessing.get_context(METHODS[0])
    tracer = tracing.Tracer(ctx, processes=1)
    joined = tracer.Call("tasks.join()")
    tasks = ctx.JoinableQueue()
    tasks.put(1, timeout=5)                       # never marked done: join() cannot return
    result = runner.run(workers.wait_until_done, [(tasks, joined)], ctx=ctx, tracer=tracer,
                        deadline=1.0)
    assert result.stuck == ["P1"]
    assert "stuck: P1 is blocked in tasks.join()." in str(result)
    waits = [i for i in result.trace.intervals() if i.process == "P1"]
    assert [(i.state, i.primitive, i.open) for i in waits] == [("waiting", "tasks.join()", True)]
    tasks.get(timeout=5)
    tasks.close()
    tasks.join_thread()


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX signal")
def test_a_child_killed_by_a_signal_is_reported_as_such():
    shm = shared_memory.SharedMemory(create=True, size=32)
    try:
        result = runner.run(sharedmem.close_then_touch, [(shm.name,)], deadline=30)
    finally:
        shm.close()
        shm.unlink()
    assert not result.ok
    assert "P1 exited with code -11 (SIGSEGV) before reporting" in str(result)


def _writer_waits_then_reader_asks(lock_class, ctx):
    """A reader (the test) holds the lock; a writer (P1) asks for it; then the test asks for
    a second read. Returns whether that second read got in, and the writer's outcome."""
    rw = lock_class(ctx=ctx)
    document = ctx.Value("q", 0)
    rw.acquire_read(timeout=5)
    got_in = None
    with runner.start(readers_writers.writer, [(rw, document, 1, 0.0, 0.0, 0.0)], ctx=ctx,
                      deadline=30) as running:
        end = time.monotonic() + 20
        while rw._writers_waiting.value == 0:          # until the writer waits (with a deadline)
            assert time.monotonic() < end, "the writer never started waiting"
            time.sleep(0.01)
        try:
            rw.acquire_read(timeout=0.2)
            got_in = True
            rw.release_read()
        except TimeoutError:
            got_in = False
        rw.release_read()                              # now the writer can write
    return got_in, running.result, document.value


@pytest.mark.parametrize("lock_class, reader_gets_in", [
    (readers_writers.ReadersPreferring, True),       # readers overtake a waiting writer
    (readers_writers.WriterPreferring, False),       # the fix: they wait behind it
])
def test_who_goes_first_when_a_writer_waits(lock_class, reader_gets_in):
    ctx = multiprocessing.get_context(METHODS[0])
    got_in, result, version = _writer_waits_then_reader_asks(lock_class, ctx)
    assert got_in is reader_gets_in
    result.check()
    assert version == 1                                # the writer wrote once, in the end


def test_blocked_processes_are_stopped_once_idle_and_a_read_back_does_not_wait_for_their_locks():
    """A deadlock is reported after `idle` seconds, not at the deadline; the lock a killed
    process held is never released, and read_back says so instead of blocking the kernel."""
    from course import readback

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    locks = [ctx.Lock(), ctx.Lock()]
    balances = ctx.Array("q", [100, 100], lock=False)
    began = time.monotonic()
    result = runner.run([(workers.transfer_naive, (locks, balances, 0, 1, 10, 0.05)),
                         (workers.transfer_naive, (locks, balances, 1, 0, 10, 0.05))], ctx=ctx, deadline=60, idle=1)
    assert result.stuck == ["P1", "P2"] and result.idle == 1 and time.monotonic() - began < 30
    assert "used no CPU for 1 s" in str(result)
    value = ctx.Value("q", 7, lock=locks[0])          # its lock is held by a killed process
    unread = readback.read_back(readback.value_of, value, ctx=ctx)
    assert isinstance(unread, readback.Unread) and not unread and "still waiting" in repr(unread)
    assert readback.read_back(readback.value_of, ctx.Value("q", 7), ctx=ctx) == 7
    busy = runner.run(workers.add_unsafely_for, [(ctx.Value("q", 0), 1.5)], ctx=ctx, deadline=30, idle=0.5)
    assert busy.ok, busy                               # a process using the CPU is never idle
