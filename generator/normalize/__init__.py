"""Normalize stage: raw document trees → a frozen `ir.Api` plus diagnostics. Pure: no I/O."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .. import ir, refplaces
from ..diagnostics import Diagnostic, Location, Severity, SpecError, error
from ..loader import Document, chain_pointer
from ..names import DeferredNameAllocator, NameAllocator, class_name, module_name, package_name
from .refs import Node, Resolver
from .modules import assign_homes
from .operations import Operations
from ..renames import NO_RENAMES, Rename, Renames, by_target, did_you_mean, rename_error, split_fields
from .resources import build_resources
from .security import security_schemes
from .schemas import RESERVED_INLINE_NAMES, Converter, ModuleScope, is_class_schema, is_nullable_schema


def normalize(doc: Document, *, package: str | None = None, pagination: Mapping[str, Any] | None = None,
              renames: Renames = NO_RENAMES, pagination_at: Mapping[str, Location] | None = None,
              lines: bool = True) -> ir.Normalized:
    """`pagination` and `renames` come from the config (specloom.yaml); renames are applied where
    each name is decided, so the IR's names are final and collision-free either way.
    `pagination_at` says where the config sets each pagination, for the error when the spec has
    no such operationId. `lines=False`: the warnings' lines are left to `doc.placed`."""
    resolver = Resolver(doc)
    root = doc.trees[doc.root]
    _check_version(doc, root)
    info = root.get("info") if isinstance(root.get("info"), dict) else {}
    title = str(info.get("title") or "API")
    components = _component_nodes(resolver)
    keys = [key for key, _ in components]
    model_renames, config_errors = by_target(renames.models, keys, "schema")
    field_renames, field_errors = split_fields(renames.fields, keys)
    modules = NameAllocator()
    refs = _allocate(components, modules, model_renames, config_errors)
    nullable = frozenset(f"{n.file}{n.pointer}" for _, n in components if is_class_schema(n.value) and is_nullable_schema(n.value))
    version = str(root.get("openapi") or "3.0")
    _resolve_every_ref(resolver, doc)
    converter = Converter(resolver, {k: r for k, (_, r) in refs.items()}, doc.mark, nullable, version)
    schemas = assign_homes([_schema_module(converter, resolver, key, node, refs, field_renames.get(key, {}))
                            for key, node in components])
    models = {(m.module, model.name): model for m in schemas for model in (m.primary, *m.inline)}
    builder = Operations(converter, resolver, modules, lambda n: {refs[k][1].name for k in _referenced_components(resolver, n, refs)},
                         models)
    operations, operation_modules = builder.build()
    op_models = {(m.module, model.name): model for m in operation_modules for model in m.models}
    method_renames, method_errors = by_target(renames.methods, [op.operation_id for op in operations if op.operation_id],
                                              "operation with operationId")
    resources, client_methods, naming = build_resources(operations, {**models, **op_models}, pagination, method_renames)
    pagination_errors = _unknown_operations(pagination or {}, operations, pagination_at or {}, doc)
    api = ir.Api(
        title=title,
        version=str(info.get("version") or ""),
        description=info.get("description") if isinstance(info.get("description"), str) else None,
        package=package or package_name(title),
        spec_name=os.path.basename(doc.root),
        servers=_servers(root),
        schemas=tuple(schemas),
        operations=tuple(operations),
        operation_modules=tuple(operation_modules),
        resources=resources,
        client_methods=client_methods,
        security=security_schemes(root),
    )
    diagnostics = (*doc.diagnostics, *config_errors, *field_errors, *method_errors, *pagination_errors,
                   *converter.diagnostics, *builder.diagnostics, *naming)
    return ir.Normalized(api, doc.placed(diagnostics) if lines else diagnostics)


def _unknown_operations(pagination: Mapping[str, Any], operations: list[ir.Operation],
                        where: Mapping[str, Location], doc: Document) -> list[Diagnostic]:
    """An error for each operationId the config's `pagination` names that the spec does not have:
    a typo there would otherwise leave the list unpaginated without a word."""
    known = [op.operation_id for op in operations if op.operation_id]
    errors = []
    for op_id in pagination:
        if op_id not in known:
            errors.append(Diagnostic(Severity.ERROR, "config-pagination", f"pagination for {op_id!r}: no operation with "
                                     f"that operationId in the spec{did_you_mean(op_id, known)}",
                                     where.get(op_id, Location(doc.display[doc.root]))))
    return errors


def _check_version(doc: Document, root: dict[str, Any]) -> None:
    version = root.get("openapi") or root.get("swagger")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1", "2.0")):
        raise error("not-openapi", f"unsupported or missing `openapi` version: {version!r} (3.0, 3.1 or Swagger 2.0 expected)",
                    doc.locate(doc.root, "#/openapi" if "openapi" in root else "#"))


def _component_nodes(resolver: Resolver) -> list[tuple[str, Node]]:
    """(key, node) of every named schema, in spec order: 3.x components or 2.0 definitions."""
    root = resolver.root()
    if isinstance(root.value.get("components"), dict) and isinstance(root.value["components"].get("schemas"), dict):
        base = resolver.child(root, "components", "schemas")
    elif isinstance(root.value.get("definitions"), dict):
        base = resolver.child(root, "definitions")
    else:
        return []
    return [(key, resolver.child(base, key)) for key in base.value]


def _allocate(components: list[tuple[str, Node]], modules: NameAllocator, renames: Mapping[str, Rename],
              errors: list[Diagnostic]) -> dict[str, tuple[str, ir.ModelRef]]:
    """Final class and module names for every component: renamed ones as the config says, the
    others first come first served. A rename that clashes is added to `errors`."""
    wanted = [(key, class_name(key)) for key, _ in components]
    names, clashes = NameAllocator().allocate_all(wanted, {key: r.new for key, r in renames.items()})
    for key, other in clashes.items():
        r = renames[key]
        errors.append(rename_error("rename-collision", f"cannot rename {key!r} to {r.new!r}: that is the class name of "
                                   f"schema {other!r}", r))
    out: dict[str, tuple[str, ir.ModelRef]] = {}
    for key, node in components:
        out[f"{node.file}{node.pointer}"] = (key, ir.ModelRef(names[key], modules.allocate(module_name(names[key]))))
    return out


def _schema_module(converter: Converter, resolver: Resolver, key: str, node: Node,
                   refs: dict[str, tuple[str, ir.ModelRef]], renames: Mapping[str, Rename]) -> ir.SchemaModule:
    ref = refs[f"{node.file}{node.pointer}"][1]

    def reserved() -> tuple[str, ...]:
        return ref.name, *(refs[k][1].name for k in _referenced_components(resolver, node, refs)), *RESERVED_INLINE_NAMES

    scope = ModuleScope(ref.module, DeferredNameAllocator(reserved), self_ref=ref)
    primary = converter.component(node, ref, scope, renames)
    schema = node.value if isinstance(node.value, dict) else {}
    example, has_example = _example(schema)
    return ir.SchemaModule(ref.module, ref.module, key, primary, tuple(scope.models), example, has_example)


def _resolve_every_ref(resolver: Resolver, doc: Document) -> None:
    """Raise the error of a `$ref` that does not resolve (or is not a string), wherever it is:
    under a schema, an operation, a keyword the converter does not read (`not`, `links`, an
    extension) or a component nothing uses. Each value is looked up once a file, at a place the
    load's walk met it (`Document.refs`); where several fail, the error is the one nearest the
    top of the first file."""
    failed: list[SpecError] = []
    for file, refs in doc.refs.items():
        for ref, path in refs.items():
            if not (isinstance(ref, str) and resolver.known(file, ref)):
                try:
                    resolver.target(Node(file, chain_pointer(path), {"$ref": ref}))
                except SpecError as exc:
                    failed.append(exc)
    if failed:
        shown = [doc.display.get(file, file) for file in doc.refs]

        def place(exc: SpecError) -> tuple[int, int, int]:
            where = exc.diagnostic.location
            return shown.index(where.file) if where.file in shown else len(shown), where.line or 0, where.col or 0

        raise min(failed, key=place)


def _referenced_components(resolver: Resolver, node: Node, refs: dict[str, Any]) -> list[str]:
    """Components a schema refers to (through inline refs too): their names are taken in its
    module. Not the `$ref`s of its examples and defaults, which are data (see `refplaces`)."""
    found: list[str] = []
    seen: set[str] = set()
    # (file, path, value, kind) tuples, not `Node`s: a frozen dataclass costs several times more
    # to build, and the OpenAI spec has ~34,000 dicts and lists to visit here. A path is the
    # pointer it starts from, then (parent path, key) pairs: joined only for a `$ref` not looked
    # up before.
    stack: list[tuple[str, Any, Any, int]] = [(node.file, node.pointer, node.value, refplaces.OBJECT)]
    while stack:
        file, path, value, kind = stack.pop()
        if kind == refplaces.LITERAL:
            continue  # no reference in it
        if isinstance(value, dict):
            ref = value.get("$ref") if refplaces.is_reference(kind) else None
            if isinstance(ref, str):
                target = resolver.known(file, ref) or resolver.target(Node(file, chain_pointer(path), value))
                key = f"{target.file}{target.pointer}"
                if key in refs:
                    found.append(key)
                elif key not in seen:
                    seen.add(key)
                    stack.append((target.file, target.pointer, target.value, refplaces.OBJECT))
            for k, v in value.items():
                if isinstance(v, (dict, list)) and (k != "$ref" or ref is None):  # scalars, most of a schema, hold no `$ref`
                    stack.append((file, (path, k), v, refplaces.inner(kind, k, v)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, (dict, list)):
                    stack.append((file, (path, i), v, kind))
    return found


def _example(schema: dict[str, Any]) -> tuple[Any, bool]:
    if "example" in schema:
        return schema["example"], True
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0], True
    return None, False


def _servers(root: dict[str, Any]) -> tuple[str, ...]:
    servers = root.get("servers")
    if isinstance(servers, list):
        return tuple(s["url"] for s in servers if isinstance(s, dict) and isinstance(s.get("url"), str))
    if isinstance(root.get("host"), str):  # Swagger 2.0
        schemes = root.get("schemes") or ["https"]
        return (f"{schemes[0]}://{root['host']}{root.get('basePath') or ''}",)
    return ()


__all__ = ["normalize", "Diagnostic", "Severity"]
