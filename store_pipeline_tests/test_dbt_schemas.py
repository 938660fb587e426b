"""dbt's configuration schemas built once per data home: the next process validates against
the schema the first one built, and validates as dbt does."""

from __future__ import annotations

import marshal
import sys

from store_pipeline.internals.dbt_schemas import CACHE_FILE
from store_pipeline_tests.processes import python_lines

# Validates a project file and a broken one against dbt's Project schema inside the schemas
# file of the folder argv[1]; prints what validation said, whether the schema is the one
# mashumaro builds, and how many schemas were built.
VALIDATE = """
import sys
from pathlib import Path
from dbt.contracts.project import Project
from dbt_common import dataclass_schema
from dbt_common.dataclass_schema import ValidationError
from store_pipeline.internals.dbt_schemas import kept_schemas
built = []
original = dataclass_schema.build_json_schema
def counting(cls, *args, **kwargs):
    built.append(cls)
    return original(cls, *args, **kwargs)
dataclass_schema.build_json_schema = counting
with kept_schemas(Path(sys.argv[1])):
    Project.validate({"name": "shop", "version": "1.0", "profile": "shop"})
    try:
        Project.validate({"name": 3, "version": "1.0"})
    except ValidationError as error:
        print("refused:", error.message)
    schema = Project.json_schema()
print(schema == original(Project).to_dict())
print(len(built))
"""


def _validate(folder) -> tuple[list[str], int]:
    *said, built = python_lines(VALIDATE, str(folder))
    return said, int(built)


def test_a_schema_built_in_one_process_is_read_by_the_next(tmp_path):
    said, built = _validate(tmp_path)
    assert said == ["refused: 3 is not of type 'string'", "True"]
    assert built == 1
    _, schemas = marshal.loads((tmp_path / CACHE_FILE).read_bytes())
    assert list(schemas) == ["dbt.contracts.project.Project"]
    assert _validate(tmp_path) == (said, 0)  # read back, the same schema, the same verdicts


def test_a_file_of_other_versions_is_built_afresh(tmp_path):
    (tmp_path / CACHE_FILE).write_bytes(marshal.dumps((("another python",), {})))
    assert _validate(tmp_path)[1] == 1
    versions, _ = marshal.loads((tmp_path / CACHE_FILE).read_bytes())
    assert versions[0] == sys.version
