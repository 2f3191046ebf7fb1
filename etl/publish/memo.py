"""What a page of the site computes from an immutable database, computed once per server process.

A release's database is served immutable: the same row gives the same citation, the same neighbours and
the same links for as long as the server runs. The plugins' row pages asked SQLite eight more questions
than Datasette's own row page and rendered the citation in four formats on every request; measured on the
2-core machine, a row page cost 1.3 to 1.7 times plain Datasette's (in one process, and over HTTP one
request at a time), and under load each question also waits for Datasette's SQL threads and the event loop
in turn. ``remembered`` keeps such results, keyed by the database's content hash, in a bounded
least-recently-used memo per Datasette, bounded in entries and in bytes (each entry weighed by the length of
its key's and value's text): a page served again asks nothing, and memory stays bounded however many rows,
or however long addresses, a crawler asks for. A mutable database is never remembered: it may change under the server.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

# How many results each server keeps (a row page's citation in four formats is a few kilobytes), and how
# many bytes of them at most.
REMEMBERED_RESULTS = 4096
REMEMBERED_BYTES = 32 * 2**20


def weight(key: Hashable, value: Any) -> int:
    """About how many bytes an entry holds: the length of its key's and value's text."""
    return len(repr(key)) + len(repr(value))


class LeastRecentlyUsed:
    """A mapping of at most ``size`` entries and ``max_bytes`` bytes that forgets the one used longest ago.

    >>> memo = LeastRecentlyUsed(2)
    >>> memo.put("a", 1); memo.put("b", 2); memo.get("a"); memo.put("c", 3)
    1
    >>> memo.get("b", "forgotten"), memo.get("a"), len(memo)
    ('forgotten', 1, 2)
    >>> heavy = LeastRecentlyUsed(100, max_bytes=30)
    >>> heavy.put("x", "a" * 20); heavy.put("y", "b" * 20); heavy.get("x", "forgotten"), heavy.bytes <= 30
    ('forgotten', True)
    """

    def __init__(self, size: int, max_bytes: int = REMEMBERED_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._weights: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, default: Any = None) -> Any:
        if key not in self._entries:
            return default
        self._entries.move_to_end(key)
        return self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        self.bytes -= self._weights.pop(key, 0)
        self._entries[key] = value
        self._entries.move_to_end(key)
        self._weights[key] = weight(key, value)
        self.bytes += self._weights[key]
        while self._entries and (len(self._entries) > self.size or self.bytes > self.max_bytes):
            forgotten, _ = self._entries.popitem(last=False)
            self.bytes -= self._weights.pop(forgotten)


_MEMOS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MISSING = object()


def memo_of(datasette: Any) -> LeastRecentlyUsed:
    """The memo of one Datasette (one per server process; forgotten with the Datasette)."""
    if datasette not in _MEMOS:
        _MEMOS[datasette] = LeastRecentlyUsed(REMEMBERED_RESULTS)
    return _MEMOS[datasette]


async def remembered(
    datasette: Any, database: str, key: tuple[Hashable, ...], compute: Callable[[], Awaitable[Any]]
) -> Any:
    """``await compute()``, once per server for the same ``key`` and the same content of ``database`` (its
    hash), when the database is immutable; every time when it is not. The value is shared between the
    requests that ask for it: treat it as read-only."""
    db = datasette.get_database(database)
    if db.is_mutable or not db.hash:
        return await compute()
    memo = memo_of(datasette)
    full_key = (database, db.hash, *key)
    value = memo.get(full_key, _MISSING)
    if value is _MISSING:
        value = await compute()
        memo.put(full_key, value)
    return value
