"""A hostile spec: every string that reaches generated code or docs tries to break out of its
context (string literals, docstrings, comments, Markdown tables, HTML, Jinja, file paths), and
names shadow keywords and builtins or collide once cased.

Any code that escapes would create `CANARY` in the working directory when the package is
imported; the tests import it in an empty folder and look for that file.
"""

from __future__ import annotations

import json

CANARY = "SPECLOOM_CANARY"
_RUN = f'import os; open("{CANARY}", "w").close()'

CLOSE_DOC = f'"""\n{_RUN}\n"""'
CLOSE_STR = f'"); {_RUN}; ("'
CLOSE_SINGLE = f"'); {_RUN}; ('"
NEWLINES = f"x\n{_RUN}\r\n# \u2028{_RUN}"
JINJA = "{{ 7*7 }} {% if true %}jinja{% endif %} {# comment #} {{ ''.__class__ }}"
HTML = '<script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:alert(1)">a</a>'
MARKDOWN = "| a | b |\n\n```\n``` code | pipe\n```\n[x](javascript:alert(1)) [y](<javascript:alert(1)>) --> <!--"
ODD = "back\\slash \\ ends with a backslash\\"
CONTROL = "nul\u0000 bell\u0007 del\u007f lone\ud800surrogate"
ALL = [CLOSE_DOC, CLOSE_STR, CLOSE_SINGLE, NEWLINES, JINJA, HTML, MARKDOWN, ODD, CONTROL]
TEXT = "\n\n".join(ALL)

ENUM_VALUES = ['a"b', "c'd", '"""', "back\\slash", "{{ 7*7 }}", "<script>alert(1)</script>", "new\nline",
               CLOSE_STR, CLOSE_DOC, "", " ", "|", "`"]
DEFAULT = 'x"""y\'z\\'


def _thing() -> dict[str, object]:
    props: dict[str, object] = {
        "kind": {"type": "string", "enum": ENUM_VALUES, "description": CLOSE_STR},
        "default_str": {"type": "string", "default": DEFAULT, "description": CLOSE_DOC},
        "example_str": {"type": "string", "example": CLOSE_DOC, "description": HTML},
        "const_field": {"const": CLOSE_STR},
        '"""': {"type": "string", "description": "a property named by a triple quote"},
        "a b-c": {"type": "string"},
        "1st": {"type": "integer"},
        "{{ name }}": {"type": "object", "properties": {"inner": {"type": "string", "description": JINJA}}},
        "../../escape": {"type": "object", "properties": {"x": {"type": "string"}}},
    }
    for builtin in ("self", "def", "import", "class", "None", "True", "str", "int", "list", "print", "type", "object",
                    "model_config", "model_dump", "__init__", "__class__", "Field", "BaseModel", "Any", "Literal"):
        props[builtin] = {"type": "string", "description": f"shadows {builtin}"}
    return {"title": CLOSE_DOC, "description": TEXT, "type": "object", "properties": props, "required": ["kind"],
            "example": {"kind": 'a"b', "example_str": CLOSE_STR}}


def spec() -> dict[str, object]:
    schemas: dict[str, object] = {
        "Thing": _thing(),
        "../../../etc/passwd": {"type": "object", "description": "a schema name that walks up", "properties": {"x": {"type": "string"}}},
        "/abs/path": {"type": "string", "description": CLOSE_SINGLE},
        "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
        "pet": {"type": "object", "properties": {"tag": {"type": "string"}}},
        "PET": {"type": "string", "enum": ["x", "y"]},
        "class": {"type": "string", "enum": ENUM_VALUES},
        "BaseModel": {"type": "object", "properties": {"Field": {"type": "string"}}},
        "CON": {"type": "object", "description": "a reserved file name on Windows", "properties": {"a": {"type": "string"}}},
        CLOSE_STR: {"type": "object", "properties": {"v": {"type": "string"}}},
        JINJA: {"type": "string", "description": JINJA},
        "Html<script>": {"type": "object", "description": HTML, "properties": {"h": {"type": "string"}}},
    }
    params = [
        {"name": "item id", "in": "path", "required": True, "schema": {"type": "string"}, "description": CLOSE_DOC},
        {"name": f'X-Head"); {_RUN}#', "in": "header", "schema": {"type": "string", "default": CLOSE_STR}, "description": HTML},
        {"name": "class", "in": "query", "schema": {"$ref": "#/components/schemas/class"}, "description": MARKDOWN},
        {"name": "list", "in": "query", "schema": {"type": "integer", "default": 3}},
        {"name": "self", "in": "query", "schema": {"type": "string", "example": CLOSE_SINGLE}},
        {"name": CLOSE_STR, "in": "cookie", "schema": {"type": "string"}},
    ]
    ok = {"description": CLOSE_DOC, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"},
                                                                       "example": {"kind": "c'd"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "hostile " + CLOSE_DOC + JINJA, "version": CLOSE_STR, "description": TEXT},
        "servers": [{"url": f'https://example.com/api"); {_RUN}; ("'}],
        "security": [{"key": []}],
        "paths": {
            "/items/{item id}": {
                "get": {"operationId": '../../evil"op', "summary": CLOSE_DOC, "description": TEXT, "tags": [CLOSE_STR],
                        "parameters": params, "responses": {"200": ok, "default": {"description": HTML}}},
                "post": {"operationId": "class", "summary": JINJA, "parameters": params[:1],
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                         "responses": {"201": ok}},
            },
            "/{{ 7*7 }}/print": {
                "delete": {"operationId": "print", "description": CLOSE_SINGLE, "responses": {"204": {"description": "gone"}}},
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": f'X-Key"); {_RUN}; ("', "description": HTML}},
        },
    }


def spec_text() -> str:
    """As JSON (valid YAML too): every escape of the strings above is spelled by `json`, not by hand."""
    return json.dumps(spec(), indent=1)
