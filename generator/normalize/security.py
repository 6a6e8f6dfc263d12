"""Security schemes the client can apply: bearer and basic HTTP auth, API keys anywhere."""

from __future__ import annotations

from typing import Any

from .. import ir


def security_schemes(root: dict[str, Any]) -> tuple[ir.SecurityScheme, ...]:
    """The usable schemes, in spec order. OAuth2 and OpenID Connect send a bearer token once
    the user has one, so they are bearer here; mutual TLS needs no header and is skipped."""
    schemes = ((root.get("components") or {}).get("securitySchemes") or {}) if isinstance(root.get("components"), dict) else {}
    out = []
    for name, scheme in schemes.items() if isinstance(schemes, dict) else ():
        if not isinstance(scheme, dict):
            continue
        kind, http = scheme.get("type"), str(scheme.get("scheme", "")).lower()
        if kind == "http" and http == "basic":
            out.append(ir.SecurityScheme(name, "basic", None, "header"))
        elif (kind == "http" and http == "bearer") or kind in ("oauth2", "openIdConnect"):
            out.append(ir.SecurityScheme(name, "bearer", None, "header"))
        elif kind == "apiKey" and isinstance(scheme.get("name"), str) and scheme.get("in") in ("header", "query", "cookie"):
            out.append(ir.SecurityScheme(name, "api_key", scheme["name"], scheme["in"]))
    return tuple(out)
