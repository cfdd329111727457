"""Documents for the API and browser tests: the examples, the seed article and a few generated reports."""

from __future__ import annotations

import json
from pathlib import Path

from detente.model import Document, Entity, Event, Place
from tests.paths import EXAMPLES, SEED

# Generated wire-style reports: (published, text).  Each names two states and a place the gazetteer knows,
# so the pipeline codes actors, an event and a location.
_REPORTS = [
    ("2016-02-03", "Turkey accused Russia on Tuesday of violating its airspace near the Syrian border, "
                   "Turkish Foreign Minister Mevlut Cavusoglu said in Ankara."),
    ("2016-02-10", "Germany and France agreed on Wednesday in Paris to send more aid to refugees in Greece, "
                   "officials said."),
    ("2016-02-17", "Iran threatened on Monday to retaliate against Saudi Arabia after the embassy row, "
                   "state media in Tehran reported."),
    ("2016-02-24", "China and Japan held talks in Beijing on Thursday about maritime disputes, "
                   "diplomats said."),
]


def generated_jsonl(directory: Path) -> Path:
    """Write the generated reports as one JSONL file and return its path."""
    path = directory / "generated.jsonl"
    lines = [json.dumps({"id": f"generated-{i}", "published": day, "outlet": "detente tests",
                         "title": text.split(",")[0], "text": text})
             for i, (day, text) in enumerate(_REPORTS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_PLACES = [("Geneva", "CHE", 46.2, 6.15), ("Moscow", "RUS", 55.75, 37.62), ("Aleppo", "SYR", 36.2, 37.16)]
_ACTORS = [("RUS", "GOV", "Sergei Lavrov"), ("USA", "GOV", "John Kerry"), ("SYR", "REB", "Syrian opposition"),
           ("TUR", "MIL", "Turkish army")]
_CATEGORIES = [("CONSULT", 1), ("AID", 2), ("ACCUSE", 3), ("ASSAULT", 4)]


def synthetic_document(number: int) -> Document:
    """A coded document built from the model (no pipeline): one event with a located place per number."""
    actor, recipient = _ACTORS[number % 4], _ACTORS[(number + 1) % 4]
    place = _PLACES[number % 3]
    category, quad = _CATEGORIES[number % 4]
    body = f"Synthetic report {number}: {actor[2]} and {recipient[2]} met in {place[0]}."
    day = f"2016-03-{1 + number % 28:02d}"
    doc = Document(body=body, title=f"Synthetic report {number}", outlet="synthetic", published=day,
                   published_source="given", source=f"synthetic:{number}")
    doc.events = [Event(
        id=f"{doc.id}-e0", event=[category], quad_code=quad, date=day, date_precision="day", event_text="met",
        actor=[Entity(code=actor[0], sector=[actor[1]], entity_text=actor[2], identifier_text=actor[2])],
        recipient=[Entity(code=recipient[0], sector=[recipient[1]], entity_text=recipient[2],
                          identifier_text=recipient[2])],
        event_loc=Place(text=place[0], start=0, end=0, name=place[0], country=place[1], lat=place[2], lon=place[3]),
        text_info={"sequence": 1, "start": 0, "end": len(body)}, confidence=0.5 + number % 5 / 10,
        event_scale=float(quad),
    )]
    return doc


def filled_store(directory: Path, pipeline, synthetic: int):
    """A DuckDB store in `directory` holding the examples, the generated reports and the seed article (when
    present) through the pipeline, plus `synthetic` coded documents with located events."""
    from detente.extraction import ingest
    from detente.settings import load_settings
    from detente.store import open_store

    inputs = [str(EXAMPLES / "talks.jsonl"), str(EXAMPLES / "ceasefire.html"), str(generated_jsonl(directory))]
    if SEED.exists():
        inputs.append(str(SEED))
    store = open_store(directory / "detente.duckdb")
    ingest(inputs, store, settings=load_settings(env={}), published="2015-12-16", pipeline=pipeline)
    store.write_batch([synthetic_document(n) for n in range(synthetic)], None)
    return store
