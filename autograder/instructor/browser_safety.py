"""Notebooks that run nothing in the instructor's browser, whatever the student wrote.

The formgrader shows an autograded notebook with the instructor's session, so a script there
can change grades; feedback pages are opened by instructors too. Every renderer (nbconvert's
HTML export for feedback and for the formgrader, JupyterLab, a platform that shows the
notebook) gets the notebook that ``make_browser_safe`` leaves:

* a markdown cell is kept as written when it is short enough to render quickly
  (``MAX_CELL_CHARS``, ``MAX_LINE_CHARS``, ``MAX_NOTEBOOK_CHARS``) and what nbconvert renders from it (mistune, the
  renderer of the feedback and the formgrader) holds only inert HTML (``SAFE_TAGS``, and
  attributes ``attribute_is_safe`` allows: no event handler, no style but table alignment,
  links to http(s), mailto or the page itself, images only from data or attachments),
  checked by bleach, which parses HTML as browsers do. A cell with anything else (a
  ``<script>``, ``<img onerror>``, ``<svg onload>``, ``<iframe srcdoc>``, a remote image, a
  ``javascript:`` link...) is shown as text: its source in a fenced block, after a note;
* attachments are kept only as PNG, JPEG or GIF base64 data; raw cells lose the mimetype
  that would make an exporter copy them as HTML;
* outputs keep plain text and base64 images only, without metadata (an image's width is
  copied into an ``<img>`` attribute unescaped);
* cell metadata keeps nbgrader's, the trusted grader's (``autograder``: a suite's report and
  flags, the feedback page's titles; data that pages escape, written after nbgrader's
  ClearMetadataPreprocessor removed whatever the student put there), tags and the editing
  flags; notebook metadata keeps the kernel and language (widget state would load a widget
  manager).

Text the grader writes from student data (reasons, messages) goes into outputs as plain
text, or through ``quoted`` in markdown.
"""
from __future__ import annotations

import base64
import binascii
import html
import re
from urllib.parse import urlsplit

SAFE_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "b", "i", "u", "code", "pre", "kbd",
    "samp", "var", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
    "tr", "th", "td", "caption", "hr", "br", "img", "span", "div", "del", "s", "ins", "sup", "sub",
    "abbr", "small", "mark", "figure", "figcaption"})
LINK_SCHEMES = ("http", "https", "mailto")
IMAGE_MIMETYPES = ("image/png", "image/jpeg", "image/gif")
OUTPUT_MIMETYPES = ("text/plain", "image/png", "image/jpeg")
CELL_METADATA = ("nbgrader", "autograder", "tags", "deletable", "editable")
NOTEBOOK_METADATA = ("kernelspec", "language_info")
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]*", re.I)
_ALIGN = re.compile(r"\s*text-align\s*:\s*(left|right|center)\s*;?\s*", re.I)
_URL_NOISE = re.compile(r"[\t\n\r]")


def _url(value: str) -> tuple[str, str]:
    """(scheme, url) as a browser reads ``value`` (bleach passes it with its character
    references): references decoded, tabs and newlines removed, ends trimmed."""
    url = _URL_NOISE.sub("", html.unescape(value)).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                          "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
                                          "\x1d\x1e\x1f ")
    try:
        return urlsplit(url).scheme.lower(), url
    except ValueError:
        return "?", url


def attribute_is_safe(tag: str, name: str, value: str) -> bool:
    """Whether ``name="value"`` on ``tag`` is inert (bleach's attribute filter)."""
    if name in ("class", "id", "title", "lang", "dir"):
        return True
    if name == "style":
        return tag in ("th", "td") and _ALIGN.fullmatch(value) is not None
    if tag == "a" and name == "href":
        scheme, url = _url(value)
        return scheme in LINK_SCHEMES or (scheme == "" and not url.startswith("//"))
    if tag == "img" and name == "src":
        scheme, url = _url(value)
        return scheme == "attachment" or _DATA_IMAGE.fullmatch(url) is not None
    if tag == "img" and name in ("alt", "width", "height"):
        return True
    if tag in ("th", "td") and name in ("colspan", "rowspan", "align"):
        return True
    return tag in ("ol", "li") and name in ("start", "value")


def _cleaner(strip: bool, rejected: list):
    from bleach.sanitizer import Cleaner

    def allow(tag, name, value):
        ok = attribute_is_safe(tag, name, value)
        if not ok:
            rejected.append((tag, name))
        return ok

    return Cleaner(tags=SAFE_TAGS, attributes=allow, protocols=[*LINK_SCHEMES, "data", "attachment"],
                   strip=strip, strip_comments=True)


def is_inert(markup: str) -> bool:
    """Whether ``markup`` holds only ``SAFE_TAGS`` with safe attributes (parsed as a browser
    parses it). A tag that is not allowed is escaped by one cleaner and dropped by the other,
    so the two disagree; an attribute that is not allowed is seen by the filter."""
    rejected: list = []
    escaped = _cleaner(False, rejected).clean(markup)
    stripped = _cleaner(True, rejected).clean(markup)
    return escaped == stripped and not rejected


def rendered(markdown: str, attachments: dict | None = None) -> str:
    """What nbconvert's HTML exporter (feedback, formgrader) renders from a markdown cell
    with these attachments (HTMLExporter.markdown2html, without its anchor links)."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(escape=False, attachments=attachments or {}, exclude_anchor_links=True)
    return MarkdownWithMath(renderer=renderer).render(markdown)


NOTE = ("**The grader shows this cell as text:** it contains HTML that could run in a browser "
        "(a script, an event handler, a frame, a remote image or link target). What it says:")


def quoted(text: str, note: str = "") -> str:
    """Markdown that shows ``text`` literally in every renderer: a fenced block (its fence
    longer than any run of backticks in the text), after ``note``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{note}\n\n{fence}text\n{text}\n{fence}" if note else f"{fence}text\n{text}\n{fence}"


def unquoted(markdown: str) -> str:
    """The text of a fenced block written by :func:`quoted` (without its note), or ``markdown``
    as it is when it holds none."""
    found = re.search(r"(`{3,})text\n(.*)\n\1\s*$", markdown, re.S)
    return found.group(2) if found else markdown


# Rendering must stay fast (the formgrader renders on every visit): nbconvert's HTML export
# runs a regular expression over each line of a rendered cell whose time grows with the square
# of the line's length (nbconvert.filters.strip_files_prefix: 40,000 "[" on one line take 4 s).
# So a markdown cell is rendered as written only if it is short, with short lines, and a
# notebook's markdown has a total budget; the lessons' longest cell has 1,500 characters.
MAX_CELL_CHARS = 20_000
MAX_LINE_CHARS = 1_000
MAX_NOTEBOOK_CHARS = 200_000
LONG_NOTE = (f"**The grader shows this cell as text:** it is longer than {MAX_CELL_CHARS:,} characters "
             f"or has a line longer than {MAX_LINE_CHARS:,}. What it says (long lines wrapped):")
OVER_BUDGET = (f"**The grader left this markdown cell out:** the notebook's markdown is longer than "
               f"{MAX_NOTEBOOK_CHARS:,} characters.")


def _shortened(text: str) -> str:
    """The first MAX_CELL_CHARS characters of ``text``, lines wrapped at MAX_LINE_CHARS."""
    kept = text[:MAX_CELL_CHARS]
    lines = [line[i:i + MAX_LINE_CHARS] for line in kept.split("\n")
             for i in range(0, max(len(line), 1), MAX_LINE_CHARS)]
    cut = len(text) - len(kept)
    return "\n".join(lines) + (f"\n[... {cut:,} more characters not shown]" if cut else "")


def _is_quoted(source: str) -> bool:
    """Whether ``source`` is already what ``quoted`` makes after one of the notes (feedback
    runs BrowserSafe again on the autograded notebook: it must not quote twice)."""
    for note in (NOTE, LONG_NOTE):
        if source.startswith(note + "\n\n"):
            body = source[len(note) + 2:]
            fence = re.match(r"`{3,}", body)
            if fence and body.startswith(fence.group() + "text\n") and body.endswith("\n" + fence.group()):
                inner = body[len(fence.group()) + 5:-len(fence.group()) - 1]
                return max((len(run) for run in re.findall(r"`+", inner)), default=0) < len(fence.group())
    return False


def safe_markdown(source: str, attachments: dict | None = None) -> str:
    """``source`` if it renders to inert HTML, else the same text shown literally."""
    if _is_quoted(source):
        return source
    if len(source) > MAX_CELL_CHARS or max(map(len, source.split("\n"))) > MAX_LINE_CHARS:
        return quoted(_shortened(source), LONG_NOTE)
    try:
        if is_inert(rendered(source, attachments)):
            return source
    except Exception:            # a renderer that chokes on it: show it as text
        pass
    return quoted(source, NOTE)


def is_base64(data) -> bool:
    """Whether ``data`` is base64 text (what an image output or attachment must be)."""
    if not isinstance(data, str):
        return False
    try:
        base64.b64decode("".join(data.split()), validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


def _safe_attachments(attachments) -> dict:
    kept = {}
    for name, bundle in (attachments or {}).items():
        if isinstance(name, str) and re.fullmatch(r"[\w. -]{1,100}", name) and isinstance(bundle, dict):
            images = {m: d for m, d in bundle.items() if m in IMAGE_MIMETYPES and is_base64(d)}
            if images:
                kept[name] = images
    return kept


def _safe_outputs(outputs) -> list:
    kept = []
    for out in outputs or []:
        kind = out.get("output_type")
        if kind == "stream":
            out["name"] = "stderr" if out.get("name") == "stderr" else "stdout"
        elif kind in ("display_data", "execute_result"):
            data = out.get("data") or {}
            out["data"] = {m: d for m, d in data.items()
                           if m in OUTPUT_MIMETYPES and (m == "text/plain" or is_base64(d))}
            out["metadata"] = {}
            if not out["data"]:
                continue
        elif kind != "error":
            continue
        kept.append(out)
    return kept


def make_browser_safe(nb) -> int:
    """Make ``nb`` (an nbformat v4 notebook, changed in place) inert in any browser (see the
    module docstring); returns how many markdown cells are now shown as text."""
    shown_as_text, budget = 0, MAX_NOTEBOOK_CHARS
    nb.metadata = {k: v for k, v in nb.get("metadata", {}).items() if k in NOTEBOOK_METADATA}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.get("metadata", {}).items() if k in CELL_METADATA}
        if isinstance(cell.metadata.get("tags"), list):
            cell.metadata["tags"] = [t for t in cell.metadata["tags"] if isinstance(t, str)]
        if "attachments" in cell:
            cell.attachments = _safe_attachments(cell.attachments)
        if cell.cell_type == "markdown":
            safe = safe_markdown(cell.source, cell.get("attachments")) if budget > 0 else OVER_BUDGET
            budget -= len(safe)
            shown_as_text += safe != cell.source
            cell.source = safe
        if cell.cell_type == "code":
            cell.outputs = _safe_outputs(cell.get("outputs"))
    return shown_as_text
