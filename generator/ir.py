"""The intermediate model: what normalize produces and every later stage reads.

Frozen, tuple-valued, built once in spec order. Every name in it is final (class, module,
attribute, JSON alias); templates never compute names. Every node keeps its `Location`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from .diagnostics import Diagnostic, Location

JsonValue = Union[None, bool, int, float, str, list["JsonValue"], dict[str, "JsonValue"]]


@dataclass(frozen=True, slots=True)
class Constraints:
    """Validation keywords, already in pydantic's vocabulary (`max_length`, `ge`, …)."""

    items: tuple[tuple[str, JsonValue], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)


NO_CONSTRAINTS = Constraints()


# ---- TypeRef: a small sum type --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Primitive:
    """`str`, `int`, `float`, `bool`, `bytes`, `datetime` or `date`; `format` kept for docs."""

    kind: str
    format: str | None = None
    constraints: Constraints = NO_CONSTRAINTS


@dataclass(frozen=True, slots=True)
class AnyType:
    """A schema that allows any JSON value."""


@dataclass(frozen=True, slots=True)
class NullType:
    """JSON null: a member of a nullable union."""


@dataclass(frozen=True, slots=True)
class LiteralOf:
    """An enum or a constant: the exact JSON values allowed."""

    values: tuple[str | int | float | bool, ...]


@dataclass(frozen=True, slots=True)
class ArrayOf:
    item: TypeRef
    constraints: Constraints = NO_CONSTRAINTS


@dataclass(frozen=True, slots=True)
class MapOf:
    """A JSON object used as a dictionary (`additionalProperties`)."""

    value: TypeRef
    key: Primitive = Primitive("str")
    constraints: Constraints = NO_CONSTRAINTS


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A named type: a class or an alias, defined in `module` (a module of the types package)."""

    name: str
    module: str


@dataclass(frozen=True, slots=True)
class UnionOf:
    """`oneOf`/`anyOf`/nullable; `discriminator` is the JSON property that tells members apart."""

    members: tuple[TypeRef, ...]
    discriminator: str | None = None


TypeRef = Union[Primitive, AnyType, NullType, LiteralOf, ArrayOf, MapOf, ModelRef, UnionOf]


# ---- Models -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    """One property of an object model. Locations carry file and pointer; the line is looked up
    from the source only when a diagnostic needs it (it costs a second parse)."""

    name: str
    """The Python attribute name."""
    alias: str
    """The JSON property name."""
    type: TypeRef
    required: bool
    description: str | None
    default: JsonValue
    has_default: bool
    deprecated: bool
    read_only: bool
    write_only: bool
    example: JsonValue
    has_example: bool
    location: Location


@dataclass(frozen=True, slots=True)
class ObjectModel:
    """A pydantic class."""

    name: str
    description: str | None
    fields: tuple[Field, ...]
    extra: TypeRef | None
    """The type of additional properties, when the schema allows typed ones."""
    location: Location
    required_groups: tuple[tuple[str, ...], ...] = ()
    """JSON names that must be present together, one group or another: `oneOf`/`anyOf` members
    that list only `required` (OpenAI's `file_ids` or `files`)."""
    groups_exclusive: bool = False
    """`oneOf`: exactly one group may be present; `anyOf`: at least one."""


@dataclass(frozen=True, slots=True)
class AliasModel:
    """A type alias (`Metadata = dict[str, str] | None`): a schema that is not an object."""

    name: str
    description: str | None
    type: TypeRef
    location: Location


Model = Union[ObjectModel, AliasModel]


@dataclass(frozen=True, slots=True)
class SchemaModule:
    """One module of the types package: a component schema and the inline models it owns."""

    module: str
    home: str
    """The module file that defines its models: `module` itself, or a `_cycle_…` module shared by
    schemas that refer to each other (so no import cycle can break at import time)."""
    component: str
    """The component's key in the spec."""
    primary: Model
    inline: tuple[Model, ...]
    example: JsonValue
    has_example: bool


@dataclass(frozen=True, slots=True)
class OperationModule:
    """A module of the types package for one operation's inline schemas (bodies, responses)."""

    module: str
    models: tuple[Model, ...]


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    """The Python argument name."""
    alias: str
    """The name on the wire."""
    where: str
    """`path`, `query`, `header` or `cookie`."""
    type: TypeRef
    required: bool
    description: str | None
    default: JsonValue
    has_default: bool
    deprecated: bool
    style: str | None
    explode: bool | None
    location: Location
    example: JsonValue = None
    """The spec's example value (the parameter's own, else its schema's)."""
    has_example: bool = False


@dataclass(frozen=True, slots=True)
class Body:
    media_type: str
    """`application/json`, `multipart/form-data`, `application/x-www-form-urlencoded`, or another."""
    type: TypeRef
    required: bool
    description: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Response:
    status: str
    """`200`, `2XX` or `default`."""
    media_type: str | None
    type: TypeRef | None
    """None when the response has no body."""
    description: str | None
    location: Location
    stream_type: TypeRef | None = None
    """The event type, when the response can also be a `text/event-stream`."""
    example: JsonValue = None
    """The media type's own example (`example`, or the first of `examples`)."""
    has_example: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    """A unique snake_case name for the operation (from its operationId, or method and path)."""
    operation_id: str | None
    method: str
    """Lowercase HTTP method."""
    path: str
    summary: str | None
    description: str | None
    tags: tuple[str, ...]
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: Body | None
    responses: tuple[Response, ...]
    module: str | None
    """The types module holding its inline models, if it has any."""
    location: Location
    sdk_name: str | None = None
    """`x-specloom-name`: the method name the spec asks for."""


@dataclass(frozen=True, slots=True)
class Pagination:
    """How a list operation pages (the runtime's `Pagination` takes these as they are)."""

    style: str
    """`cursor`, `offset` or `next_link`."""
    items: str
    item_type: TypeRef
    has_more: str | None = None
    cursor_param: str = "after"
    cursor_field: str | None = None
    limit_param: str = "limit"
    offset_param: str = "offset"
    next_field: str = "next"


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a client method: where its value goes, under which wire name."""

    name: str
    alias: str
    where: str
    """`path`, `query`, `header`, `cookie`, `body` (a field of a JSON or form body), `file`
    (a multipart file), or `whole_body` (the body itself, when it is not an object)."""
    type: TypeRef
    required: bool
    description: str | None
    example: JsonValue = None
    has_example: bool = False


@dataclass(frozen=True, slots=True)
class Method:
    name: str
    operation: str
    """The `Operation.name` it calls."""
    arguments: tuple[Argument, ...]
    body_media: str | None
    returns: TypeRef | None
    returns_kind: str
    """`model` (parsed JSON), `none`, `binary`, `stream` or `page`."""
    pagination: Pagination | None
    errors: tuple[tuple[str, TypeRef], ...]
    """Error body types by status (`404`, `4XX`, `default`)."""
    stream_type: TypeRef | None = None
    """With a `stream` body flag: the event type the method streams when it is true."""


@dataclass(frozen=True, slots=True)
class Resource:
    attr: str
    """The attribute on the parent (`client.vector_stores`)."""
    class_name: str
    module: str
    """Module of the resources package that defines it."""
    path: tuple[str, ...]
    """Static path segments that name it (`vector_stores`, `file_batches`)."""
    methods: tuple[Method, ...]
    children: tuple[Resource, ...]


@dataclass(frozen=True, slots=True)
class Api:
    title: str
    version: str
    description: str | None
    package: str
    spec_name: str
    """The spec's file name, for provenance headers."""
    servers: tuple[str, ...]
    schemas: tuple[SchemaModule, ...]
    operations: tuple[Operation, ...] = ()
    operation_modules: tuple[OperationModule, ...] = ()
    resources: tuple[Resource, ...] = ()
    client_methods: tuple[Method, ...] = ()
    """Methods of the client itself: operations on paths with no static segment."""
    security: tuple[SecurityScheme, ...] = ()


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """A credential the client can send: bearer, basic, or an API key in a header, query or cookie."""

    name: str
    kind: str
    """`bearer`, `basic` or `api_key`."""
    param: str | None
    """The header, query parameter or cookie name of an API key."""
    where: str
    """`header`, `query` or `cookie`."""


@dataclass(frozen=True, slots=True)
class Normalized:
    api: Api
    diagnostics: tuple[Diagnostic, ...]
