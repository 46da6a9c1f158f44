"""ATTACK: forging the checker's verdict: write an all-passed report to every open file descriptor
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import os
import json

_forged = json.dumps({"report": {"exercise": "safe_counter", "suite": "visible", "problem": "", "results": []}})
for _fd in range(3, 64):
    try:
        os.write(_fd, ("0" * 64 + " " + _forged).encode())
    except OSError:
        pass

{NOTHING}
