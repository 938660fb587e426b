"""dbt in the step's own process: dagster-dbt's CLI invocation fed by ``dbtRunner``.

A ``dbt`` process pays Python's start, dbt's imports and its adapter's again on every run,
some 2.5 s before it builds a node (``benchmarks/dbt_start.py``), on the daily path and on
every daemon-launched run. ``DbtThread`` stands in for the ``subprocess.Popen`` that
dagster-dbt starts: it runs the same arguments through ``dbtRunner`` in a thread and gives
its events as the JSON lines ``dbt --log-format json`` prints, so that dagster-dbt turns them
into materialisations and check results as it does a process's output.
"""

import contextlib
import ctypes
import queue
import signal
import subprocess
import threading
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import dagster_dbt.core.dbt_cli_invocation as dagster_dbt_invocation
import orjson

from store_pipeline.internals.dbt_invoke import exit_code, invoke_dbt, stopped_message

# Events at dbt's console default (info) and above, as the CLI prints them.
SHOWN_LEVELS = frozenset({"info", "warn", "error"})
# dbt's own console output is off: dagster-dbt prints each event it receives.
QUIET_CONSOLE = ("--log-level", "none")
ONE_INVOCATION_AT_A_TIME = threading.Lock()


class DbtLines:
    """dbt's events as JSON lines, in order, until dbt returns (a pipe's stdout stand-in).

    A reader that leaves before the end calls ``on_abandon``, as a process whose pipe's
    reader went away is stopped by its next write.
    """

    def __init__(self, on_abandon: Callable[[], None]) -> None:
        self._lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._on_abandon = on_abandon
        self.closed = False

    def put(self, line: bytes | None) -> None:
        self._lines.put(line)

    def __iter__(self) -> Iterator[bytes]:
        ended = False
        try:
            while (line := self._lines.get()) is not None:
                yield line
            ended = True
        finally:
            if not ended:
                self._on_abandon()

    def __enter__(self) -> "DbtLines":
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed = True


class DbtThread:
    """``subprocess.Popen(args, env=env, ...)`` of the dbt CLI, run by ``dbtRunner`` in a thread.

    ``env`` is applied to the process's environment while dbt runs (dbt reads its flags and
    ``env_var()`` from it), then restored; paths in it must be absolute, since the thread keeps
    the process's working directory. ``returncode`` is the CLI's: 0 success, 1 failure, 2 an
    error that stopped dbt. dbt's flags and event callbacks are the process's, so invocations
    run one at a time, each after the one before has returned.
    """

    def __init__(self, args: Sequence[str], env: Mapping[str, str] | None = None,
                 **_pipes: object) -> None:
        self.args = list(args)
        self.returncode: int | None = None
        self.stdout = DbtLines(on_abandon=self._stop)
        self._env = dict(env or {})
        self._thread = threading.Thread(target=self._run, name="dbt", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with ONE_INVOCATION_AT_A_TIME:
                self._invoke()
        except BaseException as error:  # a thread must hand every error to the reader
            self.stdout.put(_error_line(error))
            self.returncode = 2
        finally:
            self.stdout.put(None)

    def _invoke(self) -> None:
        result = invoke_dbt([*self.args[1:], *QUIET_CONSOLE], self._env, [self._event])
        if result.exception is not None:
            self.stdout.put(_error_line(result.exception))
        self.returncode = exit_code(result)

    def _event(self, msg: object) -> None:
        from dbt_common.events.functions import msg_to_dict

        if msg.info.level in SHOWN_LEVELS:
            self.stdout.put(orjson.dumps(msg_to_dict(msg)))

    def wait(self, timeout: float | None = None) -> int | None:
        self._thread.join(timeout)
        return self.returncode

    def poll(self) -> int | None:
        return None if self._thread.is_alive() else self.returncode

    def send_signal(self, _signal: int) -> None:
        """Stop dbt as Ctrl-C stops its CLI: cancel the running queries, then raise
        KeyboardInterrupt in dbt's thread (dbt cancels its connections and returns)."""
        _cancel_queries()
        if self._thread.ident is not None and self._thread.is_alive():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread.ident),
                                                       ctypes.py_object(KeyboardInterrupt))

    def _stop(self) -> None:
        """Stop a dbt whose events are no longer read, and wait for it as dagster-dbt waits
        for an interrupted dbt: a step interrupted outside dagster-dbt's reading loop leaves
        the loop without passing the interrupt on."""
        if self.poll() is None:
            self.send_signal(signal.SIGINT)
            self.wait(dagster_dbt_invocation.DAGSTER_DBT_TERMINATION_TIMEOUT_SECONDS)


def _cancel_queries() -> None:
    """Cancel the queries dbt's adapters have open, where their databases can."""
    from dbt.adapters.factory import FACTORY

    for adapter in list(FACTORY.adapters.values()):
        # dbt-duckdb raises for an adapter between nodes, with no database open to cancel in
        with contextlib.suppress(Exception):
            if adapter.is_cancelable():
                adapter.cancel_open_connections()


def _error_line(error: BaseException) -> bytes:
    """An error event, as dbt logs one, for an error dbt returned instead of logging."""
    return orjson.dumps({"info": {"name": "InProcessError", "level": "error",
                                  "msg": stopped_message(error)}, "data": {}})


@contextmanager
def dbt_in_process() -> Iterator[None]:
    """While open, the dbt invocations dagster-dbt starts run in this process."""
    dagster_dbt_invocation.subprocess = types.SimpleNamespace(
        Popen=DbtThread, PIPE=subprocess.PIPE, STDOUT=subprocess.STDOUT)
    try:
        yield
    finally:
        dagster_dbt_invocation.subprocess = subprocess
