"""The bounded-queue exercise: ``BoundedQueue(capacity, *, ctx=None)`` with
``put(item, timeout=None)``, ``get(timeout=None)`` and ``qsize()``; ``ValueError`` if
``capacity < 1``, ``queue.Full`` / ``queue.Empty`` after a timeout, FIFO order, items are
ints in the signed 64-bit range. Failure classes: items lost, duplicated or stolen; wake-ups
lost; blocking forever (or not blocking); timeouts; the contract."""
from ..classes import Classifier, FailureClass
from ..exercise import Exercise
from .controlled import (blocks_when_full_or_empty, no_lost_wakeups_controlled, stress_controlled,
                         timeouts_not_restarted)
from .more_controlled import untimed_after_timed_out
from .one_process import fifo_in_one_process, timeouts_in_one_process
from .real_processes import shared_across_processes, stress_across_processes

_ITEMS, _BLOCKING = ("items",), ("blocking",)
CLASSIFIER = Classifier(
    classes=(FailureClass("items", "no item lost, duplicated or stolen"),
             FailureClass("wakeups", "no wake-up lost: a waiting process goes on once it can"),
             FailureClass("blocking", "put and get block while the queue is full or empty, and never forever"),
             FailureClass("timeouts", "timeouts: queue.Full / queue.Empty after the timeout, never restarted"),
             FailureClass("contract", "the contract: FIFO order, qsize(), capacity, 64-bit items")),
    covers={"fifo_in_one_process": ("contract",),
            "timeouts_in_one_process": ("timeouts",),
            "no_lost_wakeups_controlled": ("items", "wakeups", "blocking"),
            "shared_across_processes": ("items", "blocking"),
            "blocks_when_full_or_empty": ("blocking",),
            "timeouts_not_restarted": ("timeouts",),
            "stress_controlled": ("items", "wakeups", "blocking"),
            "untimed_after_timed_out": ("wakeups", "items"),
            "stress_across_processes": ("items", "blocking")},
    by_kind={"stale-wakeup": _ITEMS, "lost-update": _ITEMS, "check": _ITEMS, "items": _ITEMS,
             "not-shared": _ITEMS, "exception": _ITEMS, "lost-wakeup": ("wakeups",),
             "deadlock": _BLOCKING, "deadlock-cycle": _BLOCKING, "step-budget": _BLOCKING, "blocking": _BLOCKING,
             "unpicklable": ("contract",), "foreign-primitive": ("contract",)},
    late="blocking",
    sole=frozenset({"fifo_in_one_process", "timeouts_in_one_process", "timeouts_not_restarted",
                    "blocks_when_full_or_empty"}),
)

EXERCISE = Exercise(
    id="bounded_queue", class_name="BoundedQueue",
    signature="BoundedQueue(capacity, *, ctx=None) with put(item, timeout=None), get(timeout=None) and qsize()",
    required=("capacity", "ctx"),
    suites={"visible": [fifo_in_one_process, timeouts_in_one_process, no_lost_wakeups_controlled,
                        shared_across_processes],
            "hidden": [blocks_when_full_or_empty, timeouts_not_restarted, stress_controlled,
                       untimed_after_timed_out, stress_across_processes]},
    classifier=CLASSIFIER,
)
