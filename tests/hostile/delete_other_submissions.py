"""ATTACK: deleting the other students' folders under submitted/ and autograded/
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import glob
import shutil
for folder in glob.glob("{COURSE}/submitted/*") + glob.glob("{COURSE}/autograded/*") + glob.glob("{COURSE}/feedback/*"):
    shutil.rmtree(folder, ignore_errors=True)
print("deleted")
