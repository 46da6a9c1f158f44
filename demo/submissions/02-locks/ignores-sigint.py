%%exercise safe_counter
import multiprocessing
import signal


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        # "So that Ctrl-C can never leave the counter half-updated."
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        ctx = ctx or multiprocessing.get_context()
        self._total = ctx.Value("q", initial)
        self._ready = ctx.Event()
        while not self._ready.is_set():   # nobody ever sets it: spins forever, deaf to interrupts
            pass

    def increment(self, n=1):
        with self._total.get_lock():
            self._total.value += n

    @property
    def value(self):
        return self._total.value
