"""RobustExecute: a hostile cell costs its own points, never the whole submission."""
import threading

from jupyter_client.channels import HBChannel
from nbformat.v4 import new_code_cell, new_notebook

from autograder.sandbox.execute import RobustExecute


def run(cells, **options):
    nb = new_notebook(cells=[new_code_cell(src) for src in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    executor = RobustExecute(**options)
    executor.preprocess(nb, {"metadata": {"path": "."}})
    return nb


def errors(cell):
    return [o for o in cell.outputs if o.output_type == "error"]


def text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_cell_that_ignores_sigint_is_stopped_and_later_cells_still_run():
    nb = run([
        "x = 1",
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
        "print('after', 'x' in globals())",
    ], timeout=3, iopub_timeout=2)
    (error,) = errors(nb.cells[1])
    assert error.ename == "CellTimeoutError"
    assert "did not stop when interrupted" in error.evalue
    # The kernel was replaced and the cells before the stuck one were run again, so the
    # last cell sees the state it expects, and the stuck cell's outputs are not duplicated.
    assert text(nb.cells[2]).strip() == "after True"
    assert text(nb.cells[0]) == ""


def test_ordinary_endless_loop_is_interrupted_and_kernel_state_kept():
    nb = run(["x = 1", "while True:\n    pass", "print('x is', x)"], timeout=3, iopub_timeout=2)
    assert errors(nb.cells[1])
    assert text(nb.cells[2]).strip() == "x is 1"


def test_output_flood_is_capped():
    nb = run(["for i in range(200_000):\n    print('spam spam spam spam', i)", "print('next')"],
             timeout=30, max_output_chars=5_000)
    out = text(nb.cells[0])
    assert len(out) < 20_000
    assert "[output truncated" in out
    assert text(nb.cells[1]).strip() == "next"


def test_kernel_that_dies_is_replaced():
    nb = run(["y = 2", "import os\nos._exit(3)", "print('alive', y)"], timeout=10)
    (error,) = errors(nb.cells[1])
    assert error.ename == "DeadKernelError"
    assert text(nb.cells[2]).strip() == "alive 2"


def test_no_heartbeat_thread_runs_beside_the_kernel():
    # jupyter_client's heartbeat thread can block stop_channels() for good after a kernel's
    # shutdown; the display run asks the kernel manager whether the kernel lives instead.
    seen = []
    nb = run(["import os\nos._exit(3)", "print('next')"], timeout=10,
             on_cell_complete=lambda **_: seen.append([t for t in threading.enumerate() if isinstance(t, HBChannel)]))
    assert seen and not any(seen), f"heartbeat threads while cells ran: {seen}"
    assert errors(nb.cells[0])[0].ename == "DeadKernelError"
    assert text(nb.cells[1]).strip() == "next"
