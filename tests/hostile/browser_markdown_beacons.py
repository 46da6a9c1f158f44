"""ATTACK: markdown, not HTML, that makes the browser call out: an inline image, a reference-style image, a javascript: link (also written with an encoded tab), and an autolink image; a sanitiser that looks only for HTML tags in the source misses them all
CLASS: scripts in the browser
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% markdown
My results: ![chart](http://127.0.0.1:{PORT}/md-inline.png)

And ![again][ref] and [details](javascript:fetch('http://127.0.0.1:{PORT}/md-js')) and <a href="java&#x09;script:fetch('http://127.0.0.1:{PORT}/md-tab')">more</a>.

[ref]: http://127.0.0.1:{PORT}/md-ref.png
