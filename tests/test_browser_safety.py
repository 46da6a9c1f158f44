"""Notebooks that run nothing in a browser (autograder/instructor/browser_safety.py).

The Chromium test of the same (a loopback listener that must see no request) is
tests/test_browser_feedback.py; these are the fast unit checks."""
import nbformat
import pytest

from autograder.instructor.browser_safety import (NOTE, is_inert, make_browser_safe, rendered,
                                                  safe_markdown)
from tests.testkit import REPO

URL = "http://127.0.0.1:9"
ACTIVE = {
    "script": f"<script>fetch('{URL}/s')</script>",
    "img onerror": f"<img src=x onerror=\"fetch('{URL}/i')\">",
    "svg onload": f"<svg onload=\"fetch('{URL}/v')\">",
    "iframe srcdoc": f"<iframe srcdoc=\"<script>fetch('{URL}/f')</script>\"></iframe>",
    "details ontoggle": f"<details open ontoggle=\"fetch('{URL}/d')\"><summary>x</summary></details>",
    "markdown image": f"![x]({URL}/m.png)",
    "javascript link": "[click](javascript:alert(1))",
    "encoded javascript link": "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "style url": f"<p style=\"background:url({URL}/c)\">x</p>",
    "meta refresh": f"<meta http-equiv=refresh content=\"0;url={URL}\">",
    "form": f"<form action=\"{URL}\"><button>go</button></form>",
    "math namespace": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
}


@pytest.mark.parametrize("name", ACTIVE)
def test_active_markdown_is_shown_as_text(name):
    safe = safe_markdown(ACTIVE[name])
    assert safe.startswith(NOTE) and ACTIVE[name] in safe
    assert is_inert(rendered(safe))


@pytest.mark.parametrize("text", [ACTIVE["script"], "`" * 5 + "x" * 60_000, "[a](" * 20_000, "x" * 1_500])
def test_a_cell_shown_as_text_stays_as_it_is(text):
    """Feedback runs BrowserSafe again on the autograded notebook."""
    once = safe_markdown(text)
    assert once != text and safe_markdown(once) == once


def test_fences_in_the_text_cannot_close_the_block():
    text = "```\n<script>fetch('x')</script>\n````\n<img src=x onerror=alert(1)>"
    assert is_inert(rendered(safe_markdown(text)))


@pytest.mark.parametrize("path", sorted(REPO.glob("source/*/*.ipynb")), ids=lambda p: p.parent.name)
def test_the_lessons_own_markdown_is_kept(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert safe_markdown(cell.source) == cell.source, cell.source[:200]


def test_outputs_metadata_and_attachments():
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"x": 1}, "title": "</title><script>",
                                            "kernelspec": {"name": "python3", "display_name": "Python 3"}})
    code = nbformat.v4.new_code_cell("1", outputs=[
        nbformat.from_dict({"output_type": "display_data", "data": {
            "text/html": "<script>x</script>", "text/plain": "ok", "image/png": '" onerror="alert(1)'},
            "metadata": {"image/png": {"width": "1 onerror=alert(1)"}}}),
        nbformat.from_dict({"output_type": "display_data", "data": {"application/javascript": "alert(1)"},
                            "metadata": {}})],
        metadata={"nbgrader": {"grade": False}, "evil": 1})
    md = nbformat.v4.new_markdown_cell("![a](attachment:a.png)", attachments={
        "a.png": {"image/png": "iVBORw0KGgo=", "text/html": "<script>"}, "b.svg": {"image/svg+xml": "PHN2Zz4="}})
    raw = nbformat.v4.new_raw_cell("<script>x</script>", metadata={"raw_mimetype": "text/html"})
    nb.cells = [code, md, raw]
    assert make_browser_safe(nb) == 0
    assert nb.metadata == {"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    assert code.outputs == [nbformat.v4.new_output("display_data", data={"text/plain": "ok"})]
    assert code.metadata == {"nbgrader": {"grade": False}}
    assert md.attachments == {"a.png": {"image/png": "iVBORw0KGgo="}}
    assert raw.metadata == {}


def test_markdown_that_renders_slowly_is_cut_and_every_render_stays_fast():
    """nbconvert's export takes time that grows with the square of a line's length; a
    notebook of 900 kB of "[a](" (one line) and 300 cells of 20 kB renders in seconds."""
    import time

    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("[a](" * 225_000)] + \
        [nbformat.v4.new_markdown_cell(("[" * 999 + "\n") * 20) for _ in range(300)]
    make_browser_safe(nb)
    assert len(nb.cells[0].source) < 25_000 and "more characters not shown" in nb.cells[0].source
    assert sum(len(c.source) for c in nb.cells) < 250_000
    started = time.process_time()
    HTMLExporter().from_notebook_node(nb)
    assert time.process_time() - started < 20


def test_the_trusted_graders_metadata_is_kept_for_the_pages_that_read_it():
    """The class summary and flags read a suite's report and flags from
    ``metadata["autograder"]``, the feedback page its titles: kept (TrustedScores writes
    it after dropping whatever the student put there)."""
    cell = nbformat.v4.new_code_cell("check('safe_counter', 'visible')", metadata={
        "nbgrader": {"grade": True}, "autograder": {"report": {"results": []}, "title": "visible checks"}})
    nb = nbformat.v4.new_notebook(cells=[cell])
    make_browser_safe(nb)
    assert cell.metadata["autograder"] == {"report": {"results": []}, "title": "visible checks"}
