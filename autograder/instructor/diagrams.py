"""The lessons' mermaid diagrams as pictures, for the pages nbconvert makes (feedback).

Lessons draw diagrams as mermaid code blocks in markdown cells; JupyterLab draws them, but
nbconvert's HTML (the feedback page) would show their source text. So `make release` draws
every diagram in source/ once, with mermaid in a headless Chromium, into a PNG named after
its text (``autograder/instructor/diagrams/<hash>.png``, committed), and the feedback
preprocessor (preprocessors/feedback_page.py) puts that picture where the code block was. A
diagram already drawn needs nothing; a new or changed one needs mermaid (``make diagrams``:
npm installs it into tools/mermaid/) and Chromium (and Playwright, the ``browser`` extra).
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
from pathlib import Path

import nbformat

from . import PROJECT

PICTURES = Path(__file__).with_name("diagrams")
MERMAID_JS = PROJECT / "tools" / "mermaid" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
BLOCK = re.compile(r"```mermaid[ \t]*\n(.*?)```", re.S)
RENDER_DEADLINE_MS = 60_000          # one diagram (a guard against a stuck page, not a speed limit)


class DiagramsUnavailable(RuntimeError):
    """A diagram needs drawing and mermaid, Chromium or Playwright is missing; says what to install."""


def key(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()[:16]


def picture(code: str) -> Path | None:
    path = PICTURES / f"{key(code)}.png"
    return path if path.exists() else None


def diagrams_in(course: Path) -> dict[str, str]:
    """``{key: code}`` of every diagram in the course's source notebooks."""
    found = {}
    for path in sorted((Path(course) / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for code in BLOCK.findall(cell.source):
                    found[key(code)] = code
    return found


def chromium() -> str:
    for name in (os.environ.get("COURSE_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    raise DiagramsUnavailable("drawing a diagram needs Chromium (Debian: apt-get install chromium), "
                              "or COURSE_CHROMIUM=/path/to/chrome")


def draw(codes: list[str]) -> list[Path]:
    """Draw these diagrams into PICTURES (PNG, twice the CSS pixel size for sharp text)."""
    if not codes:
        return []
    if not MERMAID_JS.exists():
        raise DiagramsUnavailable(f"{len(codes)} diagram(s) in source/ have no picture yet, and mermaid is "
                                  "not installed: run `make diagrams` (npm installs it into tools/mermaid/)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise DiagramsUnavailable("drawing a diagram needs Playwright: pip install -e '.[browser]'") from None
    PICTURES.mkdir(exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--disable-gpu", "--no-first-run"] + (
            ["--no-sandbox"] if os.geteuid() == 0 else []))
        try:
            page = browser.new_page(device_scale_factor=2)
            page.set_default_timeout(RENDER_DEADLINE_MS)
            page.set_content("<html><body style='margin:0;background:white'>"
                             "<div id='out' style='display:inline-block;padding:8px'></div></body></html>")
            page.add_script_tag(content=MERMAID_JS.read_text())
            page.evaluate("mermaid.initialize({startOnLoad: false, securityLevel: 'strict', "
                          "fontFamily: 'DejaVu Sans, sans-serif'})")
            for i, code in enumerate(codes):
                svg = page.evaluate("async ([id, c]) => (await mermaid.render(id, c)).svg", [f"d{i}", code])
                page.evaluate("(s) => { document.getElementById('out').innerHTML = s; }", svg)
                path = PICTURES / f"{key(code)}.png"
                page.locator("#out").screenshot(path=str(path))
                written.append(path)
        finally:
            browser.close()
    return written


def draw_missing(course: Path) -> list[Path]:
    """Draw the course's diagrams that have no picture yet; returns the new pictures."""
    return draw([code for k, code in sorted(diagrams_in(course).items()) if picture(code) is None])


def with_pictures(cell) -> None:
    """Replace each mermaid block of a markdown cell with its picture (a cell attachment, which
    nbconvert embeds); a diagram with no picture becomes one line saying where to see it."""
    attachments = dict(cell.get("attachments", {}))

    def swap(match):
        path = picture(match[1])
        if path is None:
            return "*(a diagram: open the lesson's notebook to see it)*"
        name = f"diagram-{path.stem}.png"
        attachments[name] = {"image/png": base64.b64encode(path.read_bytes()).decode()}
        return f"![diagram](attachment:{name})"

    source = BLOCK.sub(swap, cell.source)
    if source != cell.source:
        cell.source = source
        cell["attachments"] = attachments
