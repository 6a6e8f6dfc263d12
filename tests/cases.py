"""Small embedded specs, each the shape of one real-spec quirk, for functional tests.

Each case is {file name: text}; the first file is the spec. conftest generates them all once per
session, and one mypy call checks them with every other generated package.
"""

from __future__ import annotations

import hostile

HEAD = "openapi: 3.1.0\ninfo: {title: %s, version: '1.0'}\npaths: {}\ncomponents:\n  schemas:\n"

CASES: dict[str, dict[str, str]] = {
    # Two schemas that refer to each other, each with an inline object of the same name.
    "cycle": {"spec.yaml": HEAD % "cycle" + """
    A:
      type: object
      properties:
        b: {$ref: '#/components/schemas/B'}
        details: {type: object, properties: {a_only: {type: string}}}
    B:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
        details: {type: object, properties: {b_only: {type: integer}}, required: [b_only]}
      required: [details]
"""},
    # Recursive non-object schemas: a JSON value, and an array of itself.
    "recursive_alias": {"spec.yaml": HEAD % "recursive_alias" + """
    JsonValue:
      anyOf:
        - type: string
        - type: number
        - type: array
          items: {$ref: '#/components/schemas/JsonValue'}
        - type: object
          additionalProperties: {$ref: '#/components/schemas/JsonValue'}
        - type: 'null'
    Tree:
      type: array
      items: {$ref: '#/components/schemas/Tree'}
    Holder:
      type: object
      properties:
        value: {$ref: '#/components/schemas/JsonValue'}
        tree: {$ref: '#/components/schemas/Tree'}
"""},
    # Unions whose tag is optional or nullable in a member: not a usable discriminator.
    "weak_tags": {"spec.yaml": HEAD % "weak_tags" + """
    Loose:
      oneOf:
        - {type: object, properties: {type: {type: string, enum: [a]}, x: {type: integer}}}
        - {type: object, properties: {type: {type: string, enum: [b]}, y: {type: string}}, required: [type, y]}
      discriminator: {propertyName: type}
    Nullable:
      oneOf:
        - {type: object, properties: {kind: {type: string, enum: [a, null]}}, required: [kind]}
        - {type: object, properties: {kind: {type: string, enum: [b]}}, required: [kind]}
    Strong:
      oneOf:
        - {type: object, properties: {kind: {type: string, enum: [a]}}, required: [kind]}
        - {type: object, properties: {kind: {const: b}}, required: [kind]}
"""},
    # A nullable object component; allOf that wraps a oneOf; names that differ only in form.
    "shapes": {"spec.yaml": HEAD % "shapes" + """
    MaybePet:
      type: [object, 'null']
      properties: {name: {type: string}}
    Owner:
      type: object
      properties:
        pet: {$ref: '#/components/schemas/MaybePet'}
        shape: {$ref: '#/components/schemas/Shape'}
    Circle: {type: object, properties: {r: {type: number}}, required: [r]}
    Square: {type: object, properties: {side: {type: number}}, required: [side]}
    Shape:
      allOf:
        - oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]
        - description: A shape.
    Row:
      type: object
      properties:
        fooBar: {type: integer}
        foo_bar: {type: string}
    Sized:
      type: object
      properties:
        code: {type: string, maxLength: 5.0, minLength: 1.0}
        flags: {enum: [true, 1, false]}
    Importlib: {type: object, properties: {x: {type: integer}}}
    Fields: {type: object, properties: {fields: {type: object, properties: {n: {type: integer}}}}}
"""},
    # A spec titled like a dependency: the package must not shadow it.
    "shadow": {"spec.yaml": "openapi: 3.0.3\ninfo: {title: Pydantic, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
               "    Thing: {type: object, properties: {n: {type: integer}}}\n"},
    # allOf across files: the base property's relative $ref must still resolve.
    "multifile": {
        "spec.yaml": HEAD % "multifile" + """
    Pet:
      allOf:
        - $ref: 'base/base.yaml#/Base'
        - type: object
          properties:
            tags: {description: The tags of the pet.}
""",
        "base/base.yaml": "Base:\n  type: object\n  properties:\n    tags:\n      type: array\n"
                          "      items: {$ref: 'tag.yaml#/Tag'}\n",
        "base/tag.yaml": "Tag:\n  type: object\n  properties:\n    label: {type: string}\n  required: [label]\n",
    },
    # Strings that try to break Markdown tables and smuggle HTML into the docs.
    "markdown": {"spec.yaml": HEAD % "markdown" + """
    Unit:
      type: object
      description: "``<img src=x onerror=alert(1)>` and <script>alert(1)</script>"
      properties:
        unit: {type: string, pattern: '^(kg|lb)$', description: "a | b\\\\nc"}
        mode: {type: string, enum: ["c\\n| injected | row |", "x|y"]}
        "x|y": {type: string}
"""},
    # A client with a stream flag (JSON or server-sent events), an upload, and a page.
    "client": {"spec.yaml": """
openapi: 3.1.0
info: {title: client, version: '1.0'}
servers: [{url: 'http://localhost:9'}]
security: [{key: []}]
paths:
  /chats:
    post:
      operationId: createChat
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [prompt]
              properties:
                prompt: {type: string}
                stream: {type: boolean}
      responses:
        '200':
          description: A chat, or its events.
          content:
            application/json: {schema: {$ref: '#/components/schemas/Chat'}}
            text/event-stream: {schema: {$ref: '#/components/schemas/ChatEvent'}}
  /files:
    post:
      operationId: uploadFile
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                purpose: {type: string}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/File'}}}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    Chat:
      type: object
      required: [id, text]
      properties: {id: {type: string}, text: {type: string}}
    ChatEvent:
      type: object
      required: [type, delta]
      properties: {type: {const: delta}, delta: {type: string}}
    File:
      type: object
      required: [id, bytes]
      properties: {id: {type: string}, bytes: {type: integer}, purpose: {type: string}}
"""},
    # Spec strings that reach string literals in the client: an API key's header name that
    # tries to close its string and run code.
    "hostile_auth": {"spec.yaml": """
openapi: 3.1.0
info: {title: hostile_auth, version: '1'}
security: [{k: []}]
paths: {}
components:
  securitySchemes:
    k: {type: apiKey, in: header, name: 'X-Key", where="header")); import os; os.environ["SPECLOOM_PWNED"] = ("1'}
"""},
    # Every spec string that reaches output tries to break out of its context (tests/hostile.py).
    "hostile": {"spec.json": hostile.spec_text()},
}
