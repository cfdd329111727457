"""Latency of the main API queries on a store of 100,000 events: p50/p95 per query, through the in-process
ASGI app (routing, SQL, JSON encoding; no socket).  The store holds synthetic coded documents built from the
model dataclasses, plus, with --bbc N, the first N BBC articles coded by the pipeline.

    .venv/bin/python bench/api_latency.py [--events 100000] [--bbc N] [--repeat 30] [--db FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent / "shared" / "data" / "news" / "bbc_fulltext_2004_2005.jsonl"
EVENTS_PER_DOCUMENT = 5

_COUNTRIES = ["RUS", "USA", "SYR", "TUR", "IRN", "SAU", "ISR", "PSE", "UKR", "CHN", "JPN", "FRA", "DEU", "GBR",
              "EGY", "ETH", "SDN", "YEM", "IRQ", "AFG", "PAK", "IND", "KOR", "PRK", "UNO", "IGO"]
_SECTORS = ["GOV", "MIL", "REB", "OPP", "COP", ""]
_CATEGORIES = [("AGREE", 1), ("CONSULT", 1), ("SUPPORT", 1), ("REQUEST", 1), ("AID", 2), ("COOPERATE", 2),
               ("RETREAT", 2), ("ACCUSE", 3), ("REJECT", 3), ("THREATEN", 3), ("PROTEST", 3), ("SANCTION", 4),
               ("MOBILIZE", 4), ("COERCE", 4), ("ASSAULT", 4), ("DISAPPROVE", 3)]
_STATUSES = ["occurred"] * 6 + ["planned", "intended", "hypothetical", "denied", "demanded"]
_PLACES = [("Geneva", "CHE", 46.2, 6.15), ("Moscow", "RUS", 55.75, 37.62), ("Aleppo", "SYR", 36.2, 37.16),
           ("Kyiv", "UKR", 50.45, 30.52), ("Gaza", "PSE", 31.5, 34.47), ("Tehran", "IRN", 35.69, 51.39),
           ("Beijing", "CHN", 39.9, 116.4), ("Washington", "USA", 38.9, -77.04), ("Cairo", "EGY", 30.06, 31.25),
           ("Sanaa", "YEM", 15.35, 44.21), ("Baghdad", "IRQ", 33.34, 44.4), ("Kabul", "AFG", 34.53, 69.17)]


def synthetic_documents(count: int, seed: int = 7):
    """`count` coded documents with EVENTS_PER_DOCUMENT varied events each, over two years of dates."""
    from datetime import date, timedelta

    from detente.model import Commitment, Document, Entity, Event, Place, Quote

    rng = random.Random(seed)
    start = date(2015, 1, 1)
    for number in range(count):
        day = (start + timedelta(days=rng.randrange(730))).isoformat()
        body = f"Synthetic wire report {number}. " + " ".join(rng.choice(_COUNTRIES) for _ in range(30))
        doc = Document(body=body, title=f"Synthetic report {number} on {rng.choice(_COUNTRIES)}",
                       outlet=f"Wire {number % 7}", published=day, published_source="given",
                       source=f"synthetic:{number}")
        events = []
        for k in range(EVENTS_PER_DOCUMENT):
            actor, recipient = rng.sample(_COUNTRIES, 2)
            category, quad = rng.choice(_CATEGORIES)
            place = rng.choice(_PLACES)
            events.append(Event(
                id=f"{doc.id}-e{k}", event=[category], quad_code=quad, date=day, date_precision="day",
                status=rng.choice(_STATUSES), event_text=category.lower(), confidence=rng.random(),
                event_scale=float(rng.randint(-10, 10)), text_info={"sequence": k, "start": 0, "end": 20},
                actor=[Entity(code=actor, sector=[rng.choice(_SECTORS)], entity_text=f"{actor} official",
                              identifier_text=f"{actor} official")],
                recipient=[Entity(code=recipient, sector=[rng.choice(_SECTORS)], entity_text=f"{recipient} side")],
                event_loc=Place(text=place[0], start=0, end=0, name=place[0], country=place[1], lat=place[2],
                                lon=place[3]),
            ))
        doc.events = events
        speaker = Entity(code=events[0].actor[0].code, sector=["GOV"], entity_text="spokesman")
        doc.quotes = [Quote(speaker=speaker, text="We will talk", kind="direct", cue="said", start=0, end=10)]
        doc.commitments = [Commitment(what="hold talks", by=[speaker], due=day[:7], precision="month",
                                      firmness="announced", event_id=events[0].id, evidence={"start": 0, "end": 10})]
        yield doc


def build_store(db: Path, events: int, bbc: int) -> object:
    """Fill a new store with `events` synthetic events and `bbc` pipeline-coded BBC articles."""
    from detente.extraction import ingest
    from detente.store import iter_batches, open_store

    store = open_store(db)
    started = time.perf_counter()
    for batch in iter_batches(synthetic_documents(events // EVENTS_PER_DOCUMENT), 1000):
        store.write_batch(batch, None)
    print(f"wrote {events:,} synthetic events in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if bbc:
        started = time.perf_counter()
        subset = db.parent / "bbc.jsonl"
        with open(BBC, encoding="utf-8") as source, open(subset, "w", encoding="utf-8") as target:
            for _, line in zip(range(bbc), source):
                row = json.loads(line)
                target.write(json.dumps({"id": "bbc-" + row["id"], "title": row.get("title"), "outlet": "BBC",
                                         "published": "2005-01-15", "text": row["text"]}) + "\n")
        summary = ingest([str(subset)], store)
        print(f"ingested {summary.stored} BBC articles ({summary.events} events) in"
              f" {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return store


def queries(doc_id: str) -> dict[str, str]:
    """The main API queries: name -> URL."""
    return {
        "events (first page)": "/api/v1/events",
        "events actor=RUS": "/api/v1/events?actor=RUS&limit=100",
        "events actor+recipient+dates": "/api/v1/events?actor=RUS&recipient=USA&since=2015-06-01&until=2015-12-31",
        "events category+quad+status": "/api/v1/events?category=ASSAULT&quad_code=4&status=occurred",
        "events actor name (substring)": "/api/v1/events?actor=official&limit=100",
        "events text search q": "/api/v1/events?q=Moscow&limit=100",
        "events place=SYR, -date": "/api/v1/events?place=SYR&sort=-date&limit=100",
        "events page 2 (cursor)": "CURSOR",
        "events 500 per page": "/api/v1/events?limit=500",
        "series dyad per day (RUS)": "/api/v1/series?by=dyad&interval=day&actor=RUS",
        "series category per month": "/api/v1/series?by=category&interval=month",
        "network (one year)": "/api/v1/network?since=2015-01-01&until=2015-12-31",
        "map": "/api/v1/map",
        "document record": f"/api/v1/documents/{doc_id}",
        "documents list": "/api/v1/documents",
        "events.csv actor=IRN (limit 2000)": "/api/v1/events.csv?actor=IRN&limit=2000",
    }


async def measure(app, repeat: int, doc_id: str) -> list[tuple[str, float, float, int]]:
    """p50 and p95 in ms (and the response size) of each query, after one warm-up call."""
    import httpx

    transport = httpx.ASGITransport(app=app)
    results = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        first = (await client.get("/api/v1/events?limit=50")).json()
        for name, url in queries(doc_id).items():
            if url == "CURSOR":
                url = f"/api/v1/events?limit=50&cursor={first['next_cursor']}"
            response = await client.get(url)
            assert response.status_code == 200, (name, response.text[:300])
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = await client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
            results.append((name, statistics.median(timings), p95, len(response.content)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--bbc", type=int, default=0, help="also ingest the first N BBC articles")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", type=Path, help="reuse (or create) this store instead of a temporary one")
    args = parser.parse_args()

    from detente.api import create_app
    from detente.settings import load_settings
    from detente.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        store = open_store(db) if db.exists() else build_store(db, args.events, args.bbc)
        counts = store.counts()
        doc_id = store.documents(limit=1)["id"][0]
        app = create_app(load_settings(env={}), store)
        results = asyncio.run(measure(app, args.repeat, doc_id))
        store.close()
    print(f"store: {counts['documents']:,} documents, {counts['events']:,} events; {args.repeat} calls per query")
    print(f"{'query':40} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>10}")
    for name, p50, p95, size in results:
        print(f"{name:40} {p50:8.1f} {p95:8.1f} {size:10,}")


if __name__ == "__main__":
    main()
