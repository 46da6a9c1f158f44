"""What of an executed notebook's outputs reaches the gradebook and the feedback.

Outputs come back from a sandboxed run of student code, so they are rebuilt from plain fields:
text and images only (no HTML or scripts, which would run in the instructor's browser), each
capped, with an error's text explained when it names a sandbox limit the job hit.
"""
from __future__ import annotations

from dataclasses import dataclass

from nbformat.notebooknode import NotebookNode

from autograder.sandbox import Limits
from .browser_safety import is_base64
from .verdicts import error, stream

TEXT_MIMETYPES = ("text/plain",)
IMAGE_MIMETYPES = ("image/png", "image/jpeg")


@dataclass
class OutputFilter:
    limits: Limits                  # the sandbox's, to explain an error that hit one
    max_output_chars: int = 20_000  # text per cell; the rest is cut with a note
    max_image_bytes: int = 4_000_000

    def clean(self, outputs) -> list[NotebookNode]:
        """``outputs`` of one cell rebuilt from plain fields, in order, up to the text cap."""
        kept, chars = [], 0
        for out in outputs if isinstance(outputs, list) else []:
            kind = out.get("output_type") if isinstance(out, dict) else None
            if kind == "stream" and out.get("name") in ("stdout", "stderr"):
                text = _text(out.get("text"))
                piece = NotebookNode(output_type="stream", name=out["name"], text=text)
                size = len(text)
            elif kind in ("display_data", "execute_result"):
                data = out.get("data") if isinstance(out.get("data"), dict) else {}
                clean = {m: _text(data[m]) for m in TEXT_MIMETYPES if m in data}
                # An image is base64 text, pasted into an <img src="data:..."> unescaped by
                # nbconvert's templates: anything else could close the attribute.
                clean.update({m: _text(data[m]) for m in IMAGE_MIMETYPES
                              if m in data and len(_text(data[m])) <= self.max_image_bytes
                              and is_base64(_text(data[m]))})
                if not clean:
                    continue
                piece = NotebookNode(output_type=kind, data=clean, metadata={})
                if kind == "execute_result":
                    piece.execution_count = None
                size = sum(len(clean[m]) for m in TEXT_MIMETYPES if m in clean)
            elif kind == "error":
                piece = self._error(out)
                size = sum(len(line) for line in piece.traceback)
            else:
                continue
            if chars + size > self.max_output_chars:
                kept.append(stream(f"[output truncated: this cell printed more than "
                                   f"{self.max_output_chars} characters]"))
                break
            chars += size
            kept.append(piece)
        return kept

    def _error(self, out) -> NotebookNode:
        piece = error(_text(out.get("ename"))[:200], _text(out.get("evalue"))[:2_000])
        hit = self.limits.explain(f"{piece.ename}: {piece.evalue}")
        if hit:
            piece.evalue = f"{piece.evalue} ({hit})".strip()
        trace = out.get("traceback")
        if isinstance(trace, list):
            piece.traceback = [_text(line)[:2_000] for line in trace[:100]]
        return piece


def _text(value) -> str:
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""
