"""ATTACK: judge/worker split: a worker that finds its own link to the judge (gc) and lies on it: answers for primitives it never asked about, forges final replies, guesses primitive handles and writes to all of them, floods the judge with requests, sends an oversized frame, and stalls in the middle of a frame
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import gc
import json
import multiprocessing
import socket
import time


def _frame(message):
    data = json.dumps(message).encode()
    return len(data).to_bytes(4, "big") + data


def _links():
    """The socket(s) this worker talks to the judge on, found without being told."""
    return [obj for obj in gc.get_objects() if isinstance(obj, socket.socket) and obj.fileno() >= 0]


def _lie(how):
    for sock in _links():
        try:
            if how == "answer for the judge":
                for handle in range(64):          # write a count into every primitive there may be
                    sock.sendall(_frame({"op": "call", "h": handle, "m": "set:value", "a": [4]}))
                sock.sendall(_frame({"ret": 4}) + _frame({"ready": {"$new": 1, "methods": [], "type": "int"}}))
            elif how == "flood":
                burst = b"".join(_frame({"op": "repr", "h": h % 8}) for h in range(20_000))
                sock.sendall(burst)
            elif how == "oversized":
                sock.sendall((64 << 20).to_bytes(4, "big") + b"{" * 65536)
            elif how == "stall":
                sock.sendall((1000).to_bytes(4, "big") + b'{"ret": ')
                time.sleep(3600)
        except OSError:
            pass


class SafeCounter:
    """Counts nothing: each call lies to the judge in another way."""

    def __init__(self, initial=0, *, ctx=None):
        self._initial = initial
        self._calls = 0
        _lie("answer for the judge")

    def increment(self, n=1):
        self._calls += 1
        _lie(("flood", "oversized", "answer for the judge", "stall")[self._calls % 4])

    @property
    def value(self):
        _lie("answer for the judge")
        return self._initial
