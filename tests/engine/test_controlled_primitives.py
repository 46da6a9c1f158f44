"""Semantics of every controlled primitive: return values, error types and messages,
blocking and timeouts (virtual), matching CPython's multiprocessing."""
import ctypes
import threading
import time

import pytest

from autograder.engine import ControlledContext, Scenario, explore
from tests.engine.controlled_helpers import run_procs, why



class Box:
    """Holds whatever primitives a test needs; processes get copies of the box."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def box(**factories):
    return lambda ctx: Box(**{k: f(ctx) for k, f in factories.items()})


def ok(results, failure):
    assert failure is None, why(failure)
    return results


# --------------------------------------------------------------------------- Lock
def test_lock_acquire_release_return_values():
    def p1(b):
        out = [b.lock.acquire(), b.lock.acquire(False), b.lock.acquire(block=False),
               b.lock.acquire(True, 0), b.lock.acquire(timeout=-1), b.lock.acquire(False, 5)]
        b.lock.release()
        out.append(b.lock.acquire(block=False))
        out.append(b.lock.release())
        with b.lock as entered:
            out.append(entered)
        return out

    res = ok(*run_procs(box(lock=lambda c: c.Lock()), p1)[:2])
    assert res[0] == [True, False, False, False, False, False, True, None, True]


def test_lock_release_unheld_raises_valueerror():
    def p1(b):
        b.lock.release()

    res, failure, _ = run_procs(box(lock=lambda c: c.Lock()), p1)
    assert failure is None, why(failure)
    assert isinstance(res[0], ValueError)
    assert str(res[0]) == "semaphore or lock released too many times"


def test_lock_may_be_released_by_another_process():
    def p1(b):
        b.lock.acquire()
        return "held"

    def p2(b):
        b.lock.release()
        return b.lock.acquire(False)

    res = ok(*run_procs(box(lock=lambda c: c.Lock()), p1, p2)[:2])
    assert res == ["held", True]


def test_lock_timeout_uses_virtual_time():
    def p1(b):
        b.lock.acquire()
        time.sleep(100)          # keeps the lock for 100 virtual seconds
        b.lock.release()

    def p2(b):
        t0 = time.monotonic()
        got = b.lock.acquire(timeout=5)
        return got, time.monotonic() - t0

    wall = time.perf_counter()
    res = ok(*run_procs(box(lock=lambda c: c.Lock()), p1, p2)[:2])
    assert time.perf_counter() - wall < 2.0
    got, waited = res[1]
    assert got is False
    assert waited == pytest.approx(5.0)


def test_lock_blocked_acquire_succeeds_after_release():
    def p1(b):
        b.lock.acquire()
        time.sleep(1)
        b.lock.release()

    def p2(b):
        return b.lock.acquire(timeout=5), time.monotonic()

    res = ok(*run_procs(box(lock=lambda c: c.Lock()), p1, p2)[:2])
    got, t = res[1]
    assert got is True
    assert t - res_start(t) == pytest.approx(1.0)


def res_start(t):
    from autograder.engine import MONOTONIC_BASE
    return MONOTONIC_BASE


def test_lock_twice_in_one_process_is_a_self_deadlock():
    def p1(b):
        with b.lock:
            with b.lock:
                pass

    _, failure, _ = run_procs(box(lock=lambda c: c.Lock()), p1)
    assert failure is not None and failure.kind == "deadlock", why(failure)
    assert failure.deadlock_cycle is not None and len(failure.deadlock_cycle) == 1, why(failure)
    assert "P1 holds lock and waits for lock" in failure.message, why(failure)


# --------------------------------------------------------------------------- RLock
def test_rlock_is_recursive_and_owned():
    def p1(b):
        out = [b.r.acquire(), b.r.acquire(), b.r.acquire(False)]
        b.r.release()
        b.r.release()
        time.sleep(1)           # P2 runs while P1 still holds it once
        b.r.release()
        return out

    def p2(b):
        out = [b.r.acquire(False)]
        try:
            b.r.release()
        except AssertionError as e:
            out.append(str(e))
        out.append(b.r.acquire(timeout=10))
        return out

    res = ok(*run_procs(box(r=lambda c: c.RLock()), p1, p2)[:2])
    assert res[0] == [True, True, True]
    assert res[1] == [False, "attempt to release recursive lock not owned by thread", True]


def test_rlock_release_unheld_raises_assertionerror():
    res = ok(*run_procs(box(r=lambda c: c.RLock()), lambda b: b.r.release())[:2])
    assert isinstance(res[0], AssertionError)
    assert "not owned" in str(res[0])


# --------------------------------------------------------------------------- semaphores
def test_semaphore_counts_and_blocks():
    def p1(b):
        s = b.s
        out = [s.get_value(), s.acquire(), s.acquire(), s.get_value(), s.acquire(False),
               s.acquire(timeout=2)]
        s.release()
        s.release()
        s.release()          # above the initial value: fine for a Semaphore
        out.append(s.get_value())
        with s as entered:
            out.append(entered)
        return out

    res = ok(*run_procs(box(s=lambda c: c.Semaphore(2)), p1)[:2])
    assert res[0] == [2, True, True, 0, False, False, 3, True]


def test_semaphore_negative_value_is_oserror():
    _, failure, _ = run_procs(box(s=lambda c: c.Semaphore(-1)), lambda b: None)
    assert failure is not None and failure.kind == "exception", why(failure)
    assert "OSError" in failure.message, why(failure)


def test_bounded_semaphore_over_release_raises_valueerror():
    def p1(b):
        b.s.acquire()
        b.s.release()
        b.s.release()

    res = ok(*run_procs(box(s=lambda c: c.BoundedSemaphore(1)), p1)[:2])
    assert isinstance(res[0], ValueError)
    assert str(res[0]) == "semaphore or lock released too many times"


def test_semaphore_release_wakes_waiter():
    def p1(b):
        return b.s.acquire(), time.monotonic()

    def p2(b):
        time.sleep(3)
        b.s.release()

    res = ok(*run_procs(box(s=lambda c: c.Semaphore(0)), p1, p2)[:2])
    assert res[0][0] is True
    assert res[0][1] == pytest.approx(res_start(0) + 3)


# --------------------------------------------------------------------------- Condition
def test_condition_requires_lock():
    def p1(b):
        out = []
        for f in (b.c.wait, b.c.notify, b.c.notify_all, lambda: b.c.wait_for(lambda: False)):
            try:
                f()
            except AssertionError as e:
                out.append(str(e))
        out.append(b.c.wait_for(lambda: 7))   # a true predicate returns at once
        return out

    res = ok(*run_procs(box(c=lambda c: c.Condition()), p1)[:2])
    assert res[0] == ["must acquire() condition before using wait()", "lock is not owned",
                      "lock is not owned", "must acquire() condition before using wait()", 7]


def test_condition_default_lock_is_rlock_and_custom_lock_is_used():
    ctx = ControlledContext()
    c = ctx.Condition()
    assert type(c._lock).__name__ == "RLock"
    lock = ctx.Lock()
    c2 = ctx.Condition(lock)
    assert c2._lock is lock
    with c2:
        assert c2.acquire(False) is False   # the same non-recursive lock


def test_condition_wait_timeout_and_notify():
    def waiter(b):
        with b.c:
            timed = b.c.wait(timeout=2)             # nobody notifies yet -> False
            t = time.monotonic()
            b.flag.value = 1
            notified = b.c.wait()                   # P2 notifies
            return timed, t - res_start(0), notified

    def notifier(b):
        while True:
            with b.c:
                if b.flag.value:
                    b.c.notify()
                    return "notified"
            time.sleep(0.5)

    res = ok(*run_procs(box(c=lambda c: c.Condition(), flag=lambda c: c.Value('b', 0)),
                        waiter, notifier)[:2])
    timed, t, notified = res[0]
    assert timed is False and t == pytest.approx(2.0) and notified is True
    assert res[1] == "notified"


def test_condition_notify_n_and_notify_all():
    def waiter(b):
        with b.c:
            b.count.value += 1
            return b.c.wait(timeout=10)

    def notifier(b):
        while True:
            with b.c:
                if b.count.value == 3:
                    b.c.notify(2)
                    break
            time.sleep(0.1)
        time.sleep(1)
        with b.c:
            b.c.notify_all()

    setup = box(c=lambda c: c.Condition(), count=lambda c: c.Value('i', 0))
    res = ok(*run_procs(setup, waiter, waiter, waiter, notifier)[:2])
    assert res[:3] == [True, True, True]


def test_condition_wait_for_timeout_and_rlock_depth_restored():
    def p1(b):
        with b.c:
            with b.c:                     # RLock held twice
                r = b.c.wait_for(lambda: b.v.value == 1, timeout=3)
                t = time.monotonic() - res_start(0)
                b.c.release()             # still held once
                owned_after = b.c.acquire(False)  # re-entrant: True
            return r, t, owned_after

    res = ok(*run_procs(box(c=lambda c: c.Condition(), v=lambda c: c.Value('i', 0)),
                        p1)[:2])
    r, t, owned = res[0]
    assert r is False and t == pytest.approx(3.0) and owned is True


# --------------------------------------------------------------------------- Event
def test_event_semantics():
    def p1(b):
        e = b.e
        out = [e.is_set(), e.wait(0), e.wait(timeout=1.5), time.monotonic() - res_start(0)]
        out.append(e.wait())            # P2 sets it
        out.append(e.is_set())
        e.clear()
        out.append(e.is_set())
        return out

    def p2(b):
        time.sleep(5)
        b.e.set()

    res = ok(*run_procs(box(e=lambda c: c.Event()), p1, p2)[:2])
    assert res[0][:3] == [False, False, False]
    assert res[0][3] == pytest.approx(1.5)
    assert res[0][4:] == [True, True, False]


# --------------------------------------------------------------------------- Barrier
def test_barrier_indices_action_and_properties():
    def p(b):
        return b.bar.wait()

    def setup(ctx):
        b = Box(calls=ctx.Value('i', 0))
        b.bar = ctx.Barrier(3, action=lambda: setattr(b.calls, "value", b.calls.value + 1))
        return b

    res, failure, obj = run_procs(setup, p, p, p)
    assert failure is None, why(failure)
    assert sorted(res) == [0, 1, 2]
    assert obj.calls.value == 1
    assert obj.bar.parties == 3 and obj.bar.n_waiting == 0 and obj.bar.broken is False


def test_barrier_timeout_breaks_it_for_everyone():
    def p(b):
        try:
            return b.bar.wait(timeout=2)
        except threading.BrokenBarrierError:
            return "broken", time.monotonic() - res_start(0)

    res, failure, obj = run_procs(box(bar=lambda c: c.Barrier(3)), p, p)
    assert failure is None, why(failure)
    assert res[0][0] == "broken" and res[1][0] == "broken"
    assert res[0][1] == pytest.approx(2.0)
    assert obj.bar.broken is True
    obj.bar.reset()
    assert obj.bar.broken is False


def test_barrier_abort_and_default_timeout():
    def waiter(b):
        try:
            b.bar.wait()
        except threading.BrokenBarrierError:
            return "broken"

    def aborter(b):
        time.sleep(1)
        b.bar.abort()
        try:
            b.bar.wait()
        except threading.BrokenBarrierError:
            return "still broken"

    res = ok(*run_procs(box(bar=lambda c: c.Barrier(3)), waiter, aborter)[:2])
    assert res == ["broken", "still broken"]

    res = ok(*run_procs(box(bar=lambda c: c.Barrier(2, timeout=4)), waiter)[:2])
    assert res == ["broken"]


# --------------------------------------------------------------------------- Value
def test_value_typecodes_and_wraparound():
    ctx = ControlledContext()
    v = ctx.Value('i', 2 ** 31 - 1)
    v.value += 1
    assert v.value == -2 ** 31
    assert ctx.Value('b', 300).value == 44
    assert ctx.Value('B', -1).value == 255
    assert ctx.Value('d', 3).value == 3.0
    assert isinstance(ctx.Value('d', 3).value, float)
    assert ctx.Value('f', 0.1).value == ctypes.c_float(0.1).value
    assert ctx.Value('q').value == 0
    assert ctx.Value('c', b'x').value == b'x'
    assert ctx.Value(ctypes.c_short, 70000).value == 4464
    q = ctx.Value('q', 2 ** 63 - 1, lock=False)
    q.value += 1
    assert q.value == -2 ** 63
    with pytest.raises(TypeError):
        ctx.Value('i', 0).value = 1.5
    with pytest.raises(TypeError):
        ctx.Value('z', 1)


def test_value_lock_variants():
    ctx = ControlledContext()
    v = ctx.Value('q', 5)
    assert type(v.get_lock()).__name__ == "RLock"
    assert v.get_obj().value == 5
    cname = ctypes.c_longlong.__name__          # c_long on LP64 platforms, like real ctypes
    assert repr(v) == f"<Synchronized wrapper for {cname}(5)>"
    assert v.acquire() is True
    v.release()
    with v as entered:
        assert entered is True
        v.value = 6                 # the RLock is re-entrant
    raw = ctx.Value('q', 5, lock=False)
    assert not hasattr(raw, "get_lock")
    assert repr(raw) == f"{cname}(5)"
    lock = ctx.Lock()
    v2 = ctx.Value('i', 1, lock=lock)
    assert v2.get_lock() is lock
    with pytest.raises(AttributeError, match="has no method 'acquire'"):
        ctx.Value('i', 1, lock=5)
    assert ctx.RawValue('l', 7).value == 7


# --------------------------------------------------------------------------- Array
def test_array_semantics():
    ctx = ControlledContext()
    a = ctx.Array('i', [1, 2, 3])
    assert len(a) == 3 and a[0] == 1 and a[-1] == 3
    assert a[0:2] == [1, 2] and a[::2] == [1, 3]
    assert list(a) == [1, 2, 3]
    a[0:2] = [7, 8]
    assert a[:] == [7, 8, 3]
    with pytest.raises(ValueError):
        a[0:2] = [1, 2, 3]
    with pytest.raises(IndexError):
        a[5]
    with pytest.raises(TypeError):
        a[0] = 1.5
    a[1] = 2 ** 31
    assert a[1] == -2 ** 31
    assert type(a.get_lock()).__name__ == "RLock"
    assert list(ctx.Array('d', 2)) == [0.0, 0.0]
    raw = ctx.Array('q', 4, lock=False)
    assert not hasattr(raw, "get_lock") and list(raw) == [0, 0, 0, 0]
    assert list(ctx.RawArray('b', [1, 2])) == [1, 2]
    assert ctx.Array('c', b'hi').value == b'hi'


def test_context_api():
    ctx = ControlledContext()
    assert ctx.get_start_method() == "controlled"
    assert isinstance(ctx.cpu_count(), int) and ctx.cpu_count() >= 1
    assert ctx.get_context() is ctx
    with pytest.raises(NotImplementedError, match="Queue"):
        ctx.Queue()


# --------------------------------------------------------------------------- scheduling points
def test_every_shared_access_is_a_scheduling_point():
    """Two processes each write then read a shared value: under exhaustive search some
    schedule interleaves them between the write and the read."""
    def p(k):
        def body(b):
            b.v.value = k
            return b.v.value
        return body

    seen = set()

    def check(b, results):
        seen.add(tuple(results))

    sc = Scenario("write then read", lambda ctx: Box(v=ctx.Value('i', 0, lock=False)),
                  [p(1), p(2)], check)
    r = explore(sc, "exhaustive", max_schedules=100, max_preemptions=2)
    assert r.ok and r.exhausted, str(r)
    assert (2, 2) in seen and (1, 1) in seen and (1, 2) in seen


def test_virtual_time_is_restored_even_after_errors():
    originals = (time.sleep, time.monotonic, time.time, time.perf_counter)

    def boom(ctx):
        raise RuntimeError("setup fails")

    sc = Scenario("setup error", boom, [lambda o: None])
    r = explore(sc, max_schedules=1)
    assert not r.ok and r.failure.kind == "exception", why(r.failure)
    assert "setup raised RuntimeError: setup fails" in r.failure.message, why(r.failure)
    assert (time.sleep, time.monotonic, time.time, time.perf_counter) == originals


def test_long_virtual_sleeps_cost_no_wall_time():
    def p(b):
        t = time.time()
        time.sleep(3600)
        return time.time() - t

    wall = time.perf_counter()
    res = ok(*run_procs(box(), p)[:2])
    assert res[0] == pytest.approx(3600)
    assert time.perf_counter() - wall < 2.0


def test_primitives_refuse_plain_pickling_like_multiprocessing():
    import copy
    import pickle
    ctx = ControlledContext()
    for prim in (ctx.Lock(), ctx.RLock(), ctx.Value('i', 1), ctx.Array('i', 2),
                 ctx.Condition(), ctx.Event(), ctx.Semaphore()):
        with pytest.raises(RuntimeError, match="through inheritance"):
            pickle.dumps(prim)
        with pytest.raises(RuntimeError, match="through inheritance"):
            copy.deepcopy(prim)
