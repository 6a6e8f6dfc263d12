"""Renames from the config: which schema, property or operation each names, and the clashes they make.

A rename is a name the user chose, so it is applied where that kind of name is decided (the
allocator of its scope) and never gets a suffix: a rename that names nothing in the spec, or
that clashes with another name, is an error pointing at the config entry, not at the spec.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .diagnostics import Diagnostic, Location, Severity
from .names import NameAllocator, field_name


@dataclass(frozen=True, slots=True)
class Rename:
    target: str
    """What the config renames: a schema key, `SchemaKey.json_property`, or an operationId."""
    new: str
    location: Location
    """The config entry, for errors."""


@dataclass(frozen=True, slots=True)
class Renames:
    models: tuple[Rename, ...] = ()
    fields: tuple[Rename, ...] = ()
    methods: tuple[Rename, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.models or self.fields or self.methods)


NO_RENAMES = Renames()


def rename_error(code: str, message: str, rename: Rename) -> Diagnostic:
    return Diagnostic(Severity.ERROR, code, message, rename.location)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """` (did you mean 'Batch'?)` for the known name nearest `name`, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown(kind: str, rename: Rename, known: Iterable[str], name: str | None = None) -> Diagnostic:
    """`no schema 'Batchh' in the spec (did you mean 'Batch'?)`: a typo must not pass silently."""
    name = rename.target if name is None else name
    return rename_error("rename-unknown", f"cannot rename {rename.target!r}: no {kind} {name!r}{did_you_mean(name, known)}",
                        rename)


def by_target(renames: Iterable[Rename], known: Iterable[str], kind: str) -> tuple[dict[str, Rename], list[Diagnostic]]:
    """Renames keyed by what they rename, and an error for each that names nothing."""
    known = list(known)
    present = set(known)
    out = {r.target: r for r in renames if r.target in present}
    return out, [unknown(kind, r, known) for r in renames if r.target not in present]


def split_fields(renames: Iterable[Rename], keys: Iterable[str]) -> tuple[dict[str, dict[str, Rename]], list[Diagnostic]]:
    """`SchemaKey.json_property` → {schema key: {property: rename}}.

    Schema keys and properties may both hold dots (`io.k8s.api.core.v1.Pod`); the longest schema
    key the target starts with (followed by a dot) is the schema, the rest is the property.
    """
    keys = list(keys)
    out: dict[str, dict[str, Rename]] = {}
    errors = []
    for r in renames:
        key = max((k for k in keys if r.target.startswith(k + ".") and len(r.target) > len(k) + 1), key=len, default=None)
        if key is None:
            errors.append(unknown("schema", r, keys, r.target.rsplit(".", 1)[0]))
            continue
        out.setdefault(key, {})[r.target[len(key) + 1:]] = r
    return out, errors


def attribute_names(props: list[str], renames: Mapping[str, Rename]) -> tuple[dict[str, str], list[Diagnostic]]:
    """Python attribute names for an object's JSON properties, renamed ones as the config says.

    Models accept Python names as input too, so an attribute must never equal another
    property's JSON name: properties whose JSON name is already a valid attribute keep it
    (first, in spec order); the other JSON names are reserved, and those properties get names
    no JSON name uses. A rename may take neither another property's JSON name nor its attribute.
    """
    keeps = [p for p in props if p not in renames and field_name(p) == p]
    reserved = [p for p in props if p not in keeps and (p not in renames or renames[p].new != p)]
    attrs = NameAllocator(reserved, case_sensitive=True)
    wanted = [(p, p) for p in keeps] + [(p, field_name(p)) for p in props if p not in keeps]
    names, clashes = attrs.allocate_all(wanted, {p: r.new for p, r in renames.items() if p in props})
    errors = []
    for prop, other in clashes.items():
        r = renames[prop]
        whose = f"the attribute of property {other!r}" if other is not None else f"the JSON name of property {r.new!r}"
        errors.append(rename_error("rename-collision", f"cannot rename {r.target!r} to {r.new!r}: that is {whose}", r))
    errors += [unknown(f"property in {r.target[:-len(p) - 1]!r} named", r, props, p) for p, r in renames.items() if p not in props]
    return {p: names[p] for p in props}, errors
