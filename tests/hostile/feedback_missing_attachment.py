"""ATTACK: a markdown cell that shows an attachment the notebook does not have: nbconvert raises while rendering it, and one generate_feedback for the whole assignment stopped there, leaving every student after it without feedback
CLASS: one submission stopping others
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% markdown
Here is my diagram: ![diagram](attachment:diagram.png)
