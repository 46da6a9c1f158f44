"""nbgrader's Execute, made robust to hostile cells.

Stock nbgrader interrupts a cell that runs past its timeout; a cell that ignores SIGINT
keeps the kernel busy, nbclient raises, and nbgrader drops the whole submission. Here a
kernel that does not answer the interrupt (or dies) is replaced by a fresh one: the
offending cell gets an error output that says what happened, so its tests score 0, and
the remaining cells still run and earn what they earn. Each cell's output is capped so a
flood cannot exhaust memory or bloat the gradebook.

After a timeout nbclient interrupts the kernel and waits ``iopub_timeout`` seconds for it
to go idle: that is the grace a cell gets to answer the interrupt.
"""
from __future__ import annotations

import asyncio
import copy

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from traitlets import Integer

from nbgrader.preprocessors import Execute


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


class ClientWithoutHeartbeat(AsyncKernelClient):
    """A kernel client that starts no heartbeat channel. nbclient asks the kernel manager (the
    process), not the heartbeat, whether a kernel lives; and jupyter_client's heartbeat thread
    was seen stuck in its event loop after a hostile kernel's shutdown on a loaded machine, so
    that ``stop_channels()`` (a join without timeout) held the display run until its deadline."""

    def start_channels(self, shell=True, iopub=True, stdin=True, hb=False, control=True):
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)


class WithoutHeartbeat:
    """A NotebookClient mixin: every client of its kernel manager, also the one after
    ``_replace_kernel``, is a :class:`ClientWithoutHeartbeat` (the display run here, the
    lessons' runs in tests/test_lessons.py)."""

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.client_factory = ClientWithoutHeartbeat
        return km


class RobustExecute(WithoutHeartbeat, Execute):
    max_output_chars = Integer(
        20_000, help="Output a cell may produce; the rest is dropped with a note."
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._output_chars: dict[int, int] = {}
        self._stuck: set[int] = set()     # cells that timed out or killed their kernel

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except (CellTimeoutError, DeadKernelError) as exc:
            if isinstance(exc, DeadKernelError):
                why = "the kernel died while running this cell (did the code exit or crash the process?)"
            else:
                why = (f"this cell ran for more than {self.timeout} s and did not stop when interrupted "
                       f"(does it ignore SIGINT?)")
            self.log.warning("Cell %s: %s; starting a fresh kernel", cell_index, why)
            self._stuck.add(cell_index)
            await self._replace_kernel()
            await self._restore_state(cell_index)
            cell.outputs.append(_error_output(
                "CellTimeoutError" if isinstance(exc, CellTimeoutError) else "DeadKernelError",
                why + ". The kernel was restarted and the cells before this one were run again, "
                      "so the rest of the notebook was still graded."))
            return cell

    async def _restore_state(self, upto: int) -> None:
        """Re-run the cells before ``upto`` in the new kernel (their outputs are discarded, and
        cells that got stuck are skipped), so that later cells see the state they expect."""
        for index, earlier in enumerate(self.nb.cells[:upto]):
            if earlier.cell_type != "code" or index in self._stuck:
                continue
            try:
                await super().async_execute_cell(copy.deepcopy(earlier), index, store_history=False)
            except (CellTimeoutError, DeadKernelError):
                self._stuck.add(index)
                await self._replace_kernel()
                return

    # nbclient binds the synchronous wrapper to its own coroutine; rebind it to ours.
    execute_cell = run_sync(async_execute_cell)

    async def _replace_kernel(self) -> None:
        """Kill the kernel (its process group goes with it) and start a new one in its place."""
        await asyncio.wait_for(self.km.restart_kernel(now=True), timeout=self.startup_timeout)
        self.kc.stop_channels()
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=self.startup_timeout)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        used = self._output_chars.get(cell_index, 0)
        self._output_chars[cell_index] = used + size
        if used + size <= self.max_output_chars:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.max_output_chars:
            outs.append(NotebookNode(output_type="stream", name="stdout", text=(
                f"\n[output truncated: this cell printed more than {self.max_output_chars} characters]\n")))
        return None
