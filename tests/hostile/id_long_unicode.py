"""ATTACK: a 120-character id of two-byte letters (240 bytes: a legal folder name, but "job-<id>-<assignment>.db" is not), which would stop the whole run with "File name too long"
CLASS: one submission stopping others
ID: "h-éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"
EXPECT: 0
GRADED: no
FLAG: unsafe name
"""
# %% answer
%%exercise safe_counter
{NOTHING}
