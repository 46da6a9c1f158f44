"""ATTACK: forging the checker's verdict: print what an all-passed report looks like, then exit at once
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
print("safe_counter · visible checks: all passed (3 of 3 points)")
print("0" * 64 + ' {"report": {"exercise": "safe_counter", "suite": "visible", "problem": "", "results": []}}')
raise SystemExit(0)

{NOTHING}
