"""Submissions are hostile files: what the supervisor takes in before nbgrader sees them.

``submitted/<student>/<assignment>/`` may be written by students (on a shared hub, the
exchange's inbound folder is writable by every one of them), so the supervisor never follows
anything there. It finds submissions without following links (``submission_folders``),
refuses a folder whose name is not a safe name (``names.py``), and copies each submission
into a private folder of its own (``take_in``) before anything reads it: regular files only
(a symbolic link, a hard link, a FIFO, a socket or a device is refused and flagged), at most
``c.Intake.max_files`` files and ``c.Intake.max_bytes`` bytes in all (``max_file_bytes``
each), opened with ``O_NOFOLLOW | O_NONBLOCK`` relative to their folder's descriptor (a folder
swapped for a link halfway is refused too), checked with ``fstat`` before a byte is read,
and read under a deadline. nbgrader then reads only that copy
(``--CourseDirectory.submitted_directory``).

Everything found is a ``Flag``: for the ``make grade`` table and grading-report.csv.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from traitlets import Float, Integer
from traitlets.config import Configurable

from autograder.deadlines import Deadline
from .flags import LOOKS_LIKE, REFUSED_FILE, TOO_BIG, UNSAFE_NAME, Flag
from .names import look_alikes, name_problem, shown

class Intake(Configurable):
    """Caps on what one submission may hand in (the rest is not copied, and is flagged)."""
    max_files = Integer(100, help="Files (and folders) one submission may hold.").tag(config=True)
    max_file_bytes = Integer(32 * 1024 ** 2, help="Bytes of one file of a submission.").tag(config=True)
    max_bytes = Integer(64 * 1024 ** 2, help="Bytes of all the files of one submission.").tag(config=True)
    max_depth = Integer(4, help="Folders within folders in a submission.").tag(config=True)
    deadline = Float(60.0, help="Seconds (of machine share) the copy of one submission may take.").tag(config=True)


class SubmissionRefused(Exception):
    """The submission's own folder cannot be taken in (a link, not a folder, gone)."""


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a special file"


def submission_folders(course: Path) -> tuple[list[tuple[str, str]], list[Flag]]:
    """Every ``submitted/<student>/<assignment>`` folder whose names are safe, and a flag for
    every other entry there: a name that is not safe, a link or a file where a folder should
    be. Nothing is followed: a student folder that is a link is not entered."""
    submitted = Path(course) / "submitted"
    found, flags = [], []
    if not submitted.is_dir():
        return found, flags
    for student_entry in sorted(os.scandir(submitted), key=lambda e: e.name):
        student = student_entry.name
        if not student_entry.is_dir(follow_symlinks=False):
            flags.append(Flag(REFUSED_FILE, student=student, assignment="",
                              detail=f"submitted/{shown(student)} is "
                                     f"{_kind_of(student_entry.stat(follow_symlinks=False).st_mode)}"
                              ", not a folder: not graded"))
            continue
        problem = name_problem(student)
        for entry in sorted(os.scandir(student_entry.path), key=lambda e: e.name):
            assignment = entry.name
            where = f"submitted/{shown(student)}/{shown(assignment)}"
            if not entry.is_dir(follow_symlinks=False):
                if assignment != "timestamp.txt" or entry.is_symlink():
                    flags.append(Flag(REFUSED_FILE, student=student, assignment=assignment,
                                      detail=f"{where} is {_kind_of(entry.stat(follow_symlinks=False).st_mode)}"
                                      ", not a folder: not graded"))
                continue
            why = problem and f"the student id {shown(student)} is not a safe name: {problem}"
            why = why or (name_problem(assignment) and
                          f"the assignment name {shown(assignment)} is not a safe name: {name_problem(assignment)}")
            if why:
                flags.append(Flag(UNSAFE_NAME, f"{why}; {where} was not graded", student=student,
                                  assignment=assignment))
            else:
                found.append((student, assignment))
    return found, flags


def look_alike_flags(submissions: list[tuple[str, str]], known_ids=()) -> list[Flag]:
    """A flag for each submission whose student id looks like another id (of this run or
    ``known_ids``, for example the gradebook's students)."""
    similar = look_alikes({s for s, _ in submissions}, known_ids)
    return [Flag(LOOKS_LIKE, student=student, assignment=assignment,
                 detail=f"{ascii(student)} looks like {', '.join(ascii(o) for o in similar[student])}")
            for student, assignment in submissions if student in similar]


class _Copy:
    """One submission's copy: counts what was taken, and the flags of what was not."""

    def __init__(self, student: str, assignment: str, caps: Intake, clock: Deadline):
        self.student, self.assignment, self.caps, self.clock = student, assignment, caps, clock
        self.files = 0
        self.bytes = 0
        self.flags: list[Flag] = []

    def flag(self, kind: str, detail: str) -> None:
        self.flags.append(Flag(kind, student=self.student, assignment=self.assignment, detail=detail))

    def folder(self, dir_fd: int, dest: Path, rel: str, depth: int) -> None:
        dest.mkdir(mode=0o755, exist_ok=True)
        for name in sorted(os.listdir(dir_fd)):
            path = f"{rel}{shown(name)}"
            if self.clock.expired():
                raise TimeoutError(f"copying the submission took longer than {self.caps.deadline:g} s")
            if self.files >= self.caps.max_files:
                self.flag(TOO_BIG, f"more than {self.caps.max_files} files: {path} and the rest were not copied")
                return
            mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                if depth >= self.caps.max_depth:
                    self.flag(TOO_BIG, f"{path}/ is nested deeper than {self.caps.max_depth} folders: not copied")
                    continue
                child = self._open(name, dir_fd, _DIR_FLAGS, path)
                if child is not None:
                    self.files += 1
                    try:
                        self.folder(child, dest / name, f"{path}/", depth + 1)
                    finally:
                        os.close(child)
            elif stat.S_ISREG(mode):
                self.file(name, dir_fd, dest / name, path)
            else:
                self.flag(REFUSED_FILE, f"{path} is {_kind_of(mode)}: not copied")

    def _open(self, name: str, dir_fd: int, flags: int, path: str) -> int | None:
        try:
            return os.open(name, flags, dir_fd=dir_fd)
        except OSError as exc:       # ELOOP: it became a link since we looked; ENOTDIR, ENXIO, ...
            self.flag(REFUSED_FILE, f"{path} could not be opened safely ({exc.strerror}): not copied")
            return None

    def file(self, name: str, dir_fd: int, dest: Path, path: str) -> None:
        fd = self._open(name, dir_fd, _FILE_FLAGS, path)
        if fd is None:
            return
        try:
            info = os.fstat(fd)      # what was opened, not what the name pointed to a moment ago
            if not stat.S_ISREG(info.st_mode):
                self.flag(REFUSED_FILE, f"{path} is {_kind_of(info.st_mode)}: not copied")
                return
            if info.st_nlink > 1:
                self.flag(REFUSED_FILE, f"{path} is a hard link (it has {info.st_nlink} names): not copied")
                return
            limit = min(self.caps.max_file_bytes, self.caps.max_bytes - self.bytes)
            if info.st_size > limit:
                self.flag(TOO_BIG, f"{path} has {info.st_size} bytes, more than the {limit} left: not copied")
                return
            data = bytearray()
            while chunk := os.read(fd, 1 << 20):
                data += chunk
                if len(data) > limit:
                    self.flag(TOO_BIG, f"{path} grew past {limit} bytes while it was read: not copied")
                    return
                if self.clock.expired():
                    raise TimeoutError(f"copying the submission took longer than {self.caps.deadline:g} s")
            out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            with os.fdopen(out, "wb") as f:
                f.write(data)
            self.files += 1
            self.bytes += len(data)
        finally:
            os.close(fd)


def copy_folder(source: Path, dest: Path, student: str, assignment: str, caps: Intake) -> list[Flag]:
    """Copy the folder ``source`` (opened without following a link) into ``dest`` as
    ``take_in`` does; returns the flags. Raises SubmissionRefused if ``source`` is not a folder
    (a link to one included), TimeoutError past ``caps.deadline``."""
    copy = _Copy(student, assignment, caps, Deadline(caps.deadline))
    try:
        fd = os.open(source, _DIR_FLAGS)
    except OSError as exc:
        raise SubmissionRefused(f"{source} could not be opened as a folder without following links "
                                f"({exc.strerror})") from None
    try:
        copy.folder(fd, Path(dest), "", 0)
    finally:
        os.close(fd)
    return copy.flags


def take_in(course: Path, student: str, assignment: str, private: Path, caps: Intake) -> list[Flag]:
    """Copy ``submitted/<student>/<assignment>`` into ``private/<student>/<assignment>`` (see the
    module docstring); returns the flags of what was not copied. Raises SubmissionRefused if
    the submission's folder itself cannot be taken in, TimeoutError past ``caps.deadline``."""
    clock = Deadline(caps.deadline)
    copy = _Copy(student, assignment, caps, clock)
    dest = Path(private) / student / assignment
    dest.parent.mkdir(parents=True, exist_ok=True)
    submitted = os.open(Path(course) / "submitted", _DIR_FLAGS)     # the course's own folder
    try:
        fds = [submitted]
        try:
            for name in (student, assignment):
                fds.append(os.open(name, _DIR_FLAGS, dir_fd=fds[-1]))
        except OSError as exc:
            raise SubmissionRefused(f"submitted/{shown(student)}/{shown(assignment)} could not be opened "
                                    f"as a folder without following links ({exc.strerror})") from None
        copy.folder(fds[-1], dest, "", 0)
    finally:
        for fd in fds[1:]:
            os.close(fd)
        os.close(submitted)
    return copy.flags


def add_flags(results, flags) -> None:
    """Attach each flag to the result (anything with ``student``, ``assignment`` and a
    ``flags`` tuple) of its submission."""
    by_submission: dict[tuple[str, str], list[Flag]] = {}
    for flag in flags:
        by_submission.setdefault((flag.student, flag.assignment), []).append(flag)
    for result in results:
        result.flags += tuple(by_submission.get((result.student, result.assignment), ()))
