"""The pipeline's real processes in tests: the CLI, the Dagster daemon and webserver."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from store_pipeline.cli.services import (
    code_server_command,
    daemon_command,
    shared_workspace,
    webserver_command,
)
from store_pipeline.internals.code_server import code_server_answers

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKSPACE = str(REPO / "workspace.yaml")
DEADLINE_SECONDS = 240


def python_lines(script: str, *args: str) -> list[str]:
    """The lines ``script`` prints, run by a fresh interpreter in the repository; it must
    succeed."""
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")[:-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(home: Path, start_date: str = "2026-03-01") -> dict[str, str]:
    """This environment without STORE_PIPELINE_* settings, with a data home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORE_PIPELINE_")}
    return env | {
        "STORE_PIPELINE_HOME": str(home),
        "STORE_PIPELINE_START_DATE": start_date,
        "STORE_PIPELINE_TIMEZONE": "America/New_York",
        "DAGSTER_HOME": str(home / "dagster_home"),
    }


def start(stack: ExitStack, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start ``args`` in a session of its own, stopped when ``stack`` closes."""
    out = stack.enter_context(log.open("w"))
    process = subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    stack.callback(stop, process)
    return process


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process's session, SIGKILL it if it has not ended 20 s later."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def wait_for(what: str, probe, logs: list[Path], timeout: float = DEADLINE_SECONDS,
             every: float = 1.0):
    """``probe()``'s first true value; fail with the logs' tails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(every)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in logs if p.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def webserver_up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def start_services(stack: ExitStack, env: dict[str, str], logs: list[Path]) -> int:
    """The code server, the Dagster daemon and the webserver, as ``store-pipeline ui`` starts
    them (logs: the daemon's, the webserver's, the code server's); the webserver's port, once
    it answers. Create the instance's storage first: they must not race to create it."""
    workspace = start_code_server(stack, env, logs[2])
    start(stack, daemon_command(workspace), env, logs[0])
    return start_webserver(stack, env, logs[1], workspace)


def start_code_server(stack: ExitStack, env: dict[str, str], log: Path) -> str:
    """The code location's server on a socket, as ``store-pipeline ui`` starts it; the
    workspace file that names it, once it has loaded the definitions."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="code-server-")))
    socket, workspace = shared_workspace(folder)
    server = start(stack, code_server_command(socket), env, log)
    wait_for("the code server", lambda: server.poll() is not None or code_server_answers(socket),
             [log])
    assert server.poll() is None, log.read_text()[-3000:]
    return str(workspace)


def start_webserver(stack: ExitStack, env: dict[str, str], log: Path,
                    workspace: str = WORKSPACE) -> int:
    """The webserver of ``workspace``; its port, once it answers."""
    port = free_port()
    start(stack, webserver_command(port, workspace), env, log)
    wait_for("the webserver", lambda: webserver_up(port), [log])
    return port


LAUNCH_BACKFILL = """
mutation ($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
  }
}"""
LAUNCH_RUN = """
mutation ($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}"""


def graphql(port: int, query: str, variables: dict) -> dict:
    """The ``data`` of a query to the webserver's GraphQL API; an error answer fails."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        answer = json.load(reply)
    assert "errors" not in answer, answer
    return answer["data"]


REPOSITORIES = """
{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }"""
# Turning a sensor or a schedule on: the mutation, and the type of its answer on success.
START = """
mutation ($selector: {Kind}Selector!) {{
  start{Kind}({kind}Selector: $selector) {{
    __typename
    ... on {answer} {{ {kind}State {{ status }} }}
    ... on Error {{ message }}
  }}
}}"""
STARTED_ANSWER = {"sensor": "Sensor", "schedule": "ScheduleStateResult"}


def repository_selector(port: int) -> dict[str, str]:
    """The webserver's one repository, as a selector's location and repository names."""
    [repository] = graphql(port, REPOSITORIES, {})["repositoriesOrError"]["nodes"]
    return {"repositoryLocationName": repository["location"]["name"],
            "repositoryName": repository["name"]}


def start_instigator(port: int, kind: str, name: str) -> None:
    """Turn a sensor or a schedule on through the webserver, as its toggle in the UI does."""
    selector = repository_selector(port) | {f"{kind}Name": name}
    mutation = START.format(kind=kind, Kind=kind.capitalize(), answer=STARTED_ANSWER[kind])
    answer = next(iter(graphql(port, mutation, {"selector": selector}).values()))
    assert answer.get(f"{kind}State", {}).get("status") == "RUNNING", answer
