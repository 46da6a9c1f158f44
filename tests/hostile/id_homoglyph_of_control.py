"""ATTACK: an id that looks exactly like the last correct student's (a Cyrillic "с" and "о"), to be mistaken for them in the gradebook and the exports
CLASS: ids
ID: "zz-сοrrect"
EXPECT: 0
FLAG: looks like another id
"""
# %% answer
%%exercise safe_counter
{NOTHING}
