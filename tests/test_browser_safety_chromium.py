"""BrowserSafe in Chromium, in seconds: a notebook carrying every payload of tests/hostile's
browser attacks, rendered as nbgrader's feedback and as the formgrader renders it. Before
BrowserSafe the loopback listener sees the requests (the payloads work); after it, none.
tests/test_hostile.py does the same on the notebooks a real grading run produced."""
import http.server
import threading
import uuid

import nbformat

from autograder.instructor.browser_safety import make_browser_safe
from tests.browserkit import chromium, screenshot


class Listener(http.server.ThreadingHTTPServer):
    def __init__(self):
        self.paths = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(handler):
                self.paths.append(handler.path)
                handler.send_response(204)
                handler.end_headers()

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def hostile_notebook(port: int):
    url = f"http://127.0.0.1:{port}"
    nb = nbformat.v4.new_notebook(metadata={"title": f"</title><script>fetch('{url}/title')</script>"})
    nb.cells = [nbformat.v4.new_markdown_cell(text) for text in (
        f"<script>fetch('{url}/script')</script>",
        f"<img src=x onerror=\"fetch('{url}/img-onerror')\">",
        f"<svg onload=\"fetch('{url}/svg-onload')\"></svg>",
        f"<iframe srcdoc=\"<script>fetch('{url}/iframe')</script>\"></iframe>",
        f"<details open ontoggle=\"fetch('{url}/details')\"><summary>x</summary></details>",
        f"![chart]({url}/markdown-image.png)",
        f"<math><mtext><table><mglyph><style><img src=x onerror=\"fetch('{url}/mxss')\">",
    )]
    nb.cells.append(nbformat.from_dict({
        "cell_type": "code", "id": "out", "source": "x", "execution_count": 1, "metadata": {},
        "outputs": [{"output_type": "display_data", "metadata": {},
                     "data": {"text/plain": "x", "image/png": f"AA==\" onerror=\"fetch('{url}/png')\" x=\""}}]}))
    return nb


def rendered_pages(nb, folder, name):
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": "a", "notebook_id": "a", "submission_id": "1", "index": 0, "total": 1,
                 "base_url": "/base", "student": "eve", "last_name": "", "first_name": "",
                 "notebook_path": "/notebooks/a.ipynb"}
    pages = []
    for kind, exporter, extra in (("feedback", HTMLExporter(), {}), ("formgrader", HTMLExporter(config=config), resources)):
        html, _ = exporter.from_notebook_node(nbformat.from_dict(nb), resources=dict(extra))
        path = folder / f"{name}-{kind}.html"
        path.write_text(html)
        pages.append(path)
    return pages


def visit(pages, folder):
    with chromium(f"COURSE_TEST_MARKER=browser-safety-{uuid.uuid4().hex}") as browser:
        page = browser.new_page()
        for path in pages:
            page.goto(path.as_uri(), wait_until="load", timeout=60_000)
            page.wait_for_timeout(1000)
            screenshot(page, folder, path.stem)


def test_payloads_reach_the_listener_before_browser_safe_and_never_after(tmp_path):
    listener = Listener()
    try:
        before = hostile_notebook(listener.server_port)
        after = nbformat.from_dict(before)
        make_browser_safe(after)
        visit(rendered_pages(before, tmp_path, "unsafe"), tmp_path)
        reached_before = set(listener.paths)
        listener.paths.clear()
        visit(rendered_pages(after, tmp_path, "safe"), tmp_path)
        assert listener.paths == []
        assert {"/script", "/img-onerror", "/svg-onload", "/iframe", "/details", "/markdown-image.png"} <= reached_before, \
            reached_before
    finally:
        listener.shutdown()
        listener.server_close()
