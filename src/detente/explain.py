"""`detente explain`: why a sentence was coded the way it was (parse, actors, times, trigger, event)."""

from __future__ import annotations

from typing import TextIO

from detente.extraction import complete_metadata, default_pipeline
from detente.model import Document, event_record
from detente.settings import Settings


def explain(text: str, published: str | None = None, settings: Settings | None = None) -> Document:
    """Code one sentence or paragraph, parsing all of it, and return the document for `report`."""
    pipeline = default_pipeline(settings)
    doc = Document(body=text.strip(), published=published, published_source="given" if published else "unknown")
    doc = complete_metadata(doc)
    # Parse everything: the prefilter's saving is irrelevant for one sentence, and a skipped sentence would
    # hide the parse the user asked to see.
    doc.notes["explain"] = True
    for stage in pipeline.components:
        doc = stage(doc)
        if stage.name == "prefilter":
            doc.notes["candidate_paragraphs"] = list(range(len(doc.paragraphs)))
    return doc


def report(doc: Document, out: TextIO) -> None:
    """Print the parse, the actor mentions with their rules, the times with their steps, and the events."""
    out.write(f"published: {doc.published or 'unknown'} ({doc.published_source})\n\nparse\n")
    for sentence in doc.sentences:
        if sentence.span is None:
            out.write(f"  (not parsed) {sentence.text}\n")
            continue
        for token in sentence.span:
            out.write(f"  {token.i:>3} {token.text:<16} {token.lemma_:<14} {token.tag_:<5} {token.dep_:<10} "
                      f"-> {token.head.i:>3} {token.head.text}"
                      f"{'  [' + token.ent_type_ + ']' if token.ent_type_ else ''}\n")
    out.write("\nactors\n")
    for mention in doc.mentions:
        out.write(f"  {mention.entity_text!r}: {mention.label()} {mention.identifier_text or ''}"
                  f"{' (' + mention.office + ')' if mention.office else ''}  rule {mention.rule}\n")
    out.write("\ntimes\n")
    for timex in doc.timexes:
        out.write(f"  {timex.text!r}: {timex.type} {timex.value} mod={timex.mod} anchor={timex.anchor}\n")
        for step in timex.steps:
            out.write(f"      {step}\n")
    out.write("\nplaces\n")
    for place in doc.places:
        out.write(f"  {place.text!r}: {place.name}, {place.country} ({place.lat}, {place.lon})\n")
    out.write("\nevents\n")
    if not doc.events:
        out.write("  (none)\n")
    for event in doc.events:
        record = event_record(event)
        actors = " + ".join(a.label() for a in event.actor) or "-"
        recipients = " + ".join(r.label() for r in event.recipient) or "-"
        out.write(f"  {actors} --{'/'.join(event.event)}--> {recipients}\n")
        out.write(f"      trigger {event.event_text!r}  rule {event.rule}  confidence {event.confidence:.2f}\n")
        out.write(f"      status {event.status}  date {event.date} ({event.date_precision})  mode {event.mode}"
                  f"  context {event.context}  quad {event.quad_code}  scale {event.event_scale}"
                  f"  cameo {event.cameo}  where {record['event_loc'] and record['event_loc'].get('name')}\n")
    if doc.quotes:
        out.write("\nquotes\n")
        for quote in doc.quotes:
            who = quote.speaker.identifier_text or quote.speaker.entity_text if quote.speaker else "?"
            out.write(f"  {who}: {quote.kind} {quote.text!r} (cue {quote.cue})\n")
