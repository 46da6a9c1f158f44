"""ATTACK: the notebook is missing and a file whose name is HTML is there instead: the grader's "could not be graded" reason quotes the file names it found (no "/" in a file name, so the URL is built in the script)
CLASS: scripts in the browser
EXPECT: 0
MESSAGE: could not be graded
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% remove 90-hostile.ipynb
# %% file <img src=x onerror="fetch('http:'+String.fromCharCode(47,47)+'127.0.0.1:{PORT}'+String.fromCharCode(47)+'reason')">.ipynb
{}
