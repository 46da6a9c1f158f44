"""The bank in one process, with the real ctx: transfers move money, transfer(i, i, x)
changes nothing, and ValueError leaves every balance as it was."""
from __future__ import annotations

from ..common import NotAnInt, Stuck, call_with_deadline, plain_int
from ..report import PropertyResult

REENTRY_HINT = ("Does it acquire a lock it already holds? A ctx.Lock is not re-entrant: for "
                "src == dst return before locking, and do not call balance() from total() "
                "while holding the locks")


class _Stop(Exception):
    """Ends the one-process script with a message for the student."""


def contract_in_one_process(Bank) -> PropertyResult:
    name = ("one process: balance(), total() and transfer() move money; transfer(i, i, x) "
            "changes nothing; ValueError for an unknown account, amount <= 0 or insufficient "
            "funds, with the balances unchanged; a bank with a single account")
    history: list[str] = []

    def after() -> str:
        shown = history[-6:]
        return "after " + ("..., " if len(history) > len(shown) else "") + ", ".join(shown)

    def call(text, fn):
        before = after()
        history.append(text)
        try:
            return call_with_deadline(fn)
        except Stuck as exc:
            raise _Stop(f"{before}: {text} {exc} in a single process. {REENTRY_HINT}") from None

    box = {}
    initial = [100, 50, 0, 7]
    n = len(initial)

    def balances():
        return [plain_int(call(f"balance({i})", lambda i=i: box["bank"].balance(i)), f"balance({i})")
                for i in range(n)]

    def expect(expected, what):
        got = balances()
        del history[-n:]      # the reads are not interesting in the history
        if got != expected:
            raise _Stop(f"{what}, the balances are {got!r} but should be {expected!r}")
        total = plain_int(call("total()", lambda: box["bank"].total()), "total()")
        del history[-1:]
        if total != sum(expected):
            raise _Stop(f"{what}, total() returned {total!r} but the balances {expected!r} add "
                        f"up to {sum(expected)}")

    def refuse(args, why, unchanged):
        """transfer(*args) must raise ValueError and leave the balances ``unchanged``."""
        text = f"transfer{args}"
        before_text = after()
        try:
            call(text, lambda: box["bank"].transfer(*args))
        except ValueError:
            pass
        except _Stop:
            raise
        except Exception as exc:
            raise _Stop(f"{before_text}: {text} raised {type(exc).__name__}: {exc}; the contract "
                        f"says ValueError ({why})") from None
        else:
            got = balances()
            del history[-n:]
            changed = "" if got == unchanged else f", and the balances became {got!r}"
            raise _Stop(f"{before_text}: {text} returned without raising ValueError, but "
                        f"{why}{changed}")
        got = balances()
        del history[-n:]
        if got != unchanged:
            raise _Stop(f"{before_text}: {text} raised ValueError ({why}), but the balances "
                        f"changed from {unchanged!r} to {got!r}: check everything before "
                        f"changing any balance")

    moves = [((0, 1, 30), [70, 80, 0, 7]), ((1, 2, 80), [70, 0, 80, 7]), ((3, 0, 7), [77, 0, 80, 0]),
             ((2, 2, 5), [77, 0, 80, 0])]
    errors = [((0, 4, 1), "account 4 does not exist"), ((4, 0, 1), "account 4 does not exist"),
              ((-1, 0, 1), "account -1 does not exist (Python's negative indexing would quietly "
                           "use the last account: check 0 <= i < n)"),
              ((0, -1, 1), "account -1 does not exist (Python's negative indexing would quietly "
                           "use the last account: check 0 <= i < n)"),
              ((0, 1, 0), "the amount must be positive"), ((0, 1, -5), "the amount must be positive"),
              ((1, 0, 1), "account 1 holds 0"), ((0, 2, 78), "account 0 holds only 77")]
    try:
        call(f"Bank({initial})", lambda: box.update(bank=Bank(list(initial))))
        expect(initial, f"after Bank({initial})")
        for args, expected in moves:
            text = f"transfer{args}"
            try:
                call(text, lambda a=args: box["bank"].transfer(*a))
            except _Stop:
                raise
            except Exception as exc:
                if args[0] == args[1]:
                    raise _Stop(f"{after()}: {text} raised {type(exc).__name__}: {exc}, but a "
                                f"transfer from an account to itself must change nothing and just "
                                f"return") from None
                raise _Stop(f"{after()}: {text} raised {type(exc).__name__}: {exc}") from None
            expect(expected, after())
        for args, why in errors:
            refuse(args, why, moves[-1][1])
        expect(moves[-1][1], after())
        # a single account: a transfer to itself changes nothing; anything else is refused
        n = 1
        call("Bank([5])", lambda: box.update(bank=Bank([5])))
        expect([5], "after Bank([5])")
        call("transfer(0, 0, 3)", lambda: box["bank"].transfer(0, 0, 3))
        expect([5], after())
        for args, why in (((0, 1, 1), "account 1 does not exist"),
                          ((0, 0, 0), "the amount must be positive")):
            refuse(args, why, [5])
    except (_Stop, NotAnInt) as stop:
        return PropertyResult(name, False, str(stop))
    except Exception as exc:
        return PropertyResult(name, False, f"{after()}: raised {type(exc).__name__}: {exc}")
    return PropertyResult(name, True)

