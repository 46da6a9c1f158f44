"""ATTACK: a student id that is a glob matching the last correct student (nbgrader's --student is a glob): grading "zz-correc*" would grade and overwrite zz-correct's notebook and feedback
CLASS: ids
ID: "zz-correc*"
EXPECT: 0
GRADED: no
FLAG: unsafe name
"""
# %% answer
%%exercise safe_counter
{NOTHING}
