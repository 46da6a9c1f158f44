"""Code the lessons run in child processes (lessons 01-07).

It lives in a module, not in the notebooks, because under spawn and forkserver a child
process imports its target by module name and a notebook's functions have none. Every
blocking call here has a timeout, so a child never waits forever.
"""
from __future__ import annotations

import multiprocessing
import threading
import time

# ---------------------------------------------------------------- 01 · processes


def increment_counter(counter, times: int, n: int = 1) -> None:
    """Call a student's own ``counter.increment(n)`` ``times`` times (lesson 02's "try your counter")."""
    for _ in range(times):
        counter.increment(n)


def add_unsafely(shared, times: int) -> None:
    """``shared.value += 1`` with no lock: read, add, write, and another process may interleave."""
    for _ in range(times):
        shared.value += 1


def add_with_lock(shared, times: int) -> None:
    """The same increment, holding the Value's own lock for the whole read-add-write."""
    for _ in range(times):
        with shared.get_lock():
            shared.value += 1


COUNTER = 0          # an ordinary module global: each process has its own copy


def increment_global(times: int) -> int:
    """Add 1 to this module's COUNTER ``times`` times; return what this process sees."""
    global COUNTER
    for _ in range(times):
        COUNTER += 1
    return COUNTER


def what_i_inherited(started_at: float) -> dict:
    """What this child got from its parent: the COUNTER it sees, how many modules it has
    loaded (and whether IPython is one), and how long after ``started_at`` (the parent's
    ``time.monotonic()`` just before it started the child) it began to run."""
    import sys

    return {"started_after": time.monotonic() - started_at, "counter": COUNTER,
            "modules": len(sys.modules), "ipython": "IPython" in sys.modules}


def append_to_list(items: list, value) -> int:
    """Append to a list passed as a Process argument (the child's copy); return its length."""
    items.append(value)
    return len(items)


def add_unsafely_for(shared, seconds: float) -> int:
    """``shared.value += 1`` without a lock, over and over for ``seconds``; return how many
    increments this process made (so the parent can count how many were lost)."""
    def step():
        shared.value += 1
    return _repeat_for(seconds, step)


def _repeat_for(seconds: float, step) -> int:
    """Call ``step()`` in batches of 100 until ``seconds`` have passed; return how many calls."""
    made = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(100):
            step()
        made += 100
    return made


def add_slowly(shared, times: int, hold: float, work: float, activity=None) -> None:
    """Read, pause ``hold`` s, write back, all under the Value's own lock; then work ``work`` s
    outside it (inside ``activity`` when one is given, so a timeline shows it)."""
    for _ in range(times):
        with shared.get_lock():
            seen = shared.value
            time.sleep(hold)
            shared.value = seen + 1
        if activity is not None:
            with activity:
                time.sleep(work)
        else:
            time.sleep(work)


def square_slice(numbers, start: int, stop: int) -> None:
    """Square ``numbers[start:stop]`` in place (an Array; no other process touches this slice)."""
    for i in range(start, stop):
        numbers[i] = numbers[i] * numbers[i]


def add_to_slot(numbers, slot: int, times: int) -> None:
    """Increment one element of an Array ``times`` times (each process owns its own slot)."""
    for _ in range(times):
        numbers[slot] += 1


# ---------------------------------------------------------------- 02 · locks


def add_with_lock_for(shared, lock, seconds: float) -> int:
    """``shared.value += 1`` holding ``lock`` each time, for ``seconds``; return how many."""
    def step():
        with lock:
            shared.value += 1
    return _repeat_for(seconds, step)


def add_with_own_lock_for(shared, seconds: float) -> int:
    """A mistake: the lock is made *inside* the process, so every process has its own."""
    lock = multiprocessing.get_context().Lock()
    return add_with_lock_for(shared, lock, seconds)


def update_without_finally(lock, shared, fail: bool, start_after: float = 0.0) -> None:
    """acquire(), update, release(): but the update raises when ``fail``, skipping release().
    ``start_after``: sleep that long first (to let another process go first)."""
    time.sleep(start_after)
    lock.acquire(timeout=30)
    if fail:
        raise ValueError("bad input in the middle of the update")
    shared.value += 1
    lock.release()


def update_with(lock, shared, fail: bool, start_after: float = 0.0) -> None:
    """The same update in a ``with`` block: the lock is released even when it raises."""
    time.sleep(start_after)
    with lock:
        if fail:
            raise ValueError("bad input in the middle of the update")
        shared.value += 1


def try_acquire(lock, timeout: float) -> tuple[bool, float]:
    """Try to take ``lock`` for at most ``timeout`` s; return (got it, seconds waited)."""
    start = time.perf_counter()
    got = lock.acquire(timeout=timeout)
    waited = time.perf_counter() - start
    if got:
        lock.release()
    return got, round(waited, 2)


def hold_until(lock, acquired, done, timeout: float) -> None:
    """Take ``lock``, set ``acquired``, and hold the lock until ``done`` is set (at most
    ``timeout`` s), so that another process can look at it while it is held."""
    if not lock.acquire(timeout=timeout):
        raise TimeoutError(f"could not take the lock within {timeout} s")
    try:
        acquired.set()
        done.wait(timeout)
    finally:
        lock.release()


def deposit(lock, balance, amount: int) -> None:
    """Adds to ``balance`` under ``lock``, then logs it through a helper that takes the lock too."""
    with lock:
        balance.value += amount
        _audit(lock, balance)


def _audit(lock, balance) -> None:
    with lock:                 # taken again by the same process: fine for an RLock only
        assert balance.value >= 0


def work_and_update(lock, shared, rounds: int, work: float, update: float, inside: bool,
                    activity=None) -> None:
    """``rounds`` times: ``work`` s of private work and an ``update`` s change of ``shared``.

    ``inside``: do the work while holding the lock too (a long critical section)."""
    for _ in range(rounds):
        if inside:
            with lock:
                _work(work, activity)
                _slow_add(shared, update)
        else:
            _work(work, activity)
            with lock:
                _slow_add(shared, update)


def _work(seconds: float, activity) -> None:
    if activity is None:
        time.sleep(seconds)
    else:
        with activity:
            time.sleep(seconds)


def _slow_add(shared, seconds: float) -> None:
    seen = shared.value
    time.sleep(seconds)
    shared.value = seen + 1


# ---------------------------------------------------------------- 03 · semaphores


def use_slot(slots, jobs: int, seconds: float, activity=None) -> None:
    """Do ``jobs`` jobs of ``seconds`` each, each while holding one of the ``slots``."""
    for _ in range(jobs):
        with slots:
            _work(seconds, activity)


def release_twice_on_error(slots) -> None:
    """A bug: a failed job gives its slot back in ``except`` and again in ``finally``."""
    if not slots.acquire(timeout=10):
        raise TimeoutError("no free slot within 10 s")
    try:
        raise ConnectionError("the download failed")
    except ConnectionError:
        slots.release()          # "give the slot back right away"...
    finally:
        slots.release()          # ...and once more on the way out


def take_slot_and_vanish(slots) -> None:
    """A process that ends (a crash, an early return) while it holds a slot."""
    if not slots.acquire(timeout=10):
        raise TimeoutError("no free slot within 10 s")


# ---------------------------------------------------------------- 04 · events and barriers


def prepare_then_set(event, seconds: float, activity=None) -> None:
    """Prepare something for ``seconds`` (inside ``activity``), then set ``event``."""
    _work(seconds, activity)
    event.set()


def wait_then_work(event, timeout: float | None, seconds: float, activity=None) -> bool:
    """Wait for ``event`` at most ``timeout`` s; work ``seconds`` only if it was set.
    Returns whether it was set (``wait`` returns False when it timed out)."""
    if not event.wait(timeout):
        return False
    _work(seconds, activity)
    return True


def pulse(event, times: int, gap: float) -> None:
    """Use an Event as a repeating signal (a mistake): set() then clear() ``times`` times."""
    for _ in range(times):
        time.sleep(gap)
        event.set()
        event.clear()


def count_pulses(event, times: int, timeout: float, handle: float) -> int:
    """Try to see ``times`` pulses of ``event``, taking ``handle`` s to deal with each one
    seen; return how many ``wait`` reported."""
    seen = 0
    for _ in range(times):
        if event.wait(timeout):
            seen += 1
            time.sleep(handle)
    return seen


def phases(barrier, durations: list, activity=None, timeout: float | None = 10.0,
           crash_in_phase: int | None = None) -> int:
    """Phases are numbered from 1: work ``durations[k - 1]`` s in phase k, then wait at
    ``barrier`` for everyone. ``crash_in_phase``: raise in that phase instead (to see what
    the others do)."""
    for phase, seconds in enumerate(durations, start=1):
        if phase == crash_in_phase:
            raise RuntimeError(f"crashed in phase {phase}")
        _work(seconds, activity)
        barrier.wait(timeout)
    return len(durations)


# ---------------------------------------------------------------- 05 · conditions (queues)


def put_all(q, items, timeout: float) -> int:
    """``q.put(item, timeout)`` for every item; return how many were put."""
    n = 0
    for item in items:
        q.put(item, timeout)
        n += 1
    return n


def get_many(q, n: int, timeout: float) -> list:
    """``q.get(timeout)`` ``n`` times; return the items in the order received."""
    return [q.get(timeout) for _ in range(n)]


# ---------------------------------------------------------------- 06 · deadlock


def transfer_naive(locks, balances, src: int, dst: int, amount: int, pause: float) -> None:
    """Lock the source account, pause, lock the destination: the order depends on the call."""
    with locks[src]:
        time.sleep(pause)
        with locks[dst]:
            balances[src] -= amount
            balances[dst] += amount


def transfer_ordered(locks, balances, src: int, dst: int, amount: int, pause: float) -> None:
    """Lock the lower-numbered account first, whichever way the money goes."""
    first, second = sorted((src, dst))
    with locks[first]:
        time.sleep(pause)
        with locks[second]:
            balances[src] -= amount
            balances[dst] += amount


def transfer_by_id(lock_src, lock_dst, balances, src: int, dst: int, amount: int, me: int,
                   sorted_first, both_hold_one):
    """Order the two locks by ``id()``: the addresses of *this process's* lock objects. Writes
    the account it locks first into ``sorted_first[me]``, takes that lock, and waits (at most
    0.5 s) at the barrier ``both_hold_one`` until the other transfer holds its first lock too:
    the bad timing of a deadlock, made certain. Then it takes the second lock."""
    first, second = sorted([lock_src, lock_dst], key=id)
    sorted_first[me] = src if first is lock_src else dst
    with first:
        try:
            both_hold_one.wait(timeout=0.5)
        except threading.BrokenBarrierError:      # the other one waits for this lock: go on
            pass
        with second:
            balances[src] -= amount
            balances[dst] += amount


def transfer_with_backoff(locks, balances, src: int, dst: int, amount: int, pause: float,
                          patience: float, seed: int) -> int:
    """Lock the source, then *try* the destination for ``patience`` s; if that fails, release
    everything, back off for a random while, and retry. Returns how many attempts it took."""
    import random

    rng = random.Random(seed)
    for attempt in range(1, 1000):
        with locks[src]:
            time.sleep(pause)
            if locks[dst].acquire(timeout=patience):
                try:
                    balances[src] -= amount
                    balances[dst] += amount
                    return attempt
                finally:
                    locks[dst].release()
        time.sleep(rng.uniform(0, 2 * patience))     # back off before trying again
    raise TimeoutError("gave up after 999 attempts")


def philosopher(forks, seat: int, meals: int, think: float, eat: float, ordered: bool,
                activity=None) -> int:
    """Seat ``seat`` at a round table eats ``meals`` times with forks ``seat`` and ``seat+1``.
    ``ordered``: pick up the lower-numbered fork first (else the left one, then the right)."""
    left, right = seat, (seat + 1) % len(forks)
    first, second = sorted((left, right)) if ordered else (left, right)
    for _ in range(meals):
        time.sleep(think)
        with forks[first]:
            time.sleep(think)          # reaching for the other fork
            with forks[second]:
                _work(eat, activity)
    return meals


def random_transfers(bank, accounts: int, count: int, seed: int) -> int:
    """``count`` random transfers of 1 between random accounts; returns how many succeeded
    (a transfer from an empty account raises ValueError and is skipped)."""
    import random

    rng = random.Random(seed)
    done = 0
    for _ in range(count):
        src, dst = rng.randrange(accounts), rng.randrange(accounts)
        try:
            bank.transfer(src, dst, 1)
            done += 1
        except ValueError:
            pass
    return done


# ---------------------------------------------------------------- 07 · message passing


def produce(q, name: str, n: int, timeout: float) -> int:
    """Put ``n`` messages ``(name, i)`` on queue ``q``; then ``None``, meaning "no more"."""
    for i in range(n):
        q.put((name, i), timeout=timeout)
    q.put(None, timeout=timeout)
    return n


def produce_simple(sq, name: str, n: int) -> int:
    """Put ``n`` messages ``(name, i)`` on a SimpleQueue (its put takes no timeout)."""
    for i in range(n):
        sq.put((name, i))
    return n


def put_big(q, megabytes: float) -> int:
    """Put one large bytes object on ``q``; return its size."""
    data = b"x" * int(megabytes * 1_000_000)
    q.put(data, timeout=10)
    return len(data)


def square_server(conn, timeout: float) -> int:
    """Answer every number received on ``conn`` with its square, until ``None`` arrives
    (or nothing arrives for ``timeout`` s). Returns how many it answered."""
    answered = 0
    while conn.poll(timeout):
        x = conn.recv()
        if x is None:
            break
        conn.send(x * x)
        answered += 1
    return answered


def task_worker(tasks, seconds: float, timeout: float, forget: bool = False, activity=None) -> int:
    """Take tasks from a JoinableQueue until it stays empty for ``timeout`` s, spending
    ``seconds`` on each (inside ``activity``) and calling ``task_done()`` (unless ``forget``).
    Returns how many it did."""
    import queue

    done = 0
    while True:
        try:
            tasks.get(timeout=timeout)
        except queue.Empty:
            return done
        _work(seconds, activity)
        done += 1
        if not forget:
            tasks.task_done()


def wait_until_done(tasks, call=None) -> float:
    """``tasks.join()``: wait until every task put on the JoinableQueue is done (it has no
    timeout, which is why it runs here, under the runner's deadline). Returns when.
    ``call``: a traced Call, so a timeline shows the time spent in join()."""
    if call is None:
        tasks.join()
    else:
        with call:
            tasks.join()
    return time.monotonic()


def increment_key(d, key, times: int) -> None:
    """``d[key] += 1`` on a Manager dict proxy: a get and a set, two separate messages."""
    for _ in range(times):
        d[key] += 1


def increment_key_locked(d, lock, key, times: int) -> None:
    """The same, holding a (Manager) lock across the get and the set."""
    for _ in range(times):
        with lock:
            d[key] += 1


def sum_squares_shared(total, lock, start: int, stop: int) -> None:
    """Add each square to a shared total under a lock, one at a time."""
    for i in range(start, stop):
        with lock:
            total.value += i * i


def sum_squares_local(results, start: int, stop: int) -> None:
    """Add the squares up privately; send one message with the sum."""
    results.put(sum(i * i for i in range(start, stop)), timeout=10)


# ---------------------------------------------------------------- helpers


def after(seconds: float, target, *args):
    """Sleep ``seconds``, then return ``target(*args)``: lets other processes go first."""
    time.sleep(seconds)
    return target(*args)
