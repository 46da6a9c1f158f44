"""The one way a verdict leaves a job: a signed reply on a pipe only the grader reads.

In a job where student code runs next to the code that reports (a notebook's kernel, quiz
answers), the reply must be something that code cannot forge even if it wrote to that pipe:
each job gets a fresh random key on its standard input, its entry point reads it before any
student code runs and keeps it only inside an HMAC object, and the grader accepts a reply
only with a valid HMAC-SHA256 of its exact bytes. (A checks job is the judge: no student code
runs in it at all, autograder.judge; its reply is signed the same way all the same.)
"""
from __future__ import annotations

import hashlib
import hmac
import json


class ForgedReply(ValueError):
    """A reply whose signature does not match: something other than the harness wrote it."""


def new_signer(key: bytes):
    """An HMAC object for ``key``; copy it to sign (the key itself need not be kept)."""
    return hmac.new(key, digestmod=hashlib.sha256)


def sign(signer, payload: dict) -> bytes:
    body = json.dumps(payload, separators=(",", ":")).encode()
    mac = signer.copy()
    mac.update(body)
    return mac.hexdigest().encode() + b" " + body


def verify(key: bytes, data: bytes) -> dict:
    """The payload of a signed reply, or ForgedReply / ValueError."""
    mac, sep, body = data.partition(b" ")
    if not sep:
        raise ForgedReply("the reply is not signed")
    expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(mac, expected):
        raise ForgedReply("the reply's signature does not match")
    payload = json.loads(body)
    if not isinstance(payload, dict):
        raise ValueError("the reply is not a JSON object")
    return payload
