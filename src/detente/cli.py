"""The `detente` command line: each command parses its arguments and calls one plain function.

Exit codes: 0 success, 1 some documents rejected (or an evaluation floor missed), 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from detente import render
from detente.errors import DetenteError, UsageError
from detente.settings import Settings, load_settings

FORMATS = ("table", "json", "csv", "parquet")


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        # argparse turns this into a usage message and exit code 2.
        raise argparse.ArgumentTypeError(UsageError("E204", value=value).message) from None
    return value


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    settings.override("store.db", getattr(args, "db", None))
    return settings


def _open(args: argparse.Namespace, read_only: bool = False):
    from detente.store import open_store

    return open_store(_settings(args).get("store.db"), read_only=read_only)


def cmd_ingest(args: argparse.Namespace, out: TextIO) -> int:
    from detente.extraction import default_workers, ingest

    settings = _settings(args)
    with _open(args) as store:
        result = ingest(args.inputs, store, settings, published=args.published, batch_size=args.batch_size,
                        stdin=sys.stdin.buffer if "-" in args.inputs else None,
                        on_progress=None if args.quiet else render.stderr_progress(),
                        workers=args.workers or default_workers())
    if not args.quiet and sys.stderr.isatty():
        sys.stderr.write("\n")
    render.summary(result.to_dict(), out)
    return result.exit_code


def cmd_extract(args: argparse.Namespace, out: TextIO) -> int:
    from detente.extraction import default_workers, extract_documents

    settings = _settings(args)
    rejected = 0
    target = open(args.output, "w", encoding="utf-8") if args.output and args.output != "-" else out
    try:
        for doc in extract_documents(args.inputs, settings, published=args.published,
                                     stdin=sys.stdin.buffer if "-" in args.inputs else None,
                                     workers=args.workers or default_workers()):
            rejected += doc.rejected is not None
            target.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            target.flush()
    finally:
        if target is not out:
            target.close()
    return 1 if rejected else 0


def cmd_documents(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args, read_only=True) as store:
        frame = store.documents(since=args.since, until=args.until, limit=args.limit)
    columns = [c for c in ("id", "published", "outlet", "title", "source") if c in frame.columns]
    render.write_frame(frame[columns] if args.format == "table" else frame, args.format, args.output, out)
    return 0


def cmd_events(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args, read_only=True) as store:
        frame = store.events(actor=args.actor, recipient=args.recipient, type=args.type, status=args.status,
                             since=args.since, until=args.until, limit=args.limit)
    if args.format == "table":
        wanted = ("date", "actor_labels", "event_type", "recipient_labels", "status", "event_text", "place_name",
                  "sources", "doc_id")
        frame = frame[[c for c in wanted if c in frame.columns]].rename(
            columns={"actor_labels": "actor", "event_type": "event", "recipient_labels": "recipient",
                     "place_name": "where"})
    render.write_frame(frame, args.format, args.output, out)
    return 0


def cmd_merged(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args, read_only=True) as store:
        if args.reports:
            frame = store.merged_event_reports(args.reports)
            if frame.empty:
                raise UsageError("E211", key=args.reports)
        else:
            frame = store.merged_events(actor=args.actor, recipient=args.recipient, party=args.party,
                                        type=args.type,
                                        since=args.since, until=args.until, min_sources=args.min_sources,
                                        limit=args.limit)
            if args.format == "table":
                frame = frame[["date", "event_type", "actor_codes", "recipient_codes", "status", "place_name",
                               "sources", "first_reported", "last_reported", "id"]].rename(
                    columns={"event_type": "event", "actor_codes": "actor", "recipient_codes": "recipient",
                             "place_name": "where"})
    render.write_frame(frame, args.format, args.output, out)
    return 0


def cmd_quotes(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args, read_only=True) as store:
        frame = store.quotes(doc_id=args.doc, limit=args.limit)
    if args.format == "table":
        frame = frame[["doc_id", "speaker_label", "speaker_name", "kind", "cue", "text"]]
    render.write_frame(frame, args.format, args.output, out)
    return 0


def cmd_stances(args: argparse.Namespace, out: TextIO) -> int:
    from detente.nlp.stances import stance_grid, stance_matrix

    with _open(args, read_only=True) as store:
        matrix = stance_matrix(store.stances(issue=args.issue))
    if args.format == "table" and not matrix.empty:
        render.table(stance_grid(matrix).reset_index(), out)
        out.write("\n")
    render.write_frame(matrix, args.format, args.output, out)
    return 0


def cmd_commitments(args: argparse.Namespace, out: TextIO) -> int:
    import pandas as pd

    from detente.tracking import track_store

    with _open(args, read_only=True) as store:
        tracked = track_store(store)
    rows = [{"due": c.get("due"), "precision": c.get("precision"), "status": c.get("status"),
             "firmness": c.get("firmness"), "by": [render.entity_label(b) for b in c.get("by") or []],
             "what": c.get("what"), "kept_by": c.get("kept_by"), "doc_id": c.get("doc_id")} for c in tracked]
    frame = pd.DataFrame(rows, columns=["due", "precision", "status", "firmness", "by", "what", "kept_by",
                                        "doc_id"])
    if args.status:
        frame = frame[frame["status"] == args.status]
    if args.due_before:
        from detente.tracking import due_window

        ends = [(due_window(d, p) or (None, None))[1] for d, p in zip(frame["due"], frame["precision"])]
        frame = frame[[e is not None and e <= args.due_before for e in ends]]
    render.write_frame(frame.head(args.limit) if args.limit else frame, args.format, args.output, out)
    return 0


def cmd_processes(args: argparse.Namespace, out: TextIO) -> int:
    from detente.processes import processes_from_store

    with _open(args, read_only=True) as store:
        render.write_frame(processes_from_store(store), args.format, args.output, out)
    return 0


def cmd_timeline(args: argparse.Namespace, out: TextIO) -> int:
    from detente.processes import timeline_from_store

    with _open(args, read_only=True) as store:
        frame = timeline_from_store(store, args.process)
    if frame is None:
        raise UsageError("E210", key=args.process)
    render.write_frame(frame, args.format, args.output, out)
    return 0


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from detente.api import serve

    serve(_settings(args), host=args.host, port=args.port)
    return 0


def cmd_batch(args: argparse.Namespace, out: TextIO) -> int:
    from detente.batch import run_batch

    summary = run_batch(args.inputs, Path(args.out), _settings(args), scheduler=args.scheduler,
                        workers=args.workers, partition_size=args.partition_size)
    out.write(json.dumps(summary.to_dict(), indent=2, default=str) + "\n")
    return summary.exit_code


def cmd_load(args: argparse.Namespace, out: TextIO) -> int:
    from detente.batch import load_batch

    with _open(args) as store:
        summary = load_batch(Path(args.dir), store)
    out.write(json.dumps(summary.to_dict(), indent=2, default=str) + "\n")
    return 0


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args, read_only=True) as store:
        record = store.document(args.doc_id)
        if record is not None and record.get("commitments"):
            _track_commitments(record, store)
    if record is None:
        raise UsageError("E206", doc_id=args.doc_id, db=store.backend.path)
    if args.json:
        out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    else:
        render.show_document(record, out, color=None if not args.no_color else False)
    return 0


def _track_commitments(record: dict, store) -> None:
    """Give the document's commitments their status against every stored event (kept, missed or pending), as
    `detente commitments` does, instead of the "pending" they were stored with."""
    from detente.tracking import tracked_by_evidence

    tracked = tracked_by_evidence(store)
    for commitment in record["commitments"]:
        found = tracked.get((record["id"], (commitment.get("evidence") or {}).get("start")))
        if found is not None:
            commitment["status"], commitment["kept_by"] = found["status"], found.get("kept_by")


def cmd_pipeline(args: argparse.Namespace, out: TextIO) -> int:
    from detente.pipeline import Pipeline

    for n, item in enumerate(Pipeline(_settings(args)).describe(), 1):
        out.write(f"{n}. {item['name']} (v{item['version']}): {item['doc']}\n")
        out.write(f"   reads {', '.join(item['requires'])}; adds {', '.join(item['assigns'])}\n")
    return 0


def cmd_actors(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args, read_only=True) as store:
        render.write_frame(store.actors(limit=args.limit), args.format, args.output, out)
    return 0


def cmd_actor(args: argparse.Namespace, out: TextIO) -> int:
    from detente.nlp.actors import explain_name

    out.write(json.dumps(explain_name(args.name, args.date), ensure_ascii=False, indent=2, default=str) + "\n")
    return 0


def cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    from detente.explain import explain, report

    report(explain(args.text, published=args.published, settings=_settings(args)), out)
    return 0


def cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    from detente.evaluate import check_floors, format_report, run_eval
    from detente.pipeline import Pipeline

    for path in args.gold:
        if not Path(path).exists():
            raise UsageError("E201", path=path)
    result = run_eval(args.gold, Pipeline(_settings(args)), limit=args.limit)
    failures = check_floors(result) if args.check_floors else []
    if args.json:
        out.write(json.dumps({"report": result, "floor_failures": failures}, indent=2, default=str) + "\n")
    else:
        out.write(format_report(result) + "\n")
        for failure in failures:
            out.write(f"FLOOR MISSED: {failure}\n")
    return 1 if failures else 0


def cmd_watch(args: argparse.Namespace, out: TextIO) -> int:
    from detente.extraction import code_documents, default_pipeline
    from detente.ingest.feeds import parse_interval, watch
    from detente.store.repository import is_database_url

    settings = _settings(args)
    pipeline = default_pipeline(settings)
    db = str(settings.get("store.db"))
    # Seen items are remembered beside a DuckDB file; a database URL has no "beside", so the working directory.
    default_state = Path("detente.watch.json") if is_database_url(db) else Path(db).with_suffix(".watch.json")
    state = Path(args.state) if args.state else default_state
    with _open(args) as store:
        run_id = store.begin_run("watch", list(args.feeds))

        def on_documents(docs) -> None:
            result = store.write_batch(list(code_documents(docs, pipeline)), run_id)
            out.write(f"stored {result.stored}  duplicates {result.duplicates}  rejected {result.rejected}  "
                      f"events {result.events}\n")
            out.flush()

        watch(args.feeds, parse_interval(args.every), on_documents, settings, state, iterations=args.rounds)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command; docs/cli.md documents each one."""
    parser = argparse.ArgumentParser(prog="detente", description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="settings file laid over the defaults (else ./detente.yaml)")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="DuckDB file or postgresql:// URL (default detente.duckdb, or DETENTE_DB)")
        return p

    def with_output(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--format", choices=FORMATS, default="table")
        p.add_argument("-o", "--output", help="write to this file (required for parquet)")
        p.add_argument("--limit", type=int)
        return p

    p = with_db(sub.add_parser("ingest", help="read, code and store documents"))
    p.add_argument("inputs", nargs="+", help="files, directories, JSONL/CSV corpora, URLs or feeds, - for stdin")
    p.add_argument("--published", type=_iso_date, help="publication date for inputs that carry none")
    p.add_argument("--batch-size", type=int, default=50, help="documents per transaction")
    p.add_argument("--workers", type=int, help="processes coding documents (default: all cores)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("extract", help="code documents to detente.document.v1 JSONL, no database")
    p.add_argument("inputs", nargs="+")
    p.add_argument("-o", "--output", help="output JSONL file (default: stdout)")
    p.add_argument("--published", type=_iso_date)
    p.add_argument("--workers", type=int, help="processes coding documents (default: all cores)")
    p.set_defaults(func=cmd_extract)

    p = with_output(with_db(sub.add_parser("documents", help="list stored documents")))
    p.add_argument("--since", type=_iso_date)
    p.add_argument("--until", type=_iso_date)
    p.set_defaults(func=cmd_documents)

    p = with_output(with_db(sub.add_parser("events", help="query stored events")))
    p.add_argument("--actor", help="code (RUS), label (RUS GOV) or name")
    p.add_argument("--recipient")
    p.add_argument("--type", help="PLOVER category, e.g. CONSULT")
    p.add_argument("--status", help="occurred, planned, intended, hypothetical, denied or demanded")
    p.add_argument("--since", type=_iso_date)
    p.add_argument("--until", type=_iso_date)
    p.set_defaults(func=cmd_events)

    p = with_output(with_db(sub.add_parser(
        "merged", help="real-world events merged from their reports across documents, with source counts")))
    p.add_argument("--actor", help="country or organisation code, e.g. RUS")
    p.add_argument("--recipient")
    p.add_argument("--party", help="code on either side (meetings are told from both)")
    p.add_argument("--type", help="PLOVER category, e.g. CONSULT")
    p.add_argument("--since", type=_iso_date)
    p.add_argument("--until", type=_iso_date)
    p.add_argument("--min-sources", type=int, help="only events reported by at least this many documents")
    p.add_argument("--reports", metavar="ID", help="list the reports one merged event was made from")
    p.set_defaults(func=cmd_merged)

    p = with_output(with_db(sub.add_parser("quotes", help="query stored quotes")))
    p.add_argument("--doc", help="only this document")
    p.set_defaults(func=cmd_quotes)

    p = with_output(with_db(sub.add_parser("stances", help="who stands for or against what, and changes")))
    p.add_argument("--issue", help="only this issue key (e.g. removal-of:Bashar al-Assad)")
    p.set_defaults(func=cmd_stances)

    p = with_output(with_db(sub.add_parser("commitments", help="announced commitments, tracked")))
    p.add_argument("--status", choices=("pending", "kept", "missed"))
    p.add_argument("--due-before", type=_iso_date, help="only those due on or before this date")
    p.set_defaults(func=cmd_commitments)

    p = with_output(with_db(sub.add_parser("processes", help="diplomatic processes: events grouped over time")))
    p.set_defaults(func=cmd_processes)

    p = with_output(with_db(sub.add_parser("timeline", help="the dated sequence of one process, with sources")))
    p.add_argument("process", help="process id, id prefix, or (part of) its name")
    p.set_defaults(func=cmd_timeline)

    p = with_db(sub.add_parser("serve", help="the HTTP API and the web dashboard"))
    p.add_argument("--host", help="address to bind (default 127.0.0.1, from server.host)")
    p.add_argument("--port", type=int, help="port (default 8000, from server.port)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("batch", help="code JSONL/CSV/Parquet corpora on a Dask cluster into Parquet")
    p.add_argument("inputs", nargs="+")
    p.add_argument("--out", required=True, help="output directory (partitions already there are skipped)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://HOST:8786")
    group.add_argument("--workers", type=int, help="worker processes of a local cluster (default: all cores)")
    p.add_argument("--partition-size", type=int, default=200, help="documents per partition")
    p.set_defaults(func=cmd_batch)

    p = with_db(sub.add_parser("load", help="load the Parquet output of `detente batch` into the store"))
    p.add_argument("dir")
    p.set_defaults(func=cmd_load)

    p = with_db(sub.add_parser("show", help="a stored document with its findings highlighted"))
    p.add_argument("doc_id", help="document id or a unique prefix of 6+ characters")
    p.add_argument("--json", action="store_true", help="print the stored record")
    p.add_argument("--no-color", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("pipeline", help="the pipeline components in order, with what each reads and adds")
    p.set_defaults(func=cmd_pipeline)

    p = with_output(with_db(sub.add_parser("actors", help="actors in the store with mention counts")))
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("actor", help="how a name is coded, and why")
    p.add_argument("name")
    p.add_argument("--date", type=_iso_date, help="the date that picks office holders (default: latest)")
    p.set_defaults(func=cmd_actor)

    p = sub.add_parser("explain", help="parse, matched trigger and rule, and coded event of a sentence")
    p.add_argument("text")
    p.add_argument("--published", type=_iso_date)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("eval", help="score the pipeline against gold data")
    p.add_argument("gold", nargs="+", help="gold files: PLOVER GSR, PETRARCH records, ConfliBERT, "
                                          "*.expected.json, TimeML dirs, LGL/GeoVirus, PolNeAR")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, help="score only the first N items of each set")
    p.add_argument("--check-floors", action="store_true", help="exit 1 when a score is below its floor")
    p.set_defaults(func=cmd_eval)

    p = with_db(sub.add_parser("watch", help="poll RSS/Atom feeds and ingest new items"))
    p.add_argument("feeds", nargs="+")
    p.add_argument("--every", default="15m", help="polling interval: 30s, 15m, 2h")
    p.add_argument("--rounds", type=int, help="stop after this many polls (default: forever)")
    p.add_argument("--state", help="file remembering seen items (default: next to the database)")
    p.set_defaults(func=cmd_watch)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the `detente` console script."""
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        if getattr(args, "format", None) == "parquet" and not getattr(args, "output", None):
            raise UsageError("E205", value="parquet without -o FILE", choices=", ".join(FORMATS))
        return args.func(args, out)
    except DetenteError as err:
        sys.stderr.write(f"detente: {err}\n")
        # E2xx codes are about how detente was called or pointed at its database: usage errors.
        return 2 if isinstance(err, UsageError) or err.code.startswith("E2") else 1
    except BrokenPipeError:
        # The reader went away (`detente events | head`): not an error worth a traceback.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("detente: interrupted; committed batches are kept, rerun the command to resume\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
