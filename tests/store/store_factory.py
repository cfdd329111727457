"""Synthetic documents for the store tests, built straight from the model dataclasses (no spaCy)."""

from __future__ import annotations

from detente.model import Commitment, Document, Entity, Event, Place, Quote, Rejection, Stance, Timex

EVENTS_PER_DOCUMENT = 3

_ACTORS = [
    Entity(code="RUS", sector=["GOV"], entity_text="Lavrov", identifier_text="Sergei Lavrov",
           office="foreign minister"),
    Entity(code="USA", sector=["GOV"], entity_text="Kerry", identifier_text="John Kerry",
           office="secretary of state"),
    Entity(code="SYR", sector=["REB"], entity_text="the opposition", identifier_text="Syrian opposition"),
    Entity(code="IGO", sector=[], entity_text="the ISSG", identifier_text="International Syria Support Group",
           org="International Syria Support Group"),
]
_CATEGORIES = ["CONSULT", "AGREE", "ACCUSE", "THREATEN"]
_STATUSES = ["occurred", "planned", "demanded"]


def _entity(index: int, start: int) -> Entity:
    template = _ACTORS[index % len(_ACTORS)]
    return Entity(code=template.code, sector=list(template.sector), entity_text=template.entity_text,
                  identifier_text=template.identifier_text, office=template.office, org=template.org,
                  start=start, end=start + len(template.entity_text))


def make_document(number: int, events: int = EVENTS_PER_DOCUMENT, day: int | None = None) -> Document:
    """Document `number`: unique body, `events` events, two mentions, one of each other kind of item."""
    day = day if day is not None else 1 + number % 28
    body = f"Report {number}. Lavrov met Kerry in Geneva on talks about Syria.\n\nThey agreed to meet by June."
    doc = Document(body=body, outlet=f"Outlet {number % 3}", title=f"Talks {number}",
                   published=f"2015-12-{day:02d}", published_source="given", source=f"synthetic:{number}")
    doc.mentions = [_entity(0, 10), _entity(1 + number % 3, 20)]
    doc.events = [
        Event(id=f"{doc.id}-e{k}", event=[_CATEGORIES[(number + k) % len(_CATEGORIES)]],
              actor=[_entity(k, 10)], recipient=[_entity(k + 1, 20)], date=f"2015-12-{day:02d}",
              date_precision="day", event_text="met", status=_STATUSES[k % len(_STATUSES)],
              quad_code=1, event_scale=2.5, confidence=0.8,
              event_loc=Place(text="Geneva", start=30, end=36, name="Geneva", country="CHE"))
        for k in range(events)
    ]
    doc.quotes = [Quote(speaker=_entity(0, 10), text="We agree", kind="direct", cue="said", start=40, end=48)]
    doc.stances = [Stance(holder=_entity(1, 20), issue="removal of Bashar al-Assad", issue_key="assad_removal",
                          polarity="for", date=doc.published, evidence={"start": 0, "end": 10})]
    doc.commitments = [Commitment(what="meet", by=[_entity(0, 10), _entity(1, 20)], due="2016-06",
                                  precision="month", firmness="agreed", event_id=f"{doc.id}-e0",
                                  evidence={"start": 60, "end": 80})]
    doc.timexes = [Timex(text="by June", start=70, end=77, value="2016-06", mod="BEFORE", id="t1", deadline=True)]
    doc.places = [Place(text="Geneva", start=30, end=36, name="Geneva", country="CHE", lat=46.2, lon=6.15,
                        geonameid=2660646, feature="PPLA")]
    return doc


def make_documents(count: int, start: int = 0) -> list[Document]:
    """Documents `start` .. `start + count - 1`."""
    return [make_document(n) for n in range(start, start + count)]


def make_rejected(source: str = "bad.bin", code: str = "E102") -> Document:
    """A document the reader rejected."""
    return Document(body="", source=source, rejected=Rejection(code=code, message="binary input"))
