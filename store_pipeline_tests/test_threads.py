"""map_in_order: results in order, bounded concurrency, a failure stops what follows."""

import threading
import time

import pytest

from store_pipeline.lib.threads import map_in_order


def test_results_come_in_order_with_at_most_workers_running():
    running, peak, lock = 0, 0, threading.Lock()

    def work(n):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02 * (n % 3))  # later items often finish first
        with lock:
            running -= 1
        return n * n

    assert list(map_in_order(work, range(12), workers=3)) == [n * n for n in range(12)]
    assert peak == 3


def test_a_failure_is_raised_after_the_results_before_it_and_stops_the_rest():
    started = []

    def work(n):
        started.append(n)
        if n == 2:
            raise ValueError("item 2 is broken")
        return n

    got = []
    with pytest.raises(ValueError, match="item 2"):
        for result in map_in_order(work, range(10), workers=2):
            got.append(result)
    assert got == [0, 1]
    assert max(started) <= 3  # only items already started by then ran
