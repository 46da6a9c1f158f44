"""The worker runtime: what runs next to student code, and nothing that knows a verdict.

Imports neither the engine nor the checks (tests/test_layering.py): a worker process holds
the answer's module, its objects, and a socket to the judge (autograder.judge), nothing else.

* ``wire``: framed JSON messages and plain values, shared with the judge;
* ``host``: the worker host (one per suite, sandboxed when grading) that forks the workers;
* ``serve``: a worker's loop, building objects and running calls for the judge, and the real
  children's side of a real-process run;
* ``stubs``: the ``ctx`` of a controlled worker, whose every operation is a request to the judge;
* ``patches``: what a controlled worker changes in its own interpreter (virtual time, ids, guards).
"""
