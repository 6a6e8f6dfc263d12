"""Benchmark inputs: a YAML spec as JSON, and N× specs that copy every schema and path under new names."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

SCHEMA_REF = "#/components/schemas/"


def _rename_refs(node: Any, names: dict[str, str]) -> Any:
    """Point every schema reference (`$ref`, discriminator `mapping` values) at the renamed copy."""
    if isinstance(node, dict):
        return {k: _rename_refs(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename_refs(v, names) for v in node]
    if isinstance(node, str) and node.startswith(SCHEMA_REF):
        name, sep, rest = node[len(SCHEMA_REF):].partition("/")
        if name in names:
            return SCHEMA_REF + names[name] + sep + rest
    return node


def _copy_operations(path_item: dict[str, Any], suffix: str) -> dict[str, Any]:
    """Operation ids must stay unique: the copy's get a suffix."""
    item = copy.deepcopy(path_item)
    for operation in item.values():
        if isinstance(operation, dict) and isinstance(operation.get("operationId"), str):
            operation["operationId"] += f"_{suffix.lower()}"
    return item


def multiply(doc: dict[str, Any], factor: int) -> dict[str, Any]:
    """`doc` with `factor` times its schemas (`XCopy2`, `XCopy3`, …) and its paths (`/copy2/…`).

    Each copy's schemas reference the copy's schemas, and each copy's operations use them, so
    models, modules, operations and methods all grow by `factor`.
    """
    out = copy.deepcopy(doc)
    schemas = doc.get("components", {}).get("schemas", {})
    paths = doc.get("paths", {})
    for n in range(2, factor + 1):
        suffix = f"Copy{n}"
        names = {name: name + suffix for name in schemas}
        for name, schema in schemas.items():
            out["components"]["schemas"][names[name]] = _rename_refs(schema, names)
        for path, item in paths.items():
            out["paths"][f"/copy{n}{path}"] = _rename_refs(_copy_operations(item, suffix), names)
    return out


def counts(doc: dict[str, Any]) -> tuple[int, int]:
    """(schemas, operations) of a document, to show that a multiplied spec really grew."""
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    operations = sum(1 for item in doc.get("paths", {}).values() for m in item if m in methods)
    return len(doc.get("components", {}).get("schemas", {})), operations


def dump_yaml(doc: dict[str, Any], path: str) -> None:
    # PyYAML's emitter quotes every string a YAML 1.1 reader would take for another type, a
    # superset of what YAML 1.2 needs, so the file reads back as the same document.
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(doc, fh, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=10_000)


def dump_json(doc: dict[str, Any], path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
