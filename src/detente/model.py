"""The document model: what flows through the pipeline and what `detente.document.v1` serialises.

Every offset is a character offset into `Document.body`.  Pipeline stages enrich a `Document` in place and
return it; `Document.to_dict()` gives the public record described in shared OUTPUT.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

SCHEMA = "detente.document.v1"


@dataclass
class Entity:
    """An actor or recipient as PLOVER codes it, with the span that named it."""

    code: str | None = None
    sector: list[str] = field(default_factory=list)
    entity_text: str = ""
    identifier_text: str | None = None
    office: str | None = None
    org: str | None = None
    start: int | None = None
    end: int | None = None
    # Why the coder chose this code (knowledge-base entry or rule); shown by `detente actor` and `explain`.
    rule: str | None = None

    def label(self) -> str:
        """Short "CODE SECTOR" form used in terminal output and evaluation ("RUS GOV", "UNO")."""
        if not self.code:
            return "-"
        return " ".join([self.code, *self.sector[:1]])


@dataclass
class Place:
    """A toponym in the body resolved to a gazetteer place."""

    text: str
    start: int
    end: int
    name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    feature: str | None = None


@dataclass
class Timex:
    """A temporal expression with its TIMEX3 value anchored on the publication date or another timex."""

    text: str
    start: int
    end: int
    type: str = "DATE"
    value: str | None = None
    mod: str | None = None
    anchor: str | None = "published"
    id: str | None = None
    deadline: bool = False
    # Resolution steps shown by `detente explain`; not part of the public record.
    steps: list[str] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        """The OUTPUT.md form of this timex."""
        return {
            "id": self.id, "text": self.text, "start": self.start, "end": self.end, "type": self.type,
            "value": self.value, "mod": self.mod, "anchor": self.anchor, "deadline": self.deadline,
        }


@dataclass
class Sentence:
    """A sentence of the body; `tokens` is the spaCy span when the sentence was parsed."""

    start: int
    end: int
    paragraph: int
    text: str
    candidate: bool = True
    span: Any = None  # spacy.tokens.Span, absent for sentences the cheap pass skipped


@dataclass
class Event:
    """One coded event, PLOVER field names plus detente's additions (OUTPUT.md, "Events")."""

    id: str
    event: list[str]
    actor: list[Entity] = field(default_factory=list)
    recipient: list[Entity] = field(default_factory=list)
    date: str | None = None
    date_precision: str = "unknown"
    mode: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    event_loc: Place | None = None
    event_text: str = ""
    quad_code: int | None = None
    event_scale: float | None = None
    text_info: dict[str, Any] = field(default_factory=dict)
    status: str = "occurred"
    cameo: str | None = None
    confidence: float = 0.5
    sources: int = 1
    # Which lexicon entry or rule produced the event; shown by `detente explain`.
    rule: str | None = None


@dataclass
class Quote:
    speaker: Entity | None
    text: str
    kind: str
    cue: str | None
    start: int
    end: int


@dataclass
class Stance:
    holder: Entity
    issue: str
    issue_key: str
    polarity: str
    date: str | None
    evidence: dict[str, int]


@dataclass
class Commitment:
    what: str
    by: list[Entity]
    due: str | None
    precision: str | None
    firmness: str
    event_id: str | None
    evidence: dict[str, int]
    status: str = "pending"
    # PLOVER categories of the promised action (its event's, or CONSULT for a meeting); tracking matches on them.
    category: list[str] = field(default_factory=list)
    # When it was promised (its event's date, else publication); a deadline counts as kept from then on.
    announced: str | None = None
    # Whether `due` is a deadline ("by December 18", "within two years") rather than the day of an appointment
    # ("on Friday, December 18"): tracking counts a deadline as met by the act at any time from the announcement.
    deadline: bool = False
    # Where the promised action is to happen (the planned event's place).
    place: Place | None = None
    # Set by tracking: id of the occurred event that kept it.
    kept_by: str | None = None


@dataclass
class Rejection:
    """Why a document could not be read; `code` is one of detente.errors' stable codes."""

    code: str
    message: str


@dataclass
class Document:
    """A news document and everything the pipeline found in it."""

    body: str
    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    published_source: str = "unknown"
    language: str = "en"
    source: str | None = None  # where it was read from: a path, "path:line", a URL or "-"
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    rejected: Rejection | None = None
    # Id of the stored document this one is a wire copy or light rewrite of; such copies are not coded again.
    near_duplicate_of: str | None = None
    # Free-form notes stages leave for `explain` and for later stages (e.g. the document's focus country).
    notes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.id is None and self.body:
            self.id = content_id(self.body)

    @property
    def content_hash(self) -> str:
        """Hash of the normalised body; two documents with the same hash are exact duplicates."""
        return content_id(self.body)

    def to_dict(self) -> dict[str, Any]:
        """The `detente.document.v1` record of OUTPUT.md."""
        return {
            "schema": SCHEMA,
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "published_source": self.published_source,
            "body": self.body,
            "events": [event_record(e) for e in self.events],
            "quotes": [_plain(q) for q in self.quotes],
            "stances": [_plain(s) for s in self.stances],
            "commitments": [_plain(c) for c in self.commitments],
            "timexes": [t.public() for t in self.timexes],
            "places": [_plain(p) for p in self.places],
            "rejected": _plain(self.rejected) if self.rejected else None,
            "near_duplicate_of": self.near_duplicate_of,
        }


def content_id(body: str) -> str:
    """Stable id of a document: the first 16 hex digits of the sha256 of its normalised body."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def entity_record(entity: Entity) -> dict[str, Any]:
    """OUTPUT.md entity object; offsets and the coding rule stay internal."""
    return {
        "code": entity.code, "sector": list(entity.sector), "entity_text": entity.entity_text,
        "identifier_text": entity.identifier_text, "office": entity.office, "org": entity.org,
    }


def event_record(event: Event) -> dict[str, Any]:
    """OUTPUT.md event object."""
    return {
        "id": event.id, "date": event.date, "date_precision": event.date_precision,
        "actor": [entity_record(a) for a in event.actor],
        "recipient": [entity_record(r) for r in event.recipient],
        "event": list(event.event), "mode": list(event.mode), "context": list(event.context),
        "event_loc": _plain(event.event_loc) if event.event_loc else None,
        "event_text": event.event_text, "quad_code": event.quad_code, "event_scale": event.event_scale,
        "text_info": dict(event.text_info), "status": event.status, "cameo": event.cameo,
        "confidence": round(event.confidence, 3), "sources": event.sources,
    }


def _plain(obj: Any) -> Any:
    """Dataclass to JSON-ready dict, entities in their public form."""
    if isinstance(obj, Entity):
        return entity_record(obj)
    if is_dataclass(obj):
        return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, list):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj
