"""ATTACK: patching the grader: an IPython input transformer turns every later cell into pass
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\n"])
