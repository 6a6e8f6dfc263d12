"""The SDK runtime (templates/python/runtime/_runtime.py) against real local servers.

Every behaviour is exercised over real sockets with `faultserver.FaultServer`: retries, timeouts,
resets, streams cut mid-event, redirects across origins. Only the backoff sleep is swapped
(`client._sleep`) where a test counts attempts rather than waits.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import importlib.util
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest

from faultserver import FaultServer, Reply

REPO = Path(__file__).resolve().parent.parent
RUNTIME = REPO / "templates" / "python" / "runtime" / "_runtime.py"

_spec = importlib.util.spec_from_file_location("_runtime", RUNTIME)
assert _spec is not None and _spec.loader is not None
rt = importlib.util.module_from_spec(_spec)
sys.modules["_runtime"] = rt
_spec.loader.exec_module(rt)

UA = "specloom-test/1.0"


class Item(pydantic.BaseModel):
    id: str
    n: int = 0


class ErrorDetail(pydantic.BaseModel):
    message: str
    code: str | None = None


class ErrorBody(pydantic.BaseModel):
    error: ErrorDetail


class Params(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    max_tokens: int | None = pydantic.Field(default=None, alias="maxTokens")
    label: str = "unset"
    child: Item | None = None


@pytest.fixture
def server() -> Iterator[FaultServer]:
    s = FaultServer().start()
    yield s
    s.stop()


@pytest.fixture
def other() -> Iterator[FaultServer]:
    """A second server: a different port, so a different origin."""
    s = FaultServer().start()
    yield s
    s.stop()


def sync_client(server: FaultServer, **kw: Any) -> Any:
    return rt.SyncAPIClient(base_url=kw.pop("base_url", server.url), user_agent=UA, **kw)


def async_client(server: FaultServer, **kw: Any) -> Any:
    return rt.AsyncAPIClient(base_url=kw.pop("base_url", server.url), user_agent=UA, **kw)


def no_sleep(client: Any) -> list[float]:
    """Record backoff delays instead of sleeping them."""
    delays: list[float] = []
    if isinstance(client, rt.AsyncAPIClient):
        async def record(delay: float) -> None:
            delays.append(delay)
        client._sleep = record
    else:
        client._sleep = delays.append
    return delays


def echo(client: Any, method: str = "GET", path: str = "/echo", **kw: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.request(method, path, cast_to=dict[str, Any], **kw)
    return result


# --- Retries -------------------------------------------------------------------------------


def test_429_with_retry_after_waits_then_succeeds(server: FaultServer) -> None:
    server.script("/x", Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"}),
                  Reply(200, {"id": "a", "n": 1}))
    with sync_client(server) as client:
        started = time.monotonic()
        assert client.request("GET", "/x", cast_to=Item) == Item(id="a", n=1)
    hits = server.hits("/x")
    assert len(hits) == 2 and hits[1].at - hits[0].at >= 1.0
    assert time.monotonic() - started >= 1.0


def test_429_with_retry_after_waits_then_succeeds_async(server: FaultServer) -> None:
    server.script("/x", Reply(429, b"", {"Retry-After": "1"}), Reply(200, {"id": "a"}))

    async def main() -> Item:
        async with async_client(server) as client:
            result: Item = await client.request("GET", "/x", cast_to=Item)
            return result

    started = time.monotonic()
    assert asyncio.run(main()) == Item(id="a")
    assert time.monotonic() - started >= 1.0 and len(server.hits("/x")) == 2


def test_500_three_times_is_an_internal_server_error_after_three_attempts(server: FaultServer) -> None:
    server.script("/x", Reply(500, {"error": {"message": "boom"}}, repeat=True))
    with sync_client(server, max_retries=2) as client:
        delays = no_sleep(client)
        with pytest.raises(rt.InternalServerError) as caught:
            client.request("POST", "/x", cast_to=Item, json_body={"a": 1})
    assert len(server.hits("/x")) == 3 and caught.value.status_code == 500
    assert "boom" in str(caught.value)
    assert len(delays) == 2 and 0.375 <= delays[0] <= 0.5 and 0.75 <= delays[1] <= 1.0


def test_500_three_times_async(server: FaultServer) -> None:
    server.script("/x", Reply(503, repeat=True))

    async def main() -> list[float]:
        async with async_client(server, max_retries=2) as client:
            delays = no_sleep(client)
            with pytest.raises(rt.InternalServerError):
                await client.request("GET", "/x", cast_to=Item)
            return delays

    assert len(asyncio.run(main())) == 2 and len(server.hits("/x")) == 3


def test_retry_delay_honours_ms_then_date_then_backs_off(server: FaultServer) -> None:
    soon = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=3), usegmt=True)
    server.script("/x", Reply(503, headers={"retry-after-ms": "20"}),
                  Reply(503, headers={"Retry-After": soon}),
                  Reply(503, headers={"Retry-After": "120"}),  # over 60 s: ignored
                  Reply(200, {"id": "ok"}))
    with sync_client(server, max_retries=3) as client:
        delays = no_sleep(client)
        assert client.request("GET", "/x", cast_to=Item).id == "ok"
    assert delays[0] == pytest.approx(0.02)
    assert 1.0 < delays[1] <= 3.0
    assert 1.5 <= delays[2] <= 2.0  # 0.5 × 2² less up to 25% jitter


def test_backoff_is_capped_at_eight_seconds() -> None:
    assert all(6.0 <= rt._retry_delay(n, None) <= 8.0 for n in range(4, 10))
    assert rt._retry_delay(0, httpx.Headers({"retry-after": "0"})) <= 0.5


def test_x_should_retry_overrides_the_status(server: FaultServer) -> None:
    server.script("/yes", Reply(400, headers={"x-should-retry": "true"}), Reply(200, {"id": "a"}))
    server.script("/no", Reply(500, headers={"x-should-retry": "false"}))
    with sync_client(server) as client:
        no_sleep(client)
        assert client.request("GET", "/yes", cast_to=Item).id == "a"
        with pytest.raises(rt.InternalServerError):
            client.request("GET", "/no", cast_to=Item)
    assert len(server.hits("/yes")) == 2 and len(server.hits("/no")) == 1


@pytest.mark.parametrize(("status", "attempts"), [(408, 2), (409, 2), (404, 1), (400, 1)])
def test_which_statuses_are_retried(server: FaultServer, status: int, attempts: int) -> None:
    server.script("/x", Reply(status, repeat=True))
    with sync_client(server, max_retries=1) as client:
        no_sleep(client)
        with pytest.raises(rt.APIStatusError):
            client.request("GET", "/x", cast_to=None)
    assert len(server.hits("/x")) == attempts


def test_max_retries_per_call(server: FaultServer) -> None:
    server.script("/x", Reply(500, repeat=True))
    with sync_client(server, max_retries=5) as client:
        no_sleep(client)
        with pytest.raises(rt.InternalServerError):
            client.request("GET", "/x", cast_to=None, options=rt.RequestOptions(max_retries=1))
    assert len(server.hits("/x")) == 2


def test_a_file_object_is_sent_whole_again_on_retry(server: FaultServer) -> None:
    server.script("/up", Reply(500), Reply(echo=True))
    with sync_client(server) as client:
        no_sleep(client)
        seen = echo(client, "POST", "/up", files={"f": io.BytesIO(b"payload")})
    assert seen["files"]["f"]["content"] == "payload"


# --- Timeouts and connection failures -------------------------------------------------------


def test_hung_response_times_out(server: FaultServer) -> None:
    server.script("/hang", Reply(hang=True))
    with sync_client(server, timeout=0.5, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(rt.APITimeoutError) as caught:
            client.request("GET", "/hang", cast_to=None)
    assert 0.4 <= time.monotonic() - started < 3.0
    assert "timed out" in str(caught.value) and "GET /hang" in str(caught.value)


def test_hung_response_times_out_async_with_a_per_call_timeout(server: FaultServer) -> None:
    server.script("/hang", Reply(hang=True))

    async def main() -> None:
        async with async_client(server, timeout=30.0, max_retries=0) as client:
            await client.request("GET", "/hang", cast_to=None, options=rt.RequestOptions(timeout=0.5))

    started = time.monotonic()
    with pytest.raises(rt.APITimeoutError):
        asyncio.run(main())
    assert time.monotonic() - started < 3.0


def test_timeouts_are_retried(server: FaultServer) -> None:
    server.script("/hang", Reply(hang=True, repeat=True))
    with sync_client(server, timeout=0.2, max_retries=1) as client:
        no_sleep(client)
        with pytest.raises(rt.APITimeoutError):
            client.request("GET", "/hang", cast_to=None)
    assert len(server.hits("/hang")) == 2


def test_connection_reset_is_a_connection_error_after_retries(server: FaultServer) -> None:
    server.script("/reset", Reply(reset=True, repeat=True))
    with sync_client(server, max_retries=2) as client:
        delays = no_sleep(client)
        with pytest.raises(rt.APIConnectionError) as caught:
            client.request("GET", "/reset", cast_to=None)
    assert type(caught.value) is rt.APIConnectionError
    assert len(server.hits("/reset")) == 3 and len(delays) == 2


def test_connection_reset_async(server: FaultServer) -> None:
    server.script("/reset", Reply(reset=True), Reply(reset=True), Reply(200, {"id": "back"}))

    async def main() -> Item:
        async with async_client(server, max_retries=2) as client:
            no_sleep(client)
            result: Item = await client.request("GET", "/reset", cast_to=Item)
            return result

    assert asyncio.run(main()).id == "back"


def test_refused_connection() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with rt.SyncAPIClient(base_url=f"http://127.0.0.1:{port}", user_agent=UA, max_retries=0) as client:
        with pytest.raises(rt.APIConnectionError) as caught:
            client.request("GET", "/x", cast_to=None)
    assert "connection error" in str(caught.value)


# --- Response validation ---------------------------------------------------------------------


def test_malformed_json_in_a_200_is_a_validation_error(server: FaultServer) -> None:
    server.script("/x", Reply(200, b'{"id": "a", ', {"Content-Type": "application/json"}))
    with sync_client(server) as client:
        with pytest.raises(rt.APIResponseValidationError) as caught:
            client.request("GET", "/x", cast_to=Item)
    assert "not valid JSON" in str(caught.value) and caught.value.status_code == 200
    assert len(server.hits("/x")) == 1


def test_a_body_of_the_wrong_shape_names_the_type_and_first_error(server: FaultServer) -> None:
    server.script("/x", Reply(200, [{"id": "a"}, {"n": 2}]))
    with sync_client(server) as client:
        with pytest.raises(rt.APIResponseValidationError) as caught:
            client.request("GET", "/x", cast_to=list[Item])
    assert "list[" in str(caught.value) and "Item" in str(caught.value)
    assert "1.id: Field required" in str(caught.value)


def test_cast_to_none_and_str(server: FaultServer) -> None:
    server.script("/none", Reply(204))
    server.script("/text", Reply(200, "plain text", {"Content-Type": "text/plain"}))
    with sync_client(server) as client:
        assert client.request("DELETE", "/none", cast_to=None) is None
        assert client.request("GET", "/text", cast_to=str) == "plain text"


# --- Status errors -------------------------------------------------------------------------

ERRORS = [(400, rt.BadRequestError), (401, rt.AuthenticationError), (403, rt.PermissionDeniedError),
          (404, rt.NotFoundError), (409, rt.ConflictError), (422, rt.UnprocessableEntityError),
          (429, rt.RateLimitError), (500, rt.InternalServerError), (502, rt.InternalServerError),
          (418, rt.APIStatusError)]


@pytest.mark.parametrize(("status", "error_class"), ERRORS)
def test_each_status_raises_its_class_with_request_id_and_typed_body(
        server: FaultServer, status: int, error_class: type[Exception]) -> None:
    body = {"error": {"message": f"failed with {status}", "code": "c"}}
    server.script("/x", Reply(status, body, {"x-request-id": f"req_{status}"}))
    with sync_client(server, max_retries=0) as client:
        with pytest.raises(rt.APIStatusError) as caught:
            client.request("GET", "/x", cast_to=Item, error_types={"4XX": ErrorBody, "default": ErrorBody})
    error = caught.value
    assert type(error) is error_class and error.status_code == status
    assert error.request_id == f"req_{status}"
    assert error.body == ErrorBody(error=ErrorDetail(message=f"failed with {status}", code="c"))
    assert f"failed with {status}" in str(error) and "GET /x" in str(error)


def test_error_types_prefer_the_exact_status_and_fall_back_to_json_and_text(server: FaultServer) -> None:
    class Missing(pydantic.BaseModel):
        detail: str

    server.script("/x", Reply(404, {"detail": "no such thing"}, {"request-id": "r-1"}),
                  Reply(404, {"unexpected": True}), Reply(400, "not json"))
    types = {"404": Missing, "4XX": ErrorBody}
    with sync_client(server) as client:
        for expected in (Missing(detail="no such thing"), {"unexpected": True}, "not json"):
            with pytest.raises(rt.APIStatusError) as caught:
                client.request("GET", "/x", cast_to=None, error_types=types)
            assert caught.value.body == expected


# --- Streaming -------------------------------------------------------------------------------

SSE = ('event: message\nid: 1\ndata: {"id": "a", "n": 1}\r\n\r\n'
       ': a comment\ndata: {"id": "b",\ndata: "n": 2}\n\n'
       'retry: 100\ndata: {"id": "snow ☃"}\r\r'
       'data: [DONE]\n\n'
       'data: {"id": "never"}\n\n').encode()


def pieces(data: bytes, size: int = 7) -> list[bytes]:
    """Split so that chunk borders fall inside lines, `\\r\\n` pairs and UTF-8 sequences."""
    return [data[i:i + size] for i in range(0, len(data), size)]


def test_sse_stream_of_three_events_then_done(server: FaultServer) -> None:
    server.script("/s", Reply(chunks=pieces(SSE), chunk_delay=0.001))
    with sync_client(server) as client:
        stream = client.request("POST", "/s", cast_to=Item, stream=True)
        assert isinstance(stream, rt.Stream)
        assert [i.id for i in stream] == ["a", "b", "snow ☃"]
    assert stream.response.is_closed
    assert server.hits("/s")[0].headers["accept"] == "text/event-stream"


def test_sse_stream_async(server: FaultServer) -> None:
    server.script("/s", Reply(chunks=pieces(SSE, 3)))

    async def main() -> list[str]:
        async with async_client(server) as client:
            stream = await client.request("POST", "/s", cast_to=Item, stream=True)
            async with stream:
                return [item.id async for item in stream]

    assert asyncio.run(main()) == ["a", "b", "snow ☃"]


def test_sse_decoder_is_independent_of_chunking() -> None:
    def decode(chunks: list[bytes]) -> list[Any]:
        decoder = rt._SSEDecoder()
        return [e for c in chunks for e in decoder.feed(c)]

    whole = decode([SSE])
    assert whole == decode(pieces(SSE, 1)) == decode(pieces(SSE, 5))
    assert whole[0] == rt.ServerSentEvent('{"id": "a", "n": 1}', "message", "1", None)
    assert whole[1].data == '{"id": "b",\n"n": 2}' and whole[1].id == "1"  # the id persists
    assert whole[2].retry == 100


@pytest.mark.parametrize("is_async", [False, True])
def test_sse_stream_cut_mid_event_raises_after_the_whole_events(server: FaultServer, is_async: bool) -> None:
    body = b'data: {"id": "a"}\n\ndata: {"id": "b"}\n\ndata: {"id": "tru'
    server.script("/s", Reply(chunks=pieces(body, 11), close_delimited=True))
    seen: list[str] = []

    async def consume_async() -> None:
        async with async_client(server) as client:
            async for item in await client.request("GET", "/s", cast_to=Item, stream=True):
                seen.append(item.id)

    with pytest.raises(rt.APIConnectionError, match="in the middle of an event"):
        if is_async:
            asyncio.run(consume_async())
        else:
            with sync_client(server) as client:
                seen.extend(item.id for item in client.request("GET", "/s", cast_to=Item, stream=True))
    assert seen == ["a", "b"]


def test_sse_connection_dropped_mid_body_is_a_connection_error(server: FaultServer) -> None:
    server.script("/s", Reply(chunks=[b'data: {"id": "a"}\n\n', b"data: {"], cut=True))
    with sync_client(server) as client:
        stream = client.request("GET", "/s", cast_to=Item, stream=True)
        assert next(stream).id == "a"
        with pytest.raises(rt.APIConnectionError):
            next(stream)


def test_sse_body_ending_between_events_ends_cleanly(server: FaultServer) -> None:
    body = b'data: {"id": "a"}\n\ndata: {"id": "b"}\n\n: bye\n'
    server.script("/s", Reply(chunks=[body], close_delimited=True))
    with sync_client(server) as client:
        assert [i.id for i in client.request("GET", "/s", cast_to=Item, stream=True)] == ["a", "b"]


def test_sse_error_event_and_error_object_raise(server: FaultServer) -> None:
    server.script("/e1", Reply(chunks=[b'data: {"id": "a"}\n\nevent: error\ndata: overloaded\n\n']))
    server.script("/e2", Reply(chunks=[b'data: {"error": {"message": "quota", "type": "x"}}\n\n']))
    with sync_client(server) as client:
        stream = client.request("GET", "/e1", cast_to=Item, stream=True)
        assert next(stream).id == "a"
        with pytest.raises(rt.APIError, match="overloaded"):
            next(stream)
        with pytest.raises(rt.APIError, match="quota") as caught:
            list(client.request("GET", "/e2", cast_to=Item, stream=True))
        assert caught.value.body == {"message": "quota", "type": "x"}


def test_closing_a_stream_early_closes_the_response(server: FaultServer) -> None:
    chunks = [b'event: tick\ndata: {"id": "a"}\n\n', b'data: {"id": "b"}\n\n'] * 5
    server.script("/s", Reply(chunks=chunks, repeat=True))
    with sync_client(server) as client:
        with client.request("GET", "/s", cast_to=Item, stream=True) as stream:
            assert next(stream).id == "a"
        assert stream.response.is_closed
        events = list(client.request("GET", "/s", cast_to=rt.ServerSentEvent, stream=True))
    assert len(events) == 10 and events[0] == rt.ServerSentEvent('{"id": "a"}', "tick")


# --- Pagination ------------------------------------------------------------------------------


def items(*ids: str) -> list[dict[str, Any]]:
    return [{"id": i} for i in ids]


def script_cursor(server: FaultServer, *, with_cursor_field: bool) -> None:
    pages = [(items("a", "b"), True), (items("c", "d"), True), (items("e"), False)]
    for data, more in pages:
        body: dict[str, Any] = {"data": data, "has_more": more}
        if with_cursor_field:
            body["last_id"] = f"cur-{data[-1]['id']}"
        server.script("/items", Reply(200, body))


CURSOR = rt.Pagination(style="cursor")
OFFSET = rt.Pagination(style="offset", has_more=None)
LINK = rt.Pagination(style="next_link", items="results", next_field="links.next")


def script_offset(server: FaultServer) -> None:
    for data in (items("a", "b"), items("c", "d"), items("e")):
        server.script("/items", Reply(200, {"data": data}))


def script_links(server: FaultServer) -> None:
    server.script("/items", Reply(200, {"results": items("a", "b"), "links": {"next": f"{server.url}/items?page=2"}}),
                  Reply(200, {"results": items("c", "d"), "links": {"next": "/items?page=3"}}),
                  Reply(200, {"results": items("e"), "links": {"next": None}}))


def queries(server: FaultServer) -> list[dict[str, list[str]]]:
    return [hit.query for hit in server.hits("/items")]


@pytest.mark.parametrize("with_cursor_field", [True, False])
def test_cursor_pagination_sync(server: FaultServer, with_cursor_field: bool) -> None:
    script_cursor(server, with_cursor_field=with_cursor_field)
    with sync_client(server) as client:
        page = client.request_page("GET", "/items", item_type=Item, pagination=CURSOR, query={"limit": 2})
        assert [i.id for i in page.data] == ["a", "b"] and page.has_next_page()
        assert [i.id for i in page] == ["a", "b", "c", "d", "e"]
    prefix = "cur-" if with_cursor_field else ""
    assert queries(server) == [{"limit": ["2"]}, {"limit": ["2"], "after": [f"{prefix}b"]},
                               {"limit": ["2"], "after": [f"{prefix}d"]}]


def test_cursor_pagination_async(server: FaultServer) -> None:
    script_cursor(server, with_cursor_field=True)

    async def main() -> list[str]:
        async with async_client(server) as client:
            return [i.id async for i in client.request_page("GET", "/items", item_type=Item, pagination=CURSOR)]

    assert asyncio.run(main()) == ["a", "b", "c", "d", "e"]
    assert [q.get("after") for q in queries(server)] == [None, ["cur-b"], ["cur-d"]]


def test_offset_pagination_stops_at_a_short_page(server: FaultServer) -> None:
    script_offset(server)
    with sync_client(server) as client:
        page = client.request_page("GET", "/items", item_type=Item, pagination=OFFSET, query={"limit": 2})
        pages = list(page.iter_pages())
    assert [[i.id for i in p.data] for p in pages] == [["a", "b"], ["c", "d"], ["e"]]
    assert [q.get("offset") for q in queries(server)] == [None, ["2"], ["4"]]
    assert not pages[-1].has_next_page()
    with pytest.raises(RuntimeError, match="last page"):
        pages[-1].next_page()


def test_pages_in_raw_mode_and_their_http_response(server: FaultServer) -> None:
    server.script("/items", Reply(200, {"data": items("a")}, {"x-ratelimit": "9"}, repeat=True))
    with sync_client(server) as client:
        raw = client.with_raw_responses().request_page("GET", "/items", item_type=Item, pagination=OFFSET)
        assert isinstance(raw, rt.APIResponse) and raw.headers["x-ratelimit"] == "9"
        assert [i.id for i in raw.parse().data] == ["a"]
        page = client.request_page("GET", "/items", item_type=Item, pagination=OFFSET)
        assert page.http_response.headers["x-ratelimit"] == "9" and page.body == {"data": items("a")}

    async def main() -> list[str]:
        async with async_client(server) as client:
            raw = await client.with_raw_responses().request_page("GET", "/items", item_type=Item, pagination=OFFSET)
            assert isinstance(raw, rt.AsyncAPIResponse) and raw.headers["x-ratelimit"] == "9"
            return [i.id for i in (await raw.parse()).data]

    assert asyncio.run(main()) == ["a"]


def test_offset_pagination_async(server: FaultServer) -> None:
    script_offset(server)

    async def main() -> list[list[str]]:
        async with async_client(server) as client:
            first = await client.request_page("GET", "/items", item_type=Item, pagination=OFFSET, query={"limit": 2})
            assert isinstance(first, rt.AsyncPage)
            return [[i.id for i in p.data] async for p in first.iter_pages()]

    assert asyncio.run(main()) == [["a", "b"], ["c", "d"], ["e"]]


def test_next_link_pagination_follows_absolute_and_relative_links(server: FaultServer) -> None:
    script_links(server)
    auth = [rt.Auth("bearer", token="tok-links")]
    with sync_client(server, auth=auth) as client:
        page = client.request_page("GET", "/items", item_type=Item, pagination=LINK,
                                   options=rt.RequestOptions(extra_query={"x": "1"}))
        assert [i.id for i in page] == ["a", "b", "c", "d", "e"]
    assert [q for q in queries(server)][:3] == [{"x": ["1"]}, {"page": ["2"]}, {"page": ["3"]}]
    assert all(h.headers["authorization"] == "Bearer tok-links" for h in server.hits("/items"))


def test_next_link_pagination_async(server: FaultServer) -> None:
    script_links(server)

    async def main() -> list[str]:
        async with async_client(server) as client:
            first = await client.request_page("GET", "/items", item_type=Item, pagination=LINK)
            second = await first.next_page()
            return [i.id for i in second.data] + [i.id async for i in second]

    assert asyncio.run(main()) == ["c", "d", "c", "d", "e"]


def test_a_next_link_to_another_origin_gets_no_credentials(server: FaultServer, other: FaultServer) -> None:
    server.script("/items", Reply(200, {"results": items("a"), "links": {"next": f"{other.url}/items"}}))
    other.script("/items", Reply(200, {"results": items("b"), "links": {"next": None}}))
    auth = [rt.Auth("api_key", token="k-0000", name="key", where="query"), rt.Auth("bearer", token="t-0000")]
    with sync_client(server, auth=auth) as client:
        page = client.request_page("GET", "/items", item_type=Item, pagination=LINK)
        assert [i.id for i in page] == ["a", "b"]
    far = other.hits("/items")[0]
    assert "authorization" not in far.headers and "key" not in far.query


# --- Request encoding ------------------------------------------------------------------------


def test_query_encoding_path_parameters_and_header_precedence(server: FaultServer) -> None:
    server.script("/things/a%2Fb%20c", Reply(echo=True))
    query = {"list": ["a", "b"], "flag": True, "off": False, "none": None, "ng": rt.NOT_GIVEN,
             "n": 3, "meta": {"k": "v"}}
    options = rt.RequestOptions(extra_query={"extra": "1", "n": 4},
                                extra_headers={"X-Extra": "e", "User-Agent": "override"})
    with sync_client(server, default_headers={"X-Default": "d", "X-Extra": "lost"}) as client:
        seen = echo(client, "GET", rt.path("/things/{id}", id="a/b c"), query=query,
                    headers={"X-Call": "c"}, options=options)
    assert seen["path"] == "/things/a%2Fb%20c"  # as sent: percent-encoded
    assert seen["query"] == {"list": ["a", "b"], "flag": ["true"], "off": ["false"], "n": ["4"],
                             "meta[k]": ["v"], "extra": ["1"]}
    headers = seen["headers"]
    assert (headers["x-extra"], headers["user-agent"], headers["x-default"], headers["x-call"]) == \
        ("e", "override", "d", "c")
    assert headers["accept"] == "application/json"


def test_path_rejects_missing_empty_and_dot_segments() -> None:
    assert rt.path("/a/{x}/{y}", x=1, y=True) == "/a/1/true"
    for bad in ({}, {"x": None}, {"x": ""}, {"x": ".."}, {"x": "."}, {"x": "1", "z": "2"}):
        with pytest.raises(ValueError):
            rt.path("/a/{x}", **bad)


def test_json_body_dumps_models_by_alias_and_merges_extra_body(server: FaultServer) -> None:
    server.script("/echo", Reply(echo=True, repeat=True))
    with sync_client(server) as client:
        seen = echo(client, "POST", json_body=Params(max_tokens=5, child=Item(id="c")),
                    options=rt.RequestOptions(extra_body={"stream": False}))
        nested = echo(client, "POST", json_body={"params": [Params(label="l")], "skip": rt.NOT_GIVEN,
                                                 "null": None, "when": datetime(2024, 1, 2, tzinfo=timezone.utc)})
    assert seen["headers"]["content-type"] == "application/json"
    assert json.loads(seen["body"]) == {"maxTokens": 5, "child": {"id": "c"}, "stream": False}
    assert json.loads(nested["body"]) == {"params": [{"label": "l"}], "null": None,
                                          "when": "2024-01-02T00:00:00Z"}


def test_multipart_upload_of_bytes_a_path_and_a_tuple(server: FaultServer, tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_bytes(b"from a path")
    server.script("/up", Reply(echo=True))
    files = {"raw": b"raw bytes", "doc": doc, "meta": ("meta.json", b'{"x": 1}', "application/json")}
    with sync_client(server) as client:
        seen = echo(client, "POST", "/up", files=files, data={"purpose": "test", "tags": ["x", "y"], "ok": True})
    assert seen["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert seen["form"] == {"purpose": ["test"], "tags": ["x", "y"], "ok": ["true"]}
    got = seen["files"]
    assert got["raw"] == {"filename": "upload", "content_type": "application/octet-stream", "content": "raw bytes"}
    assert got["doc"] == {"filename": "doc.txt", "content_type": "text/plain", "content": "from a path"}
    assert got["meta"] == {"filename": "meta.json", "content_type": "application/json", "content": '{"x": 1}'}


def test_form_urlencoded_when_only_data(server: FaultServer) -> None:
    server.script("/form", Reply(echo=True))
    with sync_client(server) as client:
        seen = echo(client, "POST", "/form", data={"a": "1", "list": [1, 2], "b": False, "none": None},
                    options=rt.RequestOptions(extra_body={"c": "3"}))
    assert seen["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert seen["form"] == {"a": ["1"], "list": ["1", "2"], "b": ["false"], "c": ["3"]}


def test_json_body_cannot_mix_with_form_data(server: FaultServer) -> None:
    with sync_client(server) as client, pytest.raises(TypeError):
        client.request("POST", "/x", cast_to=None, json_body={}, data={"a": 1})


# --- Binary and raw responses ----------------------------------------------------------------

BLOB = bytes(range(256)) * 40


def test_binary_response_content_chunks_and_file(server: FaultServer, tmp_path: Path) -> None:
    server.script("/file", Reply(200, BLOB, {"Content-Type": "application/octet-stream"}, repeat=True))
    with sync_client(server) as client:
        binary = client.request("GET", "/file", cast_to=None, binary=True)
        assert isinstance(binary, rt.BinaryResponse) and binary.content == BLOB
        assert [len(c) for c in binary.iter_bytes(4096)] == [4096, 4096, 2048]
        binary.write_to_file(tmp_path / "out.bin")
        with client.request("GET", "/file", cast_to=None, binary=True, stream=True) as lazy:
            lazy.write_to_file(tmp_path / "lazy.bin")
    assert (tmp_path / "out.bin").read_bytes() == BLOB == (tmp_path / "lazy.bin").read_bytes()
    assert server.hits("/file")[0].headers["accept"] == "*/*"


def test_binary_response_async(server: FaultServer, tmp_path: Path) -> None:
    server.script("/file", Reply(200, BLOB, repeat=True))

    async def main() -> tuple[bytes, int]:
        async with async_client(server) as client:
            binary = await client.request("GET", "/file", cast_to=None, binary=True)
            await binary.write_to_file(tmp_path / "out.bin")
            chunks = [c async for c in binary.aiter_bytes(1000)]
            async with await client.request("GET", "/file", cast_to=None, binary=True, stream=True) as lazy:
                with pytest.raises(RuntimeError, match="aread"):
                    lazy.content
                assert await lazy.aread() == BLOB
            return binary.content, len(chunks)

    assert asyncio.run(main()) == (BLOB, 11)
    assert (tmp_path / "out.bin").read_bytes() == BLOB


def test_raw_response(server: FaultServer) -> None:
    server.script("/x", Reply(200, {"id": "a"}, {"x-request-id": "req_1", "x-custom": "y"}, repeat=True))
    with sync_client(server, auth=[rt.Auth("bearer", token="sk-raw-secret")]) as client:
        raw = client.request("GET", "/x", cast_to=Item, raw=True)
        assert isinstance(raw, rt.APIResponse)
        assert (raw.status_code, raw.headers["x-custom"], raw.request_id) == (200, "y", "req_1")
        assert raw.parse() == Item(id="a") and raw.parse() is raw.parse()
        assert isinstance(raw.http_response, httpx.Response)
        assert repr(raw) == "<APIResponse [200 OK] GET /x>"
        assert isinstance(client.with_raw_responses().request("GET", "/x", cast_to=Item), rt.APIResponse)

    async def main() -> Item:
        async with async_client(server) as client:
            raw = await client.request("GET", "/x", cast_to=Item, raw=True)
            assert isinstance(raw, rt.AsyncAPIResponse)
            result: Item = await raw.parse()
            return result

    assert asyncio.run(main()) == Item(id="a")


# --- Authentication, redirects, secrets ------------------------------------------------------

AUTHS = [
    (rt.Auth("bearer", token="tok-1234"), lambda s: s["headers"]["authorization"] == "Bearer tok-1234"),
    (rt.Auth("basic", username="u", password="p"), lambda s: s["headers"]["authorization"] == "Basic dTpw"),
    (rt.Auth("api_key", token="k-999", name="X-Api-Key"), lambda s: s["headers"]["x-api-key"] == "k-999"),
    (rt.Auth("api_key", token="k-999", name="api_key", where="query"), lambda s: s["query"]["api_key"] == ["k-999"]),
    (rt.Auth("api_key", token="k-999", name="session", where="cookie"),
     lambda s: s["headers"]["cookie"] == "pref=1; session=k-999"),
]


@pytest.mark.parametrize(("auth", "check"), AUTHS, ids=["bearer", "basic", "header", "query", "cookie"])
def test_auth_kinds(server: FaultServer, auth: Any, check: Any) -> None:
    server.script("/echo", Reply(echo=True))
    with sync_client(server, auth=[auth], default_headers={"Cookie": "pref=1"}) as client:
        assert check(echo(client))


def test_auth_requires_its_fields() -> None:
    for bad in ({"kind": "bearer"}, {"kind": "basic", "username": "u"}, {"kind": "api_key", "token": "t"},
                {"kind": "digest", "token": "t"}, {"kind": "api_key", "token": "t", "name": "n", "where": "body"}):
        with pytest.raises(ValueError):
            rt.Auth(**bad)


def test_authorization_is_not_forwarded_on_a_redirect_to_another_origin(
        server: FaultServer, other: FaultServer) -> None:
    server.script("/go", Reply(302, headers={"Location": f"{other.url}/land"}))
    server.script("/stay", Reply(307, headers={"Location": "/land"}))
    server.script("/land", Reply(echo=True))
    other.script("/land", Reply(echo=True))
    auth = [rt.Auth("bearer", token="tok-redirect"), rt.Auth("api_key", token="k-redirect", name="X-Api-Key"),
            rt.Auth("api_key", token="q-redirect", name="key", where="query"),
            rt.Auth("api_key", token="c-redirect", name="sid", where="cookie")]
    with sync_client(server, auth=auth) as client:
        away = echo(client, "GET", "/go")
        home = echo(client, "POST", "/stay", json_body={"a": 1})
    assert away["path"] == "/land" and len(other.hits("/land")) == 1
    assert not {"authorization", "x-api-key", "cookie"} & set(away["headers"]) and away["query"] == {}
    # httpx drops Cookie on every redirect: the runtime puts our own credentials back at home.
    assert (home["method"], home["body"], home["query"]) == ("POST", '{"a":1}', {"key": ["q-redirect"]})
    assert home["headers"]["authorization"] == "Bearer tok-redirect"
    assert (home["headers"]["x-api-key"], home["headers"]["cookie"]) == ("k-redirect", "sid=c-redirect")


def test_authorization_is_not_forwarded_on_a_redirect_async(server: FaultServer, other: FaultServer) -> None:
    server.script("/go", Reply(301, headers={"Location": f"{other.url}/land"}))
    other.script("/land", Reply(echo=True))

    async def main() -> dict[str, Any]:
        async with async_client(server, auth=[rt.Auth("bearer", token="tok-redirect")]) as client:
            result: dict[str, Any] = await client.request("GET", "/go", cast_to=dict[str, Any])
            return result

    assert "authorization" not in asyncio.run(main())["headers"]


SECRETS = ("sk-secret-0001", "qk-secret-0002", "pw-secret-0003", "user-secret-0004")


def secret_auth() -> list[Any]:
    return [rt.Auth("bearer", token=SECRETS[0]), rt.Auth("api_key", token=SECRETS[1], name="key", where="query")]


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, text


def test_no_secret_in_reprs(server: FaultServer) -> None:
    basic = rt.Auth("basic", username=SECRETS[3], password=SECRETS[2])
    url = server.url.replace("http://", f"http://{SECRETS[3]}:{SECRETS[2]}@")
    client = rt.SyncAPIClient(base_url=url, auth=[*secret_auth(), basic], user_agent=UA)
    for text in (repr(client), str(client), repr(basic), repr(secret_auth()), repr(client.with_options())):
        assert_clean(text)
    assert "Auth(kind='bearer', token='***')" in repr(client)
    client.close()


def test_no_secret_in_exception_messages(server: FaultServer) -> None:
    echoed = {"error": {"message": f"bad key {SECRETS[0]} / {SECRETS[1]}"}}
    server.script("/x", Reply(401, echoed), Reply(reset=True), Reply(hang=True))
    server.script("/s", Reply(chunks=[f"event: error\ndata: {SECRETS[0]}\n\n".encode()]))
    with sync_client(server, auth=secret_auth(), max_retries=0, timeout=0.3) as client:
        errors = []
        for path in ("/x", "/x", "/x"):
            with pytest.raises(rt.APIError) as caught:
                client.request("GET", path, cast_to=None)
            errors.append(caught.value)
        with pytest.raises(rt.APIError) as caught:
            list(client.request("GET", "/s", cast_to=Item, stream=True))
        errors.append(caught.value)
    assert [type(e) for e in errors] == [rt.AuthenticationError, rt.APIConnectionError, rt.APITimeoutError, rt.APIError]
    for error in errors:
        assert_clean(str(error))
        assert_clean(repr(error))
    assert "bad key ***" in str(errors[0])


# --- Client lifecycle and options ------------------------------------------------------------


class Things:
    def __init__(self, client: Any) -> None:
        self._client = client


class MyClient(rt.SyncAPIClient):
    @functools.cached_property
    def things(self) -> Things:
        return Things(self)


def test_with_options_copies_settings_shares_the_http_client_and_rebuilds_resources(server: FaultServer) -> None:
    server.script("/echo", Reply(echo=True, repeat=True))
    server.script("/fail", Reply(500, repeat=True))
    client = MyClient(base_url=server.url, user_agent=UA, default_headers={"X-A": "1"})
    assert client.things._client is client
    copy = client.with_options(max_retries=0, timeout=2.5, default_headers={"X-B": "2"})
    assert copy.things._client is copy and client.things._client is client
    assert copy._client is client._client and copy._timeout == httpx.Timeout(2.5)
    headers = echo(copy)["headers"]
    assert (headers["x-a"], headers["x-b"]) == ("1", "2") and "x-b" not in echo(client)["headers"]
    with pytest.raises(rt.InternalServerError):
        copy.request("GET", "/fail", cast_to=None)
    assert len(server.hits("/fail")) == 1
    copy.close()
    assert not client._client.is_closed
    client.close()
    assert client._client.is_closed


def test_context_managers_close_only_their_own_http_client(server: FaultServer) -> None:
    with sync_client(server) as client:
        owned = client._client
    assert owned.is_closed
    mine = httpx.Client()
    with sync_client(server, http_client=mine) as client:
        assert client._client is mine
    assert not mine.is_closed
    mine.close()

    async def main() -> tuple[bool, bool]:
        async with async_client(server) as client:
            owned = client._client
        theirs = httpx.AsyncClient()
        async with async_client(server, http_client=theirs):
            pass
        result = owned.is_closed, theirs.is_closed
        await theirs.aclose()
        return result

    assert asyncio.run(main()) == (True, False)


def test_not_given_and_small_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    import copy
    import pickle

    assert not rt.NOT_GIVEN and repr(rt.NOT_GIVEN) == "NOT_GIVEN"
    assert copy.deepcopy(rt.NOT_GIVEN) is rt.NOT_GIVEN and pickle.loads(pickle.dumps(rt.NOT_GIVEN)) is rt.NOT_GIVEN
    assert rt.strip_not_given({"a": rt.NOT_GIVEN, "b": None, "c": 1}) == {"b": None, "c": 1}
    monkeypatch.setenv("SPECLOOM_TEST_KEY", "  k  ")
    monkeypatch.setenv("SPECLOOM_TEST_BLANK", " ")
    assert rt.env_credential("SPECLOOM_TEST_KEY") == "k"
    assert rt.env_credential("SPECLOOM_TEST_BLANK") is None and rt.env_credential("SPECLOOM_TEST_NONE") is None
    assert rt.DEFAULT_TIMEOUT == httpx.Timeout(600.0, connect=5.0) and rt.DEFAULT_MAX_RETRIES == 2
    with pytest.raises(Exception):
        rt.RequestOptions().max_retries = 1  # type: ignore[misc]


# --- The module itself -----------------------------------------------------------------------


def test_runtime_imports_only_stdlib_httpx_pydantic_and_typing_extensions() -> None:
    tree = ast.parse(RUNTIME.read_text())
    roots = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    roots |= {node.module.split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0]
    assert roots - sys.stdlib_module_names == {"httpx", "pydantic", "typing_extensions"}


def test_runtime_is_black_stable_so_the_copy_is_verbatim() -> None:
    from generator.render import format_python

    source = RUNTIME.read_text()
    assert format_python(source) == source


def test_runtime_passes_mypy_strict() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(REPO / ".mypy_cache"),
                             str(RUNTIME)], capture_output=True, text=True, timeout=300, env={**os.environ})
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_secret_in_logs_at_any_level(server: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    """httpx logs every request's URL at INFO: an API key sent as a query parameter must not
    reach a log handler, nor any credential at DEBUG (httpcore logs headers' sizes, not values)."""
    import logging

    caplog.set_level(logging.DEBUG)
    server.script("/x", Reply(200, {"id": "1"}), Reply(500), Reply(200, {"id": "2"}))
    basic = rt.Auth("basic", username=SECRETS[3], password=SECRETS[2])
    with sync_client(server, auth=[*secret_auth(), basic], max_retries=1) as client:
        client.request("GET", "/x", cast_to=Item, query={"q": "v"})
        client.request("GET", "/x", cast_to=Item)
    assert caplog.records, "httpx logged nothing: the test would prove nothing"
    for record in caplog.records:
        assert_clean(record.getMessage())
    assert any("key=***" in r.getMessage() or "/x" in r.getMessage() for r in caplog.records)


def test_tls_is_verified_by_default() -> None:
    import ssl

    for client in (rt.SyncAPIClient(base_url="https://api.example.com", user_agent=UA),
                   rt.AsyncAPIClient(base_url="https://api.example.com", user_agent=UA)):
        context = client._client._transport._pool._ssl_context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert "verify=False" not in Path(rt.__file__).read_text()
