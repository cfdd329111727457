"""Batch mode on a Dask cluster: code large corpora partition by partition, then load them into the store.

`run_batch` splits JSONL/CSV/Parquet corpora (and directories of single-document files) into partitions of
row ranges, codes each partition on a Dask distributed cluster and writes `documents/part-<id>.parquet` and
`events/part-<id>.parquet` under the output directory.  A partition id is a hash of its input path and row
range, and its files are written under a temporary name then renamed, documents last: a partition whose
documents file exists is finished, so re-running after a killed or failed worker recomputes only the
partitions that are missing, never duplicating one.  `load_batch` merges the files into the store through
`Store.write_batch`, whose duplicate detection makes loading twice harmless.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from detente.errors import DetenteError, UsageError
from detente.ingest import readers, text
from detente.model import (Commitment, Document, Entity, Event, Place, Quote, Rejection, Stance, Timex,
                           content_id)
from detente.settings import Settings, load_settings

# File kinds split into row ranges; every other supported file is one document and such files are grouped.
RECORD_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
# Task retries when a worker dies mid-partition (Dask reschedules the task on another worker).
TASK_RETRIES = 2

DOCUMENT_SCHEMA = pa.schema([
    ("id", pa.string()), ("content_hash", pa.string()), ("source", pa.string()), ("url", pa.string()),
    ("outlet", pa.string()), ("title", pa.string()), ("published", pa.string()),
    ("language", pa.string()), ("n_events", pa.int32()), ("rejected_code", pa.string()),
    ("partition", pa.string()), ("record", pa.string()), ("mentions", pa.string()),
])
EVENT_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("position", pa.int32()), ("event_id", pa.string()), ("event_type", pa.string()),
    ("actor_code", pa.string()), ("recipient_code", pa.string()), ("date", pa.string()),
    ("status", pa.string()), ("quad_code", pa.int32()), ("partition", pa.string()), ("record", pa.string()),
])


@dataclass(frozen=True)
class Partition:
    """A slice of one input: rows [start, stop) of a record file, or files [start, stop) of a directory."""

    path: str
    kind: str  # jsonl, csv, parquet or files
    start: int
    stop: int
    offset: int = 0  # byte offset of row `start` (jsonl), so a worker seeks instead of scanning
    files: tuple[str, ...] = ()  # the single-document files of a `files` partition

    @property
    def id(self) -> str:
        """Deterministic id from the input path and the row range (and the files of a group)."""
        key = "\0".join([self.path, self.kind, str(self.start), str(self.stop), *self.files])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class PartitionResult:
    """What coding one partition produced."""

    id: str
    documents: int = 0
    rejected: int = 0
    events: int = 0
    seconds: float = 0.0


@dataclass
class BatchSummary:
    """What `run_batch` did; `detente batch` prints it."""

    out_dir: str
    partitions: int = 0
    computed: list[str] = field(default_factory=list)  # partition ids coded in this run
    skipped: list[str] = field(default_factory=list)  # finished in an earlier run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (partition id, error); re-run retries them
    documents: int = 0
    rejected: int = 0
    events: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 when every partition is finished, 1 when some failed (run again to retry them)."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, partition ids counted rather than listed."""
        return {
            "out_dir": self.out_dir, "partitions": self.partitions, "computed": len(self.computed),
            "skipped": len(self.skipped), "failed": [{"partition": p, "error": e} for p, e in self.failed],
            "documents": self.documents, "rejected": self.rejected, "events": self.events,
            "seconds": round(self.seconds, 2),
        }


@dataclass
class LoadSummary:
    """What `load_batch` did; `detente load` prints it."""

    partitions: int = 0
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0  # rejections recorded by this load (ones already in the store are not repeated)
    events: int = 0
    run_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


# --------------------------------------------------------------------------------------------- planning


def plan_partitions(inputs: list[str], partition_size: int = 200) -> list[Partition]:
    """The partitions of the inputs, in input order; E201 for a missing path."""
    if partition_size < 1:
        raise UsageError("E203", key="partition_size", value=partition_size, detail="use 1 or more")
    partitions: list[Partition] = []
    for item in inputs:
        path = Path(item)
        if not path.exists():
            raise UsageError("E201", path=item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _supported(p)
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            singles = [str(p.resolve()) for p in files if p.suffix.lower() not in RECORD_SUFFIXES]
            for start in range(0, len(singles), partition_size):
                group = tuple(singles[start:start + partition_size])
                partitions.append(Partition(str(path.resolve()), "files", start, start + len(group), files=group))
            for record_file in (p for p in files if p.suffix.lower() in RECORD_SUFFIXES):
                partitions.extend(_record_partitions(record_file, partition_size))
        elif path.suffix.lower() in RECORD_SUFFIXES:
            partitions.extend(_record_partitions(path, partition_size))
        else:
            # One document (or one E109 rejection for an unsupported type); read_path says which.
            resolved = str(path.resolve())
            partitions.append(Partition(resolved, "files", 0, 1, files=(resolved,)))
    return partitions


def _supported(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in RECORD_SUFFIXES or suffix in readers.SUFFIXES


def _record_partitions(path: Path, size: int) -> list[Partition]:
    resolved = str(path.resolve())
    kind = RECORD_SUFFIXES[path.suffix.lower()]
    if kind == "jsonl":
        offsets = _jsonl_offsets(path, size)
        rows = offsets.pop()
        return [Partition(resolved, kind, i * size, min((i + 1) * size, rows), offset=offset)
                for i, offset in enumerate(offsets)]
    rows = pq.ParquetFile(path).metadata.num_rows if kind == "parquet" else _csv_rows(path)
    return [Partition(resolved, kind, start, min(start + size, rows)) for start in range(0, rows, size)]


def _jsonl_offsets(path: Path, size: int) -> list[int]:
    """Byte offset of every `size`-th line, then the number of lines."""
    offsets, position, lines = [], 0, 0
    with path.open("rb") as handle:
        for line in handle:
            if lines % size == 0:
                offsets.append(position)
            position += len(line)
            lines += 1
    return [*offsets, lines]


def _csv_rows(path: Path) -> int:
    """Data rows of a CSV file up to and including the first malformed one; 1 when the header is unusable."""
    try:
        reader = csv.reader(io.StringIO(text.decode(path.read_bytes()), newline=""), strict=True)
        csv.field_size_limit(max(2**31 - 1, csv.field_size_limit()))
        next(reader)
    except (DetenteError, StopIteration, csv.Error):
        return 1  # the one partition reports the file's rejection
    rows = 0
    try:
        for rows, _ in enumerate(reader, start=1):
            pass
    except csv.Error:
        rows += 1
    return max(rows, 1)


# ---------------------------------------------------------------------------------------------- reading


def read_partition(partition: Partition, settings: Settings) -> Iterator[Document]:
    """The documents of one partition, rejected ones included, as `read_inputs` would give them."""
    ctx = readers.Context.from_settings(settings)
    if partition.kind == "files":
        for name in partition.files:
            yield from readers._guard(name, readers.read_path(Path(name), ctx))
    elif partition.kind == "jsonl":
        yield from readers._guard(partition.path, _jsonl_documents(partition, ctx))
    elif partition.kind == "csv":
        yield from readers._guard(partition.path, _csv_documents(partition, ctx))
    else:
        yield from readers._guard(partition.path, _parquet_documents(partition, ctx))


def _jsonl_documents(partition: Partition, ctx: readers.Context) -> Iterator[Document]:
    with open(partition.path, "rb") as handle:
        handle.seek(partition.offset)
        lines = itertools.islice(handle, partition.stop - partition.start)
        yield from readers.read_jsonl(lines, str(partition.path), ctx, first_line=partition.start + 1)


def _csv_documents(partition: Partition, ctx: readers.Context) -> Iterator[Document]:
    """Rows [start, stop) of a CSV file; the first partition reports problems of the whole file, as ingest does."""
    raw = Path(partition.path).read_bytes()
    yield from readers.read_csv(raw, str(partition.path), ctx, rows=range(partition.start, partition.stop))


def _parquet_documents(partition: Partition, ctx: readers.Context) -> Iterator[Document]:
    table = pq.read_table(partition.path).slice(partition.start, partition.stop - partition.start)
    for number, record in enumerate(table.to_pylist(), start=partition.start + 1):
        plain = {key: value.isoformat() if isinstance(value, (date, datetime)) else value
                 for key, value in record.items()}
        yield readers.document_from_record(plain, f"{partition.path}:{number}", ctx)


# ---------------------------------------------------------------------------------------------- coding


@lru_cache(maxsize=2)
def _worker_pipeline(settings_json: str):
    """The pipeline of this worker process, built on its first partition and reused for every other."""
    from detente.pipeline import Pipeline

    return Pipeline(Settings(json.loads(settings_json)))


def code_partition(partition: Partition, out_dir: str, settings_data: dict[str, Any]) -> PartitionResult:
    """Read, code and write one partition (a Dask task); returns its counts."""
    from detente.extraction import code_documents

    started = time.perf_counter()
    settings_json = json.dumps(settings_data, sort_keys=True, default=str)
    pipeline = _worker_pipeline(settings_json)
    docs = list(code_documents(read_partition(partition, Settings(settings_data)), pipeline))
    write_partition(Path(out_dir), partition.id, docs)
    return PartitionResult(
        partition.id, documents=len(docs), rejected=sum(d.rejected is not None for d in docs),
        events=sum(len(d.events) for d in docs), seconds=time.perf_counter() - started,
    )


def write_partition(out_dir: Path, partition_id: str, docs: list[Document]) -> None:
    """Write a partition's events then documents, each to a temporary name renamed into place."""
    doc_rows: dict[str, list[Any]] = {name: [] for name in DOCUMENT_SCHEMA.names}
    event_rows: dict[str, list[Any]] = {name: [] for name in EVENT_SCHEMA.names}
    for doc in docs:
        record = doc.to_dict()
        values = {
            "id": doc.id, "content_hash": doc.content_hash, "source": doc.source, "url": doc.url,
            "outlet": doc.outlet, "title": doc.title, "published": doc.published, "language": doc.language,
            "n_events": len(doc.events), "rejected_code": doc.rejected.code if doc.rejected else None,
            "partition": partition_id, "record": _json(record),
            "mentions": _json([asdict(m) for m in doc.mentions]),
        }
        for name, value in values.items():
            doc_rows[name].append(value)
        for position, (event, event_record) in enumerate(zip(doc.events, record["events"])):
            values = {
                "doc_id": doc.id, "position": position, "event_id": event.id,
                "event_type": event.event[0] if event.event else None,
                "actor_code": next((a.code for a in event.actor if a.code), None),
                "recipient_code": next((r.code for r in event.recipient if r.code), None),
                "date": event.date, "status": event.status, "quad_code": event.quad_code,
                "partition": partition_id, "record": _json(event_record),
            }
            for name, value in values.items():
                event_rows[name].append(value)
    _write_atomically(pa.table(event_rows, schema=EVENT_SCHEMA), _part_path(out_dir, "events", partition_id))
    _write_atomically(pa.table(doc_rows, schema=DOCUMENT_SCHEMA), _part_path(out_dir, "documents", partition_id))


def _write_atomically(table: pa.Table, target: Path) -> None:
    # A unique temporary name: a retried task and a stray one from a killed run may write at the same time.
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _part_path(out_dir: Path, kind: str, partition_id: str) -> Path:
    return out_dir / kind / f"part-{partition_id}.parquet"


def partition_done(out_dir: Path, partition_id: str) -> bool:
    """Whether a partition's files are both in place (documents are renamed last)."""
    return all(_part_path(out_dir, kind, partition_id).exists() for kind in ("events", "documents"))


# ---------------------------------------------------------------------------------------------- running


def run_batch(inputs: list[str], out_dir: Path, settings: Settings | None = None, scheduler: str | None = None,
              workers: int | None = None, partition_size: int = 200) -> BatchSummary:
    """Code the inputs on a Dask cluster into partitioned Parquet under `out_dir` (`detente batch`)."""
    started = time.perf_counter()
    settings = settings or load_settings()
    out_dir = Path(out_dir)
    partitions = plan_partitions(list(inputs), partition_size)
    for kind in ("documents", "events"):
        (out_dir / kind).mkdir(parents=True, exist_ok=True)
    summary = BatchSummary(out_dir=str(out_dir), partitions=len(partitions))
    pending = []
    for partition in partitions:
        if partition_done(out_dir, partition.id):
            summary.skipped.append(partition.id)
            _add_counts(summary, _counts_on_disk(out_dir, partition.id))
        else:
            pending.append(partition)
    if pending:
        _run_on_cluster(pending, out_dir, settings, scheduler, workers, summary)
    _write_manifest(out_dir, inputs, partitions, partition_size)
    summary.seconds = time.perf_counter() - started
    return summary


def _run_on_cluster(pending: list[Partition], out_dir: Path, settings: Settings, scheduler: str | None,
                    workers: int | None, summary: BatchSummary) -> None:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        run_token = uuid.uuid4().hex[:8]
        futures = {
            client.submit(code_partition, partition, str(out_dir.resolve()), settings.data,
                          key=f"detente-partition-{partition.id}-{run_token}", retries=TASK_RETRIES): partition
            for partition in pending
        }
        for future in as_completed(futures):
            partition = futures[future]
            try:
                result: PartitionResult = future.result()
            except Exception as err:  # a failed partition must not lose the others; a re-run retries it
                summary.failed.append((partition.id, f"{type(err).__name__}: {err}"))
                continue
            summary.computed.append(result.id)
            _add_counts(summary, result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _counts_on_disk(out_dir: Path, partition_id: str) -> PartitionResult:
    table = pq.read_table(_part_path(out_dir, "documents", partition_id), columns=["rejected_code", "n_events"])
    codes = table.column("rejected_code").to_pylist()
    return PartitionResult(partition_id, documents=len(codes), rejected=sum(c is not None for c in codes),
                           events=sum(table.column("n_events").to_pylist()))


def _add_counts(summary: BatchSummary, result: PartitionResult) -> None:
    summary.documents += result.documents
    summary.rejected += result.rejected
    summary.events += result.events


def _write_manifest(out_dir: Path, inputs: list[str], partitions: list[Partition], size: int) -> None:
    manifest = {
        "inputs": [str(i) for i in inputs], "partition_size": size,
        "partitions": [{"id": p.id, "path": p.path, "kind": p.kind, "start": p.start, "stop": p.stop}
                       for p in partitions],
    }
    target = out_dir / "batch.json"
    temporary = target.with_name(f".batch.json.{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(temporary, target)


# ---------------------------------------------------------------------------------------------- loading


def load_batch(out_dir: Path, store) -> LoadSummary:
    """Merge a batch's Parquet output into the store, one transaction per partition (`detente load`)."""
    from detente.store import iter_batches

    out_dir = Path(out_dir)
    if not (out_dir / "documents").is_dir():
        raise UsageError("E201", path=str(out_dir / "documents"))
    parts = sorted((out_dir / "documents").glob("part-*.parquet"))
    summary = LoadSummary(partitions=len(parts))
    summary.run_id = store.begin_run("load", [str(out_dir)])
    # The store records every rejection it is given; skip those an earlier load already recorded.
    known = store.rejections()
    recorded = set(zip(known["source"], known["doc_id"], known["code"]))
    for part in parts:
        table = pq.read_table(part, columns=["source", "language", "record", "mentions"])
        docs = []
        for source, language, record, mentions in zip(*(table.column(n).to_pylist() for n in table.column_names)):
            doc = document_from_record(json.loads(record), source=source, language=language,
                                       mentions=json.loads(mentions) if mentions else None)
            if doc.rejected is not None and (doc.source, doc.id, doc.rejected.code) in recorded:
                summary.duplicates += 1
                continue
            docs.append(doc)
        summary.read += table.num_rows
        for batch in iter_batches(docs, 500) if docs else []:
            result = store.write_batch(batch, summary.run_id)
            summary.stored += result.stored
            summary.duplicates += result.duplicates
            summary.rejected += result.rejected
            summary.events += result.events
    store.finish_run(summary.run_id, summary.to_dict())
    return summary


def document_from_record(record: dict[str, Any], source: str | None = None, language: str = "en",
                         mentions: list[dict[str, Any]] | None = None) -> Document:
    """Rebuild a `Document` from its OUTPUT.md record (`Document.to_dict()`), for the store to write."""
    rejected = record.get("rejected")
    doc = Document(
        body=record.get("body") or "", id=record.get("id"), url=record.get("url"), outlet=record.get("outlet"),
        title=record.get("title"), published=record.get("published"),
        published_source=record.get("published_source") or "unknown", language=language or "en", source=source,
        rejected=Rejection(rejected["code"], rejected["message"]) if rejected else None,
    )
    if doc.id is None:
        doc.id = content_id(doc.body)
    doc.events = [_event(e) for e in record.get("events") or []]
    doc.quotes = [Quote(**{**_known(Quote, q), "speaker": _entity(q.get("speaker"))})
                  for q in record.get("quotes") or []]
    doc.stances = [Stance(**{**_known(Stance, s), "holder": _entity(s.get("holder"))})
                   for s in record.get("stances") or []]
    doc.commitments = [Commitment(**{**_known(Commitment, c), "by": [_entity(b) for b in c.get("by") or []]})
                       for c in record.get("commitments") or []]
    doc.timexes = [Timex(**_known(Timex, t)) for t in record.get("timexes") or []]
    doc.places = [Place(**_known(Place, p)) for p in record.get("places") or []]
    doc.mentions = [Entity(**_known(Entity, m)) for m in mentions or []]
    return doc


def _event(record: dict[str, Any]) -> Event:
    values = _known(Event, record)
    values["actor"] = [_entity(a) for a in record.get("actor") or []]
    values["recipient"] = [_entity(r) for r in record.get("recipient") or []]
    location = record.get("event_loc")
    values["event_loc"] = Place(**_known(Place, location)) if location else None
    return Event(**values)


def _entity(record: dict[str, Any] | None) -> Entity | None:
    return Entity(**_known(Entity, record)) if record else None


def _known(cls: type, record: dict[str, Any]) -> dict[str, Any]:
    """The record's values for the dataclass's fields; fields a later record version adds are ignored."""
    names = {f.name for f in fields(cls)}
    return {key: value for key, value in record.items() if key in names}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
