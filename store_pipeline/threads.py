"""Work on a few threads with results in order: for I/O and for DuckDB, which release the GIL."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_in_order(work: Callable[[Item], Result], items: Iterable[Item], workers: int,
                 name: str = "worker") -> Iterator[Result]:
    """``work(item)`` for each item, at most ``workers`` at once, results yielded in order.

    A new item starts only when the oldest result is taken: a failure is raised after the
    results before it, the items already started finish, and no other starts.
    """
    pending: deque[Future[Result]] = deque()
    remaining = iter(items)
    pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix=name)
    try:
        for item in remaining:
            pending.append(pool.submit(work, item))
            if len(pending) >= workers:
                break
        while pending:
            result = pending.popleft().result()
            for item in remaining:
                pending.append(pool.submit(work, item))
                break
            yield result
    finally:
        pool.shutdown(wait=True)
