"""ATTACK: 900 kB of markdown made of unclosed link openers (slow to render, on every visit to the formgrader) and 300 extra files beside the notebook
CLASS: one submission stopping others
EXPECT: 0
FLAG: submission too big
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% markdown-repeat 225000 [a](
# %% many 300 extra-
