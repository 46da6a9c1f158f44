"""ATTACK: active content outside cell sources: notebook metadata (a title and widget state that close their tags), a markdown attachment that is HTML, a raw cell marked text/html, and a cell tag that breaks out of its class attribute
CLASS: scripts in the browser
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% metadata
{"title": "</title><script>fetch('http://127.0.0.1:{PORT}/meta-title')</script>",
 "widgets": {"application/vnd.jupyter.widget-state+json": {"version_major": 2, "version_minor": 0,
   "state": {"x": {"model_name": "</script><script>fetch('http://127.0.0.1:{PORT}/meta-widgets')</script>"}}}}}
# %% json-cell
{"cell_type": "markdown", "metadata": {"tags": ["x\" onmouseover=\"fetch('http://127.0.0.1:{PORT}/tag')"]},
 "source": "![figure](attachment:fig.png)",
 "attachments": {"fig.png": {"text/html": "<img src=x onerror=\"fetch('http://127.0.0.1:{PORT}/attach')\">",
                             "image/png": "\" onerror=\"fetch('http://127.0.0.1:{PORT}/attach-png')"}}}
# %% json-cell
{"cell_type": "raw", "metadata": {"raw_mimetype": "text/html", "format": "text/html"},
 "source": "<img src=\"http://127.0.0.1:{PORT}/raw-cell.png\"><script>fetch('http://127.0.0.1:{PORT}/raw-script')</script>"}
