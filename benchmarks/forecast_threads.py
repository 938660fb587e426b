"""The forecast's three models of one origin: trained one after another on every core each, or
at once on one core each (what ``store_pipeline.lib.forecast.model`` does), on an idle machine
and beside busy processes, in one run.

    .venv/bin/python benchmarks/forecast_threads.py [--rows 150000] [--busy 1]

The training set is ``--rows`` random rows of 20 features (the model's ``MAX_TRAIN_ROWS`` by
default); ``--busy`` processes spin on the CPU during the second round. Prints the seconds and
each way's ratio to the way in use.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from concurrent.futures import ThreadPoolExecutor

import common  # noqa: F401  (the repository on the import path)
import lightgbm
import numpy as np

from store_pipeline.lib.forecast.model import MAX_TRAIN_ROWS, OBJECTIVES, PARAMS, ROUNDS


def _spin() -> None:
    while True:
        pass


def _seconds(x: np.ndarray, y: np.ndarray, at_once: bool) -> float:
    threads = 1 if at_once else os.cpu_count() or 1

    def fit(objective: dict) -> None:
        lightgbm.train({**PARAMS, **objective, "num_threads": threads},
                       lightgbm.Dataset(x, y), num_boost_round=ROUNDS)

    began = time.perf_counter()
    if at_once:
        with ThreadPoolExecutor(len(OBJECTIVES)) as pool:
            list(pool.map(fit, OBJECTIVES))
    else:
        for objective in OBJECTIVES:
            fit(objective)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=MAX_TRAIN_ROWS)
    parser.add_argument("--busy", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(args.rows, 20))
    y = rng.poisson(np.exp(0.3 * x[:, 0] + 1)).astype(float)
    print(f"3 models x {ROUNDS} rounds on {args.rows:,} rows, {os.cpu_count()} cores")
    for busy in (0, args.busy):
        spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(busy)]
        for spinner in spinners:
            spinner.start()
        at_once, in_turn = _seconds(x, y, at_once=True), _seconds(x, y, at_once=False)
        for spinner in spinners:
            spinner.terminate()
        print(f"  {busy} busy process(es): at once, a core each {at_once:6.2f} s   "
              f"in turn, every core each {in_turn:6.2f} s  ({in_turn / at_once:4.2f}x)")


if __name__ == "__main__":
    main()
