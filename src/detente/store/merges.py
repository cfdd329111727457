"""Merged events in the store, kept equal to one merge of every stored report as documents arrive.

Each `events` row keeps its merging block (`block_key`) and the first and last day its date allows
(`merge_from`, `merge_to`; NULL when it has no date to compare, so it merges with nothing).  Reports link only
within a block and only across periods at most `merging.LINK_REACH` apart, so a block's merged events are the
merges of its separate stretches of time.  New reports therefore re-merge only the stretch around them: the
block's reports, taken in order of their first day, fall into stretches wherever the next report starts further
than that reach past the latest day so far; the stretches holding a new report are re-merged from their reports,
replacing the merged events there.  Finding the stretches reads the block's periods (small columns); only the
records inside them are read and merged.  A batch so costs the reports near its own in time, not the whole
block, which matters for blocks such as "USA ASSAULT" that grow for as long as the store does.

Everything runs inside the caller's transaction under the "merging" lock, so concurrent writers re-merge one
after the other.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from detente import merging
from detente.tracking import period

if TYPE_CHECKING:
    from detente.store.repository import Backend

# Windows per query: three parameters each, far below either database's parameter limit.
_WINDOWS_PER_QUERY = 150
# Rows per bulk UPDATE of `rebuild`: five parameters each.
_ROWS_PER_UPDATE = 200
_IDS_PER_QUERY = 500

Window = tuple[str, date, date]  # block key, first and last day


def placement_columns(record: Mapping[str, Any]) -> dict[str, Any]:
    """The `block_key`, `merge_from` and `merge_to` values of an event record (with doc_id and published)."""
    key, span = merging.placement(record)
    return {"block_key": key, "merge_from": span[0] if span else None, "merge_to": span[1] if span else None}


def remerge_new(backend: Backend, reports: list[dict[str, Any]]) -> None:
    """Re-merge the stretches of time that new reports (event records with doc_id and published, already in
    `events`) fall in, replacing the merged events there."""
    if not reports:
        return
    backend.lock("merging")
    spans: dict[str, list[tuple[date, date]]] = defaultdict(list)
    undated = []
    for record in reports:
        key, span = merging.placement(record)
        if span is None:
            undated.append(record)  # merges with nothing, and no stored merged event holds it yet
        else:
            spans[key].append(span)
    keys = sorted(spans)
    placed: dict[str, list[tuple[str, str, date, date]]] = defaultdict(list)
    for key, doc_id, event_id, first, last in _select_in_blocks(
            backend, "block_key, doc_id, event_id, merge_from, merge_to FROM events", keys,
            "merge_from IS NOT NULL"):
        placed[key].append((doc_id, event_id, _day(first), _day(last)))
    windows = [window for key in keys for window in _stretches(key, placed[key], spans[key])]
    inside = {(doc_id, event_id) for key, first, last in windows
              for doc_id, event_id, start, _ in placed[key] if first <= start <= last}
    replaced = sorted({merged_id for merged_id, doc_id, event_id in _select_in_blocks(
        backend, "merged_id, doc_id, event_id FROM event_merges", keys) if (doc_id, event_id) in inside})
    stretch = []
    for chunk in _chunks(windows, _WINDOWS_PER_QUERY):
        condition = " OR ".join(["(e.block_key = ? AND e.merge_from >= ? AND e.merge_from <= ?)"] * len(chunk))
        for record, doc_id, published in backend.fetchall(
                "SELECT e.record, e.doc_id, d.published FROM events e JOIN documents d ON d.id = e.doc_id"
                f" WHERE {condition}", [value for window in chunk for value in window]):
            stretch.append({**json.loads(record), "doc_id": doc_id, "published": published})
    _replace(backend, replaced, merging.merge_events(stretch + undated))


def rebuild(backend: Backend) -> int:
    """Recompute every report's block and period and all merged events from the stored reports (a store from
    before they were kept); returns the number of merged events."""
    backend.lock("merging")
    rows = backend.fetchall(
        "SELECT e.doc_id, e.position, e.record, d.published FROM events e JOIN documents d ON d.id = e.doc_id")
    reports, updates = [], []
    for doc_id, position, record, published in rows:
        report = {**json.loads(record), "doc_id": doc_id, "published": published}
        columns = placement_columns(report)
        reports.append(report)
        updates.append((doc_id, position, columns["block_key"], _iso(columns["merge_from"]),
                        _iso(columns["merge_to"])))
    for chunk in _chunks(updates, _ROWS_PER_UPDATE):
        values = ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk))
        backend.execute(
            "UPDATE events SET block_key = v.block_key, merge_from = CAST(v.merge_from AS DATE),"
            " merge_to = CAST(v.merge_to AS DATE)"
            f" FROM (VALUES {values}) AS v(doc_id, position, block_key, merge_from, merge_to)"
            " WHERE events.doc_id = v.doc_id AND events.position = CAST(v.position AS INTEGER)",
            [value for row in chunk for value in row])
    backend.execute("DELETE FROM merged_events")
    backend.execute("DELETE FROM event_merges")
    merged = merging.merge_events(reports)
    _replace(backend, [], merged)
    return len(merged)


def _stretches(key: str, placed: list[tuple[str, str, date, date]],
               new_spans: list[tuple[date, date]]) -> list[Window]:
    """The stretches of a block that hold a new report: runs of its reports, in order of first day, where
    each report starts within reach of the latest day reached so far (so no report outside a stretch can
    link to one inside)."""
    reach = merging.LINK_REACH
    stretches: list[list[date]] = []
    for _, _, first, last in sorted(placed, key=lambda row: row[2]):
        if stretches and first <= stretches[-1][1] + reach:
            stretches[-1][1] = max(stretches[-1][1], last)
        else:
            stretches.append([first, last])
    return [(key, first, last) for first, last in stretches
            if any(first <= start <= last for start, _ in new_spans)]


def _select_in_blocks(backend: Backend, select: str, keys: list[str], condition: str | None = None) -> list[tuple]:
    """Rows of `SELECT {select}` whose block_key is one of `keys` (and that meet `condition`)."""
    rows: list[tuple] = []
    for chunk in _chunks(keys, _IDS_PER_QUERY):
        extra = f" AND {condition}" if condition else ""
        rows += backend.fetchall(f"SELECT {select} WHERE block_key IN ({', '.join('?' * len(chunk))}){extra}", chunk)
    return rows


def _replace(backend: Backend, replaced_ids: list[str], merged: list[merging.MergedEvent]) -> None:
    """Delete the merged events `replaced_ids` with their links, store `merged`, and give every report of
    them its merged event's source count."""
    for chunk in _chunks(replaced_ids, _IDS_PER_QUERY):
        marks = ", ".join("?" * len(chunk))
        backend.execute(f"DELETE FROM merged_events WHERE id IN ({marks})", chunk)
        backend.execute(f"DELETE FROM event_merges WHERE merged_id IN ({marks})", chunk)
    tables: dict[str, dict[str, list[Any]]] = {"merged_events": {}, "event_merges": {}}
    for merged_event in merged:
        key = merging.block_key(merged_event.records[0])
        for table, row in _merged_rows(merged_event, key):
            for name, value in row.items():
                tables[table].setdefault(name, []).append(value)
    for table, columns in tables.items():
        if columns:
            backend.insert_rows(table, columns)
    for chunk in _chunks([m.id for m in merged], _IDS_PER_QUERY):
        marks = ", ".join("?" * len(chunk))
        backend.execute(
            "UPDATE events SET sources = m.sources FROM event_merges x, merged_events m"
            " WHERE m.id = x.merged_id AND x.doc_id = events.doc_id AND x.event_id = events.event_id"
            f" AND m.id IN ({marks})", chunk)


def _merged_rows(merged_event: merging.MergedEvent, key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The `merged_events` row of one merged event and the `event_merges` rows linking its reports."""
    event = merged_event.event
    place = event.get("event_loc") or {}
    span = period(event.get("date")) or period(merged_event.first_reported)
    categories = event.get("event") or []
    yield "merged_events", {
        "id": merged_event.id, "block_key": key, "event_type": categories[0] if categories else None,
        "actor_codes": sorted({a["code"] for a in event.get("actor") or [] if a.get("code")}),
        "recipient_codes": sorted({r["code"] for r in event.get("recipient") or [] if r.get("code")}),
        "date": event.get("date"), "event_date": span[0] if span else None,
        "date_precision": event.get("date_precision"), "status": event.get("status"),
        "place_name": place.get("name"), "place_country": place.get("country"), "sources": merged_event.sources,
        "mentions": len(merged_event.mentions), "first_reported": merged_event.first_reported,
        "last_reported": merged_event.last_reported,
        "record": json.dumps(merged_event.to_dict(), ensure_ascii=False, separators=(",", ":"), default=str),
    }
    for event_id, doc_id in merged_event.mentions:
        yield "event_merges", {"merged_id": merged_event.id, "block_key": key, "doc_id": doc_id,
                               "event_id": event_id}


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]

