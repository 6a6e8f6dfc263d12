"""The runtime every generated SDK copies verbatim: transport, retries, errors, streams, pages.

Generated resource methods only marshal their arguments and call `request` (or
`request_page`) on `SyncAPIClient` / `AsyncAPIClient`; all behaviour lives here and is
tested once, in specloom's `tests/test_runtime.py`. It imports only the standard library,
httpx, pydantic and typing_extensions, so the copy works in any package as it is.
"""

from __future__ import annotations

import asyncio
import base64
import codecs
import copy
import datetime as _dt
import email.utils
import enum
import functools
import json
import logging
import os
import random
import re
import time
import types
import typing
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Generic, Literal, TypeVar, Union, cast
from urllib.parse import quote

import httpx
import pydantic
from typing_extensions import Self, TypeAlias

_T = TypeVar("_T")

# --- Sentinels, constants and small public helpers ----------------------------------------


class NotGiven:
    """The type of `NOT_GIVEN`: "argument omitted", unlike an explicit `None` (null)."""

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: object) -> Self:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
NotGivenOr: TypeAlias = Union[_T, NotGiven]

Timeout = httpx.Timeout
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2

FileInput: TypeAlias = Union[
    bytes,
    os.PathLike[str],
    IO[bytes],
    tuple[Union[str, None], Union[bytes, IO[bytes]]],
    tuple[Union[str, None], Union[bytes, IO[bytes]], Union[str, None]],
]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def strip_not_given(mapping: Mapping[str, object] | None) -> dict[str, object]:
    """A copy of `mapping` without NOT_GIVEN values (None stays: it means null)."""
    return {k: v for k, v in (mapping or {}).items() if not isinstance(v, NotGiven)}


def env_credential(var: str) -> str | None:
    """The environment variable `var`, stripped; None when it is unset or blank."""
    return os.environ.get(var, "").strip() or None


def path(template: str, **params: object) -> str:
    """Fill `{name}` placeholders, each value percent-encoded as one segment (`/` too).

    ValueError for a missing, None or empty value, for `.` and `..` (the URL would be
    normalised out of the intended path), and for a parameter the template lacks.
    """
    used: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params.get(name)
        if value is None or isinstance(value, NotGiven):
            raise ValueError(f"path parameter {name!r} is missing")
        text = _scalar_str(value)
        if text in ("", ".", ".."):
            raise ValueError(f"path parameter {name!r} cannot be {text!r}")
        used.add(name)
        return quote(text, safe="")

    filled = _PLACEHOLDER.sub(fill, template)
    if unknown := sorted(set(params) - used):
        raise ValueError(f"{template!r} has no placeholder for {', '.join(unknown)}")
    return filled


class MissingCredentialsError(ValueError):
    """Raised by a generated client constructed without the credentials its API needs."""


# --- Errors: every message names method and path only, and is scrubbed of secrets ---------


class APIError(Exception):
    """Base of every error a request raises."""

    def __init__(self, message: str, request: httpx.Request, *, body: object = None):
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIConnectionError(APIError):
    """No complete response: the connection failed, or broke while streaming."""


class APITimeoutError(APIConnectionError):
    """The request timed out (after every allowed retry)."""


class APIResponseValidationError(APIError):
    """A 2xx response whose body is not JSON or does not match the expected type."""

    def __init__(self, message: str, *, response: httpx.Response, body: object = None):
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """A non-2xx response; `body` is the error model when one was given and validated."""

    def __init__(self, message: str, *, response: httpx.Response, body: object):
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = _request_id(response)


class BadRequestError(APIStatusError): ...  # 400


class AuthenticationError(APIStatusError): ...  # 401


class PermissionDeniedError(APIStatusError): ...  # 403


class NotFoundError(APIStatusError): ...  # 404


class ConflictError(APIStatusError): ...  # 409


class UnprocessableEntityError(APIStatusError): ...  # 422


class RateLimitError(APIStatusError): ...  # 429


class InternalServerError(APIStatusError): ...  # >= 500


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _error_class(status: int) -> type[APIStatusError]:
    fallback = InternalServerError if status >= 500 else APIStatusError
    return _STATUS_ERRORS.get(status, fallback)


def _request_id(response: httpx.Response) -> str | None:
    headers = response.headers
    return headers.get("x-request-id") or headers.get("request-id") or None


def _where(request: httpx.Request) -> str:
    """`GET /v1/things`: no query string, which may carry an API key."""
    return f"{request.method} {request.url.path}"


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


class _LogScrubber(logging.Filter):
    """httpx logs every request's URL at INFO, and an API key sent as a query parameter is
    in it: records of httpx's and httpcore's loggers lose every credential a client holds.
    """

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            longest_first = sorted(self.secrets, key=len, reverse=True)
            scrubbed = _redact(message, longest_first)
            if scrubbed != message:
                record.msg, record.args = scrubbed, None
        return True


_LOG_SCRUBBER = _LogScrubber()
for _logger in (
    "httpx",
    "httpcore",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.connection",
    "httpcore.proxy",
):
    logging.getLogger(_logger).addFilter(_LOG_SCRUBBER)


def _truncate(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# --- Configuration values: credentials, per-call options, pagination ----------------------


@dataclass(frozen=True, repr=False)
class Auth:
    """One credential, added to every request sent to the client's own origin."""

    kind: Literal["bearer", "basic", "api_key"]
    token: str | None = None
    username: str | None = None
    password: str | None = None
    name: str | None = None
    where: Literal["header", "query", "cookie"] = "header"

    def __post_init__(self) -> None:
        needs = {"bearer": ["token"], "basic": ["username", "password"]}
        if self.kind not in ("bearer", "basic", "api_key"):
            raise ValueError(f"unknown auth kind {self.kind!r}")
        required = needs.get(self.kind, ["token", "name"])
        if self.where not in ("header", "query", "cookie"):
            raise ValueError(f"unknown auth location {self.where!r}")
        if missing := [f for f in required if getattr(self, f) is None]:
            raise ValueError(f"{self.kind} auth needs {' and '.join(missing)}")

    def __repr__(self) -> str:
        # Mask all three: Stripe-style APIs send the secret key as the basic username.
        secret = ("token", "username", "password")
        shown = [f"kind={self.kind!r}"]
        shown += [f"{f}='***'" for f in secret if getattr(self, f) is not None]
        if self.kind == "api_key":
            shown += [f"name={self.name!r}", f"where={self.where!r}"]
        return f"Auth({', '.join(shown)})"

    def _credential(self) -> tuple[str, str, str]:
        """(where, name, value) of what this credential adds to a request."""
        if self.kind == "bearer":
            return "header", "Authorization", f"Bearer {self.token}"
        if self.kind == "basic":
            pair = base64.b64encode(f"{self.username}:{self.password}".encode())
            return "header", "Authorization", f"Basic {pair.decode('ascii')}"
        return self.where, str(self.name), str(self.token)

    def _secrets(self) -> list[str]:
        values = [self.token, self.username, self.password]
        if self.kind == "basic":
            values.append(self._credential()[2].removeprefix("Basic "))
        return [v for v in values if v]


@dataclass(frozen=True)
class RequestOptions:
    """Per-call overrides; `extra_*` are merged last, so they win."""

    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: Mapping[str, object] | None = None
    timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN


@dataclass(frozen=True)
class Pagination:
    """How an operation pages; body field names may be dotted paths (`meta.next`)."""

    style: Literal["cursor", "offset", "next_link"]
    items: str = "data"
    has_more: str | None = "has_more"
    cursor_param: str = "after"
    cursor_field: str | None = "last_id"
    limit_param: str = "limit"
    offset_param: str = "offset"
    next_field: str = "next"


def _apply_auth(
    auths: Sequence[Auth], url: httpx.URL, headers: httpx.Headers
) -> httpx.URL:
    """Add each credential to `headers` (in place); return `url` with query credentials."""
    cookies = [headers["Cookie"]] if "Cookie" in headers else []
    for auth in auths:
        where, name, value = auth._credential()
        if where == "header":
            headers[name] = value
        elif where == "query":
            url = url.copy_set_param(name, value)
        else:
            cookies.append(f"{name}={value}")
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    return url


def _secrets_of(auths: Sequence[Auth], base_url: httpx.URL) -> tuple[str, ...]:
    """Every secret, raw and URL-encoded, longest first: what messages are scrubbed of."""
    raw = [s for auth in auths for s in auth._secrets()]
    raw += [s for s in (base_url.username, base_url.password) if s]
    forms = {form for s in raw for form in (s, quote(s, safe=""))}
    return tuple(sorted(forms, key=len, reverse=True))


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or {"http": 80, "https": 443}.get(url.scheme)


# --- Encoding: query strings, forms, JSON bodies, files ------------------------------------

_ANY: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(Any)


def _scalar_str(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _scalar_str(value.value)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _flatten(mapping: Mapping[str, object], prefix: str = "") -> list[tuple[str, str]]:
    """Query or form pairs: lists repeat the key, dicts nest as `key[sub]`, None drops."""
    pairs: list[tuple[str, str]] = []
    for key, value in mapping.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, pydantic.BaseModel):
            value = _jsonable(value)
        if isinstance(value, Mapping):
            pairs += _flatten(value, name)
        elif isinstance(value, (list, tuple)):
            pairs += [p for item in value for p in _flatten({name: item})]
        elif value is not None and not isinstance(value, NotGiven):
            pairs.append((name, _scalar_str(value)))
    return pairs


def _form_fields(data: Mapping[str, object]) -> dict[str, str | list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in _flatten(data):
        grouped.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}


def _jsonable(value: object) -> object:
    """A JSON-ready copy: models dumped by alias with only the fields that were set."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True, mode="json")
    if isinstance(value, Mapping):
        items = value.items()
        return {str(k): _jsonable(v) for k, v in items if not isinstance(v, NotGiven)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    return _ANY.dump_python(value, mode="json")  # datetime, UUID, Enum, Decimal…


def _file_field(value: FileInput) -> Any:
    """A file as httpx takes it; a path is read now, so that a retry sends it again."""
    if isinstance(value, os.PathLike):
        file_path = Path(os.fspath(value))
        return (file_path.name, file_path.read_bytes())
    return value  # bytes, a binary file (httpx rewinds it per attempt) or a tuple


def _body_kwargs(
    json_body: object,
    data: Mapping[str, object] | None,
    files: Mapping[str, object] | None,
    extra_body: Mapping[str, object] | None,
) -> dict[str, Any]:
    """The body arguments of `httpx.Client.build_request`: multipart, form or JSON."""
    extra = dict(extra_body or {})
    if files is not None or data is not None:
        if not isinstance(json_body, NotGiven):
            raise TypeError("json_body cannot be combined with data or files")
        fields = {"data": _form_fields({**(data or {}), **extra})}
        if files is None:
            return fields
        return {
            **fields,
            "files": {k: _file_field(cast(FileInput, f)) for k, f in files.items()},
        }
    if isinstance(json_body, NotGiven) and not extra:
        return {}
    body = {} if isinstance(json_body, NotGiven) else _jsonable(json_body)
    if not extra:
        return {"json": body}
    if not isinstance(body, dict):
        raise TypeError("extra_body can only be merged into a JSON object body")
    return {"json": _jsonable({**body, **extra})}


# --- Decoding: cached type adapters, response bodies, error bodies ------------------------

_ADAPTERS: dict[Any, pydantic.TypeAdapter[Any]] = {}


def _adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    """One TypeAdapter per type: building one costs far more than using it."""
    try:
        adapter = _ADAPTERS.get(tp)
    except TypeError:  # an unhashable annotation still works, only uncached
        return pydantic.TypeAdapter(tp)
    if adapter is None:
        adapter = _ADAPTERS[tp] = pydantic.TypeAdapter(tp)
    return adapter


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(tp)[0])
    if origin is None and isinstance(tp, type):  # `list[X]` is a type on Python 3.10
        return tp.__qualname__
    return repr(tp).replace("typing.", "")


def _decode_json(response: httpx.Response) -> object:
    """The body as JSON, None when empty; APIResponseValidationError when not JSON."""
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except ValueError as exc:
        kind = response.headers.get("content-type", "no content-type")
        message = f"{_where(response.request)}: body is not valid JSON ({kind}: {exc})"
        body = _truncate(response.text)
        raise APIResponseValidationError(message, response=response, body=body) from exc


def _validate(data: object, cast_to: Any, response: httpx.Response) -> Any:
    try:
        return _adapter(cast_to).validate_python(data)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(root)"
        message = (
            f"{_where(response.request)}: body does not match {_type_name(cast_to)}: "
            f"{loc}: {first['msg']} ({exc.error_count()} error(s))"
        )
        raise APIResponseValidationError(message, response=response, body=data) from exc


def _parse_value(response: httpx.Response, cast_to: Any) -> Any:
    """A read body as `cast_to`: None ignores it, `str` is the text, else JSON."""
    if cast_to is None or cast_to is type(None):
        return None
    if cast_to is str:
        return response.text
    return _validate(_decode_json(response), cast_to, response)


def _error_type(error_types: Mapping[str, Any] | None, status: int) -> Any:
    """The error body type for `status`: exact code, then `4XX`, then `default`."""
    table = {k.upper(): v for k, v in (error_types or {}).items()}
    keys = (str(status), f"{status // 100}XX", "DEFAULT")
    return next((table[k] for k in keys if k in table), None)


def _error_body(response: httpx.Response, error_type: Any) -> object:
    try:
        data = json.loads(response.content)
    except ValueError:
        return response.text
    try:
        return (
            data if error_type is None else _adapter(error_type).validate_python(data)
        )
    except pydantic.ValidationError:
        return data


def _error_detail(body: object) -> str:
    """The human part of an error body: `error.message`, `message`, `detail`, or JSON."""
    if isinstance(body, pydantic.BaseModel):
        body = body.model_dump(mode="json", by_alias=True)
    if not isinstance(body, Mapping):
        return _truncate(str(body)) or "(empty body)"
    nested = body.get("error")
    if isinstance(nested, Mapping) and isinstance(nested.get("message"), str):
        return _truncate(str(nested["message"]))
    for key in ("message", "detail", "error", "title"):
        if isinstance(text := body.get(key), str):
            return _truncate(text)
    return _truncate(json.dumps(body, default=str))


# --- Retry policy --------------------------------------------------------------------------

_RETRY_STATUSES = frozenset({408, 409, 429})
_MAX_HEADER_DELAY = 60.0
_INITIAL_DELAY = 0.5
_MAX_DELAY = 8.0
_MAX_REDIRECTS = 20


def _should_retry(response: httpx.Response) -> bool:
    """The server's `x-should-retry` wins; else 408, 409, 429 and 5xx are retried."""
    verdict: str = response.headers.get("x-should-retry", "").strip().lower()
    if verdict in ("true", "false"):
        return verdict == "true"
    return response.status_code in _RETRY_STATUSES or response.status_code >= 500


def _header_delay(headers: httpx.Headers) -> float | None:
    """Seconds asked for by `retry-after-ms`, else `Retry-After` (seconds or a date)."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return float(headers.get(name, "")) * scale
        except ValueError:
            pass
    try:
        when = email.utils.parsedate_to_datetime(headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return (when - _dt.datetime.now(_dt.timezone.utc)).total_seconds()


def _retry_delay(retries_done: int, headers: httpx.Headers | None) -> float:
    """The server's delay if 0 < it <= 60 s; else 0.5 s × 2^n, at most 8 s, −25% jitter."""
    delay = None if headers is None else _header_delay(headers)
    if delay is not None and 0 < delay <= _MAX_HEADER_DELAY:
        return delay
    backoff = min(_INITIAL_DELAY * 2.0**retries_done, _MAX_DELAY)
    return backoff * (1 - 0.25 * random.random())


def _transport_error(
    exc: httpx.TransportError, request: httpx.Request, secrets: Sequence[str]
) -> APIConnectionError:
    timed_out = isinstance(exc, httpx.TimeoutException)
    what = "request timed out" if timed_out else "connection error"
    message = f"{_where(request)}: {what} ({str(exc) or type(exc).__name__})"
    cls = APITimeoutError if timed_out else APIConnectionError
    return cls(_redact(message, secrets), request)


# --- Server-sent events --------------------------------------------------------------------

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event; a stream with `cast_to=ServerSentEvent` yields these."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


class _SSEDecoder:
    """Incremental text/event-stream parser (WHATWG HTML §9.2.6) fed raw byte chunks."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._text = ""
        self._last_id: str | None = None
        self._reset()

    def _reset(self) -> None:
        self._event: str | None = None
        self._data: list[str] = []
        self._retry: int | None = None
        self._pending = False

    def feed(self, chunk: bytes, *, final: bool = False) -> list[ServerSentEvent]:
        text = self._text + self._decoder.decode(chunk, final=final)
        events, pos = [], 0
        for match in _LINE_END.finditer(text):
            if match.group() == "\r" and match.end() == len(text) and not final:
                break  # its "\n" may come in the next chunk
            event = self._line(text[pos : match.start()])
            pos = match.end()
            if event is not None:
                events.append(event)
        self._text = text[pos:]
        return events

    def ends_mid_event(self) -> bool:
        """At end of input: is a partial line or an undispatched event left over?"""
        self.feed(b"", final=True)
        return self._pending or bool(self._text)

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            event = None
            if self._data:
                data = "\n".join(self._data)
                event = ServerSentEvent(data, self._event, self._last_id, self._retry)
            self._reset()
            return event
        if line.startswith(":"):
            return None  # a comment, often a keep-alive
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._last_id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        self._pending = True
        return None


def _event_value(
    event: ServerSentEvent,
    cast_to: Any,
    response: httpx.Response,
    secrets: Sequence[str],
) -> Any:
    """One event as `cast_to`; `event: error` or a top-level `error` object raise."""
    where = _where(response.request)
    if event.event == "error":
        message = _redact(
            f"{where}: stream error event: {_truncate(event.data)}", secrets
        )
        raise APIError(message, response.request, body=event.data)
    if cast_to is ServerSentEvent or cast_to is str:
        return event if cast_to is ServerSentEvent else event.data
    try:
        data = json.loads(event.data)
    except ValueError as exc:
        message = f"{where}: stream event is not valid JSON ({exc})"
        body = _truncate(event.data)
        raise APIResponseValidationError(message, response=response, body=body) from exc
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        message = _redact(f"{where}: stream error: {_error_detail(data)}", secrets)
        raise APIError(message, response.request, body=data["error"])
    return _validate(data, cast_to, response)


def _cut_error(response: httpx.Response) -> APIConnectionError:
    message = (
        f"{_where(response.request)}: the event stream ended in the middle of an event"
    )
    return APIConnectionError(message, response.request)


class _StreamBase:
    """What `Stream` and `AsyncStream` share: decoding events, and their errors."""

    def __init__(
        self, response: httpx.Response, cast_to: Any, secrets: Sequence[str] = ()
    ):
        self.response = response
        self._cast_to = cast_to
        self._secrets = tuple(secrets)
        self._decoder = _SSEDecoder()
        self._done = False

    def _decode(self, chunk: bytes) -> Iterator[Any]:
        """The values of the events completed by `chunk`; stops at `data: [DONE]`."""
        for event in self._decoder.feed(chunk):
            if event.data == "[DONE]":
                self._done = True
                return
            yield _event_value(event, self._cast_to, self.response, self._secrets)

    def _finish(self) -> None:
        if self._decoder.ends_mid_event():
            raise _cut_error(self.response)

    def _wrap(self, exc: httpx.TransportError) -> APIConnectionError:
        return _transport_error(exc, self.response.request, self._secrets)


class Stream(_StreamBase, Generic[_T]):
    """A server-sent event stream decoded into `T`; single pass.

    It ends at `data: [DONE]`, or when the body ends between events. A body that ends
    inside an event, or a connection that breaks, raises APIConnectionError. The response
    is closed when the stream is exhausted, on `close()` and on leaving a `with` block.
    """

    def __init__(
        self, response: httpx.Response, cast_to: Any, secrets: Sequence[str] = ()
    ):
        super().__init__(response, cast_to, secrets)
        self._iterator = self._items()

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> _T:
        return next(self._iterator)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._iterator.close()
        self.response.close()

    def _items(self) -> Generator[_T, None, None]:
        try:
            for chunk in self.response.iter_bytes():
                yield from self._decode(chunk)
                if self._done:
                    return
            self._finish()
        except httpx.TransportError as exc:
            raise self._wrap(exc) from exc
        finally:
            self.response.close()


class AsyncStream(_StreamBase, Generic[_T]):
    """`Stream` for the async client: `async for`, `await close()`, `async with`."""

    def __init__(
        self, response: httpx.Response, cast_to: Any, secrets: Sequence[str] = ()
    ):
        super().__init__(response, cast_to, secrets)
        self._iterator = self._items()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> _T:
        return await self._iterator.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._iterator.aclose()
        await self.response.aclose()

    async def _items(self) -> AsyncGenerator[_T, None]:
        try:
            async for chunk in self.response.aiter_bytes():
                for value in self._decode(chunk):
                    yield value
                if self._done:
                    return
            self._finish()
        except httpx.TransportError as exc:
            raise self._wrap(exc) from exc
        finally:
            await self.response.aclose()


# --- Response wrappers: binary bodies and raw responses -----------------------------------


class _ResponseInfo:
    """Facts about an HTTP response; the repr has no headers (requests carry secrets)."""

    def __init__(self, response: httpx.Response):
        self.http_response = response

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def request_id(self) -> str | None:
        return _request_id(self.http_response)

    def __repr__(self) -> str:
        status = f"{self.status_code} {self.http_response.reason_phrase}"
        return (
            f"<{type(self).__name__} [{status}] {_where(self.http_response.request)}>"
        )


class BinaryResponse(_ResponseInfo):
    """A non-JSON body; already read unless requested with `stream=True` (close it then)."""

    @property
    def content(self) -> bytes:
        return self.http_response.read()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self.http_response.iter_bytes(chunk_size)

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        with open(file, "wb") as fh:
            for chunk in self.iter_bytes():
                fh.write(chunk)

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncBinaryResponse(_ResponseInfo):
    """`BinaryResponse` for the async client; if streamed, `await aread()` before `.content`."""

    @property
    def content(self) -> bytes:
        try:
            return self.http_response.content
        except httpx.ResponseNotRead:
            raise RuntimeError(
                "a streamed body: `await response.aread()` first"
            ) from None

    async def aread(self) -> bytes:
        return await self.http_response.aread()

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self.http_response.aiter_bytes(chunk_size)

    async def write_to_file(self, file: str | os.PathLike[str]) -> None:
        with open(file, "wb") as fh:
            async for chunk in self.aiter_bytes():
                fh.write(chunk)

    async def aclose(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class APIResponse(_ResponseInfo):
    """What a `raw=True` call returns; `parse()` gives what it would have returned."""

    def __init__(self, response: httpx.Response, parse: Callable[[], Any]):
        super().__init__(response)
        self._parse = functools.cache(parse)

    def parse(self) -> Any:
        return self._parse()

    def close(self) -> None:
        self.http_response.close()


class AsyncAPIResponse(_ResponseInfo):
    """`APIResponse` for the async client: `await response.parse()`."""

    def __init__(self, response: httpx.Response, parse: Callable[[], Any]):
        super().__init__(response)
        self._parse = functools.cache(parse)

    async def parse(self) -> Any:
        return self._parse()

    async def aclose(self) -> None:
        await self.http_response.aclose()


# --- Pagination ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _PageRequest:
    """What fetches one page; the next page is this with a new query (or link)."""

    method: str
    path: str
    query: Mapping[str, object]
    headers: Mapping[str, object] | None
    options: RequestOptions
    error_types: Mapping[str, Any] | None


def _dig(body: Mapping[str, object], dotted: str) -> object:
    if dotted in body:
        return body[dotted]
    value: object = body
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _as_int(value: object) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _next_cursor(
    req: _PageRequest, p: Pagination, body: Mapping[str, object], items: list[Any]
) -> _PageRequest | None:
    cursor = _dig(body, p.cursor_field) if p.cursor_field else None
    if cursor is None:  # no cursor field: the id of the last item
        last = items[-1]
        cursor = (
            last.get("id") if isinstance(last, Mapping) else getattr(last, "id", None)
        )
    if cursor is None or cursor == req.query.get(p.cursor_param):
        return None  # a cursor that does not move would loop forever
    return replace(req, query={**req.query, p.cursor_param: cursor})


def _next_offset(
    req: _PageRequest, p: Pagination, body: Mapping[str, object], items: list[Any]
) -> _PageRequest | None:
    limit = _as_int(req.query.get(p.limit_param))
    if limit is not None and len(items) < limit:
        return None
    start = _as_int(req.query.get(p.offset_param)) or 0
    return replace(req, query={**req.query, p.offset_param: start + len(items)})


_NEXT_PAGE = {"cursor": _next_cursor, "offset": _next_offset}


def _next_link(req: _PageRequest, link: object, url: httpx.URL) -> _PageRequest | None:
    """A relative link resolves against the page's own URL; the link carries the query."""
    target = url.join(link) if isinstance(link, str) and link else None
    if target is None or target == url:
        return None
    options = replace(
        req.options, extra_query=None
    )  # already in the first page's query
    return replace(req, method="GET", path=str(target), query={}, options=options)


def _decode_page(
    response: httpx.Response, item_type: Any, pagination: Pagination
) -> tuple[dict[str, Any], list[Any]]:
    body = _decode_json(response)
    if not isinstance(body, dict):
        message = f"{_where(response.request)}: a page must be a JSON object"
        raise APIResponseValidationError(message, response=response, body=body)
    items = _dig(body, pagination.items)
    list_type = types.GenericAlias(list, (item_type,))
    return body, _validate([] if items is None else items, list_type, response)


class _PageBase(Generic[_T]):
    """One page: `data` (its items), `body` (its JSON object), `http_response`."""

    def __init__(
        self,
        fetched: tuple[dict[str, Any], list[_T]],
        response: httpx.Response,
        request: _PageRequest,
        item_type: Any,
        pagination: Pagination,
    ):
        self.body, self.data = fetched
        self.http_response = response
        self._request = request
        self._item_type = item_type
        self._pagination = pagination

    def has_next_page(self) -> bool:
        """Decided from this page alone, so a plain method on async pages too."""
        return self._next_request() is not None

    def _next_request(self) -> _PageRequest | None:
        p = self._pagination
        more = _dig(self.body, p.has_more) if p.has_more else None
        if not self.data or (more is not None and not more):
            return None
        if p.style == "next_link":
            return _next_link(
                self._request, _dig(self.body, p.next_field), self.http_response.url
            )
        return _NEXT_PAGE[p.style](self._request, p, self.body, self.data)

    def _require_next(self) -> _PageRequest:
        if (request := self._next_request()) is None:
            raise RuntimeError("this is the last page; check has_next_page() first")
        return request

    def __repr__(self) -> str:
        more = self.has_next_page()
        return f"{type(self).__name__}(items={len(self.data)}, has_next_page={more})"


class SyncPage(_PageBase[_T]):
    """A page of `SyncAPIClient.request_page`; iterating it yields all items from here on."""

    def __init__(self, client: SyncAPIClient, *args: Any):
        super().__init__(*args)
        self._client = client

    def next_page(self) -> SyncPage[_T]:
        request = self._require_next()
        return self._client._fetch_page(request, self._item_type, self._pagination)

    def iter_pages(self) -> Iterator[SyncPage[_T]]:
        page = self
        yield page
        while page.has_next_page():
            page = page.next_page()
            yield page

    def __iter__(self) -> Iterator[_T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_PageBase[_T]):
    """A page of `await client.request_page(...)`; `async for` yields all items from here."""

    def __init__(self, client: AsyncAPIClient, *args: Any):
        super().__init__(*args)
        self._client = client

    async def next_page(self) -> AsyncPage[_T]:
        request = self._require_next()
        return await self._client._fetch_page(
            request, self._item_type, self._pagination
        )

    async def iter_pages(self) -> AsyncIterator[AsyncPage[_T]]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[_T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator(Generic[_T]):
    """What async `request_page` returns: `await` it for the first page, or `async for`
    over every item of every page. Nothing is sent until then; each use fetches anew."""

    def __init__(self, fetch: Callable[[], Awaitable[AsyncPage[_T]]]):
        self._fetch = fetch

    def __await__(self) -> Generator[Any, None, AsyncPage[_T]]:
        return self._fetch().__await__()

    async def __aiter__(self) -> AsyncIterator[_T]:
        async for item in await self._fetch():
            yield item


# --- Clients: what sync and async share ----------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """A fully resolved request, built once and sent again on every attempt."""

    method: str
    url: httpx.URL
    headers: httpx.Headers
    body: dict[str, Any]
    timeout: httpx.Timeout
    max_retries: int


def _accept(stream: bool, binary: bool) -> str:
    return "*/*" if binary else "text/event-stream" if stream else "application/json"


def _as_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def _failed_request(exc: httpx.TransportError, prep: _Prepared) -> httpx.Request:
    try:
        return exc.request
    except RuntimeError:  # raised before httpx attached the request
        return httpx.Request(prep.method, prep.url)


def _cached_properties(cls: type) -> set[str]:
    attrs = (vars(klass).items() for klass in cls.__mro__)
    return {n for a in attrs for n, v in a if isinstance(v, functools.cached_property)}


class _BaseClient:
    """Configuration, request preparation, retries and errors; subclasses do the I/O."""

    _owns_client: bool
    _raw_responses = False

    def __init__(
        self,
        *,
        base_url: str,
        auth: Sequence[Auth],
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        user_agent: str,
        owns_client: bool,
    ):
        self._owns_client = owns_client
        self._configure(base_url, auth, timeout, max_retries, default_headers or {})
        self._user_agent = user_agent

    def _configure(
        self,
        base_url: str,
        auth: Sequence[Auth],
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str],
    ) -> None:
        self._base_url = httpx.URL(base_url.rstrip("/"))
        if not self._base_url.is_absolute_url or max_retries < 0:
            raise ValueError("base_url must be absolute, and max_retries >= 0")
        self._auth = tuple(auth)
        self._timeout = _as_timeout(timeout)
        self._max_retries = max_retries
        self._default_headers = dict(default_headers)
        self._secrets = _secrets_of(self._auth, self._base_url)
        _LOG_SCRUBBER.secrets.update(self._secrets)
        creds = (a._credential() for a in self._auth)
        self._credential_headers = {
            name for where, name, _ in creds if where == "header"
        }

    def with_options(
        self,
        *,
        base_url: str | NotGiven = NOT_GIVEN,
        auth: Sequence[Auth] | NotGiven = NOT_GIVEN,
        timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with these overrides that shares, but does not own, the HTTP client.

        `default_headers` are merged over the current ones. Cached resources (the
        `cached_property` values of a generated client) are dropped, to be rebuilt.
        """
        new = copy.copy(self)
        for name in _cached_properties(type(self)):
            new.__dict__.pop(name, None)
        new._owns_client = False
        new._configure(
            str(self._base_url) if isinstance(base_url, NotGiven) else base_url,
            self._auth if isinstance(auth, NotGiven) else auth,
            self._timeout if isinstance(timeout, NotGiven) else timeout,
            self._max_retries if isinstance(max_retries, NotGiven) else max_retries,
            {
                **self._default_headers,
                **({} if isinstance(default_headers, NotGiven) else default_headers),
            },
        )
        return new

    def with_raw_responses(self) -> Self:
        """A copy whose `request` calls all return an APIResponse, as with `raw=True`."""
        new = self.with_options()
        new._raw_responses = True
        return new

    def __repr__(self) -> str:
        url = self._base_url.copy_with(username=None, password=None, query=None)
        return (
            f"{type(self).__name__}(base_url={str(url)!r}, auth={list(self._auth)!r}, "
            f"timeout={self._timeout!r}, max_retries={self._max_retries})"
        )

    def _url(self, path: str) -> httpx.URL:
        if path.startswith(("http://", "https://")):  # a next-page link
            return httpx.URL(path)
        return httpx.URL(f"{self._base_url}/{path.lstrip('/')}")

    def _prepare(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        data: Mapping[str, object] | None = None,
        files: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        accept: str = "application/json",
    ) -> _Prepared:
        url = self._url(path)
        if params := _flatten({**(query or {}), **(options.extra_query or {})}):
            url = url.copy_merge_params(tuple(params))
        merged = httpx.Headers({"Accept": accept, "User-Agent": self._user_agent})
        merged.update(self._default_headers)
        # Header parameters arrive typed as the spec says (ints, enums): sent as their text.
        merged.update({k: _scalar_str(v) for k, v in (headers or {}).items()})
        if _origin(url) == _origin(
            self._base_url
        ):  # credentials never leave the origin
            url = _apply_auth(self._auth, url, merged)
        merged.update(options.extra_headers or {})
        timeout = options.timeout
        timeout = (
            self._timeout if isinstance(timeout, NotGiven) else _as_timeout(timeout)
        )
        retries = options.max_retries
        retries = (
            self._max_retries if isinstance(retries, NotGiven) else max(retries, 0)
        )
        body = _body_kwargs(json_body, data, files, options.extra_body)
        return _Prepared(method.upper(), url, merged, body, timeout, retries)

    def _build(
        self, client: httpx.Client | httpx.AsyncClient, prep: _Prepared
    ) -> httpx.Request:
        method, url, headers = prep.method, prep.url, prep.headers
        return client.build_request(
            method, url, headers=headers, timeout=prep.timeout, **prep.body
        )

    def _next_hop(self, response: httpx.Response) -> httpx.Request | None:
        """The redirect to follow, if any, with credentials only for our own origin.

        httpx drops `Authorization` when a redirect leaves the origin but would forward
        an `X-API-Key`; and it drops `Cookie` on every redirect, our credential too.
        """
        request = response.next_request
        if request is None:
            return None
        if _origin(request.url) == _origin(self._base_url):
            request.url = _apply_auth(self._auth, request.url, request.headers)
        else:
            for name in self._credential_headers:
                request.headers.pop(name, None)
        return request

    def _retry_delay_or_raise(
        self,
        outcome: httpx.Response | httpx.TransportError,
        prep: _Prepared,
        retries_done: int,
        error_types: Mapping[str, Any] | None,
    ) -> float:
        """Seconds to wait before retrying a failed attempt; or raise its error."""
        can_retry = retries_done < prep.max_retries
        if isinstance(outcome, httpx.TransportError):
            if can_retry:
                return _retry_delay(retries_done, None)
            error = _transport_error(
                outcome, _failed_request(outcome, prep), self._secrets
            )
            raise error from outcome
        if can_retry and _should_retry(outcome):
            return _retry_delay(retries_done, outcome.headers)
        raise self._status_error(outcome, error_types)

    def _status_error(
        self, response: httpx.Response, error_types: Mapping[str, Any] | None
    ) -> APIStatusError:
        body = _error_body(response, _error_type(error_types, response.status_code))
        status = f"{response.status_code} {response.reason_phrase}".rstrip()
        message = f"{status} from {_where(response.request)}: {_error_detail(body)}"
        error_class = _error_class(response.status_code)
        return error_class(
            _redact(message, self._secrets), response=response, body=body
        )


# --- The synchronous client ----------------------------------------------------------------


class SyncAPIClient(_BaseClient):
    """Base of a generated client: resource methods all call `request`."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Sequence[Auth] = (),
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        user_agent: str,
    ):
        super().__init__(
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            user_agent=user_agent,
            owns_client=http_client is None,
        )
        self._client = http_client or httpx.Client(follow_redirects=True)
        self._sleep: Callable[[float], None] = time.sleep  # tests skip backoff with it

    def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any,
        query: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        data: Mapping[str, object] | None = None,
        files: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions = RequestOptions(),
        error_types: Mapping[str, Any] | None = None,
        stream: bool = False,
        binary: bool = False,
        raw: bool = False,
    ) -> Any:
        """Send (with retries) and return the value, a Stream, a BinaryResponse, or with
        `raw=True` an APIResponse whose `parse()` returns one of those."""
        prep = self._prepare(
            method,
            path,
            query=query,
            json_body=json_body,
            data=data,
            files=files,
            headers=headers,
            options=options,
            accept=_accept(stream, binary),
        )
        response = self._send(prep, lazy=stream, error_types=error_types)

        def finish() -> Any:
            if binary:
                return BinaryResponse(response)
            if stream:
                return Stream[Any](response, cast_to, self._secrets)
            return _parse_value(response, cast_to)

        return APIResponse(response, finish) if raw or self._raw_responses else finish()

    def request_page(
        self,
        method: str,
        path: str,
        *,
        item_type: Any,
        pagination: Pagination,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions = RequestOptions(),
        error_types: Mapping[str, Any] | None = None,
    ) -> SyncPage[Any] | APIResponse:
        """Fetch the first page now; iterating it fetches the next pages as needed.

        In raw mode (`with_raw_responses`), an APIResponse whose `parse()` is the page.
        """
        query = dict(query or {})
        request = _PageRequest(method, path, query, headers, options, error_types)
        page = self._fetch_page(request, item_type, pagination)
        return (
            APIResponse(page.http_response, lambda: page)
            if self._raw_responses
            else page
        )

    def _fetch_page(
        self, req: _PageRequest, item_type: Any, pagination: Pagination
    ) -> SyncPage[Any]:
        prep = self._prepare(
            req.method,
            req.path,
            query=req.query,
            headers=req.headers,
            options=req.options,
        )
        response = self._send(prep, lazy=False, error_types=req.error_types)
        fetched = _decode_page(response, item_type, pagination)
        return SyncPage(self, fetched, response, req, item_type, pagination)

    def _send(
        self, prep: _Prepared, *, lazy: bool, error_types: Mapping[str, Any] | None
    ) -> httpx.Response:
        """A 2xx response (read, unless `lazy`) after at most `prep.max_retries` retries."""
        retries_done = 0
        while True:
            outcome: httpx.Response | httpx.TransportError
            try:
                outcome = self._send_once(prep, lazy=lazy)
            except httpx.TransportError as exc:
                outcome = exc
            if isinstance(outcome, httpx.Response) and outcome.is_success:
                return outcome
            self._sleep(
                self._retry_delay_or_raise(outcome, prep, retries_done, error_types)
            )
            retries_done += 1

    def _send_once(self, prep: _Prepared, *, lazy: bool) -> httpx.Response:
        send = functools.partial(self._client.send, stream=True, follow_redirects=False)
        response = send(self._build(self._client, prep))
        for _ in range(_MAX_REDIRECTS):  # beyond it, the 3xx becomes an APIStatusError
            if (hop := self._next_hop(response)) is None:
                break
            response.close()
            response = send(hop)
        if lazy and response.is_success:
            return response
        try:
            response.read()
        finally:
            response.close()
        return response

    def close(self) -> None:
        """Close the HTTP client, unless it was passed in (or this is a copy)."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- The asynchronous client ---------------------------------------------------------------


class AsyncAPIClient(_BaseClient):
    """`SyncAPIClient` over `httpx.AsyncClient`: `await client.request(...)`."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Sequence[Auth] = (),
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        user_agent: str,
    ):
        super().__init__(
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            user_agent=user_agent,
            owns_client=http_client is None,
        )
        self._client = http_client or httpx.AsyncClient(follow_redirects=True)
        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any,
        query: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        data: Mapping[str, object] | None = None,
        files: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions = RequestOptions(),
        error_types: Mapping[str, Any] | None = None,
        stream: bool = False,
        binary: bool = False,
        raw: bool = False,
    ) -> Any:
        """`SyncAPIClient.request`, returning AsyncStream, AsyncBinaryResponse, AsyncAPIResponse."""
        prep = self._prepare(
            method,
            path,
            query=query,
            json_body=json_body,
            data=data,
            files=files,
            headers=headers,
            options=options,
            accept=_accept(stream, binary),
        )
        response = await self._send(prep, lazy=stream, error_types=error_types)

        def finish() -> Any:
            if binary:
                return AsyncBinaryResponse(response)
            if stream:
                return AsyncStream[Any](response, cast_to, self._secrets)
            return _parse_value(response, cast_to)

        return (
            AsyncAPIResponse(response, finish)
            if raw or self._raw_responses
            else finish()
        )

    def request_page(
        self,
        method: str,
        path: str,
        *,
        item_type: Any,
        pagination: Pagination,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions = RequestOptions(),
        error_types: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[Any] | Awaitable[AsyncAPIResponse]:
        """Not a coroutine: `await` the result for the first page, `async for` for all items.

        In raw mode, an awaitable of an AsyncAPIResponse whose `parse()` is the page."""
        query = dict(query or {})
        request = _PageRequest(method, path, query, headers, options, error_types)
        fetch = functools.partial(self._fetch_page, request, item_type, pagination)
        return self._raw_page(fetch) if self._raw_responses else AsyncPaginator(fetch)

    async def _raw_page(
        self, fetch: Callable[[], Awaitable[AsyncPage[Any]]]
    ) -> AsyncAPIResponse:
        page = await fetch()
        return AsyncAPIResponse(page.http_response, lambda: page)

    async def _fetch_page(
        self, req: _PageRequest, item_type: Any, pagination: Pagination
    ) -> AsyncPage[Any]:
        prep = self._prepare(
            req.method,
            req.path,
            query=req.query,
            headers=req.headers,
            options=req.options,
        )
        response = await self._send(prep, lazy=False, error_types=req.error_types)
        fetched = _decode_page(response, item_type, pagination)
        return AsyncPage(self, fetched, response, req, item_type, pagination)

    async def _send(
        self, prep: _Prepared, *, lazy: bool, error_types: Mapping[str, Any] | None
    ) -> httpx.Response:
        retries_done = 0
        while True:
            outcome: httpx.Response | httpx.TransportError
            try:
                outcome = await self._send_once(prep, lazy=lazy)
            except httpx.TransportError as exc:
                outcome = exc
            if isinstance(outcome, httpx.Response) and outcome.is_success:
                return outcome
            delay = self._retry_delay_or_raise(outcome, prep, retries_done, error_types)
            await self._sleep(delay)
            retries_done += 1

    async def _send_once(self, prep: _Prepared, *, lazy: bool) -> httpx.Response:
        send = functools.partial(self._client.send, stream=True, follow_redirects=False)
        response = await send(self._build(self._client, prep))
        for _ in range(_MAX_REDIRECTS):
            if (hop := self._next_hop(response)) is None:
                break
            await response.aclose()
            response = await send(hop)
        if lazy and response.is_success:
            return response
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    async def aclose(self) -> None:
        """Close the HTTP client, unless it was passed in (or this is a copy)."""
        if self._owns_client:
            await self._client.aclose()

    async def close(self) -> None:
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
