"""ATTACK: patching the grader: the locked test cells are edited to do nothing
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% tamper safe_counter_test_visible
pass
# %% tamper safe_counter_test_hidden
print("all passed")
