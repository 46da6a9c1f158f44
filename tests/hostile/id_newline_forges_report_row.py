"""ATTACK: a student id with a newline and an ANSI escape: unquoted, it forges a full-marks row for another student in grading-report.csv and clears the instructor's terminal in the make grade table
CLASS: ids
ID: "h-row\n00-correct,90-hostile,5,5,True,,,\x1b[2J"
EXPECT: 0
GRADED: no
FLAG: unsafe name
"""
# %% answer
%%exercise safe_counter
{NOTHING}
