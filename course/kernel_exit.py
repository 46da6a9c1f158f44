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
the kernel down", called before it terminates children) first stop both helpers as
multiprocessing's own tests do: close the pipe each one watches, then reap it. The tracker
cleans up whatever a lesson leaked as it exits. No deadline of our own: Jupyter's wait
bounds the whole shutdown.
"""
from __future__ import annotations

from multiprocessing import forkserver, resource_tracker


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
        stop_helpers()
        return original(restart)

    do_shutdown.stops_helpers = True
    kernel.do_shutdown = do_shutdown
