"""ATTACK: rewriting the gradebook: everyone else gets 0, this student full marks
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import sqlite3
try:
    db = sqlite3.connect("{COURSE}/gradebook.db")
    db.execute("UPDATE grade SET auto_score = 0, manual_score = 0")
    db.execute("DELETE FROM submitted_assignment")
    db.commit()
    print("gradebook rewritten")
except Exception as exc:
    print("no gradebook:", exc)
