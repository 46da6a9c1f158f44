"""ATTACK: a hard link to the course's gradebook.db (a regular file, so a check for symbolic links alone lets it through), a FIFO in a subfolder that blocks whoever opens it, and a 2 GiB sparse file
CLASS: links and special files
EXPECT: 0
FLAG: file refused
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% hardlink grades.db -> {COURSE}/gradebook.db
# %% fifo data/input.csv
# %% sparse data/huge.bin 2147483648
