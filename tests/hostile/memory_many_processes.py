"""ATTACK: memory limits were per process: six processes each holding 800 MB (under the per-process limit) exhaust the machine's memory together, for every submission graded beside this one
CLASS: one submission stopping others
EXPECT: 0
MESSAGE: processes together used more than
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import multiprocessing, time
def hold():
    ballast = bytearray(800 * 1024 ** 2)
    time.sleep(120)
children = [multiprocessing.get_context("fork").Process(target=hold) for _ in range(6)]
for child in children:
    child.start()
time.sleep(120)
