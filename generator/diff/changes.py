"""The diff stage's values: one `Change` per difference an SDK user can notice, and the `Changelog`."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Location

# What each kind says, with `{place}`, `{member}`, `{old}`, `{new}` and `{note}` filled in by the
# renderer (spec text is escaped there, never here), and the section it goes to when not breaking.
ADDITION, OTHER = "addition", "other"
KINDS: dict[str, tuple[str, str]] = {
    "operation-added": (ADDITION, "operation added"),
    "operation-removed": (OTHER, "operation removed"),
    "operation-renamed": (OTHER, "renamed ({note}): {old} → {new}"),
    "operation-deprecated": (OTHER, "deprecated"),
    "return-changed": (OTHER, "the SDK method now returns {new} (was {old})"),
    "parameter-added": (ADDITION, "{note} {place} {member} added"),
    "parameter-removed": (OTHER, "{place} {member} removed"),
    "parameter-renamed": (OTHER, "{place} {member}: SDK argument renamed from {old} to {new}"),
    "body-added": (ADDITION, "{note} request body added: {new}"),
    "body-removed": (OTHER, "request body removed (was {old})"),
    "media-type-changed": (OTHER, "{place} {member} media type changed from {old} to {new}"),
    "response-added": (ADDITION, "response {member} added"),
    "response-removed": (OTHER, "response {member} removed"),
    "response-body-added": (ADDITION, "response {member} now has a body: {new}"),
    "response-body-removed": (OTHER, "response {member} no longer has a body (was {old})"),
    "model-added": (ADDITION, "model {member} added"),
    "model-removed": (OTHER, "model {member} removed"),
    "model-renamed": (OTHER, "class renamed from {old} to {new}"),
    "model-kind-changed": (OTHER, "model {member} changed from {old} to {new}"),
    "field-added": (ADDITION, "{note} field {member} added"),
    "field-removed": (OTHER, "field {member} removed"),
    "field-renamed": (OTHER, "field {member}: attribute renamed from {old} to {new}"),
    "now-required": (OTHER, "{place} {member} is now required"),
    "now-optional": (OTHER, "{place} {member} is no longer required"),
    "deprecated": (OTHER, "{place} {member} deprecated"),
    "type-changed": (OTHER, "{place} {member} type {note}: {old} → {new}"),
    "type-members-added": (OTHER, "{place} {member} type {note}: now also {new}"),
    "type-members-removed": (OTHER, "{place} {member} type {note}: no longer {old}"),
    "nullable-added": (OTHER, "{place} {member} is now nullable"),
    "nullable-removed": (OTHER, "{place} {member} is no longer nullable"),
    "enum-value-added": (ADDITION, "{place} {member} accepts the new value {new}"),
    "enum-value-removed": (OTHER, "{place} {member} no longer allows the value {old}"),
    "constraint-changed": (OTHER, "{place} {member} constraint {note}: {old} → {new}"),
    "default-changed": (OTHER, "{place} {member} default changed: {old} → {new}"),
}
AREAS = ("operation", "model")


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One difference. `subject` is what it is about as the spec names it (`POST /projects`, or a
    component schema's key); `sdk` is what the user types (`client.projects.create`, a class)."""

    kind: str
    breaking: bool
    area: str
    """`operation` or `model`."""
    subject: str
    sdk: str
    place: str = ""
    """Our word for what `member` is: `field`, `query parameter`, `response`, `request body`, …"""
    member: str = ""
    """The changed part, by its SDK name: a field, a parameter, a status, an inline class."""
    old: str | None = None
    new: str | None = None
    note: str = ""
    """Our qualifier (`required`, `widened`, `max_length`): never spec text."""
    why: str = ""
    """Why it is, or is not, breaking."""
    location: Location

    @property
    def section(self) -> str:
        return "breaking" if self.breaking else KINDS[self.kind][0]

    def detail(self, code: object = "`{}`".format, text: object = str) -> str:
        """The kind's sentence with the parts filled in; `code` wraps spec names (escaping them)."""
        assert callable(code) and callable(text)
        parts = {"member": code(self.member) if self.member else "", "old": code(self.old or ""),
                 "new": code(self.new or ""), "place": text(self.place), "note": text(self.note)}
        sentence = KINDS[self.kind][1].format(**parts)
        return " ".join(sentence.split())  # an empty place or member leaves no double space

    def sort_key(self) -> tuple[object, ...]:
        method, _, path = self.subject.partition(" ") if self.area == "operation" else ("", "", self.subject)
        return (not self.breaking, AREAS.index(self.area), path or self.subject, method, self.place, self.member,
                self.kind, self.old or "", self.new or "", self.location.file, self.location.pointer)


@dataclass(frozen=True, slots=True)
class Side:
    """One of the two spec versions compared."""

    spec_name: str
    title: str
    version: str


@dataclass(frozen=True, slots=True)
class Changelog:
    old: Side
    new: Side
    changes: tuple[Change, ...]
    """Sorted: breaking first, then operations before models, then by subject and member."""

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    def section(self, name: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.section == name)

    @property
    def bump(self) -> str:
        """Semantic versioning for the SDK: `major`, `minor`, `patch`, or `none` with no change."""
        if self.breaking:
            return "major"
        if self.section(ADDITION):
            return "minor"
        return "patch" if self.changes else "none"
