"""ATTACK: the assignment folder itself is a symbolic link to source/<assignment> (the solutions and hidden tests); a grader that follows it grades the instructor's notebook
CLASS: links and special files
EXPECT: 0
GRADED: no
FLAG: file refused
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% folder-link -> {COURSE}/source/90-hostile
