"""The bounded-queue exercise: ``BoundedQueue(capacity, *, ctx=None)`` with
``put(item, timeout=None)``, ``get(timeout=None)`` and ``qsize()``; ``ValueError`` if
``capacity < 1``, ``queue.Full`` / ``queue.Empty`` after a timeout, FIFO order, items are
ints in the signed 64-bit range."""
from ..exercise import Exercise
from .controlled import (blocks_when_full_or_empty, no_lost_wakeups_controlled, stress_controlled,
                         timeouts_not_restarted)
from .one_process import fifo_in_one_process, timeouts_in_one_process
from .real_processes import shared_across_processes, stress_across_processes

EXERCISE = Exercise(
    id="bounded_queue", class_name="BoundedQueue",
    signature="BoundedQueue(capacity, *, ctx=None) with put(item, timeout=None), get(timeout=None) and qsize()",
    required=("capacity", "ctx"),
    suites={"visible": [fifo_in_one_process, timeouts_in_one_process, no_lost_wakeups_controlled,
                        shared_across_processes],
            "hidden": [blocks_when_full_or_empty, timeouts_not_restarted, stress_controlled,
                       stress_across_processes]},
    # items lost, duplicated or out of order in real processes disprove "no lost or duplicated items"
    contradicted_by_evidence={"shared_across_processes": "no_lost_wakeups_controlled",
                              "stress_across_processes": "stress_controlled"},
)
