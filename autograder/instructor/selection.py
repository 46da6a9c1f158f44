"""Which submissions one ``make grade`` grades: all, a subset, or one machine's shard.

``make grade STUDENT=ada ASSIGNMENT=02-locks`` (either or both; ``--student``/``--assignment``)
grades only those; every other row of the reports, every other file and every other
feedback page stays as it was. ``make grade SHARD=2/3`` grades the second of three slices:
a submission belongs to the slice its name hashes to, so every machine that sees the same
``submitted/`` folder agrees on the slices without talking to the others, and N machines
sharing one PostgreSQL gradebook grade the class once between them (README, "Past one machine").
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Shard:
    index: int          # 1..count
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """``"i/N"`` with 1 <= i <= N; ValueError otherwise."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
        if not match:
            raise ValueError(f"a shard is written i/N, e.g. 1/3 (got {text!r})")
        index, count = int(match[1]), int(match[2])
        if not 1 <= index <= count:
            raise ValueError(f"shard {index}/{count}: i must be between 1 and N")
        return cls(index, count)

    def holds(self, student: str, assignment: str) -> bool:
        digest = hashlib.sha256(f"{student}/{assignment}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class Selection:
    student: str | None = None
    assignment: str | None = None
    shard: Shard | None = None

    @property
    def everything(self) -> bool:
        return self.student is None and self.assignment is None and self.shard is None

    def holds(self, student: str, assignment: str) -> bool:
        return ((self.student is None or student == self.student)
                and (self.assignment is None or assignment == self.assignment)
                and (self.shard is None or self.shard.holds(student, assignment)))

    def of(self, submissions: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [s for s in submissions if self.holds(*s)]

    def __str__(self) -> str:
        parts = [f"student {self.student}" if self.student else "",
                 f"assignment {self.assignment}" if self.assignment else "",
                 f"shard {self.shard}" if self.shard else ""]
        return ", ".join(p for p in parts if p) or "every submission"
