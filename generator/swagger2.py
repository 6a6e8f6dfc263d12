"""Swagger 2.0 → OpenAPI 3.0, on load: one pure function over the raw tree.

Definitions become component schemas; body and formData parameters a request body (JSON, or a
form, multipart when a file is sent); `consumes`/`produces` media types; host, basePath and
schemes a server; `type: file` a binary string; `collectionFormat` a style; `x-nullable` nullable.
"""

from __future__ import annotations

from typing import Any

from . import refplaces

# Where each 2.0 section lives in 3.0; pointers into converted trees map back through it.
MOVED = (("#/components/schemas/", "#/definitions/"), ("#/components/parameters/", "#/parameters/"),
         ("#/components/responses/", "#/responses/"), ("#/components/requestBodies/", "#/parameters/"))
_STYLES = {"csv": ("form", False), "ssv": ("spaceDelimited", False), "pipes": ("pipeDelimited", False),
           "multi": ("form", True), "tsv": ("tabDelimited", False)}
_SCHEMA_KEYS = ("type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum",
                "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def is_swagger2(tree: Any) -> bool:
    return isinstance(tree, dict) and str(tree.get("swagger", "")).startswith("2")


def convert(doc: dict[str, Any]) -> dict[str, Any]:
    doc = _rewrite(doc)
    consumes = doc.get("consumes") or ["application/json"]
    produces = doc.get("produces") or ["application/json"]
    raw_params = doc.get("parameters")
    params: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
    components: dict[str, Any] = {
        "schemas": doc.get("definitions") or {},
        "parameters": {k: _parameter(v) for k, v in params.items() if isinstance(v, dict) and v.get("in") not in ("body", "formData")},
        "requestBodies": {k: _body([v], consumes) for k, v in params.items() if isinstance(v, dict) and v.get("in") == "body"},
        "responses": {k: _response(v, produces) for k, v in (doc.get("responses") or {}).items() if isinstance(v, dict)},
        "securitySchemes": {k: _security(v) for k, v in (doc.get("securityDefinitions") or {}).items() if isinstance(v, dict)},
    }
    out: dict[str, Any] = {"openapi": "3.0.3"}
    out.update({k: v for k, v in doc.items() if k not in ("swagger", "host", "basePath", "schemes", "consumes", "produces",
                                                        "definitions", "parameters", "responses", "securityDefinitions", "paths")})
    out["servers"] = [{"url": f"{(doc.get('schemes') or ['https'])[0]}://{doc['host']}{doc.get('basePath') or ''}"}] \
        if isinstance(doc.get("host"), str) else [{"url": doc.get("basePath") or "/"}]
    out["paths"] = {path: _path_item(item, params, consumes, produces) if isinstance(item, dict) else item
                    for path, item in (doc.get("paths") or {}).items()}
    out["components"] = {k: v for k, v in components.items() if v}
    return out


def _rewrite(value: Any, kind: int = refplaces.OBJECT) -> Any:
    """Local refs to the new places; `type: file` and `x-nullable` to their 3.0 spelling. Not in
    examples and defaults, which are data, nor in the keys of maps of names (see `refplaces`)."""
    if kind == refplaces.LITERAL:
        return value
    if isinstance(value, list):
        return [_rewrite(v, kind) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _rewrite(v, refplaces.inner(kind, k, v, swagger2=True)) if isinstance(v, (dict, list)) else v
           for k, v in value.items()}
    if not refplaces.is_reference(kind):
        return out  # a map of names: its keys are not keywords
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        for new, old in MOVED[:3]:
            if ref.startswith(old):
                out["$ref"] = new + ref[len(old):]
                break
    if out.get("type") == "file":
        out["type"], out["format"] = "string", "binary"
    if out.get("x-nullable") is True:
        out["nullable"] = True
    return out


def _path_item(item: dict[str, Any], params: dict[str, Any], consumes: list[str], produces: list[str]) -> dict[str, Any]:
    shared = [p for p in item.get("parameters") or [] if isinstance(p, dict)]
    out = {k: v for k, v in item.items() if k not in _METHODS and k != "parameters"}
    plain_shared = [p for p in shared if _where(p, params) not in ("body", "formData")]
    if plain_shared:
        out["parameters"] = [_parameter(p) for p in plain_shared]
    for method in (m for m in item if m in _METHODS):
        op = item[method]
        if isinstance(op, dict):
            out[method] = _operation(op, [p for p in shared if p not in plain_shared], params, consumes, produces)
    return out


def _operation(op: dict[str, Any], shared: list[Any], params: dict[str, Any], consumes: list[str], produces: list[str]) -> dict[str, Any]:
    consumes = op.get("consumes") or consumes
    produces = op.get("produces") or produces
    own = [p for p in op.get("parameters") or [] if isinstance(p, dict)]
    out = {k: v for k, v in op.items() if k not in ("parameters", "responses", "consumes", "produces")}
    plain = [_parameter(p) for p in own if _where(p, params) not in ("body", "formData")]
    if plain:
        out["parameters"] = plain
    payload = [_deref(p, params) for p in shared + own if _where(p, params) in ("body", "formData")]
    if payload:
        out["requestBody"] = _body(payload, consumes)
    out["responses"] = {str(code): _response(r, produces) if isinstance(r, dict) and "$ref" not in r else r
                        for code, r in (op.get("responses") or {}).items()}
    return out


def _where(param: dict[str, Any], params: dict[str, Any]) -> Any:
    return _deref(param, params).get("in")


def _deref(param: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    ref = param.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/parameters/"):
        found = params.get(ref.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~"))
        return found if isinstance(found, dict) else param
    return param


def _parameter(param: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in param:
        return param
    out = {k: v for k, v in param.items() if k not in _SCHEMA_KEYS and k not in ("collectionFormat", "allowEmptyValue")}
    out["schema"] = {k: param[k] for k in _SCHEMA_KEYS if k in param}
    style = _STYLES.get(param.get("collectionFormat", "csv"))
    if param.get("type") == "array" and style:
        out["style"], out["explode"] = style
    return out


def _body(payload: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any]:
    body = [p for p in payload if p.get("in") == "body"]
    if body:
        param = body[0]
        content = {media: {"schema": param.get("schema", {})} for media in consumes}
        return {"content": content, "required": param.get("required") is True,
                **({"description": param["description"]} if "description" in param else {})}
    schema = {"type": "object", "properties": {p["name"]: {**_parameter(p)["schema"], **_doc(p)} for p in payload if "name" in p}}
    required = [p["name"] for p in payload if p.get("required") is True and "name" in p]
    if required:
        schema["required"] = required
    files = any(p.get("type") == "string" and p.get("format") == "binary" for p in payload)
    media = "multipart/form-data" if files or "multipart/form-data" in consumes else "application/x-www-form-urlencoded"
    return {"content": {media: {"schema": schema}}, "required": bool(required)}


def _doc(param: dict[str, Any]) -> dict[str, Any]:
    return {"description": param["description"]} if isinstance(param.get("description"), str) else {}


def _response(response: dict[str, Any], produces: list[str]) -> dict[str, Any]:
    out = {k: v for k, v in response.items() if k not in ("schema", "examples", "headers")}
    out.setdefault("description", "")
    if "schema" in response:
        out["content"] = {media: {"schema": response["schema"]} for media in produces}
    return out


def _security(scheme: dict[str, Any]) -> dict[str, Any]:
    kind = scheme.get("type")
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **_doc(scheme)}
    if kind == "oauth2":
        flow = {"implicit": "implicit", "password": "password", "application": "clientCredentials",
                "accessCode": "authorizationCode"}.get(scheme.get("flow", ""), "implicit")
        urls = {k: scheme[k] for k in ("authorizationUrl", "tokenUrl") if k in scheme}
        return {"type": "oauth2", "flows": {flow: {**urls, "scopes": scheme.get("scopes") or {}}}, **_doc(scheme)}
    return scheme
