"""Lint option `--validate`: the whole document checked by openapi-spec-validator, errors as diagnostics.

It costs 10–15 seconds on the OpenAI spec, so it is opt-in. Four adjustments keep it a pure
lint rule with useful locations and one answer:
- referenced files come from the loaded document rather than being read again;
- errors from the validator's own checks (duplicate operationId, a bad schema inside a response,
  an invalid default), which it reports with no path or a path relative to the schema, get the
  path of the node being checked when they were found (`_located`);
- a schema's meta-schema errors are all reported, not the one the hash seed happened to put
  first (`_every_meta_error`);
- a union's error is reported by the causes of the member the value was meant for, not by
  "'$ref' is a required property" (`_causes`).
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from jsonschema.exceptions import (  # type: ignore[import-untyped,unused-ignore]
    STRONG_MATCHES, WEAK_MATCHES, UndefinedTypeCheck, ValidationError, best_match, relevance)
from jsonschema.validators import validator_for  # type: ignore[import-untyped,unused-ignore]
from jsonschema_path import SchemaPath
# The meta-schemas `check_openapi_schema` validates against (a private module, its one export).
from openapi_schema_validator._specifications import REGISTRY as OAS_META_SCHEMAS
from openapi_schema_validator.validators import check_openapi_schema
from openapi_spec_validator import (OpenAPIV2SpecValidator, OpenAPIV30SpecValidator, OpenAPIV31SpecValidator,
                                    OpenAPIV32SpecValidator)
from openapi_spec_validator.validation.exceptions import ExtraParametersError, OpenAPIValidationError
from openapi_spec_validator.validation.keywords import SchemaValidator
from openapi_spec_validator.validation.validators import SpecValidator

from ..diagnostics import Diagnostic, Location, Severity, SpecError
from ..loader import Document, join_pointer
from ..normalize.refs import Node, Resolver
from ..yaml12 import load_yaml
from .examples import file_uri, one_line

CODE = "spec-invalid"
INCOMPLETE = "spec-validation-incomplete"
_BY_VERSION = (("2.0", OpenAPIV2SpecValidator), ("3.0", OpenAPIV30SpecValidator),
               ("3.1", OpenAPIV31SpecValidator), ("3.2", OpenAPIV32SpecValidator))


def validate_spec(doc: Document) -> list[Diagnostic]:
    tree = _source_tree(doc)
    version = str(tree.get("openapi") or tree.get("swagger") or "")
    base = next((cls for prefix, cls in _BY_VERSION if version.startswith(prefix)), None)
    if base is None:
        return []  # normalize has already refused the version
    validator = _validator_class(base, doc)(tree, base_uri=file_uri(doc.root))
    resolver = Resolver(doc)
    found: list[Diagnostic] = []
    seen: set[Diagnostic] = set()
    typed: set[Diagnostic] = set()  # errors of the `type` keyword
    listed: set[Location] = set()  # where an `enum` keyword failed
    errors = validator.iter_errors()
    while True:
        try:
            err = next(errors, None)
        except RecursionError:
            # openapi-spec-validator recurses along `$ref`s and some cycles (a oneOf member whose
            # allOf refers back to the union) take it past Python's stack: keep what it found.
            found.append(_incomplete(doc, "it recursed too deep through a $ref cycle"))
            break
        except Exception as exc:  # noqa: BLE001 - a crash inside the validator must not lose the other findings
            # Seen: its registry crawls every referenced file as a JSON Schema and fails on
            # DigitalOcean's spec (AttributeError: 'str' object has no attribute 'get').
            found.append(_incomplete(doc, f"it failed: {type(exc).__name__}: {exc}"))
            break
        if err is None:
            break
        for cause in _causes(err):
            diagnostic = _diagnostic(doc, resolver, cause)
            if diagnostic not in seen:  # the meta-schema check may have found it too
                seen.add(diagnostic)
                found.append(diagnostic)
                if cause.validator == "enum":
                    listed.add(diagnostic.location)
                elif cause.validator == "type":
                    typed.add(diagnostic)
    # A value outside an enum of another type fails `type` as well (`type: 5`: "not of type
    # 'string'" and "not one of ['array', …]"); the enum's error, which lists what is allowed,
    # says it all.
    return [d for d in found if not (d in typed and d.location in listed)]


def _incomplete(doc: Document, why: str) -> Diagnostic:
    return Diagnostic(Severity.WARNING, INCOMPLETE, one_line(f"openapi-spec-validator stopped early ({why}): "
                                                             "spec-invalid errors past that point are not reported"),
                      doc.locate(doc.root, "#"))


def _causes(err: ValidationError) -> list[ValidationError]:
    """What to report for `err`. "… is not valid under any of the given schemas" says little; its
    most relevant cause says more. A union whose members were not all meant for the value is not
    a choice, though: OpenAPI 3.0's `Schema | Reference` wherever a schema goes (and `| boolean`
    for `additionalProperties`), Swagger 2.0's `… | jsonReference` and its parameters by `in`.
    There "'$ref' is a required property", the shallowest cause and so best_match's pick, hid
    every real error. So a member of the wrong kind for the value (`_wrong_kind`) is set aside,
    and one whose discriminator differs (`_discriminated`) is held back:
    - where one member is left (or, none being left, one was held back), each place it fails at
      is reported, with its own cause;
    - where every member left was held back on one key, that key's value is reported with
      every value they allow (a typo: `in: qurey`);
    - otherwise the most relevant cause of the members left."""
    if not err.context:
        return [err]
    kept: list[list[ValidationError]] = []
    held: list[tuple[list[ValidationError], _Discriminator]] = []
    for causes in _members(err):
        if any(map(_wrong_kind, causes)):
            continue
        discriminator = _discriminated(causes)
        if discriminator is None:
            kept.append(causes)
        else:
            held.append((causes, discriminator))
    if not kept and len(held) == 1:
        kept = [held[0][0]]
    if len(kept) == 1:
        by_place: dict[tuple[Any, ...], list[ValidationError]] = {}
        for cause in kept[0]:
            by_place.setdefault(tuple(cause.absolute_path), []).append(cause)
        return [deeper for causes in by_place.values() for deeper in _causes(max(causes, key=_rank))]
    if not kept and held and len({key for _, (key, _, _) in held}) == 1:
        key, value, _ = held[0][1]
        allowed = list(dict.fromkeys(v for _, (_, _, values) in held for v in values))
        return [ValidationError(f"{value!r} is not one of {allowed!r}", validator="enum", validator_value=allowed,
                                instance=value, path=[*err.absolute_path, key])]
    left = [c for causes in kept or [causes for causes, _ in held] for c in causes]
    return [best_match(left or err.context, key=_rank) or err]


_Discriminator = tuple[Any, Any, tuple[Any, ...]]
"""Where a union member fails on a discriminator: the key, the value's value, the values allowed."""


def _members(err: ValidationError) -> list[list[ValidationError]]:
    """The causes of a union's error, by the member they come from."""
    members: dict[Any, list[ValidationError]] = {}
    for cause in err.context:
        members.setdefault(cause.relative_schema_path[0] if cause.relative_schema_path else None, []).append(cause)
    return list(members.values())


def _wrong_kind(err: ValidationError) -> bool:
    """Does this error show that its union member is of another kind than the value? It wants a
    `$ref` the value has not, or the value is not of its type."""
    if err.relative_path:
        return False
    if err.validator == "required":
        return "$ref" in (err.validator_value or ()) and isinstance(err.instance, dict) and "$ref" not in err.instance
    return bool(err.validator == "type")


def _discriminated(causes: list[ValidationError]) -> _Discriminator | None:
    """Where a union member's causes show it differs on a discriminator: a member of the value is
    not the one value it allows (Swagger 2.0's `in: body`), or the member is itself a union
    whose members all differ on one key (nonBodyParameter: header, formData, query, path)."""
    for cause in causes:
        if len(cause.relative_path) == 1 and (cause.validator == "const" or (
                cause.validator == "enum" and isinstance(cause.validator_value, list) and len(cause.validator_value) == 1)):
            allowed = (cause.validator_value,) if cause.validator == "const" else tuple(cause.validator_value)
            return cause.relative_path[0], cause.instance, allowed
    for cause in causes:
        if cause.relative_path or cause.validator not in ("oneOf", "anyOf") or not cause.context:
            continue
        inner = [_discriminated(c) for c in _members(cause) if not any(map(_wrong_kind, c))]
        found = [d for d in inner if d is not None]
        if found and len(found) == len(inner) and len({key for key, _, _ in found}) == 1:
            return found[0][0], found[0][1], tuple(v for _, _, values in found for v in values)
    return None


def _rank(err: ValidationError) -> Any:
    """jsonschema's relevance; without its last test where the schema names a type the validator
    does not know (draft 4 allows `type: 'null'`, OpenAPI 3.0's type checker has no 'null')."""
    try:
        return relevance(err)
    except UndefinedTypeCheck:
        return (-len(err.path), err.path, err.validator not in WEAK_MATCHES, err.validator in STRONG_MATCHES, True)


def _diagnostic(doc: Document, resolver: Resolver, err: ValidationError) -> Diagnostic:
    file, pointer = _physical(doc, resolver, join_pointer("#", *err.absolute_path))
    return Diagnostic(Severity.ERROR, CODE, one_line(err.message), doc.locate(file, pointer))


def _physical(doc: Document, resolver: Resolver, pointer: str) -> tuple[str, str]:
    """Where a path the validator walked (through `$ref`s) really is: a file and a plain pointer.

    Without this, an error inside a referenced component would point at the `$ref` that led
    to it. Swagger 2.0 paths are in the unconverted tree, which the resolver does not see.
    """
    if doc.moved:
        return doc.root, pointer
    try:
        target = resolver.target(Node(doc.root, "#", {"$ref": "#" + quote(pointer[1:], safe="/~")}))
    except SpecError:
        return doc.root, pointer  # the path ends at a key that is missing: point at the path
    return target.file, target.pointer


def _source_tree(doc: Document) -> Any:
    """The root file as written: a Swagger 2.0 tree was converted on load, so parse the text again."""
    if not doc.moved:
        return doc.trees[doc.root]
    text = doc.texts[doc.root]
    return json.loads(text) if doc.root.endswith(".json") else load_yaml(text)[0]


def _validator_class(base: type[SpecValidator], doc: Document) -> type[SpecValidator]:
    keywords = getattr(base, "keyword_validators", None)
    attrs: dict[str, Any] = {"resolver_handlers": {"file": _in_memory(doc)}}
    if isinstance(keywords, dict):
        # The default validator's errors have paths inside the `default` value of the schema it gets.
        attrs["keyword_validators"] = {
            name: _located(_every_meta_error(cls) if issubclass(cls, SchemaValidator) else cls,
                           ("default",) if name == "default" else ())
            for name, cls in keywords.items()}
    return type(f"Specloom{base.__name__}", (base,), attrs)


def _in_memory(doc: Document) -> Callable[[str], Any]:
    """A `file:` handler that serves the trees the loader read; load refuses remote refs."""
    def handler(uri: str) -> Any:
        path = os.path.normpath(unquote(urlsplit(uri).path))
        if path not in doc.trees:
            raise ValueError(f"{path} was not loaded")
        return doc.trees[path]
    return handler


def _located(keyword_cls: type, suffix: tuple[str, ...]) -> type:
    """The keyword validator, with the path of the node it checks put in front of its errors' paths.

    The innermost checker that sees an error places it; outer ones (a schema validator recursing
    into properties calls itself) leave it alone.
    """
    def call(self: Any, *args: Any, **kwargs: Any) -> Iterator[ValidationError]:
        at = next((a for a in args if isinstance(a, SchemaPath)), None)
        for err in keyword_cls.__call__(self, *args, **kwargs):
            if at is not None and not getattr(err, "_specloom_located", False):
                err.path.extendleft(reversed([*at.parts, *suffix]))
                err._specloom_located = True
            yield err

    return type(keyword_cls.__name__, (keyword_cls,), {"__call__": call})


def _every_meta_error(keyword_cls: type[SchemaValidator]) -> type:
    """The schema checker, made to report the same errors whatever the hash seed.

    openapi-spec-validator checks a schema against its dialect's meta-schema, reports the first
    error and skips the schema. Which error comes first depends on set order inside jsonschema:
    a schema with two bad keywords (two `exclusiveMinimum: true` in a 3.1 spec) gave one or the
    other from run to run. Here every one is reported, and the schema is skipped as before. The
    names in "Required list has not defined properties" come from a set too: they are sorted.
    """
    def call(self: Any, schema: SchemaPath, require_properties: bool = True,
             meta_checked: bool = False) -> Iterator[ValidationError]:
        value = schema.read_value()
        if not meta_checked and isinstance(value, (Mapping, bool)) and id(value) not in self.meta_checked_schema_ids:
            self.meta_checked_schema_ids.append(id(value))  # the checker below then skips its own meta check
            errors = _meta_errors(self, schema, value)
            if errors:
                yield from errors
                return
        for err in keyword_cls.__call__(self, schema, require_properties=require_properties, meta_checked=meta_checked):
            if isinstance(err, ExtraParametersError) and err.message.startswith(_UNDEFINED_REQUIRED):
                err.message = _UNDEFINED_REQUIRED + _sorted_list(err.message[len(_UNDEFINED_REQUIRED):])
            yield err

    return type(keyword_cls.__name__, (keyword_cls,), {"__call__": call})


_UNDEFINED_REQUIRED = "Required list has not defined properties: "


def _sorted_list(text: str) -> str:
    try:
        return repr(sorted(ast.literal_eval(text), key=repr))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return text


def _meta_errors(checker: Any, schema: SchemaPath, value: Any) -> list[ValidationError]:
    """Every error of `value` against the meta-schema the checker picks for it, in path order:
    what its `check_schema` would find, the first of which it raises. That is openapi-schema-
    validator's (its OAS classes: their own format checker and meta-schema registry) or
    jsonschema's (a `jsonSchemaDialect` of a JSON Schema draft: the meta-schema's validator's)."""
    try:
        check = checker._get_schema_checker(schema, value)  # `check_schema` of the dialect's class, bound
    except ValueError as exc:
        return [OpenAPIValidationError(str(exc))]
    bound = getattr(check, "func", check)  # a partial giving the format checker, or the method itself
    cls = bound.__self__
    meta_validator = validator_for(cls.META_SCHEMA, default=cls)
    options: dict[str, Any] = {"format_checker": meta_validator.FORMAT_CHECKER}
    if getattr(bound, "__func__", None) is check_openapi_schema:
        options = {"format_checker": cls.FORMAT_CHECKER, "registry": OAS_META_SCHEMAS}
    options.update(getattr(check, "keywords", {}))
    found = [OpenAPIValidationError.create_from(err) for err in meta_validator(cls.META_SCHEMA, **options).iter_errors(value)]
    return sorted(found, key=lambda err: ([(1, p) if isinstance(p, int) else (0, str(p)) for p in err.absolute_path],
                                          err.message))
