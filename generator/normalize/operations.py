"""Operations: every path and method becomes an `ir.Operation`, its inline schemas models.

Parameters merge path-level and operation-level lists (the operation's win, by name and
location); `$ref`s to parameters, request bodies, responses and path items are followed.
"""

from __future__ import annotations

import re
from typing import Any

from .. import ir
from ..conform import coerce_default, fits
from ..diagnostics import Diagnostic, Severity, SpecError
from ..loader import join_pointer
from ..names import DeferredNameAllocator, NameAllocator, class_name, field_name, module_name, snake_case
from .refs import Node, Resolver
from .schemas import Converter, ModuleScope, RESERVED_INLINE_NAMES

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_STATUS = re.compile(r"^(?:default|[1-5](?:[0-9]{2}|XX))$")
_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
_JSON = re.compile(r"^application/(?:[\w.+-]+\+)?json\b|^\*/\*")


class Operations:
    def __init__(self, converter: Converter, resolver: Resolver, modules: NameAllocator,
                 reserved_for: Any, models: dict[tuple[str, str], ir.Model]) -> None:
        self.converter = converter
        self.models = models
        """Every component model by (module, name), for checking defaults against them."""
        self.resolver = resolver
        self.modules = modules
        self.reserved_for = reserved_for
        """node → names of the components it refers to (taken in its module)."""
        self.names = NameAllocator()
        self.diagnostics: list[Diagnostic] = []

    def build(self) -> tuple[list[ir.Operation], list[ir.OperationModule]]:
        root = self.resolver.root()
        paths = root.value.get("paths")
        ops: list[ir.Operation] = []
        mods: list[ir.OperationModule] = []
        if not isinstance(paths, dict):
            return ops, mods
        for path in paths:
            item = self.resolver.resolve(self.resolver.child(root, "paths", path))
            if not isinstance(item.value, dict):
                continue
            for method in (k for k in item.value if k in HTTP_METHODS):
                node = self.resolver.child(item, method)
                if isinstance(node.value, dict):
                    op, mod = self._operation(path, method, item, node)
                    ops.append(op)
                    if mod is not None:
                        mods.append(mod)
        return ops, mods

    def _operation(self, path: str, method: str, item: Node, node: Node) -> tuple[ir.Operation, ir.OperationModule | None]:
        spec = node.value
        operation_id = spec.get("operationId") if isinstance(spec.get("operationId"), str) else None
        base = snake_case(operation_id) if operation_id else snake_case(f"{method} {path}") or method
        name = self.names.allocate(field_name(base))
        if operation_id is None:
            self.warn("missing-operation-id", f"{method.upper()} {path} has no operationId; named {name!r}", node)
        elif name != field_name(base):
            self.warn("duplicate-operation-id", f"operationId {operation_id!r} is used more than once; this one is named {name!r}", node)
        def reserved() -> tuple[str, ...]:
            return *self.reserved_for(node), *self.reserved_for(item), *RESERVED_INLINE_NAMES

        # Allocated up front: inline models refer to their module by name as they are built.
        scope = ModuleScope(self.modules.allocate(module_name(name)), DeferredNameAllocator(reserved))
        hint = class_name(name)
        params = self._parameters(path, item, node, scope, hint)
        body = self._body(node, scope, hint)
        responses = self._responses(node, scope, hint)
        module = scope.module if scope.models else None
        op = ir.Operation(
            name=name, operation_id=operation_id, method=method, path=path,
            summary=_text(spec.get("summary")), description=_text(spec.get("description")),
            tags=tuple(t for t in spec.get("tags") or () if isinstance(t, str)),
            deprecated=spec.get("deprecated") is True, parameters=params, body=body,
            responses=responses, module=module, location=self.converter.where(node),
            sdk_name=spec.get("x-specloom-name") if isinstance(spec.get("x-specloom-name"), str) else None,
        )
        return op, ir.OperationModule(module, tuple(scope.models)) if module else None

    # ---- parameters -------------------------------------------------------------------------

    def _parameters(self, path: str, item: Node, node: Node, scope: ModuleScope, hint: str) -> tuple[ir.Parameter, ...]:
        merged: dict[tuple[str, str], Node] = {}
        for owner in (item, node):
            for i, _ in enumerate(owner.value.get("parameters") or []):
                param = self.resolver.resolve(self.resolver.child(owner, "parameters", i))
                value = param.value
                if not isinstance(value, dict) or not isinstance(value.get("name"), str) or value.get("in") not in (
                        "path", "query", "header", "cookie"):
                    self.warn("invalid-parameter", "a parameter needs a `name` and an `in` of path, query, header or cookie", param)
                    continue
                merged[(value["in"], value["name"])] = param
        names = NameAllocator(case_sensitive=True)
        out = [self._parameter(p, names, scope, hint) for p in merged.values()]
        declared = {p.alias for p in out if p.where == "path"}
        for missing in (n for n in _PATH_PARAM.findall(path) if n not in declared):
            self.warn("undeclared-path-parameter", f"path parameter {{{missing}}} is not declared; typed as a string", node)
            out.append(ir.Parameter(names.allocate(field_name(missing)), missing, "path", ir.Primitive("str"), True,
                                    None, None, False, False, None, None, self.converter.where(node)))
        order = {n: i for i, n in enumerate(_PATH_PARAM.findall(path))}
        return tuple(sorted(out, key=lambda p: (p.where != "path", order.get(p.alias, 0) if p.where == "path" else 0)))

    def _parameter(self, param: Node, names: NameAllocator, scope: ModuleScope, hint: str) -> ir.Parameter:
        value = param.value
        where = value["in"]
        if where == "path" and value.get("required") is not True:
            # A path cannot omit a parameter, so this one is required whatever the spec says;
            # real specs often leave `required` out (datamodel-code-generator's own tests do).
            self.warn("path-parameter-not-required",
                      f"path parameter {value['name']!r} is not marked required; a path cannot omit it, so it is", param)
        schema_node = self._parameter_schema(param)
        ptype = self.converter.type_of(schema_node, scope, hint + class_name(value["name"])) if schema_node else ir.Primitive("str")
        schema = schema_node.value if schema_node and isinstance(schema_node.value, dict) else {}
        default, has_default = coerce_default(ptype, schema.get("default")), "default" in schema
        if has_default and schema_node is not None:
            self._check_default(ptype, default, Node(schema_node.file, join_pointer(schema_node.pointer, "default"), default), scope)
        return ir.Parameter(
            name=names.allocate(field_name(value["name"])), alias=value["name"], where=where, type=ptype,
            required=value.get("required") is True or where == "path", description=_text(value.get("description")),
            default=default, has_default=has_default, deprecated=value.get("deprecated") is True,
            style=value.get("style") if isinstance(value.get("style"), str) else None,
            explode=value.get("explode") if isinstance(value.get("explode"), bool) else None,
            location=self.converter.where(param), **self._example(param, schema),
        )

    def _example(self, node: Node, schema: dict[str, Any]) -> dict[str, Any]:
        """A parameter's (or a media type's) example: its own `example`, the first of its
        `examples` that gives a value (an Example Object, or a `$ref` to one), else its schema's."""
        value = node.value
        if "example" in value:
            return {"example": value["example"], "has_example": True}
        examples = value.get("examples")
        for name in examples if isinstance(examples, dict) else ():
            at = self.resolver.child(node, "examples", name)
            try:
                entry = self.resolver.resolve(at).value
            except SpecError as exc:  # a loop, or a chain too long: data to show, not a spec to refuse
                if exc.diagnostic.code not in ("circular-ref", "ref-chain"):
                    raise
                why = "leads back to itself" if exc.diagnostic.code == "circular-ref" else "is a chain of too many $refs"
                self.warn("example-ref-loop", f"example {name!r} {why}; skipped", at)
                continue
            if isinstance(entry, dict) and "value" in entry:
                return {"example": entry["value"], "has_example": True}
        if "example" in schema:
            return {"example": schema["example"], "has_example": True}
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return {"example": schema["examples"][0], "has_example": True}
        return {}

    def _media_example(self, response: Node, media: str | None) -> dict[str, Any]:
        """The example a response's chosen media type gives for its body, if it gives one."""
        content = response.value.get("content")
        key = next((k for k in content if k.split(";")[0].strip() == media), None) if isinstance(content, dict) else None
        if key is None or not isinstance(content[key], dict):
            return {}
        return self._example(self.resolver.child(response, "content", key), {})

    def _parameter_schema(self, param: Node) -> Node | None:
        if "schema" in param.value:
            return self.resolver.child(param, "schema")
        content = param.value.get("content")
        if isinstance(content, dict) and content:
            media = next(iter(content))
            if isinstance(content[media], dict) and "schema" in content[media]:
                return self.resolver.child(param, "content", media, "schema")
        return None

    def _check_default(self, t: ir.TypeRef, value: Any, node: Node, scope: ModuleScope) -> None:
        if value is None:
            return

        def lookup(ref: ir.ModelRef) -> ir.Model | None:
            own = {m.name: m for m in scope.models} if ref.module == scope.module else {}
            return own.get(ref.name) or self.models.get((ref.module, ref.name))

        if not fits(t, value, lookup):
            self.error("invalid-default", f"default {value!r} is not a valid value of its schema", node)

    # ---- bodies and responses ---------------------------------------------------------------

    def _body(self, node: Node, scope: ModuleScope, hint: str) -> ir.Body | None:
        if "requestBody" not in node.value:
            return None
        body = self.resolver.resolve(self.resolver.child(node, "requestBody"))
        if not isinstance(body.value, dict):
            return None
        media, schema = self._content(body)
        if media is None:
            return None
        btype = self.converter.type_of(schema, scope, hint + "Body") if schema else _untyped(media)
        return ir.Body(media, btype, body.value.get("required") is True, _text(body.value.get("description")),
                       self.converter.where(body))

    def _responses(self, node: Node, scope: ModuleScope, hint: str) -> tuple[ir.Response, ...]:
        responses = node.value.get("responses")
        if not isinstance(responses, dict):
            self.warn("missing-responses", "the operation has no `responses`", node)
            return ()
        out = []
        first_success = True
        for status in responses:
            response = self.resolver.resolve(self.resolver.child(node, "responses", status))
            if not _STATUS.match(status):
                self.error("invalid-status-code", f"response status {status!r} is not a status code, a range like 2XX, or `default`",
                           self.resolver.child(node, "responses", status))
                continue
            if not isinstance(response.value, dict):
                continue
            media, schema = self._content(response)
            name = hint + "Response" + ("" if status.startswith("2") and first_success else status.capitalize())
            first_success = first_success and not status.startswith("2")
            rtype = None if media is None else self.converter.type_of(schema, scope, name) if schema else _untyped(media)
            stream = self._stream_type(response, media, scope, name)
            out.append(ir.Response(status, media, rtype, _text(response.value.get("description")), self.converter.where(response),
                                   stream, **self._media_example(response, media)))
        return tuple(out)

    def _stream_type(self, response: Node, media: str | None, scope: ModuleScope, name: str) -> ir.TypeRef | None:
        """The event type of a `text/event-stream` the response offers besides its main body."""
        content = response.value.get("content")
        if media == "text/event-stream" or not isinstance(content, dict):
            return None
        key = next((k for k in content if k.split(";")[0].strip() == "text/event-stream"), None)
        if key is None:
            return None
        entry = content[key]
        if isinstance(entry, dict) and "schema" in entry:
            return self.converter.type_of(self.resolver.child(response, "content", key, "schema"), scope, name + "Event")
        return ir.AnyType()

    def _content(self, owner: Node) -> tuple[str | None, Node | None]:
        """The media type to use (JSON first, then forms, then whatever comes first), and its schema."""
        content = owner.value.get("content")
        if not isinstance(content, dict) or not content:
            return None, None
        ranked = sorted(content, key=_media_rank)
        media = ranked[0]
        entry = content[media]
        if isinstance(entry, dict) and "schema" in entry:
            return media.split(";")[0].strip(), self.resolver.child(owner, "content", media, "schema")
        return media.split(";")[0].strip(), None

    def warn(self, code: str, message: str, node: Node) -> None:
        self.diagnostics.append(Diagnostic(Severity.WARNING, code, message, self.resolver.doc.mark(node.file, node.pointer)))

    def error(self, code: str, message: str, node: Node) -> None:
        self.diagnostics.append(Diagnostic(Severity.ERROR, code, message, self.resolver.doc.mark(node.file, node.pointer)))


def _media_rank(media: str) -> int:
    base = media.split(";")[0].strip().lower()
    if _JSON.match(base):
        return 0
    if base in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return 1
    if base == "text/event-stream":
        return 3  # a stream beside another body is the option, not the default (OpenAI's /audio/speech)
    return 2


def _untyped(media: str) -> ir.TypeRef:
    return ir.AnyType() if _JSON.match(media) else ir.Primitive("bytes", "binary")


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


