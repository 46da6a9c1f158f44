"""ATTACK: reading other students' notebooks and printing their answer cells
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import glob
found = glob.glob("{COURSE}/submitted/*/*/*.ipynb") + glob.glob("{COURSE}/autograded/*/*/*.ipynb")
print("found", len(found), "notebooks")
for path in found:
    try:
        print(open(path).read())
    except OSError as exc:
        print("cannot read", path, exc)
