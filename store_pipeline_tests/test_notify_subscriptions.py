"""The subscriptions file: roles and scopes read, every problem reported with its subscriber."""

from __future__ import annotations

from pathlib import Path

import pytest

from store_pipeline.lib.notify.subscriptions import (
    SubscriptionError,
    load_subscriptions,
    unknown_scope,
    with_role,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "store_pipeline" / "subscriptions.example.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subscriptions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_is_valid_and_covers_every_role():
    subscribers = load_subscriptions(EXAMPLE)
    roles = {s.role for s in subscribers}
    assert roles == {"store_manager", "regional_director", "c_suite", "it_operations"}


def test_roles_scopes_and_addresses_are_read(tmp_path):
    path = _write(tmp_path, """
subscribers:
  - {email: dana@example.com, name: Dana Reyes, role: store_manager, stores: [S001, S002]}
  - {email: north@example.com, role: regional_director, regions: [North]}
  - {email: it@example.com, role: it_operations}
""")
    subscribers = load_subscriptions(path)
    [manager] = with_role(subscribers, "store_manager")
    assert manager.stores == ("S001", "S002")
    assert manager.address == "Dana Reyes <dana@example.com>"
    assert with_role(subscribers, "regional_director")[0].regions == ("North",)
    assert with_role(subscribers, "c_suite") == []


def test_every_problem_is_reported_with_its_subscriber(tmp_path):
    path = _write(tmp_path, """
subscribers:
  - {email: ok@example.com, role: c_suite}
  - {email: lee@example.com, role: manager}
  - {email: "not an address", role: c_suite}
  - {email: sam@example.com, role: store_manager}
  - {email: kim@example.com, role: c_suite, stores: [S001]}
  - {email: "x@example.com\\nBcc: all@example.com", role: c_suite}
  - {email: pat@example.com, role: it_operations, store: [S001]}
""")
    with pytest.raises(SubscriptionError) as raised:
        load_subscriptions(path)
    lines = str(raised.value).splitlines()
    assert len(lines) == 6, lines
    assert "subscriber 2 (lee@example.com): unknown role 'manager'" in lines[0]
    assert "store_manager, regional_director, c_suite, it_operations" in lines[0]
    assert "subscriber 3 (not an address): bad e-mail address 'not an address'" in lines[1]
    assert "subscriber 4 (sam@example.com): a store_manager needs stores" in lines[2]
    assert "subscriber 5 (kim@example.com): stores does not apply to the role c_suite" in lines[3]
    assert "subscriber 6" in lines[4] and "bad e-mail address" in lines[4]
    assert "subscriber 7 (pat@example.com): unknown field 'store'" in lines[5]
    assert all(line.startswith(str(path)) for line in lines)


@pytest.mark.parametrize(("text", "message"), [
    ("subscribers: [", "not valid YAML"),
    ("people: []", "expected a top-level 'subscribers:' list"),
])
def test_a_file_that_is_not_a_subscription_list_is_refused(tmp_path, text, message):
    with pytest.raises(SubscriptionError, match=message):
        load_subscriptions(_write(tmp_path, text))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(SubscriptionError, match="cannot read the subscriptions file"):
        load_subscriptions(tmp_path / "absent.yaml")


def test_an_unknown_store_is_a_warning_not_an_error(tmp_path):
    path = _write(tmp_path, """
subscribers:
  - {email: dana@example.com, role: store_manager, stores: [S001, S999]}
""")
    subscribers = load_subscriptions(path)
    assert unknown_scope(subscribers, "stores", {"S001", "S002"}) == [
        "dana@example.com: unknown store 'S999'"]
