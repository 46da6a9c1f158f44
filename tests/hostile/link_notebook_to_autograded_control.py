"""ATTACK: the notebook is a symbolic link to the first correct student's autograded notebook (written during this very run), a sibling folder is a link to the course's autograded/ tree, and a file links to nbgrader_config.py
CLASS: links and special files
EXPECT: 0
FLAG: file refused
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% link 90-hostile.ipynb -> {COURSE}/autograded/00-correct/90-hostile/90-hostile.ipynb
# %% link everyone -> {COURSE}/autograded
# %% link data/config.py -> {COURSE}/nbgrader_config.py
