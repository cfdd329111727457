"""Terminal rendering: tables of query results, ingest summaries, and a document with its findings highlighted."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

import pandas as pd

# ANSI styles per kind of finding in `detente show`; the legend prints the same names.
STYLES = {
    "event": "\033[1;31m",   # bold red: event trigger
    "quote": "\033[32m",     # green: quoted content
    "timex": "\033[36m",     # cyan: time expression
    "place": "\033[33m",     # yellow: place
}
RESET = "\033[0m"
# Kinds in order of precedence when spans overlap: the first listed wins for a character.
PRECEDENCE = ("event", "timex", "place", "quote")


def table(frame: pd.DataFrame, out: TextIO, max_width: int = 60) -> None:
    """Print a DataFrame as an aligned text table, long cells cut to `max_width`."""
    if frame.empty:
        out.write("(no rows)\n")
        return
    cells = frame.astype(object).where(frame.notna(), "").map(_cell)
    cells = cells.map(lambda s: s if len(s) <= max_width else s[: max_width - 1] + "…")
    widths = {c: max(len(str(c)), *(len(v) for v in cells[c])) for c in cells.columns}
    out.write("  ".join(str(c).ljust(widths[c]) for c in cells.columns).rstrip() + "\n")
    out.write("  ".join("-" * widths[c] for c in cells.columns) + "\n")
    for _, row in cells.iterrows():
        out.write("  ".join(row[c].ljust(widths[c]) for c in cells.columns).rstrip() + "\n")


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        value = value.tolist() if hasattr(value, "tolist") else value
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_frame(frame: pd.DataFrame, fmt: str, out_path: str | None, out: TextIO) -> None:
    """Write query results as table, json (one object per line), csv or parquet."""
    if fmt == "table":
        table(frame, out)
    elif fmt == "json":
        text = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
        _emit(text, out_path, out)
    elif fmt == "csv":
        _emit(frame.to_csv(index=False), out_path, out)
    elif fmt == "parquet":
        frame.to_parquet(out_path)


def _emit(text: str, out_path: str | None, out: TextIO) -> None:
    if out_path:
        with open(out_path, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        out.write(text if text.endswith("\n") or not text else text + "\n")


def summary(result: dict, out: TextIO) -> None:
    """Print an ingest summary: counts, then each rejection with its code and what to do."""
    out.write(f"read {result['read']}  stored {result['stored']}  duplicates {result['duplicates']}  "
              f"near-duplicates {result.get('near_duplicates', 0)}  rejected {len(result['rejected'])}  "
              f"events {result['events']}\n")
    for item in result["rejected"]:
        out.write(f"  rejected {item['source']}: {item['code']} {item['message']}\n")


def highlight_spans(record: dict) -> list[tuple[int, int, str]]:
    """(start, end, kind) spans of a document record's findings, for highlighting."""
    spans = []
    for event in record.get("events", []):
        info = event.get("text_info") or {}
        if info.get("trigger_start") is not None:
            spans.append((info["trigger_start"], info["trigger_end"], "event"))
    spans += [(q["start"], q["end"], "quote") for q in record.get("quotes", [])]
    spans += [(t["start"], t["end"], "timex") for t in record.get("timexes", [])]
    spans += [(p["start"], p["end"], "place") for p in record.get("places", [])]
    return [s for s in spans if s[0] is not None and s[1] is not None and s[0] < s[1]]


def show_document(record: dict, out: TextIO, color: bool | None = None) -> None:
    """Print a stored document: header, the body with findings highlighted, then its events and quotes."""
    color = out.isatty() if color is None else color
    body = record["body"]
    out.write(f"{record.get('title') or '(untitled)'}\n")
    out.write(f"{record.get('outlet') or '-'} · {record.get('published') or 'date unknown'}"
              f" ({record.get('published_source')}) · id {record['id']}\n\n")
    kinds: list[str | None] = [None] * len(body)
    for start, end, kind in sorted(highlight_spans(record), key=lambda s: -PRECEDENCE.index(s[2])):
        for i in range(max(0, start), min(len(body), end)):
            kinds[i] = kind
    out.write(_paint(body, kinds, color) + "\n\n")
    if color:
        out.write("legend: " + "  ".join(f"{STYLES[k]}{k}{RESET}" for k in PRECEDENCE) + "\n\n")
    out.write(f"events ({len(record.get('events', []))})\n")
    for event in record.get("events", []):
        actors = "+".join(_label(a) for a in event["actor"]) or "-"
        recipients = "+".join(_label(r) for r in event["recipient"]) or "-"
        out.write(f"  {event.get('date') or '?':<10}  {actors:<16} {'/'.join(event['event']):<10} "
                  f"{recipients:<16} {event['status']:<12} \"{event.get('event_text', '')}\"\n")
    out.write(f"quotes ({len(record.get('quotes', []))})\n")
    for quote in record.get("quotes", []):
        speaker = quote.get("speaker") or {}
        who = speaker.get("identifier_text") or speaker.get("entity_text") or "?"
        out.write(f"  {who} ({_label(speaker) if speaker else '-'}), {quote['kind']}: \"{quote['text']}\"\n")
    stances = record.get("stances", [])
    if stances:
        out.write(f"stances ({len(stances)})\n")
        for stance in stances:
            out.write(f"  {_who(stance.get('holder'))} {stance.get('polarity', '?')}: {stance.get('issue')}"
                      f"  [{stance.get('issue_key')}]\n")
    commitments = record.get("commitments", [])
    if commitments:
        out.write(f"commitments ({len(commitments)})\n")
        for commitment in commitments:
            bound = ", ".join(_who(e) for e in commitment.get("by") or []) or "?"
            due = commitment.get("due") or "no date"
            precision = f" ({commitment['precision']})" if commitment.get("precision") else ""
            kept = f" by {commitment['kept_by']}" if commitment.get("kept_by") else ""
            out.write(f"  {bound} {commitment.get('firmness', '?')}: {commitment.get('what')}, due {due}{precision}"
                      f" - {commitment.get('status', 'pending')}{kept}\n")


def _who(entity: dict | None) -> str:
    """'Name (CODE SECTOR)' of an entity record, or its label alone when it has no name."""
    if not entity:
        return "?"
    name = entity.get("identifier_text") or entity.get("entity_text")
    return f"{name} ({_label(entity)})" if name else _label(entity)


def entity_label(entity: dict) -> str:
    """"CODE SECTOR" of an entity record, "?" when it has no code."""
    return _label(entity)


def _label(entity: dict) -> str:
    if not entity or not entity.get("code"):
        return "?"
    return " ".join([entity["code"], *(entity.get("sector") or [])[:1]])


def _paint(body: str, kinds: list[str | None], color: bool) -> str:
    if not color:
        return body
    parts, current = [], None
    for ch, kind in zip(body, kinds):
        if kind != current:
            parts.append(RESET if current else "")
            parts.append(STYLES[kind] if kind else "")
            current = kind
        parts.append(ch)
    if current:
        parts.append(RESET)
    return "".join(parts)


def stderr_progress(prefix: str = "ingest") -> Any:
    """A progress callback drawing one updating line on a terminal, silent otherwise."""
    if not sys.stderr.isatty():
        return None

    def draw(s) -> None:
        sys.stderr.write(f"\r{prefix}: read {s.read}  stored {s.stored}  duplicates {s.duplicates}  "
                         f"rejected {len(s.rejected)}  events {s.events}")
        sys.stderr.flush()

    return draw
