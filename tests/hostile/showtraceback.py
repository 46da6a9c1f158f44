"""ATTACK: patching the grader: silence every error (showtraceback, display hook, excepthook)
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import sys
ip = get_ipython()
ip.showtraceback = lambda *args, **kwargs: None
ip.set_custom_exc((BaseException,), lambda shell, etype, evalue, tb, tb_offset=None: None)
sys.displayhook = lambda value: None
