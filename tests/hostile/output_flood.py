"""ATTACK: an output flood: hundreds of megabytes printed by the answer and by an added cell
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
print("x" * 50_000_000)

{NOTHING}
# %% cell
import sys
for _ in range(200):
    sys.stdout.write("y" * 1_000_000)
