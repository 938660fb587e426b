"""Whether a code location's server answers: Dagster's gRPC client, which is not public API."""

from __future__ import annotations

from pathlib import Path


def code_server_answers(socket: Path) -> bool:
    """Whether the code server on ``socket`` answers, which it does once it has loaded the
    definitions."""
    from dagster._core.errors import DagsterUserCodeUnreachableError
    from dagster._grpc.client import DagsterGrpcClient

    try:
        DagsterGrpcClient(socket=str(socket)).ping("")
    except DagsterUserCodeUnreachableError:
        return False
    return True
