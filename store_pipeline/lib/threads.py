"""Work on a few threads with results in order: for I/O and for DuckDB, which release the GIL."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_in_order(work: Callable[[Item], Result], items: Iterable[Item], workers: int,
                 name: str = "worker") -> Iterator[Result]:
    """``work(item)`` for each item, at most ``workers`` at once, results yielded in order.

    A new item starts only when the oldest result is taken: a failure is raised after the
    results before it, the items already started finish, and no other starts.
    """
    remaining = iter(items)
    size = max(1, workers)
    with ThreadPoolExecutor(size, thread_name_prefix=name) as pool:
        pending: deque[Future[Result]] = deque(
            pool.submit(work, item) for item in islice(remaining, size))
        while pending:
            result = pending.popleft().result()
            pending.extend(pool.submit(work, item) for item in islice(remaining, 1))
            yield result
