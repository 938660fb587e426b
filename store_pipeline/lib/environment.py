"""Environment variables set for the length of a block."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def environment_set(values: Mapping[str, str]) -> Iterator[None]:
    """While open, ``values`` are in the process's environment; then it is as it was."""
    before = {name: os.environ.get(name) for name, value in values.items()
              if os.environ.get(name) != value}
    os.environ.update({name: values[name] for name in before})
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
