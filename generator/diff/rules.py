"""The classification rules in one place: when a change breaks SDK users, given which way the
values travel (see `usage`: callers send requests, readers read responses; unreached is both).

- Types: a narrowed type breaks callers (values they send may now be refused); a widened one
  breaks readers (they may get a kind of value their code does not handle, like a new member of a
  union of events); a replaced type breaks both. A type alias swapped for another that stands for
  the same kind of value (`ServiceTier` → `ServiceTierResponses`) is compared by what it stands for.
- Presence: a removed field or parameter always breaks; an added one breaks only when required in
  a request; becoming required breaks callers; becoming optional breaks nobody.
- Nullability follows presence, since an optional field already is `T | None` in the SDK: becoming
  nullable breaks nobody (the entry tells readers they may get None); no longer nullable breaks
  callers who pass None.
- Enums: a removed value breaks callers who send it; readers simply never see it again. An added
  value is not breaking, even in a response: the value is still a `str`, so only code that matches
  every value exhaustively must learn the new one, and the entry says so.
- Constraints: a new, tighter or replaced one breaks callers; readers are not affected.
- Defaults: not breaking (the SDK sends only what callers pass), listed under other changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from .. import ir
from ..diagnostics import Location
from .changes import Change
from .typediff import DIFFERENT, NARROWER, NO_ALIASES, SAME, WIDER, Aliases, ConstraintChange, compare, merge, spell
from .usage import REQUEST, RESPONSE


@dataclass(frozen=True, slots=True)
class Scope:
    """Where changes are found: the subject they are reported under and who holds its values."""

    area: str
    subject: str
    sdk: str
    directions: frozenset[str]
    aliases: tuple[Aliases, Aliases] = (NO_ALIASES, NO_ALIASES)
    """The type aliases of the old and the new API, to compare an alias with what replaced it."""

    def change(self, kind: str, breaking: bool, location: Location, **parts: str | None) -> Change:
        return Change(kind=kind, breaking=breaking, area=self.area, subject=self.subject, sdk=self.sdk,
                      location=location, **parts)  # type: ignore[arg-type]

    def holding(self, directions: frozenset[str]) -> Scope:
        return replace(self, directions=directions)

    def holders(self) -> str:
        return " and ".join(f"{d}s" for d in sorted(self.directions))


def type_breaks(relation: str, directions: frozenset[str]) -> bool:
    if relation == DIFFERENT:
        return True
    return (relation == NARROWER and REQUEST in directions) or (relation == WIDER and RESPONSE in directions)


def _type_why(relation: str, breaking: bool, scope: Scope) -> str:
    if relation == DIFFERENT:
        return "neither a widening nor a narrowing: values that were valid may not be, in either direction"
    if breaking:
        who = "callers may send values now refused" if relation == NARROWER else "readers may get values they do not expect"
        return f"in {scope.holders()}: {who}"
    return f"only in {scope.holders()}, where a {relation} type breaks nobody"


def type_changes(scope: Scope, place: str, member: str, old: ir.TypeRef, new: ir.TypeRef,
                 location: Location) -> list[Change]:
    delta = compare(old, new, *scope.aliases)
    if not delta:
        return []
    spelled = {"place": place, "member": member, "old": spell(old), "new": spell(new)}
    out = []
    if (delta.added or delta.removed) and not delta.kept:
        # Nothing in common (`str` → `Error`, `int` → `float`): one change, shown whole.
        out.append(_typed(scope, "type-changed", merge(WIDER if delta.added else SAME,
                                                       NARROWER if delta.removed else SAME), location, **spelled))
    else:
        if delta.added:
            out.append(_typed(scope, "type-members-added", WIDER, location, place=place, member=member,
                              new=spell(ir.UnionOf(delta.added))))
        if delta.removed:
            out.append(_typed(scope, "type-members-removed", NARROWER, location, place=place, member=member,
                              old=spell(ir.UnionOf(delta.removed))))
    if delta.inner != SAME:
        out.append(_typed(scope, "type-changed", delta.inner, location, **spelled))
    if delta.renamed and not out:
        out.append(scope.change("type-changed", False, location, note="renamed", **spelled,
                                why="another name for values of the same kind; value changes are listed apart"))
    if delta.nullable:
        out.append(_nullable(scope, delta.nullable, location, spelled))
    out += _enum_changes(scope, place, member, delta.enum_added, delta.enum_removed, location)
    return out + _constraint_changes(scope, place, member, delta.constraints, location)


def _nullable(scope: Scope, change: str, location: Location, spelled: dict[str, str]) -> Change:
    """Nullable is what an optional field already is in the SDK (`T | None`), so the same rule holds:
    becoming nullable breaks nobody, and no longer nullable breaks callers who pass None."""
    sent, read = REQUEST in scope.directions, RESPONSE in scope.directions
    if change == "removed":
        why = "callers who pass None will be refused" if sent else "readers can rely on a value"
        return scope.change("nullable-removed", sent, location, **spelled, why=why)
    why = "; ".join(w for w in ("callers may pass None" if sent else "",
                                "readers may now get None, as from an optional field" if read else "") if w)
    return scope.change("nullable-added", False, location, **spelled, why=why)


def _typed(scope: Scope, kind: str, relation: str, location: Location, **parts: str) -> Change:
    breaking = type_breaks(relation, scope.directions)
    return scope.change(kind, breaking, location, note=relation, why=_type_why(relation, breaking, scope), **parts)


def _constraint_changes(scope: Scope, place: str, member: str, changes: tuple[ConstraintChange, ...],
                        location: Location) -> list[Change]:
    out = []
    for c in changes:
        breaking = REQUEST in scope.directions and c.relation in (NARROWER, DIFFERENT)
        why = ("callers may send values now refused" if breaking else "constraints only limit what callers send"
               if REQUEST not in scope.directions else f"a {c.relation} constraint refuses nothing sent before")
        out.append(scope.change("constraint-changed", breaking, location, place=place, member=member, note=c.name,
                                old=_bound(c.old), new=_bound(c.new), why=why))
    return out


def _enum_changes(scope: Scope, place: str, member: str, added: tuple[object, ...], removed: tuple[object, ...],
                  location: Location) -> list[Change]:
    out = []
    for value in added:
        why = ("code that handles every value of it should handle this one too"
               if RESPONSE in scope.directions else "callers may send it; nothing they sent is refused")
        out.append(scope.change("enum-value-added", False, location, place=place, member=member, new=_json(value), why=why))
    for value in removed:
        breaking = REQUEST in scope.directions
        why = "callers who send it will be refused" if breaking else "readers no longer get it; nothing breaks"
        out.append(scope.change("enum-value-removed", breaking, location, place=place, member=member, old=_json(value),
                                why=why))
    return out


def default_change(scope: Scope, place: str, member: str, old: tuple[bool, ir.JsonValue], new: tuple[bool, ir.JsonValue],
                   location: Location) -> list[Change]:
    """A changed default is not breaking for the SDK (it sends only what callers pass), but calls
    that leave the value out now behave differently: it is listed under other changes."""
    if old == new:
        return []
    return [scope.change("default-changed", False, location, place=place, member=member,
                         old=_json(old[1]) if old[0] else "none", new=_json(new[1]) if new[0] else "none",
                         why="calls that leave it out now get the server's new default")]


def _bound(value: object) -> str:
    return "none" if value is None else _json(value)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def presence_changes(scope: Scope, place: str, member: str, old: ir.Field | ir.Parameter | None,
                     new: ir.Field | ir.Parameter | None, location: Location) -> list[Change]:
    """A field or parameter added, removed, or made required or optional.

    Removing one always breaks: callers who pass it and readers who read it. Adding a required one
    breaks callers who build the value. Making one optional breaks no caller; in a response readers
    may now find it unset, which the entry says without counting it as breaking (see the module).
    """
    sent = REQUEST in scope.directions
    if old is None and new is not None:
        breaking = new.required and sent and not getattr(new, "read_only", False)
        why = "callers must now pass it" if breaking else "callers need not pass it" if sent else "readers get one more value"
        return [scope.change(f"{_noun(place)}-added", breaking, location, place=place, member=member, new=spell(new.type),
                             note="required" if new.required else "optional", why=why)]
    if new is None and old is not None:
        return [scope.change(f"{_noun(place)}-removed", True, location, place=place, member=member, old=spell(old.type),
                             why="code that passes or reads it breaks")]
    if old is None or new is None or old.required == new.required:
        return []
    if new.required:
        return [scope.change("now-required", sent, location, place=place, member=member,
                             why="callers must now pass it" if sent else "readers can rely on it being set")]
    why = "callers may leave it out" + ("; readers may now find it unset" if RESPONSE in scope.directions else "")
    return [scope.change("now-optional", False, location, place=place, member=member, why=why)]


def _noun(place: str) -> str:
    return "field" if place == "field" else "parameter"
