"""ATTACK: reading solutions from source/ (and printing them into the feedback)
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import glob
for path in glob.glob("{COURSE}/source/**/*.ipynb", recursive=True) + glob.glob("/**/source/*/*.ipynb", recursive=True):
    try:
        print(open(path).read())
    except OSError as exc:
        print("cannot read", path, exc)
