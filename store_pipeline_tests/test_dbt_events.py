"""dbt's events built by the constructors: the messages ParseDict builds, and its errors."""

from __future__ import annotations

import pytest
from dbt.adapters.events import adapter_types_pb2
from dbt_common.events import types_pb2
from google.protobuf.json_format import ParseDict, ParseError
from google.protobuf.timestamp_pb2 import Timestamp

from store_pipeline.internals.dbt_events import _timestamp, build_message


@pytest.mark.parametrize("text", [
    "2026-12-07T12:00:00.123456Z", "1969-12-31T23:59:59.500000Z", "2026-12-07T12:00:00Z",
    "2026-12-07T14:00:00.5+02:00", "2026-12-07T12:00:00.1234567Z",
    "2026-12-07T12:00:00.123456789Z"])
def test_a_timestamp_is_the_one_protobuf_reads(text):
    expected = Timestamp()
    expected.FromJsonString(text)
    assert _timestamp(text) == expected


ENVELOPE = {"info": {"level": "debug", "msg": "select 1", "invocation_id": "i", "pid": 7,
                     "extra": {"k": "v"}, "ts": "2026-12-07T12:00:00.5Z", "name": "SQLQuery"}}


@pytest.mark.parametrize(("message", "values"), [
    (adapter_types_pb2.SQLQueryMsg, ENVELOPE),
    (adapter_types_pb2.SQLQuery, {"conn_name": "c", "sql": "select 1", "node_info": None}),
    (adapter_types_pb2.SQLQuery, {"conn_name": "c", "node_info": {
        "node_name": "n", "meta": {"owner": "it", "tags": ["a"]},  # a Struct: ParseDict's
        "node_relation": {"schema": "s"}}}),
    (types_pb2.Note, {"msg": "a note"}),
])
def test_a_message_is_the_one_parse_dict_builds(message, values):
    assert build_message(values, message()) == ParseDict(values, message())


@pytest.mark.parametrize("values", [{"msg": 5}, {"no_such_field": "x"}])
def test_what_parse_dict_refuses_it_still_refuses(values):
    with pytest.raises(ParseError):
        build_message(values, types_pb2.Note())
