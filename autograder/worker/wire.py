"""Messages between the judge and the processes that run student code.

A message is a JSON object, framed as a 4-byte big-endian length and that many bytes of
UTF-8 JSON (never pickle: what a worker sends is data the judge checks, not code it runs).
A frame is at most :data:`MAX_MESSAGE` bytes. File descriptors travel with a frame
(SCM_RIGHTS) from the worker host to the judge (the judge's ends of new workers' sockets) and
from the judge to a real-run worker (its children's sockets).

Values cross as plain JSON where JSON has the exact type (None, bool, int, float, str, list)
and as a one-key object tagged ``$...`` otherwise (:func:`encode`); anything else a worker
returns becomes ``{"$obj": {"type": ..., "repr": ...}}``, which the judge reads as an opaque
value (judge/remote.Foreign), never as the object itself.
"""
from __future__ import annotations

import base64
import json
import json.encoder
import json.scanner
import math
import os
import socket
import struct

__all__ = ["MAX_MESSAGE", "Channel", "ProtocolError", "Closed", "TimedOut", "encode", "decode_plain",
           "short_repr"]

MAX_MESSAGE = 8 << 20
MAX_FDS = 64
_HEADER = 4
_MAX_DEPTH = 20
_MAX_ITEMS = 100_000
_REPR_CHARS = 1_000
# One round trip per operation is what a controlled run costs, so a message is encoded and
# decoded by json's C encoder and scanner, built once (JSONEncoder.encode builds a new C
# encoder for every call, JSONDecoder.decode runs two whitespace regexes): about 5 us less per
# message. No circular check (markers=None): every message is fresh data from encode().
_ENCODE = json.encoder.c_make_encoder(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii,
                                      None, ":", ",", False, False, True)
_SCAN = json.scanner.make_scanner(json.JSONDecoder())


class ProtocolError(Exception):
    """A message that breaks the protocol: too large, not JSON, not the expected shape."""


class Closed(ProtocolError):
    """The other end is gone (end of file)."""


class TimedOut(Exception):
    """Nothing complete arrived before the deadline."""


class Channel:
    """One end of a socket carrying framed JSON messages. ``timeout``: the socket's own
    timeout in seconds, so that a reader with a deadline looks at it regularly (None: block)."""

    def __init__(self, sock: socket.socket, *, timeout: float | None = None):
        self.sock = sock
        # The timeout is the kernel's (SO_RCVTIMEO, SO_SNDTIMEO: a call that runs out raises
        # BlockingIOError) rather than Python's, which polls before every send and receive:
        # one system call less per message.
        sock.settimeout(None)
        if timeout is not None:
            seconds = int(timeout)
            interval = struct.pack("@ll", seconds, int((timeout - seconds) * 1_000_000))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, interval)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, interval)
        self._buf = bytearray()
        self._fds: list[int] = []

    def fileno(self) -> int:
        return self.sock.fileno()

    def send(self, message: dict, fds=()) -> None:
        data = "".join(_ENCODE(message, 0)).encode()
        if len(data) > MAX_MESSAGE:
            raise ProtocolError(f"a message of {len(data):,} bytes is over the limit of {MAX_MESSAGE:,}")
        frame = len(data).to_bytes(_HEADER, "big") + data
        if fds:
            sent = socket.send_fds(self.sock, [frame], list(fds))
            if sent < len(frame):
                self.sock.sendall(frame[sent:])
        else:
            self.sock.sendall(frame)

    def recv(self, deadline=None, *, with_fds: bool = False) -> dict:
        """The next message. ``deadline`` (autograder.deadlines.Deadline or None): TimedOut
        once it has expired with no complete message. ``with_fds``: file descriptors that came
        with it are kept for :meth:`take_fds` (else any that arrive are closed)."""
        while True:
            message = self._frame()
            if message is not None:
                return message
            try:
                if with_fds:
                    data, fds, _flags, _addr = socket.recv_fds(self.sock, 1 << 16, MAX_FDS)
                    self._fds.extend(fds)
                else:
                    data = self.sock.recv(1 << 16)
            except (socket.timeout, BlockingIOError, InterruptedError):
                if deadline is not None and deadline.expired():   # looked at only while waiting
                    raise TimedOut("no message before the deadline") from None
                continue
            except OSError as exc:
                raise Closed(f"the connection broke: {exc}") from None
            if not data:
                raise Closed("the other end closed the connection")
            self._buf += data

    def feed(self) -> None:
        """Read what has arrived (the socket is readable) into the buffer; Closed at the end."""
        try:
            data = self.sock.recv(1 << 16)
        except (socket.timeout, BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            raise Closed(f"the connection broke: {exc}") from None
        if not data:
            raise Closed("the other end closed the connection")
        self._buf += data

    def next_message(self):
        """The next complete message already read (see feed), or None."""
        return self._frame()

    def take_fds(self, n: int) -> list[int]:
        """The first ``n`` file descriptors received (ProtocolError if fewer came)."""
        if len(self._fds) < n:
            raise ProtocolError(f"expected {n} file descriptors, got {len(self._fds)}")
        taken, self._fds = self._fds[:n], self._fds[n:]
        return taken

    def _frame(self):
        buf = self._buf
        if len(buf) < _HEADER:
            return None
        size = int.from_bytes(buf[:_HEADER], "big")
        if size > MAX_MESSAGE:
            raise ProtocolError(f"a message of {size:,} bytes is over the limit of {MAX_MESSAGE:,}")
        if len(buf) < _HEADER + size:
            return None
        data = buf[_HEADER:_HEADER + size]
        del buf[:_HEADER + size]
        try:
            text = data.decode()
            message, end = _SCAN(text, 0)
        except StopIteration:
            raise ProtocolError("a message that is not JSON (JSONDecodeError)") from None
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(f"a message that is not JSON ({type(exc).__name__})") from None
        if end != len(text):
            raise ProtocolError("a message that is not JSON (extra data)")
        if type(message) is not dict:
            raise ProtocolError("a message that is not a JSON object")
        return message

    def close(self) -> None:
        for fd in self._fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds = []
        try:
            self.sock.close()
        except OSError:
            pass


# ------------------------------------------------------------------ values
def short_repr(value, limit: int = _REPR_CHARS) -> str:
    """repr() of a value that may be anything (its __repr__ may raise), at most ``limit`` chars."""
    try:
        text = repr(value)
    except BaseException:  # noqa: BLE001 - a student's __repr__ may do anything
        return f"<{type(value).__name__} object>"
    if type(text) is not str:
        return f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[:limit] + "..."


def encode(value, refs=None, _depth=0):
    """``value`` as JSON data: exact JSON types as they are, tuples, bytes, slices and dicts
    tagged, anything else as an opaque ``$obj`` (its type's name and repr) unless ``refs``
    (a function) gives it a tag of its own (e.g. a reference to a worker's object)."""
    t = type(value)
    if value is None or t is bool or t is int or t is str:
        return value
    if t is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if _depth < _MAX_DEPTH:
        if t is list:
            return [encode(v, refs, _depth + 1) for v in value[:_MAX_ITEMS]]
        if t is tuple:
            return {"$tuple": [encode(v, refs, _depth + 1) for v in value[:_MAX_ITEMS]]}
        if t is dict:
            return {"$dict": [[encode(k, refs, _depth + 1), encode(v, refs, _depth + 1)]
                              for k, v in list(value.items())[:_MAX_ITEMS]]}
    if t is bytes:
        return {"$bytes": base64.b64encode(value[:MAX_MESSAGE // 2]).decode()}
    if t is slice:
        return {"$slice": [encode(value.start, refs, _depth + 1), encode(value.stop, refs, _depth + 1),
                           encode(value.step, refs, _depth + 1)]}
    if refs is not None:
        tagged = refs(value)
        if tagged is not None:
            return tagged
    return {"$obj": {"type": str(getattr(t, "__name__", "object"))[:100], "repr": short_repr(value)}}


def decode_plain(data, tags=None, _depth=0):
    """The value :func:`encode` made, for plain data only; ``tags`` maps other tags (e.g.
    ``$ref``) to a function of their content. ProtocolError for anything else."""
    t = type(data)
    if data is None or t in (bool, int, str, float):
        return data
    if _depth > _MAX_DEPTH + 1:
        raise ProtocolError("a value nested too deep")
    if t is list:
        return [decode_plain(v, tags, _depth + 1) for v in data]
    if t is not dict or len(data) != 1:
        raise ProtocolError("a value in an unknown form")
    (tag, content), = data.items()
    if tag == "$tuple" and type(content) is list:
        return tuple(decode_plain(v, tags, _depth + 1) for v in content)
    if tag == "$dict" and type(content) is list:
        out = {}
        for pair in content:
            if type(pair) is not list or len(pair) != 2:
                raise ProtocolError("a malformed dict")
            key = decode_plain(pair[0], tags, _depth + 1)
            try:
                out[key] = decode_plain(pair[1], tags, _depth + 1)
            except TypeError:
                raise ProtocolError("an unhashable dict key") from None
        return out
    if tag == "$bytes" and type(content) is str:
        try:
            return base64.b64decode(content.encode(), validate=True)
        except ValueError:
            raise ProtocolError("malformed bytes") from None
    if tag == "$float" and content in ("nan", "inf", "-inf"):
        return float(content)
    if tag == "$slice" and type(content) is list and len(content) == 3:
        parts = [decode_plain(v, tags, _depth + 1) for v in content]
        if not all(p is None or type(p) is int for p in parts):
            raise ProtocolError("a slice of something other than ints")
        return slice(*parts)
    if tags is not None and tag in tags:
        return tags[tag](content)
    raise ProtocolError(f"a value tagged {tag[:40]!r}")
