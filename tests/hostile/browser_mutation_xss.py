"""ATTACK: markup that a naive parser reads as harmless text but a browser re-parses into a live element (MathML/SVG namespace confusion, a noscript attribute, a style tag that closes early)
CLASS: scripts in the browser
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% markdown
<math><mtext><table><mglyph><style><img src=x onerror="fetch('http://127.0.0.1:{PORT}/mxss-math')"></style></mglyph></table></mtext></math>

<noscript><p title="</noscript><img src=x onerror=fetch('http://127.0.0.1:{PORT}/mxss-noscript')>"></p></noscript>

<svg><style><img src=x onerror="fetch('http://127.0.0.1:{PORT}/mxss-svg')"></style></svg>
