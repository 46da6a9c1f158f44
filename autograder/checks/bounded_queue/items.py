"""What the queue owes its callers whatever ran: items are ints in the signed 64-bit range,
and every item put comes out exactly once, first in first out for each producer."""
from __future__ import annotations

from collections import Counter

MIN64, MAX64 = -2 ** 63, 2 ** 63 - 1


def delivery_problem(puts: dict[str, list], gets: dict[str, list]) -> str | None:
    """Each item put comes out exactly once; each consumer sees each producer's items in
    the order they were put. Items are distinct."""
    gets = {who: [_key(item) for item in items] for who, items in gets.items()}
    put_all = Counter(item for items in puts.values() for item in items)
    got_all = Counter(item for items in gets.values() for item in items)
    got_text = "; ".join(f"{who} got {_short(items)}" for who, items in gets.items())
    parts = []
    for item in (got_all - put_all):
        times = "twice" if got_all[item] == 2 else f"{got_all[item]} times"
        parts.append(f"{item!r} came out {times}" if item in put_all else
                     f"{item!r} came out although nobody put it (a slot read before it was "
                     f"written, or after it was reused)")
    for item in (put_all - got_all):
        parts.append(f"{item!r} was put but never came out")
    if parts:
        return ("every item put must come out exactly once, but " + ", ".join(parts[:3]) +
                f" ({got_text})")
    origin = {item: (who, i) for who, items in puts.items() for i, item in enumerate(items)}
    for consumer, items in gets.items():
        last = {}
        for item in items:
            producer, index = origin[item]
            if producer in last and index < last[producer][0]:
                return (f"{consumer} got {item!r} after {last[producer][1]!r}, but {producer} put "
                        f"{item!r} first: the queue must be first in, first out ({got_text})")
            last[producer] = (index, item)
    return None


def _key(item):
    """An item as it can be counted: itself if it is exactly an int (what was put), else its
    repr (which then matches nothing that was put)."""
    return item if type(item) is int else repr(item)


def _short(items, limit=6) -> str:
    items = list(items)
    if len(items) <= limit:
        return repr(items)
    return "[" + ", ".join(map(repr, items[:limit])) + f", ... ({len(items)} items)]"

