"""Cells that a spreadsheet will not run: every CSV file the project writes goes through here.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` in a student id sends
whoever opens grades.csv to a site of the student's choosing). OWASP's guidance on CSV
injection: such a cell gets a leading ``'``, which the spreadsheet shows as text and does not
display; the csv module quotes the rest (separators, quotes, newlines). A number (``-1.5``) is
left alone: it is a value, not a formula.
"""
from __future__ import annotations

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` as a cell no spreadsheet reads as a formula (non-strings are left alone)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def write_rows(f, header, rows) -> None:
    """Write ``header`` and ``rows`` (sequences of cells) to the open file ``f`` as CSV, every
    cell neutralised."""
    w = SafeWriter(f)
    w.writerow(header)
    for row in rows:
        w.writerow(row)


class SafeWriter:
    """``csv.writer`` whose ``writerow`` neutralises every cell."""

    def __init__(self, f):
        self._writer = csv.writer(f)

    def writerow(self, row) -> None:
        self._writer.writerow([neutralise(c) for c in row])


def write_dicts(f, fields, rows) -> None:
    """The same for dicts, in the order of ``fields`` (other keys are left out)."""
    w = csv.DictWriter(f, fieldnames=list(fields), extrasaction="ignore")
    w.writerow({k: neutralise(k) for k in fields})
    for row in rows:
        w.writerow({k: neutralise(row.get(k)) for k in fields})
