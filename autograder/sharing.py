"""What the engine (in the judge) and the worker runtime (next to student code) both say about
an object shared between processes: how to walk its attributes, how to name what it holds,
and the sentences for what cannot be shared.

Both sides need the same words and the same walk, so that a failure reads the same whether
the answer ran in the judge's own interpreter (a student's ``autograder.replay``) or in a
worker process (grading). Nothing here knows an exercise or an expected result.
"""
from __future__ import annotations

from collections import deque

__all__ = ["ATOMS", "children", "describe", "walk_names", "find_path", "find_unpicklable",
           "real_multiprocessing_types", "is_real_primitive",
           "unpicklable_sentence", "foreign_sentence", "foreign_created_sentence", "REAL_PROCESS_REFUSED"]

ATOMS = (str, bytes, bytearray, int, float, complex, bool, type(None), range)


def children(obj, path):
    """(child, child_path) pairs of a plain object, list, tuple, set or dict."""
    if isinstance(obj, dict):
        for k, v in list(obj.items())[:200]:
            yield v, f"{path}[{k!r}]" if path else f"[{k!r}]"
        return
    if isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj[:200]):
            yield v, f"{path}[{i}]" if path else f"[{i}]"
        return
    if isinstance(obj, (set, frozenset)):
        return
    d = getattr(obj, "__dict__", None)
    if isinstance(d, dict):
        for k, v in list(d.items())[:200]:
            yield v, f"{path}.{k}" if path else k
    for cls in type(obj).__mro__:
        slots = getattr(cls, "__slots__", ())
        for slot in (slots,) if isinstance(slots, str) else slots:
            if isinstance(slot, str) and slot not in ("__dict__", "__weakref__"):
                try:
                    v = getattr(obj, slot)
                except AttributeError:
                    continue
                yield v, f"{path}.{slot}" if path else slot


_THREADING_NAMES = {
    "_thread.lock": "threading.Lock", "_thread.RLock": "threading.RLock",
    "threading.Condition": "threading.Condition", "threading.Event": "threading.Event",
    "threading.Semaphore": "threading.Semaphore", "threading.Barrier": "threading.Barrier",
}


def describe(obj) -> str:
    """The type of ``obj`` as a student knows it ("threading.Lock", "SafeCounter")."""
    t = type(obj)
    full = f"{t.__module__}.{t.__qualname__}"
    return _THREADING_NAMES.get(full, full if t.__module__ != "builtins" else t.__qualname__)


def walk_names(root, names: dict, key, is_primitive, inner, *, is_context=lambda o: False,
               path="", prefix="", max_depth=5, max_nodes=5000) -> None:
    """Add ``key(primitive) -> name`` to ``names`` for every primitive reachable from ``root``:
    the shortest attribute path (breadth first). ``inner(primitive)`` gives what a primitive
    holds, as ``(object, path suffix or None for the same path, extra depth)``: a Value's raw
    value (same name) and lock (``.get_lock()``), a Condition's lock (same name)."""
    seen = set()
    queue = deque([(root, path, 0)])
    nodes = 0
    while queue and nodes < max_nodes:
        obj, path, depth = queue.popleft()
        nodes += 1
        primitive = is_primitive(obj)
        if isinstance(obj, ATOMS) or isinstance(obj, type) or callable(obj) and not primitive:
            continue
        if primitive:
            k = key(obj)
            if k in names:
                continue
            names[k] = prefix + (path or "obj")
            for held, suffix, extra in inner(obj):
                queue.append((held, path if suffix is None else f"{path or 'obj'}{suffix}", depth + extra))
            continue
        if id(obj) in seen or depth >= max_depth or is_context(obj):
            continue
        seen.add(id(obj))
        try:
            for child, cpath in children(obj, path):
                queue.append((child, cpath, depth + 1))
        except Exception:  # noqa: BLE001 - odd objects are simply not walked
            continue


def find_path(root, wanted, stop, max_depth=5, max_nodes=3000):
    """``(path, obj)`` of the first object reachable from ``root`` (breadth first) for which
    ``wanted(obj)``; objects for which ``stop(obj)`` are not walked into. None if none."""
    seen = set()
    queue = deque([(root, "", 0)])
    n = 0
    while queue and n < max_nodes:
        obj, path, depth = queue.popleft()
        n += 1
        if isinstance(obj, ATOMS) or isinstance(obj, type) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if wanted(obj):
            return path, obj
        if stop(obj) or depth >= max_depth:
            continue
        try:
            for child, cpath in children(obj, path):
                queue.append((child, cpath, depth + 1))
        except Exception:  # noqa: BLE001
            continue
    return None


def real_multiprocessing_types() -> tuple:
    """The classes of multiprocessing's own primitives (those a ctx of the grader's is not)."""
    import multiprocessing.queues as qs
    import multiprocessing.sharedctypes as sc
    import multiprocessing.synchronize as sy
    return (sy.SemLock, sy.Condition, sy.Event, sy.Barrier, sc.SynchronizedBase, qs.Queue, qs.SimpleQueue)


def is_real_primitive(obj, types) -> bool:
    """Whether ``obj`` is a real multiprocessing primitive (one of ``types``, from
    real_multiprocessing_types(), or a raw shared ctypes object of multiprocessing.sharedctypes)."""
    return isinstance(obj, types) or (hasattr(type(obj), "_type_") and hasattr(obj, "_wrapper"))


def find_unpicklable(root, dumps):
    """Locate the deepest attribute of ``root`` that ``dumps`` cannot pickle.

    Returns (path, obj, exception).  ``path`` is "" for the root itself.
    """
    def fails(o):
        try:
            dumps(o)
        except Exception as e:  # noqa: BLE001
            return e
        return None

    def walk(obj, path, depth, err):
        if depth < 6:
            try:
                kids = list(children(obj, path))
            except Exception:  # noqa: BLE001
                kids = []
            for child, cpath in kids:
                e = fails(child)
                if e is not None:
                    return walk(child, cpath, depth + 1, e)
        return path, obj, err

    err = fails(root)
    if err is None:
        return None
    return walk(root, "", 0, err)


def unpicklable_sentence(owner: str, path: str, what: str, error: str) -> str:
    """Why the shared object cannot be sent: ``owner`` is its class's name, ``path`` the
    attribute that cannot be pickled, ``what`` that attribute's type (describe()), ``error``
    "ExceptionType: message"."""
    where = f"{owner}.{path}" if path and not path.startswith("[") else (f"{owner}{path}" if path else owner)
    return (f"{where} (a {what}) cannot be pickled ({error}); "
            f"under the spawn and forkserver start methods every object passed to a child "
            f"process is pickled, so this object cannot be sent to another process: create "
            f"every lock and shared value from ctx")


def foreign_sentence(owner: str, path: str, what: str) -> str:
    """A real multiprocessing primitive found at ``path`` of the shared object."""
    where = f"{owner}.{path}" if path else owner
    return (f"{where} is a {what} from a real multiprocessing context, not from the "
            f"ctx passed to the constructor: create every lock and shared value from ctx "
            f"(e.g. ctx.Lock(), ctx.Value('q', 0)) so the grader can control it")


def foreign_created_sentence(kind: str) -> str:
    """A real multiprocessing lock of type ``kind`` created inside a controlled process."""
    return (f"created a multiprocessing {kind} that does not come from ctx (for example "
            f"multiprocessing.{kind}() or a lock inside multiprocessing.Value/Condition/"
            f"Event): every lock and shared value must be created from the ctx passed to "
            f"the constructor")


REAL_PROCESS_REFUSED = (
    "started a real process (os.fork, subprocess or multiprocessing) inside the "
    "exercise class: the class must only use the ctx it is given; the checks start "
    "the processes themselves")
