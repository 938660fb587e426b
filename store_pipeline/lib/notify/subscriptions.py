"""Who receives what: the subscriptions file (YAML), validated with one clear error per problem.

```yaml
subscribers:
  - {email: dana@example.com, name: Dana Reyes, role: store_manager, stores: [S001]}
  - {email: north@example.com, role: regional_director, regions: [North]}
  - {email: cfo@example.com, role: c_suite}
  - {email: it-ops@example.com, role: it_operations}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

import yaml

STORE_MANAGER = "store_manager"
REGIONAL_DIRECTOR = "regional_director"
C_SUITE = "c_suite"
IT_OPERATIONS = "it_operations"
ROLES = (STORE_MANAGER, REGIONAL_DIRECTOR, C_SUITE, IT_OPERATIONS)
SCOPE = {STORE_MANAGER: "stores", REGIONAL_DIRECTOR: "regions"}
FIELDS = ("email", "name", "role", "stores", "regions")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class SubscriptionError(ValueError):
    """The subscriptions file cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class Subscriber:
    """One recipient, their role and, for managers and directors, their stores or regions."""

    email: str
    role: str
    name: str = ""
    stores: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """``Name <email>`` for the To header."""
        return str(Address(display_name=self.name, addr_spec=self.email))


def load_subscriptions(path: Path | str) -> list[Subscriber]:
    """Read and validate the subscriptions file at ``path``."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SubscriptionError(f"{path}: cannot read the subscriptions file: {error}") from None
    except yaml.YAMLError as error:
        raise SubscriptionError(f"{path}: not valid YAML: {error}") from None
    return parse_subscriptions(data, str(path))


def parse_subscriptions(data: object, source: str) -> list[Subscriber]:
    """Subscribers from the parsed YAML; raises with every problem found, not just the first."""
    entries = data.get("subscribers") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SubscriptionError(f"{source}: expected a top-level 'subscribers:' list")
    subscribers, problems = [], []
    for number, entry in enumerate(entries, start=1):
        found = _entry_problems(entry)
        if found:
            who = entry.get("email") if isinstance(entry, dict) else None
            label = f"subscriber {number}" + (f" ({' '.join(who.split())})"
                                              if isinstance(who, str) else "")
            problems += [f"{source}: {label}: {problem}" for problem in found]
        else:
            subscribers.append(_subscriber(entry))
    if problems:
        raise SubscriptionError("\n".join(problems))
    return subscribers


def _entry_problems(entry: object) -> list[str]:
    if not isinstance(entry, dict):
        return ["expected a mapping with email and role"]
    problems = [f"unknown field {key!r} (fields: {', '.join(FIELDS)})"
                for key in entry if key not in FIELDS]
    email, role, name = entry.get("email"), entry.get("role"), entry.get("name", "")
    if not isinstance(email, str) or not _EMAIL.match(email):
        problems.append(f"bad e-mail address {email!r}")
    if not isinstance(name, str) or "\n" in name or "\r" in name:
        problems.append("name must be one line of text")
    if role not in ROLES:
        problems.append(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
        return problems
    for field in ("stores", "regions"):
        value = entry.get(field)
        if SCOPE.get(role) == field and not _names(value):
            problems.append(f"a {role} needs {field}: a list of one or more {field[:-1]} names")
        elif SCOPE.get(role) != field and value is not None:
            problems.append(f"{field} does not apply to the role {role}")
    return problems


def _names(value: object) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, str | int) and str(v).strip() for v in value))


def _subscriber(entry: dict) -> Subscriber:
    return Subscriber(
        email=entry["email"], role=entry["role"], name=entry.get("name", ""),
        stores=tuple(str(s).strip() for s in entry.get("stores") or ()),
        regions=tuple(str(r).strip() for r in entry.get("regions") or ()),
    )


def with_role(subscribers: Iterable[Subscriber], role: str) -> list[Subscriber]:
    return [s for s in subscribers if s.role == role]


def unknown_scope(subscribers: Iterable[Subscriber], field: str, known: set[str]) -> list[str]:
    """Warnings for stores (or regions) named in subscriptions that the data does not have."""
    return [f"{s.email}: unknown {field[:-1]} {name!r}"
            for s in subscribers for name in getattr(s, field) if name not in known]
