"""What the queue owes its callers whatever ran: items are ints in the signed 64-bit range,
and every item put comes out exactly once, first in first out for each producer."""
from __future__ import annotations

from collections import Counter

from ..common import short

MIN64, MAX64 = -2 ** 63, 2 ** 63 - 1


def delivery_problem(puts: dict[str, list], gets: dict[str, list]) -> str | None:
    """Each item put comes out exactly once; each consumer sees each producer's items in
    the order they were put. Items are distinct. Feedback names an item wider than 12 digits
    by who put it ("P1's item 7"), shows at most 3 of each kind of fault and counts the rest."""
    gets = {who: [_key(item) for item in items] for who, items in gets.items()}
    put_all = Counter(item for items in puts.values() for item in items)
    got_all = Counter(item for items in gets.values() for item in items)
    origin = {item: (who, i) for who, items in puts.items() for i, item in enumerate(items)}

    def name(item):
        if item in origin and type(item) is int and abs(item) >= 10 ** 12:
            who, i = origin[item]
            return f"{who}'s item {i + 1}"
        return short(item)

    got_text = "; ".join(f"{who} got {_summary(items, name)}" for who, items in gets.items())
    parts = []
    twice = [item for item in (got_all - put_all) if item in put_all]
    foreign = [item for item in (got_all - put_all) if item not in put_all]
    never = list(put_all - got_all)
    parts += [f"{name(item)} came out {'twice' if got_all[item] == 2 else f'{got_all[item]} times'}"
              for item in twice[:3]]
    if len(twice) > 3:
        parts.append(f"{len(twice) - 3:,} more items came out more than once")
    parts += [f"{name(item)} came out although nobody put it (a slot read before it was written, or after "
              f"it was reused)" for item in foreign[:2]]
    if len(foreign) > 2:
        parts.append(f"{len(foreign) - 2:,} more items nobody put came out")
    if len(never) > 3:
        parts.append(f"{len(never):,} items never came out (the first: {name(never[0])})")
    else:
        parts += [f"{name(item)} was put but never came out" for item in never]
    if parts:
        return "every item put must come out exactly once, but " + ", ".join(parts) + f" ({got_text})"
    for consumer, items in gets.items():
        last = {}
        for item in items:
            producer, index = origin[item]
            if producer in last and index < last[producer][0]:
                return (f"{consumer} got {name(item)} after {name(last[producer][1])}, but {producer} put "
                        f"{name(item)} first: the queue must be first in, first out ({got_text})")
            last[producer] = (index, item)
    return None


def _summary(items, name, limit=6) -> str:
    items = list(items)
    if len(items) <= limit:
        return "[" + ", ".join(name(i) for i in items) + "]"
    return f"{len(items):,} items ([{', '.join(name(i) for i in items[:3])}, ...])"


def _key(item):
    """An item as it can be counted: itself if it is exactly an int (what was put), else its
    repr (which then matches nothing that was put)."""
    return item if type(item) is int else repr(item)


