"""nbgrader's Collect (the formgrader's button, ``nbgrader collect``), without following links.

On a shared hub the exchange's inbound folder is writable by every student, so a submission
there may hold a symbolic link to a file only the instructor can read (``source/``, the
gradebook, another student's work), or a FIFO that blocks whoever opens it. nbgrader's own
collect copies with ``shutil.copytree``, which follows links as the instructor. This one
copies with the intake's copy (intake.copy_folder: regular files only, capped, under a
deadline) and logs what it left out; ``make grade`` then takes the collected copy in again.
The course's nbgrader_config.py names it (``c.ExchangeFactory.collect``).
"""
from __future__ import annotations

from nbgrader.exchange.default.collect import ExchangeCollect

from .intake import Intake, SubmissionRefused, copy_folder


class SafeExchangeCollect(ExchangeCollect):
    """nbgrader's ExchangeCollect whose copy follows no link and opens no special file."""

    def do_copy(self, src, dest, log=None):
        where = str(src).rsplit("/", 1)[-1]
        try:
            flags = copy_folder(src, dest, where, self.coursedir.assignment_id, Intake(parent=self))
        except (SubmissionRefused, TimeoutError) as exc:
            self.log.warning("Not collected: %s", exc)
            return
        for flag in flags:
            self.log.warning("Collecting %s: %s", where, flag.detail)
