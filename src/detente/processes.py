"""Process threads: events, quotes, stances and commitments across documents grouped into one process.

A process is a run of merged events (merging.py) on one topic, of one family of categories (talks,
cooperation, tensions, protests, conflict: data/processes/families.yaml), with no gap longer than
`PROCESS_GAP_DAYS` between consecutive events.  The topic of an event is the focus of the documents that
report it: the country they name most as a country (places with a PCL feature), or, when they name none,
the state or the pair of states their events involve ("Russia-Turkey talks").  Quotes, stances and commitments join the
process that holds most of their document's events (a commitment tied to an event joins that event's process).

Each process has a stable id (a hash of topic, family and start date) and a readable name built from the
topic, the family word and the year span, e.g. "Syria peace talks, 2015-16".  `processes_from_store` and
`timeline_from_store` are the plain functions behind `detente processes` and `detente timeline PROCESS`; they read
the merged events the store keeps rather than merging its reports again.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from detente.merging import MergedEvent, merge_events

# Two events of one topic and family more than this many days apart start a new process: diplomatic rounds
# (Syria's Vienna-New York-Geneva talks, 2015-16) follow each other within weeks, while a topic that returns
# after a quarter's silence is usually a new initiative.
PROCESS_GAP_DAYS = 90
# A document that names no country is about a pair of states when the second most involved in its events is
# involved at least this share as often as the first (a bilateral meeting reported by its two ministers).
BILATERAL_SHARE = 0.8
# Codes that are not countries: they take part in processes but do not name the topic while a country can.
NON_STATE_CODES = frozenset({"UNO", "EUR", "IGO", "NGO", "IMG", "ISM", "MNC"})


@dataclass(frozen=True)
class ProcessVocabulary:
    """data/processes/families.yaml: category families, peace cues, names of non-state codes."""

    family_of: Mapping[str, str]
    peace_cues: tuple[str, ...]
    code_names: Mapping[str, str]


@lru_cache(maxsize=1)
def process_vocabulary() -> ProcessVocabulary:
    """Load data/processes/families.yaml once per process."""
    text = resources.files("detente").joinpath("data/processes/families.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    family_of = {category: family for family, categories in data["families"].items() for category in categories}
    return ProcessVocabulary(family_of, tuple(data.get("peace_cues", [])), dict(data.get("code_names", {})))


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from detente.nlp.actor_kb import load_countries

    return {code: country.name for code, country in load_countries().items()}


def code_name(code: str) -> str:
    """Readable name of an actor code ("SYR" -> "Syria", "UNO" -> "United Nations")."""
    return _country_names().get(code) or process_vocabulary().code_names.get(code) or code


@dataclass
class Process:
    """One diplomatic or conflict process followed across documents."""

    id: str
    name: str
    topic: tuple[str, ...]  # one country code, or two for a bilateral process
    family: str
    start: str | None
    end: str | None
    events: list[MergedEvent]
    quotes: list[Mapping[str, Any]] = field(default_factory=list)
    stances: list[Mapping[str, Any]] = field(default_factory=list)
    commitments: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def doc_ids(self) -> list[str]:
        """Documents that report any of the process's events, in order of first report."""
        return list(dict.fromkeys(doc for merged_event in self.events for doc in merged_event.doc_ids))

    @property
    def participants(self) -> list[str]:
        """Actor and recipient codes of the process's events, most frequent first."""
        counts = Counter(code for merged_event in self.events for code in _participants(merged_event.event))
        return [code for code, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    @property
    def issues(self) -> list[str]:
        """Stance issues argued in the process, most frequent first."""
        counts = Counter(s.get("issue") or s.get("issue_key") for s in self.stances)
        return [issue for issue, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))) if issue]

    def summary(self) -> dict[str, Any]:
        """One row for `detente processes`."""
        return {"id": self.id, "name": self.name, "topic": "-".join(self.topic), "family": self.family,
                "start": self.start, "end": self.end, "events": len(self.events),
                "documents": len(self.doc_ids), "quotes": len(self.quotes), "stances": len(self.stances),
                "commitments": len(self.commitments), "participants": self.participants[:6],
                "issues": self.issues[:3]}


def build_processes(events: Iterable[Mapping[str, Any]], quotes: Iterable[Mapping[str, Any]] = (),
                    stances: Iterable[Mapping[str, Any]] = (), commitments: Iterable[Mapping[str, Any]] = (),
                    places: Iterable[Mapping[str, Any]] = (),
                    merged: list[MergedEvent] | None = None) -> list[Process]:
    """Group event records (with doc_id, published) and their documents' items into processes, oldest first;
    `merged`, when given, are those events already merged (a store keeps them), else they are merged here."""
    merged = merge_events(events) if merged is None else merged
    focus = _document_focus(merged, places)
    vocabulary = process_vocabulary()
    threads: dict[tuple[tuple[str, ...], str], list[MergedEvent]] = defaultdict(list)
    for merged_event in merged:
        categories = merged_event.event.get("event") or []
        family = vocabulary.family_of.get(categories[0]) if categories else None
        topic = _event_topic(merged_event, focus)
        if family and topic:
            threads[(topic, family)].append(merged_event)
    processes = [_process(topic, family, run) for (topic, family), thread in threads.items()
                 for run in _split_by_gaps(thread)]
    _attach_items(processes, list(quotes), list(stances), list(commitments))
    for process in processes:
        process.name = _readable_name(process)
    _disambiguate_names(processes)
    return sorted(processes, key=lambda p: (p.start or "9999", p.id))


def timeline(process: Process) -> list[dict[str, Any]]:
    """The process's dated sequence: events (with their sources), quotes, stances and commitments, by date."""
    published_of = {record.get("doc_id"): record.get("published") for merged_event in process.events
                    for record in merged_event.records}
    rows: list[dict[str, Any]] = []
    for merged_event in process.events:
        event = merged_event.event
        rows.append({
            "date": _event_day(merged_event), "kind": "event", "what": _event_text(event),
            "status": event.get("status"), "sources": merged_event.sources, "documents": merged_event.doc_ids,
            "first_reported": merged_event.first_reported, "id": merged_event.id,
        })
    for quote in process.quotes:
        speaker = _entity_label(quote.get("speaker"))
        rows.append({"date": _day_text(published_of.get(quote.get("doc_id"))), "kind": "quote",
                     "what": f"{speaker}: \u201c{quote.get('text', '')}\u201d", "status": quote.get("kind"),
                     "sources": 1, "documents": [quote.get("doc_id")], "first_reported": None, "id": None})
    for stance in process.stances:
        holder = _entity_label(stance.get("holder"))
        rows.append({"date": _day_text(stance.get("date") or published_of.get(stance.get("doc_id"))),
                     "kind": "stance", "what": f"{holder} {stance.get('polarity')} {stance.get('issue')}",
                     "status": stance.get("polarity"), "sources": 1, "documents": [stance.get("doc_id")],
                     "first_reported": None, "id": None})
    for commitment in process.commitments:
        by = ", ".join(_entity_label(e) for e in commitment.get("by") or []) or "unknown"
        rows.append({"date": _day_text(published_of.get(commitment.get("doc_id"))), "kind": "commitment",
                     "what": f"{by}: {commitment.get('what')} (due {commitment.get('due') or 'unspecified'})",
                     "status": commitment.get("firmness"), "sources": 1, "documents": [commitment.get("doc_id")],
                     "first_reported": None, "id": None})
    kind_order = {"event": 0, "stance": 1, "commitment": 2, "quote": 3}
    return sorted(rows, key=lambda r: (_sort_text(r["date"]), kind_order[r["kind"]], r["what"] or ""))


def find_process(processes: Iterable[Process], key: str) -> Process | None:
    """The process whose id, id prefix, name or unique part of a name is `key`; else None."""
    processes = list(processes)
    wanted = key.strip().casefold()
    for test in (lambda p: p.id == key.strip(), lambda p: p.name.casefold() == wanted,
                 lambda p: p.id.startswith(key.strip()) and len(key.strip()) >= 6,
                 lambda p: wanted in p.name.casefold()):
        found = [p for p in processes if test(p)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return None
    return None


def processes_from_store(store) -> Any:
    """All processes in a store as a DataFrame, one row per process (`detente processes`)."""
    import pandas as pd

    rows = [p.summary() for p in _store_processes(store)]
    columns = ["id", "name", "topic", "family", "start", "end", "events", "documents", "quotes", "stances",
               "commitments", "participants", "issues"]
    return pd.DataFrame(rows, columns=columns)


def timeline_from_store(store, process_id_or_name: str) -> Any:
    """The dated sequence of one process as a DataFrame (`detente timeline PROCESS`); None when not found."""
    import pandas as pd

    process = find_process(_store_processes(store), process_id_or_name)
    if process is None:
        return None
    columns = ["date", "kind", "what", "status", "sources", "documents", "first_reported", "id"]
    return pd.DataFrame(timeline(process), columns=columns)


def _store_processes(store) -> list[Process]:
    """Processes from a store's events, quotes, stances, commitments and places (public read methods only)."""
    events = []
    for row in store.events().to_dict("records"):
        record = _json(row.get("record"))
        record.update(doc_id=row["doc_id"], published=_day_text(row.get("published")))
        events.append(record)
    items = {}
    for name, table in (("quotes", store.quotes()), ("stances", store.stances()),
                        ("commitments", store.commitments())):
        items[name] = [{**_json(r.get("record")), "doc_id": r["doc_id"]} for r in table.to_dict("records")]
    places = store.places().to_dict("records")
    return build_processes(events, items["quotes"], items["stances"], items["commitments"], places,
                           merged=_stored_merged_events(store, events))


def _stored_merged_events(store, events: list[dict[str, Any]]) -> list[MergedEvent]:
    """The merged events the store keeps up to date as documents arrive, with their reports' records; the same
    as merging `events` again (the store's tests check it), without the cost."""
    reports = {(str(e.get("doc_id")), str(e.get("id"))): e for e in events}
    merged = []
    for row in store.merged_events().to_dict("records"):
        record = _json(row.get("record"))
        mentions = [(m["event_id"], m["doc_id"]) for m in record.get("mentions") or []]
        event = {k: v for k, v in record.items() if k not in ("mentions", "first_reported", "last_reported")}
        merged.append(MergedEvent(
            id=row["id"], mentions=mentions, sources=int(row["sources"]), first_reported=record.get("first_reported"),
            last_reported=record.get("last_reported"), event=event,
            records=[reports[(doc_id, event_id)] for event_id, doc_id in mentions if (doc_id, event_id) in reports]))
    return sorted(merged, key=lambda m: m.id)


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return json.loads(value)
    return dict(value or {})


def _participants(event: Mapping[str, Any]) -> list[str]:
    return [e["code"] for role in ("actor", "recipient") for e in event.get(role) or []
            if isinstance(e, Mapping) and e.get("code")]


def _document_focus(merged: list[MergedEvent], places: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Each document's topic: the country it names most, else the state or pair of states its events involve."""
    named: dict[str, Counter] = defaultdict(Counter)
    acting: dict[str, Counter] = defaultdict(Counter)
    involved: dict[str, Counter] = defaultdict(Counter)
    for place in places:
        # Countries named as countries, not through their cities: cities are mostly venues ("talks in New York").
        if place.get("country") and place.get("doc_id") and str(place.get("feature") or "").startswith("PCL"):
            named[place["doc_id"]][place["country"]] += 1
    for merged_event in merged:
        for record in merged_event.records:
            doc_id = record.get("doc_id")
            acting[doc_id].update(e["code"] for e in record.get("actor") or [] if isinstance(e, Mapping) and
                                  e.get("code") not in NON_STATE_CODES and e.get("code"))
            involved[doc_id].update(c for c in set(_participants(record)) if c not in NON_STATE_CODES)
    focus: dict[str, tuple[str, ...]] = {}
    for doc_id in set(named) | set(involved):
        if named[doc_id]:
            # Between countries named equally often, the one that acts least is the one talked about.
            counts = named[doc_id]
            focus[doc_id] = (min(counts, key=lambda c: (-counts[c], acting[doc_id][c], c)),)
            continue
        ranked = sorted(involved[doc_id].items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked:
            continue
        if len(ranked) > 1 and ranked[1][1] >= BILATERAL_SHARE * ranked[0][1]:
            focus[doc_id] = tuple(sorted((ranked[0][0], ranked[1][0])))
        else:
            focus[doc_id] = (ranked[0][0],)
    return focus


def _event_topic(merged_event: MergedEvent, focus: Mapping[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The topic most of the event's reporting documents have; falls back to its participants."""
    votes = Counter(focus[doc] for doc in merged_event.doc_ids if doc in focus)
    if votes:
        return min(votes, key=lambda topic: (-votes[topic], topic))
    codes = sorted(set(_participants(merged_event.event)))
    return tuple(codes[:2]) if codes else None


def _event_day(merged_event: MergedEvent) -> str | None:
    event = merged_event.event
    if event.get("date_precision") in (None, "publication", "unknown") or not event.get("date"):
        return _day_text(merged_event.first_reported)
    return str(event["date"])


def _day_text(value: Any) -> str | None:
    if value is None or value != value:  # NaN/NaT from a DataFrame
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)[:10] or None


def _sortable_day(value: str | None) -> date | None:
    """First day of an ISO date, week, month, year or interval value ("2015-W50", "2015-12"); else None."""
    if not value:
        return None
    value = value.split("/")[0][:10]
    try:
        if len(value) == 8 and value[5] == "W":
            return date.fromisocalendar(int(value[:4]), int(value[6:8]), 1)
        return date.fromisoformat(value + {4: "-01-01", 7: "-01"}.get(len(value), ""))
    except ValueError:
        return None


def _sort_text(value: str | None) -> str:
    day = _sortable_day(value)
    return day.isoformat() if day else "9999"


def _split_by_gaps(thread: list[MergedEvent]) -> list[list[MergedEvent]]:
    """Runs of events, ordered by date, with no gap above PROCESS_GAP_DAYS; undated events join the first run."""
    dated = sorted(((_sortable_day(_event_day(m)), m) for m in thread), key=lambda dm: (dm[0] or date.max, dm[1].id))
    runs: list[list[MergedEvent]] = []
    last: date | None = None
    for day, merged_event in dated:
        if day is None:  # sorted last, so a dated run exists unless the whole thread is undated
            if not runs:
                runs.append([])
            runs[0].append(merged_event)
            continue
        if last is None or (day - last).days > PROCESS_GAP_DAYS:
            runs.append([])
        runs[-1].append(merged_event)
        last = day
    return runs


def _process(topic: tuple[str, ...], family: str, run: list[MergedEvent]) -> Process:
    days = sorted(d for d in (_sortable_day(_event_day(m)) for m in run) if d)
    start, end = (days[0].isoformat(), days[-1].isoformat()) if days else (None, None)
    digest = hashlib.sha1(f"{'-'.join(topic)}\x1f{family}\x1f{start}".encode()).hexdigest()[:12]
    return Process(id=f"pr-{digest}", name="", topic=topic, family=family, start=start, end=end, events=run)


def _attach_items(processes: list[Process], quotes: list[Mapping[str, Any]], stances: list[Mapping[str, Any]],
                  commitments: list[Mapping[str, Any]]) -> None:
    """Give each document's quotes, stances and commitments to the process holding most of its events."""
    per_doc: dict[str, Counter] = defaultdict(Counter)
    by_event: dict[tuple[str, str], Process] = {}
    by_id = {p.id: p for p in processes}
    for process in processes:
        for merged_event in process.events:
            for event_id, doc_id in merged_event.mentions:
                per_doc[doc_id][process.id] += 1
                by_event[(doc_id, event_id)] = process
    home = {doc: by_id[min(c, key=lambda pid: (-c[pid], pid))] for doc, c in per_doc.items()}
    for name, items in (("quotes", quotes), ("stances", stances), ("commitments", commitments)):
        for item in items:
            doc_id = item.get("doc_id")
            target = by_event.get((doc_id, item.get("event_id"))) if name == "commitments" else None
            target = target or home.get(doc_id)
            if target is not None:
                getattr(target, name).append(item)


def _readable_name(process: Process) -> str:
    """"<topic> <family word>, <years>", e.g. "Syria peace talks, 2015-16" or "Russia-Turkey talks, 2015"."""
    topic = "-".join(code_name(code) for code in process.topic)
    word = process.family
    if word == "talks" and _mentions_peace(process):
        word = "peace talks"
    return f"{topic} {word}, {_year_span(process.start, process.end)}"


def _mentions_peace(process: Process) -> bool:
    cues = process_vocabulary().peace_cues
    texts = [str(s.get("issue") or "") for s in process.stances] + [str(c.get("what") or "") for c in
                                                                     process.commitments]
    texts += [str(q.get("text") or "") for q in process.quotes]
    return any(cue in text.casefold() for text in texts for cue in cues)


def _year_span(start: str | None, end: str | None) -> str:
    first, last = (start or "")[:4], (end or "")[:4]
    if not first:
        return "undated"
    if not last or last == first:
        return first
    return f"{first}-{last[2:]}" if first[:2] == last[:2] else f"{first}-{last}"


def _disambiguate_names(processes: list[Process]) -> None:
    """Processes that would share a name get their start month added, so a name addresses one process."""
    by_name: dict[str, list[Process]] = defaultdict(list)
    for process in processes:
        by_name[process.name].append(process)
    for same in by_name.values():
        if len(same) > 1:
            for process in same:
                process.name = f"{process.name} (from {(process.start or 'undated')[:7]})"


def _entity_label(entity: Any) -> str:
    if not isinstance(entity, Mapping):
        return "unknown"
    return str(entity.get("identifier_text") or entity.get("entity_text") or entity.get("code") or "unknown")


def _event_text(event: Mapping[str, Any]) -> str:
    actors = ", ".join(_entity_label(e) for e in event.get("actor") or []) or "unknown"
    recipients = ", ".join(_entity_label(e) for e in event.get("recipient") or [])
    categories = "/".join(event.get("event") or [])
    where = (event.get("event_loc") or {}).get("name") if isinstance(event.get("event_loc"), Mapping) else None
    text = f"{actors} {categories}" + (f" {recipients}" if recipients else "")
    return text + (f" in {where}" if where else "")
