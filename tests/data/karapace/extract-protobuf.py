"""Extracts Karapace's Protobuf unit cases (../shared/testdata/karapace/protobuf/, Apache-2.0)
into protobuf-compat-cases.json: one case per checked comparison or normalization assertion.

    python3 tests/data/karapace/extract-protobuf.py ../shared/testdata/karapace/protobuf

Karapace's `writer.compare(reader)` and `check_protobuf_schema_compatibility(reader, writer)`
become {reader, writer, compatible}; a normalization assertion (two texts normalizing to the
same schema) becomes {reader, writer, same_identity: true, compatible: true}; a schema that must
parse becomes a case of it against itself.
"""

import ast
import json
import sys
from pathlib import Path


def trim_margin(s):
    lines = s.split("\n")
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("|"):
            out.append(stripped[1:])
        elif stripped:
            out.append(line)
    return "\n".join(out) + "\n"


def dedent(text):
    import textwrap

    return textwrap.dedent(text)


def strings_in(node, consts=None):
    """Local `name = "..."` (and `_schema("...")`, `trim_margin(CONSTANT)`) assignments,
    margins trimmed."""
    found = {}
    for n in ast.walk(node):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            v = n.value
            if isinstance(v, ast.Call) and v.args:
                v = v.args[0]
            if isinstance(v, ast.Name) and consts and v.id in consts:
                found[n.targets[0].id] = consts[v.id]
            elif isinstance(v, ast.Constant) and isinstance(v.value, str):
                text = v.value
                found[n.targets[0].id] = trim_margin(text) if "|" in text else dedent(text)
    return found


def compatibility_file(path, cases):
    tree = ast.parse(path.read_text())
    for fn in [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test")]:
        s = strings_in(fn)
        src = ast.get_source_segment(path.read_text(), fn)
        if "self_schema" in s:
            writer, reader = s["self_schema"], s["other_schema"]
            compatible = "assert not result.is_compatible()" not in src
        else:
            writer = s.get("writer", s.get("schema"))
            reader = s.get("reader", s.get("schema"))
            compatible = "SchemaCompatibilityType.incompatible" not in src
        cases.append({"name": f"{path.stem}::{fn.name}", "reader": reader, "writer": writer,
                      "compatible": compatible, "source_file": path.name, "source_line": fn.lineno})


def schema_file(path, fixtures, cases):
    """test_protobuf_schema.py: `schemaA.compare(schemaB)` checks (A the writer), and schemas
    that must parse (a case of the schema against itself)."""
    text = path.read_text()
    tree = ast.parse(text)
    for fn in [n for n in tree.body if isinstance(n, ast.FunctionDef)]:
        s = strings_in(fn, fixtures)
        src = ast.get_source_segment(text, fn)
        base = {"source_file": path.name, "source_line": fn.lineno}
        if ".compare(" in src and "proto1" in s and "proto2" in s:
            first = "protobuf_schema2" if "protobuf_schema2.schema.compare(protobuf_schema1" in src else "protobuf_schema1"
            writer, reader = (s["proto1"], s["proto2"]) if first == "protobuf_schema1" else (s["proto2"], s["proto1"])
            compatible = "assert not result.is_compatible()" not in src
            cases.append({"name": f"{path.stem}::{fn.name}", "reader": reader, "writer": writer, "compatible": compatible, **base})
        elif fn.name in ("test_protobuf_self_referencing_schema", "test_protobuf_schema_simple", "test_protobuf_schema_sort"):
            for var, proto in sorted(s.items()):
                if var.startswith("proto") and "syntax" in proto:
                    cases.append({"name": f"{path.stem}::{fn.name}#{var}", "reader": proto, "writer": proto, "compatible": True, **base})
        elif fn.name == "partial_path_protobuf_schema":
            dep = {"name": "my/awesome/customer/plan/entity/v1beta1/entity.proto", "subject": "this_also", "version": 1, "schema": s["plan"]}
            cases.append({"name": f"{path.stem}::{fn.name}", "reader": s["customer_plan_event"], "writer": s["customer_plan_event"],
                          "references": [dep], "compatible": True, **base})


def fixtures_of(path):
    """The schemas of tests/schemas/protobuf.py (schemas_protobuf.py here), margins trimmed."""
    tree = ast.parse(path.read_text())
    out = {}
    for n in tree.body:
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Constant):
            if isinstance(n.value.value, str):
                out[n.targets[0].id] = trim_margin(n.value.value)
    return out


def normalization_file(path, cases):
    text = path.read_text()
    tree = ast.parse(text)
    consts = strings_in(ast.Module(body=[n for n in tree.body if isinstance(n, ast.Assign)], type_ignores=[]))
    for fn in [n for n in tree.body if isinstance(n, ast.FunctionDef)]:
        if fn.name == "test_differently_ordered_options_normalizes_equally":
            for dec in fn.decorator_list:
                pairs = dec.args[1].elts
                for i, pair in enumerate(pairs):
                    ordered, unordered = (consts[e.id] for e in pair.elts)
                    cases.append({"name": f"{path.stem}::{fn.name}#{i}", "reader": ordered, "writer": unordered,
                                  "same_identity": True, "compatible": True,
                                  "source_file": path.name, "source_line": fn.lineno})
        if fn.name == "test_full_path_and_simple_names_are_equal_with_formatter":
            dep = {"name": "my/awesome/customer/v1/nested_value.proto", "subject": "nested_value",
                   "version": 1, "schema": consts["DEPENDENCY"]}
            cases.append({"name": f"{path.stem}::{fn.name}", "reader": consts["PROTO_WITH_SIMPLE_NAMES"],
                          "writer": consts["PROTO_WITH_FULLY_QUALIFIED_PATHS"], "references": [dep],
                          "same_identity": True, "compatible": True,
                          "source_file": path.name, "source_line": fn.lineno})


def main():
    src = Path(sys.argv[1])
    cases = []
    compatibility_file(src / "unit_protobuf_test_protobuf_compatibility.py", cases)
    compatibility_file(src / "unit_compatibility_test_protobuf_checks.py", cases)
    normalization_file(src / "unit_protobuf_test_protobuf_normalization.py", cases)
    schema_file(src / "unit_protobuf_test_protobuf_schema.py", fixtures_of(src / "schemas_protobuf.py"), cases)
    out = {"source_repo": "Aiven-Open/karapace", "commit": "3bbc1f8d30d7b650f49b75128ba9a46fdab61a67",
           "notes": ["extracted by extract-protobuf.py; reader/writer as Karapace's checker takes them"],
           "cases": cases}
    Path(__file__).with_name("protobuf-compat-cases.json").write_text(json.dumps(out, indent=2) + "\n")
    print(len(cases), "cases")


main()
