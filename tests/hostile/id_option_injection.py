"""ATTACK: a student id that is a command-line option: passed as `--student <id>`, nbgrader would read it as a setting that empties the autograde pipeline (no trusted scores: the kernel's own verdicts)
CLASS: ids
ID: "--Autograde.autograde_preprocessors=nbgrader.preprocessors.SaveAutoGrades"
EXPECT: 0
GRADED: no
FLAG: unsafe name
"""
# %% answer
%%exercise safe_counter
{NOTHING}
