"""A kernel that started multiprocessing's helper processes shuts down at once, cleanly.

The first time a lesson needs them, multiprocessing starts two helpers as children of the
kernel: the resource tracker (spawn, forkserver, shared memory) and the forkserver. Both
outlive every cell. When Jupyter shuts the kernel down (or restarts it), ipykernel first
terminates the kernel's children and waits until none is left (``Kernel._at_shutdown``,
up to about 30 s): the tracker ignores SIGTERM, and the dead forkserver stays a zombie that
nobody reaps. Jupyter kills the kernel after 5 s (``shutdown_wait_time``), so every shutdown
took 5 s, and the killed kernel ran no exit handlers: multiprocessing's temp folder
(/tmp/pymp-*, with the forkserver's socket) was left behind each time.

``install`` makes the kernel's ``do_shutdown`` (ipykernel's hook for "the frontend shuts
the kernel down", called before it terminates children) end them itself, in an order that
loses nothing: first every other descendant (a lesson's processes still running, what the
forkserver forked), as ipykernel would, so that all they registered with the tracker is in
it; then both helpers, as multiprocessing's own tests stop them: close the pipe each one
watches, then reap it. The tracker unlinks whatever is still registered as it exits. Jupyter's
wait bounds the whole shutdown.
"""
from __future__ import annotations

import os
from multiprocessing import forkserver, resource_tracker

import psutil

#: seconds the other descendants get after SIGTERM, then after SIGKILL
GRACE = 1.0


def end_other_descendants() -> None:
    """SIGTERM this process's descendants in its process group other than the helpers,
    SIGKILL those still alive after GRACE, and wait (GRACE) until they are gone."""
    helpers = {getattr(forkserver._forkserver, "_forkserver_pid", None),
               getattr(resource_tracker._resource_tracker, "_pid", None)}
    others = []
    for p in psutil.Process().children(recursive=True):
        try:
            # as ipykernel: only the kernel's own process group; course's runs end their own
            if p.pid not in helpers and os.getpgid(p.pid) == os.getpgrp():
                others.append(p)
        except OSError:
            pass
    for sig in ("terminate", "kill"):
        for p in others:
            try:
                getattr(p, sig)()
            except psutil.Error:
                pass
        _gone, others = psutil.wait_procs(others, timeout=GRACE)
        if not others:
            return


def stop_helpers() -> None:
    """Stop the forkserver, then the resource tracker, if this process started them."""
    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        try:
            helper._stop()
        except (OSError, AttributeError):     # already gone; or a Python without _stop
            pass


def install(ipython) -> None:
    """Stop the helpers when ``ipython``'s kernel is asked to shut down (once per kernel)."""
    kernel = getattr(ipython, "kernel", None)
    if kernel is None or getattr(kernel.do_shutdown, "stops_helpers", False):
        return
    original = kernel.do_shutdown

    def do_shutdown(restart):
        end_other_descendants()
        stop_helpers()
        return original(restart)

    do_shutdown.stops_helpers = True
    kernel.do_shutdown = do_shutdown
