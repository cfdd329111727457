"""Commitment tracking across documents: was a promised meeting held, did a deadline pass unmet?

Pure functions over records (plain dicts as the store or `Document.to_dict()` gives them), so the store, the
CLI and the API can call them after every ingest:

- `due_window(due, precision)` is the period a commitment's due value names ("2016-06", "month" -> June 2016;
  "2016", "early in year" -> January to April 2016; "within P2Y of 2015-11" -> November 2015 to November 2017).
- `track(commitments, events, coverage_until)` gives each commitment a status: `kept` when a later document
  reports a matching occurred event (same actors, a compatible category, the same place when both have one,
  dated inside the window), with `kept_by` naming that event; `missed` when the window has passed and news of
  the commitment's parties runs beyond it with no match; else `pending`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

# An occurred event reported up to this many days after the window still keeps the commitment: reports dated
# only by their publication ("the talks were held", published the next morning) land just after the day.
GRACE_DAYS = 2
# The part of a year or month an "early"/"mid"/"late" precision covers, as (first, last) thirds.
PART_THIRDS = {"early": 0, "mid": 1, "late": 2}
WITHIN = re.compile(r"^within (P[0-9WYMD.]+) of (\S+)$")


# ------------------------------------------------------------------------------------------- dates
@lru_cache(maxsize=4096)
def period(value: str | None) -> tuple[date, date] | None:
    """First and last day of a TIMEX3 date value: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Www, YYYY-Qn, YYYY-H1."""
    if not value:
        return None
    text = value.strip()
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text[:10])
            return day, day
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            first = date(int(match[1]), int(match[2]), 1)
            return first, _month_end(first)
        if match := re.fullmatch(r"(\d{4})-W(\d{2})", text):
            first = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return first, first + timedelta(days=6)
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            first = date(int(match[1]), 3 * int(match[2]) - 2, 1)
            return first, _month_end(date(first.year, first.month + 2, 1))
        if match := re.fullmatch(r"(\d{4})-H([12])", text):
            first = date(int(match[1]), 6 * int(match[2]) - 5, 1)
            return first, _month_end(date(first.year, first.month + 5, 1))
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 1, 1), date(int(text), 12, 31)
    except ValueError:
        return None
    return None


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def add_duration(anchor: str, duration: str) -> str | None:
    """The date value `duration` (P2Y, P6M, P3W, P10D) after `anchor`, at the anchor's granularity."""
    match = re.fullmatch(r"P(\d+(?:\.\d+)?)([YMWD])", duration or "")
    span = period(anchor)
    if not match or span is None:
        return None
    amount, unit = float(match[1]), match[2]
    start = span[0]
    if unit in "YM":
        months = round(amount * (12 if unit == "Y" else 1))
        year, month = divmod(start.month - 1 + months, 12)
        shifted = date(start.year + year, month + 1, min(start.day, 28))
    else:
        shifted = start + timedelta(days=round(amount * (7 if unit == "W" else 1)))
    if re.fullmatch(r"\d{4}", anchor):
        return f"{shifted.year:04d}"
    if re.fullmatch(r"\d{4}-\d{2}", anchor):
        return f"{shifted.year:04d}-{shifted.month:02d}"
    if re.fullmatch(r"\d{4}-W\d{2}", anchor):
        iso = shifted.isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    return shifted.isoformat()


def precision_of(value: str | None, mod: str | None = None) -> str | None:
    """The precision name of a TIMEX3 date value and modifier: "day", "month", "early in year", ..."""
    if not value:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", value):
        unit = "day"
    elif re.fullmatch(r"\d{4}-W\d{2}", value):
        unit = "week"
    elif re.fullmatch(r"\d{4}-\d{2}", value):
        unit = "month"
    elif re.fullmatch(r"\d{4}-Q[1-4]", value):
        unit = "quarter"
    elif re.fullmatch(r"\d{4}-H[12]", value):
        unit = "half"
    elif re.fullmatch(r"\d{4}", value):
        unit = "year"
    else:
        return None
    if mod == "START" and unit in ("year", "month", "quarter", "half"):
        return f"early in {unit}"
    if mod == "MID" and unit in ("year", "month", "quarter", "half"):
        return f"mid-{unit}"
    if mod == "END" and unit in ("year", "month", "quarter", "half"):
        return f"late in {unit}"
    return unit


def due_window(due: str | None, precision: str | None) -> tuple[str, str] | None:
    """First and last day (ISO) of the period a commitment's due value and precision name; None if undated."""
    if precision and (match := WITHIN.match(precision)):
        anchor, end = period(match[2]), period(due)
        if anchor is None or end is None:
            return None
        return anchor[0].isoformat(), end[1].isoformat()
    span = period(due)
    if span is None:
        return None
    first, last = span
    part_match = re.match(r"(early|mid|late)\b", precision or "")
    part = part_match[1] if part_match else None
    if part in PART_THIRDS and (last - first).days > 20:
        third = PART_THIRDS[part]
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months >= 3:  # a year, half or quarter: thirds in whole months (early 2016 = January-April)
            step = months // 3
            start_month = first.month - 1 + third * step
            part_first = date(first.year + start_month // 12, start_month % 12 + 1, 1)
            end_month = start_month + step - 1
            part_last = _month_end(date(first.year + end_month // 12, end_month % 12 + 1, 1))
        else:  # a month: days 1-10, 11-20, 21 to the end
            part_first = first + timedelta(days=10 * third)
            part_last = last if third == 2 else first + timedelta(days=10 * third + 9)
        return part_first.isoformat(), part_last.isoformat()
    return first.isoformat(), last.isoformat()


# ------------------------------------------------------------------------------------------ tracking
@lru_cache(maxsize=1)
def compatible_categories() -> dict[str, frozenset[str]]:
    """PLOVER categories whose occurred events can keep a commitment of each category (data/commitments)."""
    text = resources.files("detente").joinpath("data/commitments/cues.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text).get("compatible", {})
    return {category: frozenset([category, *others]) for category, others in table.items()}


def _codes(entities: Any) -> set[str]:
    """Actor codes of entity dicts/objects, or of labels ("RUS GOV")."""
    codes = set()
    for entity in entities or []:
        if isinstance(entity, str):
            code = entity.split(" ")[0]
        elif isinstance(entity, dict):
            code = entity.get("code")
        else:
            code = getattr(entity, "code", None)
        if code and code != "-":
            codes.add(code)
    return codes


def _commitment_codes(commitment: dict[str, Any]) -> set[str]:
    return _codes(commitment.get("by")) | _codes(commitment.get("by_labels"))


def _event_codes(event: dict[str, Any]) -> set[str]:
    return (_codes(event.get("actor")) | _codes(event.get("recipient")) | _codes(event.get("actor_labels"))
            | _codes(event.get("recipient_labels")))


def _categories(record: dict[str, Any]) -> set[str]:
    value = record.get("category") or record.get("event") or record.get("event_types") or []
    return {value} if isinstance(value, str) else set(value)


def _place_key(place: Any) -> tuple[str | None, str | None]:
    if not place:
        return None, None
    if isinstance(place, str):
        return place.lower(), None
    if not isinstance(place, dict):
        place = {"name": getattr(place, "name", None), "country": getattr(place, "country", None)}
    name = place.get("name") or place.get("place_name") or place.get("text")
    return (name.lower() if name else None), place.get("country") or place.get("place_country")


def _event_place(event: dict[str, Any]) -> Any:
    if event.get("event_loc"):
        return event["event_loc"]
    if event.get("place_name") or event.get("place_country"):
        return {"name": event.get("place_name"), "country": event.get("place_country")}
    return None


def _places_agree(wanted: Any, found: Any) -> bool:
    """Same place when both have one: same name, or same country when a name is missing."""
    want_name, want_country = _place_key(wanted)
    got_name, got_country = _place_key(found)
    if not (want_name or want_country) or not (got_name or got_country):
        return True
    if want_name and got_name:
        return want_name == got_name
    return not (want_country and got_country) or want_country == got_country


def _event_day(event: dict[str, Any]) -> date | None:
    span = period(str(event.get("event_date") or event.get("date") or ""))
    return span[0] if span else None


def _announced(commitment: dict[str, Any]) -> date | None:
    for key in ("announced", "published"):
        span = period(str(commitment.get(key) or ""))
        if span:
            return span[0]
    return None


def _profile(commitment: dict[str, Any], events_by_id: dict[str, dict[str, Any]]) -> tuple[set[str], Any]:
    """Category and place of a commitment: its own fields, else those of the planned event it belongs to."""
    categories, place = _categories(commitment), commitment.get("place")
    planned = events_by_id.get(commitment.get("event_id") or "")
    if planned is not None:
        categories = categories or _categories(planned)
        place = place or _event_place(planned)
    return categories, place


def matches(commitment: dict[str, Any], event: dict[str, Any], window: tuple[date, date],
            categories: set[str], place: Any) -> bool:
    """Whether an occurred event fulfils a commitment: actors, category, place and date all agree."""
    if event.get("status", "occurred") != "occurred" or event.get("id", event.get("event_id")) == \
            commitment.get("event_id"):
        return False
    day = _event_day(event)
    if day is None or not window[0] <= day <= window[1] + timedelta(days=GRACE_DAYS):
        return False
    if not categories:
        return False  # nothing says what act would keep it ("fill the reservoir"): any event of its party won't
    allowed = set().union(*(compatible_categories().get(c, frozenset([c])) for c in categories))
    if not allowed & _categories(event):
        return False
    wanted = _commitment_codes(commitment)
    if wanted and not wanted & _event_codes(event) \
            and not _meeting_at_named_place(commitment, categories, place, event):
        return False
    return _places_agree(place, _event_place(event))


# International organisations: when one is all a meeting commitment is bound to, it announced others' meeting.
MEDIATOR_CODES = frozenset({"UNO", "EUR", "IGO", "NGO"})


def _meeting_at_named_place(commitment: dict[str, Any], categories: set[str], place: Any,
                            event: dict[str, Any]) -> bool:
    """A meeting an international organisation announced for others ("the AU said the delegations would meet in
    Kinshasa on Tuesday") is kept by a meeting held at the town it names, whoever its parties were."""
    if "CONSULT" not in categories or "CONSULT" not in _categories(event) \
            or not _commitment_codes(commitment) <= MEDIATOR_CODES:
        return False
    held_at, _ = _place_key(_event_place(event))
    wanted_at, _ = _place_key(place)
    if not held_at:
        return False
    if wanted_at:
        return wanted_at == held_at
    return re.search(rf"\b{re.escape(held_at)}\b", str(commitment.get("what") or "").lower()) is not None


def track(commitments: list[dict[str, Any]], events: list[dict[str, Any]], coverage_until: str,
          doc_topics: dict[str, set[str]] | None = None) -> list[dict[str, Any]]:
    """Each commitment (a copy) with `status` kept|missed|pending and `kept_by`, the id of the keeping event;
    `doc_topics` (`document_topics`) says what the announcing documents are about."""
    coverage = period(coverage_until)
    coverage_end = coverage[1] if coverage else None
    news = _News(events, coverage_end, doc_topics or {})
    events_by_id = {str(e.get("id") or e.get("event_id")): e for e in events if e.get("id") or e.get("event_id")}
    ordered = sorted(events, key=lambda e: (_event_day(e) or date.max, str(e.get("id") or e.get("event_id"))))
    tracked = []
    for commitment in commitments:
        record = dict(commitment)
        record["status"], record["kept_by"] = "pending", None
        bounds = due_window(commitment.get("due"), commitment.get("precision"))
        if bounds is None:
            tracked.append(record)
            continue
        first, last = date.fromisoformat(bounds[0]), date.fromisoformat(bounds[1])
        # A deadline ("by June", "by December 18") is met by anything from the announcement on, not only within
        # its period; an appointment for a day ("on Friday, December 18") only by what happens that day.
        announced = _announced(commitment)
        if announced is not None and announced < first and _is_deadline(commitment):
            first = announced
        categories, place = _profile(commitment, events_by_id)
        keeper = next((e for e in ordered if matches(commitment, e, (first, last), categories, place)), None)
        if keeper is not None:
            record["status"], record["kept_by"] = "kept", keeper.get("id") or keeper.get("event_id")
        elif (covered_until := news.of_parties(commitment)) is not None \
                and covered_until > last + timedelta(days=GRACE_DAYS):
            record["status"] = "missed"
        tracked.append(record)
    return tracked


class _News:
    """How far the coverage of each party runs: the latest publication of a document reporting an event of it.

    A deadline is missed only when news of the commitment's parties went on past it without the act; news of
    others (a store that also holds last year's trade talks) says nothing about it.  The events' own dates stand
    in for publication dates a record lacks.
    """

    def __init__(self, events: list[dict[str, Any]], coverage_end: date | None,
                 doc_topics: dict[str, set[str]]) -> None:
        self.coverage_end, self.doc_topics = coverage_end, doc_topics
        self.latest: dict[str, date] = {}
        self.by_doc: dict[Any, list[dict[str, Any]]] = {}
        for event in events:
            self.by_doc.setdefault(event.get("doc_id"), []).append(event)
            day = _published_day(event)
            if day is None:
                continue
            for code in _event_codes(event):
                if code not in self.latest or day > self.latest[code]:
                    self.latest[code] = day

    def of_parties(self, commitment: dict[str, Any]) -> date | None:
        """The last day of news of the commitment's parties, within the coverage; None when there is none."""
        if self.coverage_end is None:
            return None
        parties = _commitment_codes(commitment) - MEDIATOR_CODES
        if not parties and commitment.get("doc_id") is not None:
            # a mediator's announcement ("the Support Group agreed ... by June"): the process is about the
            # countries its document names most as countries (Syria and Russia in the seed article), else about
            # the states its events involve most
            doc_id = commitment["doc_id"]
            parties = set(self.doc_topics.get(doc_id) or ()) or _most_involved(self.by_doc.get(doc_id, []))
            if not parties:
                return None
        elif not parties:  # no document to go by: the whole coverage is all there is
            return self.coverage_end
        latest = max((self.latest[code] for code in parties if code in self.latest), default=None)
        return min(latest, self.coverage_end) if latest else None


def _most_involved(events: list[dict[str, Any]]) -> set[str]:
    """The non-mediator codes taking part in the most of these events."""
    return _most_common(Counter(code for e in events for code in _event_codes(e) - MEDIATOR_CODES))


def _most_common(counts: Counter) -> set[str]:
    """The keys counted most often, all of them when several tie."""
    top = max(counts.values(), default=0)
    return {key for key, n in counts.items() if n == top}


def document_topics(places: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Per document, the countries it names most often as countries (places with a PCL feature)."""
    counts: dict[str, Counter] = {}
    for place in places:
        if str(place.get("feature") or "").startswith("PCL") and place.get("country"):
            counts.setdefault(place["doc_id"], Counter())[place["country"]] += 1
    return {doc: _most_common(named) for doc, named in counts.items()}


def _is_deadline(commitment: dict[str, Any]) -> bool:
    """Whether the due value is a deadline: so marked, or any period longer than a day (records from before
    commitments said so)."""
    return bool(commitment.get("deadline")) or commitment.get("precision") != "day"


def _published_day(event: dict[str, Any]) -> date | None:
    """When news of an event appeared: its document's publication day; for a record without one, the day of
    an event that occurred (a planned event's day is no news from that day)."""
    span = period(str(event.get("published") or "")[:10])
    if span:
        return span[0]
    return _event_day(event) if event.get("status", "occurred") == "occurred" else None


# ------------------------------------------------------------------------------------------- the store
def track_store(store) -> list[dict[str, Any]]:
    """Every stored commitment tracked against every stored event; coverage runs to the latest publication."""
    import json

    documents = store.documents()
    published = dict(zip(documents["id"], documents["published"].astype(str)))
    commitments = []
    for row in store.commitments().itertuples():
        record = json.loads(row.record)
        record.setdefault("published", published.get(row.doc_id))
        record["doc_id"] = row.doc_id
        commitments.append(record)
    events = []
    for row in store.events().itertuples():
        record = json.loads(row.record)
        record["doc_id"], record["published"] = row.doc_id, str(row.published)
        events.append(record)
    dates = [d[:10] for d in published.values() if d and d[:4].isdigit()]
    topics = document_topics(store.places().to_dict("records"))
    return track(commitments, events, max(dates), topics) if dates else commitments


def tracked_by_evidence(store) -> dict[tuple[str, int | None], dict[str, Any]]:
    """`track_store`'s commitments keyed by (document id, evidence start), to give stored rows their status."""
    return {(c["doc_id"], (c.get("evidence") or {}).get("start")): c for c in track_store(store)}
