"""Per-process copies of the shared object, made as spawn would make them."""
from __future__ import annotations

import io
import pickle

from .context import PRIMITIVE_TYPES, ControlledContext

__all__ = ["dumps", "loads"]

_PERSISTENT = frozenset(PRIMITIVE_TYPES) | {ControlledContext}


class _Pickler(pickle.Pickler):
    """Pickles like spawn would, except that controlled primitives, the context and
    classes keep their identity (they are 'shared' or 'importable')."""

    def __init__(self, file, table):
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self._table = table
        self._index = {}

    def persistent_id(self, obj):
        if type(obj) in _PERSISTENT or isinstance(obj, type):
            key = id(obj)
            i = self._index.get(key)
            if i is None:
                i = self._index[key] = len(self._table)
                self._table.append(obj)
            return i
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, table):
        super().__init__(file)
        self._table = table

    def persistent_load(self, pid):
        return self._table[pid]


def dumps(obj, table):
    """Pickle ``obj``; what keeps its identity is appended to ``table``."""
    f = io.BytesIO()
    _Pickler(f, table).dump(obj)
    return f.getvalue()


def loads(data, table):
    return _Unpickler(io.BytesIO(data), table).load()
