"""Stand-ins for dbt's Jinja context, so that sqlfluff's jinja templater can render the models.

sqlfluff parses the rendered SQL, so each stand-in only has to produce SQL of the right shape:
dbt's cross-database macros and ``adapter.dispatch`` render as plain function calls, ``var``
reads the vars of dbt_project.yml (the run-window vars are unset: the whole-history form).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

_PROJECT_VARS: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "dbt_project.yml").read_text()
).get("vars", {})


def _call(name: str):
    def render(*args: Any, **kwargs: Any) -> str:
        return f"{name}({', '.join(str(a) for a in [*args, *kwargs.values()])})"

    return render


class _Functions:
    """Any attribute is a macro rendering as a function call of the same name."""

    def __getattr__(self, name: str):
        return _call(name)


class _Adapter:
    def dispatch(self, macro_name: str, macro_namespace: str | None = None):
        return _call(macro_name)


def _raise_compiler_error(message: str) -> None:
    raise ValueError(message)


def var(name: str, default: Any = None) -> Any:
    return _PROJECT_VARS.get(name, default)


adapter = _Adapter()
dbt = _Functions()
modules = SimpleNamespace(datetime=datetime, re=re)
exceptions = SimpleNamespace(raise_compiler_error=_raise_compiler_error)
target = SimpleNamespace(name="duckdb", type="duckdb", schema="main")
