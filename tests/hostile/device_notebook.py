"""ATTACK: the notebook is a character device (/dev/zero's number): reading it never ends; beside it, a link to /dev/urandom
CLASS: links and special files
EXPECT: 0
FLAG: file refused
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% device 90-hostile.ipynb
# %% link noise.bin -> /dev/urandom
