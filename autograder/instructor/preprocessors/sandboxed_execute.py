"""``SandboxedExecute``: nbgrader's Execute, in a sandbox, for the student's eyes only.

The notebook runs in a bubblewrap job (autograder.sandbox, job_notebook.py, with the robust
executor of sandbox/execute.py) and only its outputs come back, filtered (output_filter.py):
they are what the student reads in the feedback; no score comes from them.
"""
from __future__ import annotations

import tempfile

import nbformat
from traitlets import Float, Integer, List, Unicode

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.sandbox import Sandbox, run_job
from autograder.environment import GRADING, NBGRADER_EXECUTION
from ..output_filter import OutputFilter
from ..verdicts import error


class SandboxedExecute(NbGraderPreprocessor):
    """Runs the notebook in a sandbox and keeps only its outputs (see the module docstring)."""

    timeout = Integer(40, help="Seconds a cell may run before it is interrupted.").tag(config=True)
    iopub_timeout = Integer(5, help="Seconds a cell gets to answer the interrupt.").tag(config=True)
    startup_timeout = Integer(120, help="Seconds a kernel may take to start.").tag(config=True)
    max_output_chars = Integer(20_000, help="Text a cell may output; the rest is cut.").tag(config=True)
    max_image_bytes = Integer(4_000_000, help="Size of one image output (base64 text).").tag(config=True)
    notebook_deadline = Float(600.0, help="Seconds the whole notebook may run in its sandbox.").tag(config=True)
    kernel_name = Unicode("python3", help="Kernel the notebook runs in.").tag(config=True)
    extra_arguments = List([], help="Extra arguments for the kernel.").tag(config=True)

    def preprocess(self, nb, resources):
        sandbox = Sandbox(parent=self)
        folder = resources.get("metadata", {}).get("path") or "."
        payload = {"notebook": nbformat.writes(nb), "execute": {
            "timeout": self.timeout, "iopub_timeout": self.iopub_timeout,
            "startup_timeout": self.startup_timeout, "max_output_chars": self.max_output_chars,
            "kernel_name": self.kernel_name, "extra_arguments": list(self.extra_arguments)}}
        # MPLBACKEND unset: kernels draw inline, so plots reach the feedback (make exports Agg).
        env = {NBGRADER_EXECUTION: "autograde", GRADING: "1", "MPLBACKEND": None}
        with tempfile.TemporaryDirectory(prefix="autograde-work-") as scratch:
            if sandbox.enabled:
                job = run_job("notebook", payload, sandbox=sandbox, deadline=self.notebook_deadline,
                              ro_binds=[(folder, "/submission")], env=env)
            else:
                self.log.warning("executing WITHOUT a sandbox: student code runs as you")
                job = run_job("notebook", {**payload, "submission": folder, "workdir": scratch},
                              sandbox=None, deadline=self.notebook_deadline, env=env)
        problem = job.problem
        if job.reply is not None:
            outputs = OutputFilter(sandbox.limits(), self.max_output_chars, self.max_image_bytes)
            try:
                _merge_outputs(nb, nbformat.reads(job.reply["notebook"], as_version=4), outputs)
                problem = job.reply.get("problem") or None
            except (ValueError, KeyError, TypeError) as exc:
                problem = f"its executed notebook was rejected: {exc}"
        if problem:
            self.log.warning("notebook execution: %s", problem)
            first = next((c for c in nb.cells if c.cell_type == "code"), None)
            if first is not None:
                first.outputs.insert(0, error("NotebookNotRun", (
                    f"the notebook could not be run to the end: {problem}. Your test cells were "
                    f"still graded, from your answer cells.")))
        return nb, resources


def _merge_outputs(nb, executed, outputs: OutputFilter) -> None:
    """Take outputs (only) from the executed copy, cell by cell; sources must match."""
    if len(executed.cells) != len(nb.cells):
        raise ValueError(f"it has {len(executed.cells)} cells instead of {len(nb.cells)}")
    for ours, theirs in zip(nb.cells, executed.cells):
        if ours.cell_type != theirs.cell_type or ours.source != theirs.source:
            raise ValueError("its cells differ from the submitted ones")
    for ours, theirs in zip(nb.cells, executed.cells):
        if ours.cell_type == "code":
            ours.outputs = outputs.clean(theirs.get("outputs", []))
            count = theirs.get("execution_count")
            ours.execution_count = count if type(count) is int else None
