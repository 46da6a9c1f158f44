"""The entry point of every job, inside the sandbox: ``python -s -m autograder.sandbox.inside``.

In order, before any student code runs: read the whole request from standard input (the
key, the limits, the uid, the work) and close it; keep the key only inside an HMAC object;
lower the resource limits; drop to the job's uid (when started as root) for good; mark the
reply pipe close-on-exec so programs started later do not inherit it. Then do the work and
write the signed reply. Student code can print, crash or exit: without the key it cannot
produce a reply the grader accepts.
"""
from __future__ import annotations

import argparse
import ctypes
import importlib
import json
import os
import sys
import warnings

from .channel import new_signer, sign
from .limits import Limits

PR_SET_NO_NEW_PRIVS = 38


def drop_privileges(uid: int) -> None:
    """Become ``uid`` (and gid ``uid``) with no supplementary groups and no way back."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError(f"could not drop to uid {uid}")


#: job kind -> the module whose ``run(payload)`` does it
HANDLERS = {"checks": "job_checks", "notebook": "job_notebook", "quiz": "job_quiz", "workers": "job_workers"}


def handler(kind: str):
    """Only the module of this job's kind is imported: a checks job must not pay for nbformat
    (its jsonschema import alone takes about 2 s of CPU), a notebook job for the engine."""
    return importlib.import_module(f"{__package__}.{HANDLERS[kind]}").run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reply-fd", type=int)
    parser.add_argument("--control-fd", type=int, help="a worker host's socket to the judge (no reply)")
    args = parser.parse_args(argv)
    request = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    signer = new_signer(bytes.fromhex(request.pop("key"))) if args.reply_fd is not None else None
    if request.get("limits"):
        Limits.from_dict(request["limits"]).apply()
    if request.get("uid") is not None:
        drop_privileges(int(request["uid"]))
    if args.control_fd is not None and request["kind"] == "workers":
        # the worker host answers the judge on its socket, not with a signed reply
        os.set_inheritable(args.control_fd, False)
        handler("workers")(request["payload"], args.control_fd)
        return 0
    os.set_inheritable(args.reply_fd, False)
    os.makedirs(os.environ.get("HOME", "/tmp/home"), exist_ok=True)
    warnings.simplefilter("ignore")    # a warning is not a verdict; keep the job's output clean
    reply = handler(request["kind"])(request["payload"])
    data = sign(signer, reply)
    with os.fdopen(args.reply_fd, "wb") as out:
        out.write(data)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Skip interpreter shutdown: threads a student left running (or a patched atexit) must not
    # hold the job open once its verdict is written.
    os._exit(code)
