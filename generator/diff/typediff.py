"""How one `TypeRef` became another: widened, narrowed or changed, plus nullability, enum values and
constraints, each kept apart because each is classified by its own rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from .. import ir
from ..pytypes import Imports, annotation

SAME, WIDER, NARROWER, DIFFERENT = "same", "widened", "narrowed", "changed"
Scalar = str | int | float | bool

# Bounds whose larger value lets more through, and those whose smaller value does.
_UPPER = frozenset({"max_length", "le", "lt"})
_LOWER = frozenset({"min_length", "ge", "gt"})


@dataclass(frozen=True, slots=True)
class ConstraintChange:
    name: str
    """The pydantic name (`max_length`, `ge`, `pattern`), prefixed `items ` inside an array."""
    old: ir.JsonValue
    new: ir.JsonValue
    relation: str


@dataclass(frozen=True, slots=True)
class TypeDelta:
    added: tuple[ir.TypeRef, ...] = ()
    """Members the new type has that the old one did not accept (`str | int` gained `int`)."""
    removed: tuple[ir.TypeRef, ...] = ()
    """Members the old type had that the new one does not accept."""
    kept: int = 0
    """How many members are on both sides: with none, the type was replaced rather than edited."""
    inner: str = SAME
    """How members of the same shape on both sides changed inside (`list[A]` → `list[A | B]`)."""
    nullable: str | None = None
    """`added` or `removed`, at the top level (nested nullability counts in `inner`)."""
    enum_added: tuple[Scalar, ...] = ()
    enum_removed: tuple[Scalar, ...] = ()
    constraints: tuple[ConstraintChange, ...] = ()
    renamed: bool = False
    """A type alias replaced by another name (`ServiceTier` → `ServiceTierResponses`)."""

    @property
    def relation(self) -> str:
        """Of the values other than null and enum members, all parts together."""
        return merge(merge(WIDER if self.added else SAME, NARROWER if self.removed else SAME), self.inner)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.inner != SAME or self.nullable or self.enum_added
                    or self.enum_removed or self.constraints or self.renamed)


def merge(a: str, b: str) -> str:
    """Two relations of parts of one type: one direction stays it, opposite ones are a change."""
    if a == SAME or a == b:
        return b
    return a if b == SAME else DIFFERENT


@dataclass(frozen=True, slots=True)
class _Parts:
    null: bool
    literals: tuple[Scalar, ...]
    others: tuple[ir.TypeRef, ...]


Aliases = Mapping[tuple[str, str], ir.TypeRef]
"""(module, name) → the type a type alias stands for."""
NO_ALIASES: Aliases = {}


def _split(t: ir.TypeRef, aliases: Aliases, keep: set[str]) -> tuple[_Parts, bool]:
    """A type's union members, flattened; aliases not named in `keep` are expanded (with whether any was)."""
    members, flat, expanded = [t], [], False
    while members:
        m = members.pop(0)
        if isinstance(m, ir.ModelRef) and m.name not in keep and (m.module, m.name) in aliases:
            members.insert(0, aliases[(m.module, m.name)])
            keep = keep | {m.name}  # a recursive alias expands once
            expanded = True
        elif isinstance(m, ir.UnionOf):
            members[:0] = m.members  # nested unions flatten in place, keeping order
        else:
            flat.append(m)
    literals = tuple(v for m in flat if isinstance(m, ir.LiteralOf) for v in m.values)
    others = tuple(m for m in flat if not isinstance(m, (ir.NullType, ir.LiteralOf)))
    return _Parts(any(isinstance(m, ir.NullType) for m in flat), literals, others), expanded


def _null_inside(t: ir.TypeRef, aliases: Aliases) -> bool:
    """Whether `t` allows null through the aliases it names, however deep."""
    stack, seen = [t], set()
    while stack:
        m = stack.pop()
        if isinstance(m, ir.NullType):
            return True
        if isinstance(m, ir.UnionOf):
            stack.extend(m.members)
        elif isinstance(m, ir.ModelRef) and (m.module, m.name) in aliases and m.name not in seen:
            seen.add(m.name)
            stack.append(aliases[(m.module, m.name)])
    return False


def _names(t: ir.TypeRef) -> set[str]:
    if isinstance(t, ir.UnionOf):
        return {n for m in t.members for n in _names(m)}
    return {t.name} if isinstance(t, ir.ModelRef) else set()


def compare(old: ir.TypeRef, new: ir.TypeRef, old_aliases: Aliases = NO_ALIASES,
            new_aliases: Aliases = NO_ALIASES) -> TypeDelta:
    """How `old` became `new`. An alias named on one side only is compared by what it stands for,
    so `ServiceTier` → `ServiceTierResponses` shows the enum values gained, not an unrelated type;
    an alias named on both sides is left alone (its own changes are listed under it, once)."""
    shared = _names(old) & _names(new)
    (o, renamed_old), (n, renamed_new) = _split(old, old_aliases, shared), _split(new, new_aliases, shared)
    delta = _members(o.others, n.others, old_aliases, new_aliases)
    # `True == 1` in Python: enum values are compared with their JSON type.
    old_values = {(type(v), v) for v in o.literals}
    new_values = {(type(v), v) for v in n.literals}
    added = tuple(v for v in n.literals if (type(v), v) not in old_values and not _covers(o.others, v))
    removed = tuple(v for v in o.literals if (type(v), v) not in new_values and not _covers(n.others, v))
    # Null hidden in an alias counts (`X | None` → `X`, where `X` became an alias of `… | None`).
    old_null, new_null = o.null or _null_inside(old, old_aliases), n.null or _null_inside(new, new_aliases)
    nullable = None if old_null == new_null else ("added" if new_null else "removed")
    return replace(delta, nullable=nullable, enum_added=delta.enum_added + added,
                   enum_removed=delta.enum_removed + removed, renamed=renamed_old or renamed_new)


def _key(t: ir.TypeRef, paired: set[str] | frozenset[str] = frozenset({"array", "map"})) -> tuple[str, ...]:
    """What pairs a member with its counterpart: its kind, class name, or container shape."""
    match t:
        case ir.Primitive(kind=kind):
            return ("primitive", kind)
        case ir.ModelRef(name=name):
            return ("model", name)
        case ir.ArrayOf(item=item):
            return ("array",) if "array" in paired else ("array", spell(item))
        case ir.MapOf(value=value):
            return ("map",) if "map" in paired else ("map", spell(value))
    return ("any",)


def _subsumed(key: tuple[str, ...], keys: set[tuple[str, ...]]) -> bool:
    """Whether a member of this shape is accepted by one of `keys` (Any takes all, float takes int)."""
    return key in keys or ("any",) in keys or (key == ("primitive", "int") and ("primitive", "float") in keys)


def _covers(others: tuple[ir.TypeRef, ...], value: Scalar) -> bool:
    """An enum value dropped in favour of its plain type (`Literal["a"]` → `str`) is still allowed."""
    kind = {str: "str", bool: "bool", int: "int", float: "float"}[type(value)]
    return _subsumed(("primitive", kind), {_key(m) for m in others})


def _members(old: tuple[ir.TypeRef, ...], new: tuple[ir.TypeRef, ...], old_aliases: Aliases,
             new_aliases: Aliases) -> TypeDelta:
    # One array (or map) on each side is the same member, changed inside; with several
    # (`str | list[str] | list[int]`), only identical ones pair up.
    paired = {shape for shape in ("array", "map") if [_key(m)[0] for m in old].count(shape) == 1
              == [_key(m)[0] for m in new].count(shape)}
    before = {_key(m, paired): m for m in old}
    after = {_key(m, paired): m for m in new}
    delta = TypeDelta(added=tuple(m for k, m in after.items() if not _subsumed(k, set(before))),
                      removed=tuple(m for k, m in before.items() if not _subsumed(k, set(after))),
                      kept=len(before.keys() & after.keys()))
    for key in sorted(before.keys() & after.keys()):
        delta = _combine(delta, _same_shape(before[key], after[key], old_aliases, new_aliases))
    return delta


def _combine(a: TypeDelta, b: TypeDelta) -> TypeDelta:
    # Nullability below the top (`list[str | None]`) is one more widening or narrowing inside.
    nested = {None: SAME, "added": WIDER, "removed": NARROWER}[b.nullable]
    return TypeDelta(a.added, a.removed, a.kept, merge(merge(a.inner, b.relation), nested), a.nullable,
                     a.enum_added + b.enum_added, a.enum_removed + b.enum_removed, a.constraints + b.constraints,
                     a.renamed or b.renamed)


def _same_shape(old: ir.TypeRef, new: ir.TypeRef, old_aliases: Aliases, new_aliases: Aliases) -> TypeDelta:
    """Two members of the same shape: arrays and maps compare what they hold."""
    match old, new:
        case ir.Primitive(), ir.Primitive():
            return TypeDelta(constraints=constraint_changes(old.constraints, new.constraints))
        case ir.ArrayOf(), ir.ArrayOf():
            inner = compare(old.item, new.item, old_aliases, new_aliases)
            inner = replace(inner, constraints=tuple(replace(c, name=f"items {c.name}") for c in inner.constraints))
            return _combine(TypeDelta(constraints=constraint_changes(old.constraints, new.constraints)), inner)
        case ir.MapOf(), ir.MapOf():
            inner = compare(old.value, new.value, old_aliases, new_aliases)
            return _combine(TypeDelta(constraints=constraint_changes(old.constraints, new.constraints)), inner)
    return TypeDelta()  # the same class by name, or Any: what changed inside a class is its own entry


def constraint_changes(old: ir.Constraints, new: ir.Constraints) -> tuple[ConstraintChange, ...]:
    before, after = dict(old.items), dict(new.items)
    out = []
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        if a is None or b is None:
            relation = NARROWER if a is None else WIDER  # a new constraint only ever restricts
        elif name in _UPPER | _LOWER and isinstance(a, (int, float)) and isinstance(b, (int, float)):
            relation = NARROWER if (b < a) == (name in _UPPER) else WIDER
        else:
            relation = DIFFERENT  # a new pattern or multiple_of: neither a superset nor a subset
        out.append(ConstraintChange(name, a, b, relation))
    return tuple(out)


def spell(t: ir.TypeRef) -> str:
    """The type as the SDK annotates it, without constraints or discriminators (reported apart)."""
    return annotation(_plain(t), "", Imports())


def _plain(t: ir.TypeRef) -> ir.TypeRef:
    match t:
        case ir.Primitive():
            return replace(t, constraints=ir.NO_CONSTRAINTS)
        case ir.ArrayOf(item=item):
            return ir.ArrayOf(_plain(item))
        case ir.MapOf(value=value, key=key):
            return ir.MapOf(_plain(value), key)
        case ir.UnionOf(members=members):
            return ir.UnionOf(tuple(_plain(m) for m in members))
    return t
