"""What the contention lab's worker processes run.

Everything a child process executes lives here, in an importable module, so the lab works
under fork, spawn and forkserver alike (a function defined in a notebook cannot be found by
a spawned child).

The parent starts a *crew* of long-lived worker processes once per sweep and hands them one
task after another over a private pipe each. Starting processes once matters: under spawn a
process start costs tens of milliseconds, far more than a measured run. Because locks,
barriers and shared arrays can only be handed to a child when it starts, every shared object
the sweep needs is created up front in a :class:`Lab` and passed to each crew member.

One task is one configuration (strategy, processes, work inside, work outside) repeated a
few times. Per task a participant does::

    warm-up loop                  (same code path, not timed)
    barrier  -> the leader resets the counter
    repeat R times:
        barrier                   (everybody starts together)
        t0 = perf_counter_ns()
        timed loop                (ops increments, or ops queue items)
        t1 = perf_counter_ns()
        barrier  -> the leader reads the final count and resets it

Timing is taken inside the workers, so process start-up is never measured. Every barrier
wait and every blocking get has a timeout.

The timed loops are written out once per strategy, with the lock's methods bound to local
names, so that the only Python overhead in the loop is what the strategy itself needs.
"""
from __future__ import annotations

import os
import time
import traceback
from itertools import repeat

__all__ = [
    "COUNTER_STRATEGIES",
    "QUEUE_STRATEGIES",
    "LOCK_STRATEGIES",
    "STRATEGY_LABELS",
    "SHARD_STRIDE",
    "Lab",
    "crew_main",
]

#: Counting strategies, in the order plots and tables show them.
COUNTER_STRATEGIES = (
    "unsynchronized",
    "value_lock",
    "lock",
    "rlock",
    "semaphore",
    "batched",
    "sharded",
)
#: Message-passing strategies: N producers send to one consumer.
QUEUE_STRATEGIES = ("bounded_queue", "mp_queue", "pipe")
#: Strategies that take a lock, so waiting and holding times can be measured.
LOCK_STRATEGIES = ("value_lock", "lock", "rlock", "semaphore", "batched")

STRATEGY_LABELS = {
    "unsynchronized": "unsynchronized (wrong)",
    "value_lock": "Value.get_lock()",
    "lock": "Lock",
    "rlock": "RLock",
    "semaphore": "Semaphore(1)",
    "batched": "batched Lock",
    "sharded": "per-process shards",
    "bounded_queue": "your BoundedQueue",
    "mp_queue": "multiprocessing.Queue",
    "pipe": "Pipe per producer",
}

#: Shard slots are 8 int64 (64 bytes, one cache line) apart, so two processes never write
#: to the same cache line ("false sharing" would make shards slower for no visible reason).
SHARD_STRIDE = 8


class Lab:
    """Every shared object a sweep needs, created in the parent and given to each worker.

    ``counter`` is the shared counter used by all counting strategies except
    ``value_lock`` (which uses ``value``, a synchronized ``ctx.Value``) and ``sharded``
    (which uses one padded slot of ``shards`` per process). ``barriers`` maps a number of
    parties to a reusable ``ctx.Barrier``. ``queue_class``: the student's ``BoundedQueue``
    (see :mod:`.answer_queue`) for the ``bounded_queue`` strategy, or None.
    """

    def __init__(self, ctx, *, max_workers: int, barrier_parties, queue_capacity: int = 0,
                 pipes: int = 0, queue_class=None):
        self.lock = ctx.Lock()
        self.rlock = ctx.RLock()
        self.semaphore = ctx.Semaphore(1)
        self.value = ctx.Value("q", 0)  # lock=True: comes with its own RLock
        self.counter = ctx.RawArray("q", 1)
        self.shards = ctx.RawArray("q", (max_workers + 1) * SHARD_STRIDE)
        self.barriers = {p: ctx.Barrier(p) for p in sorted(set(barrier_parties))}
        self.bounded_queue = (queue_class(queue_capacity, ctx=ctx)
                              if queue_class is not None and queue_capacity else None)
        self.mp_queue = ctx.Queue(queue_capacity) if queue_capacity else None
        self.pipe_recv = []
        self.pipe_send = []
        for _ in range(pipes):
            r, w = ctx.Pipe(duplex=False)
            self.pipe_recv.append(r)
            self.pipe_send.append(w)

    def close(self) -> None:
        """Release what the parent holds (pipes and the queue's own pipe)."""
        for c in self.pipe_recv + self.pipe_send:
            c.close()
        if self.mp_queue is not None:
            self.mp_queue.close()
            self.mp_queue.join_thread()


# --------------------------------------------------------------------------------------
# Timed loops. Uniform signature: (n, acquire, release, cell, slot, wi, wo, k)
#   n        increments to perform
#   acquire, release   bound methods of the lock (None for lock-free strategies)
#   cell     the shared object incremented
#   slot     index into cell (shards only)
#   wi, wo   spin iterations inside / outside the critical section, per increment
#   k        batch size (batched only)
# Loops return (wait_ns, hold_ns) when they measure them, otherwise None: wait is the time
# inside acquire(), hold the time from acquire()'s return to just before release() (so the
# hold intervals of different processes never overlap, and their sum is at most the wall
# time). Releasing, and being descheduled right after waking a waiter, count as neither.
# ``for _ in repeat(None, w): pass`` is the busy work: about 5-10 ns per iteration.
# --------------------------------------------------------------------------------------

def _unsync_fast(n, acquire, release, cell, slot, wi, wo, k):
    for _ in repeat(None, n):
        cell[0] += 1  # read, add, write: another process can write in between


def _unsync_work(n, acquire, release, cell, slot, wi, wo, k):
    for _ in repeat(None, n):
        for _ in repeat(None, wo):
            pass
        x = cell[0]
        for _ in repeat(None, wi):  # "inside": between the read and the write
            pass
        cell[0] = x + 1


def _lock_fast(n, acquire, release, cell, slot, wi, wo, k):
    for _ in repeat(None, n):
        acquire()
        cell[0] += 1
        release()


def _lock_work(n, acquire, release, cell, slot, wi, wo, k):
    for _ in repeat(None, n):
        for _ in repeat(None, wo):
            pass
        acquire()
        for _ in repeat(None, wi):
            pass
        cell[0] += 1
        release()


def _lock_timed(n, acquire, release, cell, slot, wi, wo, k):
    clock = time.perf_counter_ns
    wait = hold = 0
    for _ in repeat(None, n):
        for _ in repeat(None, wo):
            pass
        t0 = clock()
        acquire()
        t1 = clock()
        for _ in repeat(None, wi):
            pass
        cell[0] += 1
        t2 = clock()
        release()
        wait += t1 - t0
        hold += t2 - t1
    return wait, hold


# value_lock: the Value's own (re-entrant) lock around the textbook ``v.value += 1``.
# Note that the ``.value`` property of a synchronized Value takes the same RLock again for
# the read and again for the write: three lock operations per increment.

def _value_fast(n, acquire, release, cell, slot, wi, wo, k):
    for _ in repeat(None, n):
        acquire()
        cell.value += 1
        release()


def _value_work(n, acquire, release, cell, slot, wi, wo, k):
    for _ in repeat(None, n):
        for _ in repeat(None, wo):
            pass
        acquire()
        for _ in repeat(None, wi):
            pass
        cell.value += 1
        release()


def _value_timed(n, acquire, release, cell, slot, wi, wo, k):
    clock = time.perf_counter_ns
    wait = hold = 0
    for _ in repeat(None, n):
        for _ in repeat(None, wo):
            pass
        t0 = clock()
        acquire()
        t1 = clock()
        for _ in repeat(None, wi):
            pass
        cell.value += 1
        t2 = clock()
        release()
        wait += t1 - t0
        hold += t2 - t1
    return wait, hold


# batched: count k increments privately, then publish them with one lock hold. The per-item
# work (inside and outside) happens on private data, so only the publish is serialized.

def _chunks(n, k):
    full, rem = divmod(n, max(1, k))
    sizes = [k] * full
    if rem:
        sizes.append(rem)
    return sizes


def _batched_fast(n, acquire, release, cell, slot, wi, wo, k):
    for size in _chunks(n, k):
        local = 0
        for _ in repeat(None, size):
            local += 1
        acquire()
        cell[0] += local
        release()


def _batched_work(n, acquire, release, cell, slot, wi, wo, k):
    for size in _chunks(n, k):
        local = 0
        for _ in repeat(None, size):
            for _ in repeat(None, wo):
                pass
            for _ in repeat(None, wi):
                pass
            local += 1
        acquire()
        cell[0] += local
        release()


def _batched_timed(n, acquire, release, cell, slot, wi, wo, k):
    clock = time.perf_counter_ns
    wait = hold = 0
    for size in _chunks(n, k):
        local = 0
        for _ in repeat(None, size):
            for _ in repeat(None, wo):
                pass
            for _ in repeat(None, wi):
                pass
            local += 1
        t0 = clock()
        acquire()
        t1 = clock()
        cell[0] += local
        t2 = clock()
        release()
        wait += t1 - t0
        hold += t2 - t1
    return wait, hold


# sharded: each process owns one slot; nobody else writes it, so no lock is needed. The
# slots are summed once, after everyone has finished.

def _sharded_fast(n, acquire, release, cell, slot, wi, wo, k):
    for _ in repeat(None, n):
        cell[slot] += 1


def _sharded_work(n, acquire, release, cell, slot, wi, wo, k):
    for _ in repeat(None, n):
        for _ in repeat(None, wo):
            pass
        for _ in repeat(None, wi):
            pass
        cell[slot] += 1


_LOOPS = {
    # strategy: (no work, with work, with wait/hold timing)
    "unsynchronized": (_unsync_fast, _unsync_work, None),
    "value_lock": (_value_fast, _value_work, _value_timed),
    "lock": (_lock_fast, _lock_work, _lock_timed),
    "rlock": (_lock_fast, _lock_work, _lock_timed),
    "semaphore": (_lock_fast, _lock_work, _lock_timed),
    "batched": (_batched_fast, _batched_work, _batched_timed),
    "sharded": (_sharded_fast, _sharded_work, None),
}


def _counter_target(lab, strategy, idx):
    """(acquire, release, cell, slot) for one worker of ``strategy``."""
    if strategy == "unsynchronized":
        return None, None, lab.counter, 0
    if strategy == "value_lock":
        lock = lab.value.get_lock()
        return lock.acquire, lock.release, lab.value, 0
    if strategy == "sharded":
        return None, None, lab.shards, idx * SHARD_STRIDE
    lock = {"lock": lab.lock, "batched": lab.lock, "rlock": lab.rlock,
            "semaphore": lab.semaphore}[strategy]
    return lock.acquire, lock.release, lab.counter, 0


def _read_and_reset(lab, strategy, n):
    """Called by one process while all others wait at a barrier."""
    if strategy == "value_lock":
        raw = lab.value.get_obj()
        total, raw.value = raw.value, 0
        return total
    if strategy == "sharded":
        shards = lab.shards
        total = 0
        for i in range(n):
            total += shards[i * SHARD_STRIDE]
            shards[i * SHARD_STRIDE] = 0
        return total
    total, lab.counter[0] = lab.counter[0], 0
    return total


def _counter_task(idx, lab, task):
    strategy = task["strategy"]
    n = task["processes"]
    barrier = lab.barriers[n]
    bt = task["barrier_timeout"]
    wi, wo, k = task["work_inside"], task["work_outside"], task["batch"]
    fast, work, timed = _LOOPS[strategy]
    if task["instrument"] and timed is not None:
        loop = timed
    elif wi or wo:
        loop = work
    else:
        loop = fast
    acquire, release, cell, slot = _counter_target(lab, strategy, idx)
    clock = time.perf_counter_ns
    ops = task["ops"]

    if task["warmup"]:
        loop(task["warmup"], acquire, release, cell, slot, wi, wo, k)
    if barrier.wait(bt) == 0:
        _read_and_reset(lab, strategy, n)
    out = []
    for r in range(task["repeats"]):
        barrier.wait(bt)
        t0 = clock()
        measured = loop(ops, acquire, release, cell, slot, wi, wo, k)
        t1 = clock()
        actual = None
        if barrier.wait(bt) == 0:
            actual = _read_and_reset(lab, strategy, n)
        wait_ns, hold_ns = measured if measured is not None else (None, None)
        out.append({"repeat": r, "role": "worker", "start_ns": t0, "end_ns": t1,
                    "ops": ops, "wait_ns": wait_ns, "hold_ns": hold_ns, "actual": actual})
    return out


# --------------------------------------------------------------------------------------
# Message passing: producers 0..n-1 send ints, worker n consumes them all.
# Producer p sends p*ops + i for i in range(ops), so the consumer can check that every item
# arrived exactly once and that each producer's items arrived in order.
# --------------------------------------------------------------------------------------

def _need_queue(lab):
    if lab.bounded_queue is None:
        raise ValueError("the bounded_queue strategy needs a queue_class (the student's "
                         "BoundedQueue); none was given to this Lab")


def _produce(lab, strategy, idx, first, count, timeout):
    if strategy == "bounded_queue":
        _need_queue(lab)
        put = lab.bounded_queue.put
        for i in range(first, first + count):
            put(i, timeout)
    elif strategy == "mp_queue":
        put = lab.mp_queue.put
        for i in range(first, first + count):
            put(i, True, timeout)
    elif strategy == "pipe":
        send = lab.pipe_send[idx].send  # blocks only while the OS pipe buffer is full
        for i in range(first, first + count):
            send(i)
    else:
        raise ValueError(f"unknown queue strategy {strategy!r}")


def _consume(lab, strategy, n, each, timeout):
    """Receive ``n * each`` items; return them in arrival order."""
    total = n * each
    if strategy == "bounded_queue":
        _need_queue(lab)
        get = lab.bounded_queue.get
        return [get(timeout) for _ in repeat(None, total)]
    if strategy == "mp_queue":
        get = lab.mp_queue.get
        return [get(True, timeout) for _ in repeat(None, total)]
    if strategy == "pipe":
        return _consume_pipes(lab.pipe_recv[:n], each, timeout)
    raise ValueError(f"unknown queue strategy {strategy!r}")


def _consume_pipes(conns, each, timeout):
    items = []
    append = items.append
    left = {c.fileno(): each for c in conns}
    by_fd = {c.fileno(): c for c in conns}
    try:
        import select
        poller = select.poll()
    except (ImportError, AttributeError):  # pragma: no cover - Windows
        poller = None
    if poller is None:  # pragma: no cover - Windows
        from multiprocessing.connection import wait
        active = list(conns)
        while active:
            ready = wait(active, timeout)
            if not ready:
                raise TimeoutError(f"no item from a pipe for {timeout} s")
            for c in ready:
                append(c.recv())
                left[c.fileno()] -= 1
                if not left[c.fileno()]:
                    active.remove(c)
        return items
    for fd in by_fd:
        if left[fd]:
            poller.register(fd, select.POLLIN)
    remaining = sum(left.values())
    ms = int(timeout * 1000)
    poll = poller.poll
    while remaining:
        ready = poll(ms)
        if not ready:
            raise TimeoutError(f"no item from a pipe for {timeout} s")
        for fd, _ in ready:
            append(by_fd[fd].recv())
            remaining -= 1
            left[fd] -= 1
            if not left[fd]:
                poller.unregister(fd)
    return items


def _check_items(items, n, each):
    """(distinct items received, duplicates, out-of-order items, invalid items)."""
    total = n * each
    seen = bytearray(total)
    last = [-1] * n
    duplicates = out_of_order = invalid = 0
    for x in items:
        if not 0 <= x < total:
            invalid += 1
            continue
        if seen[x]:
            duplicates += 1
        else:
            seen[x] = 1
        p = x // each
        if x < last[p]:
            out_of_order += 1
        last[p] = x
    return total - seen.count(0), duplicates, out_of_order, invalid


def _queue_task(idx, lab, task):
    strategy = task["strategy"]
    n = task["processes"]  # producers; the consumer is worker n
    barrier = lab.barriers[n + 1]
    bt = task["barrier_timeout"]
    timeout = task["io_timeout"]
    ops = task["ops"]
    warm = task["warmup"]
    clock = time.perf_counter_ns
    consumer = idx == n
    if warm:
        if consumer:
            _consume(lab, strategy, n, warm, timeout)
        else:
            _produce(lab, strategy, idx, idx * warm, warm, timeout)
    barrier.wait(bt)
    out = []
    for r in range(task["repeats"]):
        barrier.wait(bt)
        t0 = clock()
        if consumer:
            items = _consume(lab, strategy, n, ops, timeout)
        else:
            _produce(lab, strategy, idx, idx * ops, ops, timeout)
        t1 = clock()
        row = {"repeat": r, "role": "consumer" if consumer else "producer",
               "start_ns": t0, "end_ns": t1, "ops": ops if not consumer else len(items),
               "wait_ns": None, "hold_ns": None, "actual": None}
        if consumer:
            distinct, dup, order, invalid = _check_items(items, n, ops)
            row.update(actual=distinct, duplicates=dup, out_of_order=order, invalid=invalid)
            del items
        out.append(row)
        barrier.wait(bt)
    return out


def run_task(idx, lab, task):
    if task["kind"] == "counter":
        return _counter_task(idx, lab, task)
    if task["kind"] == "queue":
        return _queue_task(idx, lab, task)
    raise ValueError(f"unknown task kind {task['kind']!r}")


def crew_main(idx, conn, lab):
    """Main function of one crew process: run tasks from ``conn`` until told to stop.

    Replies ``("ready", idx, pid)`` once, then ``("ok", idx, rows)`` or
    ``("error", idx, message, traceback)`` per task. Stops on ``None``, on a closed pipe,
    or when the parent process has gone away. Never writes to stdout or stderr.
    """
    import multiprocessing

    parent = multiprocessing.parent_process()
    try:
        conn.send(("ready", idx, os.getpid()))
        while True:
            if not conn.poll(0.5):
                if parent is not None and not parent.is_alive():
                    return
                continue
            task = conn.recv()
            if task is None:
                return
            try:
                result = run_task(idx, lab, task)
            except Exception as exc:  # report, then wait to be told what to do
                conn.send(("error", idx, f"{type(exc).__name__}: {exc}",
                           traceback.format_exc()))
                continue
            conn.send(("ok", idx, result))
    except (EOFError, OSError, KeyboardInterrupt):
        return
    finally:
        lab_queue = getattr(lab, "mp_queue", None)
        if lab_queue is not None:
            # Items this process put are all consumed by now; do not wait for the feeder
            # thread at exit if the run was cut short.
            lab_queue.cancel_join_thread()
