"""ATTACK: an image output whose "base64" closes the <img src="data:..."> attribute that nbconvert's templates paste it into, and one whose width metadata does the same; plus an HTML and a JavaScript output
CLASS: scripts in the browser
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
from IPython.display import display
display({"image/png": "iVBORw0KGgo=\" onerror=\"fetch('http://127.0.0.1:{PORT}/png-src')\" x=\"",
         "text/plain": "a chart"}, raw=True)
display({"image/png": "iVBORw0KGgo=", "text/plain": "another"}, raw=True,
        metadata={"image/png": {"width": "1 onerror=fetch('http://127.0.0.1:{PORT}/png-width')"}})
display({"text/html": "<img src=x onerror=\"fetch('http://127.0.0.1:{PORT}/html-out')\">",
         "application/javascript": "fetch('http://127.0.0.1:{PORT}/js-out')", "text/plain": "x"}, raw=True)
