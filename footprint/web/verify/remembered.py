"""Answers of the verify views remembered in the process, by everything they are made of.

A key names all an answer depends on (the certificate's signed text by its hash, its signature,
key and verdict, and its status, reason, dates, successor and PDF as read from the database on
this request, the language, the host): when the status changes the key changes, so a stale
answer is never found, in this worker or any other, and nothing needs to be told to forget.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Hashable, NamedTuple


class Answer(NamedTuple):
    etag: str  # SHA-256 of body, hex
    body: bytes


class Remembered:
    """A bounded map, least recently used dropped first; safe across threads of a worker."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, answer: Answer) -> Answer:
        with self._lock:
            self._items[key] = answer
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
