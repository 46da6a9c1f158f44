"""Student ids and assignment names: the one safe pattern, and ids that look like others.

A submission's folder names become nbgrader arguments (``--student`` is a glob), file names,
gradebook keys, spreadsheet cells and lines of the ``make grade`` table, so a name is used
only if it matches ``SAFE_NAME``:

* 1 to 64 characters (``MAX_LENGTH``);
* letters and digits of any script, and ``_``, ``.`` and ``-``; the first one a letter or a
  digit (so no leading ``-``, ``=``, ``+``, ``@`` or ``.``, and never ``.`` or ``..``);
* no glob or shell characters (``*?[]{}$`!&;|<>'"\\``), no whitespace, no control characters;
* already in Unicode NFKC form (a fullwidth ``ａ`` or a ligature is refused: it displays as
  a different, plain id).

An id that matches but looks like another one (the same skeleton after Unicode NFKC and
the confusables table, UTS #39: Cyrillic ``а`` for Latin ``a``, ``rn`` for ``m``, ``1`` for
``l``; or the same id but for case) is still graded, and both are flagged.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict

MAX_LENGTH = 64
SAFE_NAME = re.compile(r"[^\W_][\w.-]{0,%d}" % (MAX_LENGTH - 1))


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a student id or an assignment name, or None if it can."""
    if len(name) > MAX_LENGTH:
        return f"it is {len(name)} characters long (at most {MAX_LENGTH})"
    if not SAFE_NAME.fullmatch(name):
        bad = sorted({c for c in name if not (c.isalnum() or c in "_.-")})
        if bad:
            return "it contains " + ", ".join(_describe(c) for c in bad)
        return "it must start with a letter or a digit"
    if unicodedata.normalize("NFKC", name) != name:
        return (f"it is not in Unicode NFKC form (it would display as "
                f"{unicodedata.normalize('NFKC', name)!r})")
    return None


def _describe(char: str) -> str:
    if char.isspace() or not char.isprintable():
        return f"U+{ord(char):04X} ({unicodedata.name(char, 'a control character').lower()})"
    return repr(char)


def shown(name: str) -> str:
    """``name`` as it may be printed in a table or a message: a name that fails the pattern is
    shown as a Python literal, so no control character or escape sequence reaches a terminal."""
    return name if name_problem(name) is None else ascii(name)


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on (escape sequences, carriage
    returns, newlines) written as its Python escape: for messages that quote file names."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


@functools.lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """{character: its prototype}, from the confusables table of confusable-homoglyphs
    (Unicode's confusables.txt, where each confusable character lists its prototype and each
    prototype lists its confusables). A character with exactly one homoglyph is a
    confusable of that one; when two characters list only each other, the smaller one is the
    prototype (so both map to the same)."""
    from confusable_homoglyphs.confusables import confusables_data

    prototypes = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or len(glyphs) != 1:
            continue
        target = glyphs[0]["c"].replace("\u200e", "")       # the table marks right-to-left glyphs
        back = confusables_data.get(target, [])
        if len(back) == 1 and back[0]["c"] == char and target < char:
            continue                                        # mutual pair: ``target`` stays itself
        prototypes[char] = target
    return prototypes


def skeleton(name: str) -> str:
    """UTS #39's skeleton: two ids with the same one look alike."""
    table = _prototypes()
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", name))
    for _ in range(3):          # a prototype may itself decompose; the table is nearly a fixpoint
        mapped = unicodedata.normalize("NFD", "".join(table.get(c, c) for c in text))
        if mapped == text:
            break
        text = mapped
    return text


def look_alikes(ids, known=()) -> dict[str, list[str]]:
    """{id: the other ids it looks like} for every id of ``ids`` that looks like another id of
    ``ids`` or of ``known`` (for example the gradebook's students): the same skeleton, or the
    same text but for case."""
    groups = defaultdict(set)
    for name in set(ids) | set(known):
        groups[("skeleton", skeleton(name))].add(name)
        groups[("case", name.casefold())].add(name)
    found = defaultdict(set)
    for names in groups.values():
        if len(names) > 1:
            for name in names:
                found[name] |= names - {name}
    return {name: sorted(found[name]) for name in sorted(set(ids)) if found.get(name)}
