"""Registered, versioned pipeline components and the pipeline that runs them in order.

A component is a callable `component(doc) -> doc` with `name`, `version`, `requires` and `assigns`
class attributes (spaCy's component contract).  Components register themselves with `@component`; the order
comes from `pipeline.components` in the settings.  Running the pipeline never raises on one bad document: it
records a rejection (E113, or E114 past the time bound) and goes on.

A component may also offer `pipe(docs) -> docs`, coding a list of documents at once (the parser does: spaCy is
several times faster on full batches).  `Pipeline.pipe` runs the leading stages up to the last such component
batch-wise over `pipeline.doc_batch_size` documents, then the remaining stages one document at a time.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Protocol

from detente.errors import DetenteError, UsageError
from detente.model import Document, Rejection
from detente.settings import Settings, load_settings
from detente.timeouts import DeadlineExceeded, run_with_deadline

log = logging.getLogger(__name__)

# Modules whose import registers the built-in components.
BUILTIN_MODULES = (
    "detente.nlp.parse",
    "detente.nlp.timex",
    "detente.nlp.actors",
    "detente.nlp.places",
    "detente.nlp.events",
    "detente.nlp.quotes",
    "detente.nlp.stances",
    "detente.nlp.commitments",
)


class Component(Protocol):
    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...


REGISTRY: dict[str, Callable[[Settings], Component]] = {}


def component(name: str) -> Callable[[type], type]:
    """Class decorator registering a component factory under `name`; the class takes the settings."""

    def register(cls: type) -> type:
        cls.name = name
        REGISTRY[name] = cls
        return cls

    return register


def load_builtins() -> None:
    """Import the modules that register built-in components (those not yet written are skipped)."""
    for module in BUILTIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise


class Pipeline:
    """The configured components, built once and applied to many documents."""

    def __init__(self, settings: Settings | None = None, names: Iterable[str] | None = None) -> None:
        self.settings = settings or load_settings()
        load_builtins()
        names = list(names or self.settings.get("pipeline.components"))
        missing = [n for n in names if n not in REGISTRY]
        if missing:
            raise UsageError("E202", name=missing[0])
        self.components: list[Component] = [REGISTRY[n](self.settings) for n in names]
        self.max_seconds = float(self.settings.get("pipeline.max_seconds_per_doc", 0) or 0)
        self.doc_batch_size = max(1, int(self.settings.get("pipeline.doc_batch_size", 1) or 1))
        # The leading stages that run batch-wise: up to the last one offering `pipe`.
        batched = [i for i, c in enumerate(self.components) if callable(getattr(c, "pipe", None))]
        self.batched = self.components[:batched[-1] + 1] if batched else []

    def describe(self) -> list[dict[str, Any]]:
        """Name, version, what each component reads and adds, in order (`detente pipeline`)."""
        return [
            {"name": c.name, "version": c.version, "requires": list(c.requires), "assigns": list(c.assigns),
             "doc": (type(c).__doc__ or "").strip().splitlines()[0]}
            for c in self.components
        ]

    def __call__(self, doc: Document) -> Document:
        return self._run(doc, self.components)

    def _run(self, doc: Document, stages: list[Component]) -> Document:
        """`doc` through `stages` under the per-document time bound; a failure becomes a rejection."""
        if doc.rejected is not None:
            return doc
        def run_stages(doc: Document = doc) -> Document:
            for stage in stages:
                doc = stage(doc)
            return doc

        try:
            doc = run_with_deadline(run_stages, self.max_seconds)
        except DeadlineExceeded:
            log.warning("pipeline stopped on %s after %ss", doc.id, self.max_seconds)
            _clear_outputs(doc)
            doc.rejected = Rejection("E114", DetenteError("E114", seconds=f"{self.max_seconds:g}").message)
        except Exception as err:  # one document must never stop a batch
            log.exception("pipeline failed on %s", doc.id)
            _clear_outputs(doc)
            doc.rejected = Rejection("E113", f"Processing the document failed ({type(err).__name__}: {err}); "
                                             "please report it with the document attached.")
        return doc

    def pipe(self, docs: Iterable[Document], batch_size: int | None = None) -> Iterator[Document]:
        """Run the pipeline over many documents, lazily, the batch-capable leading stages a batch at a time."""
        size = batch_size or self.doc_batch_size
        if not self.batched or size <= 1:
            for doc in docs:
                yield self(doc)
            return
        rest = self.components[len(self.batched):]
        docs = iter(docs)
        while batch := list(islice(docs, size)):
            live = [d for d in batch if d.rejected is None]
            try:
                # One bound for the whole batch: past it, or on any error, each document is run on its own,
                # so only a hostile document ends up rejected (an ordinary batch takes a few seconds).
                run_with_deadline(lambda live=live: self._run_batched(live), self.max_seconds)
            except (DeadlineExceeded, Exception):  # noqa: BLE001 - retried document by document below
                log.warning("batch of %d documents failed or overran; coding them one by one", len(live))
                yield from (self(doc) for doc in batch)
                continue
            for doc in batch:
                yield self._run(doc, rest)

    def _run_batched(self, docs: list[Document]) -> None:
        for stage in self.batched:
            if callable(getattr(stage, "pipe", None)):
                stage.pipe(docs)
            else:
                for doc in docs:
                    stage(doc)


def _clear_outputs(doc: Document) -> None:
    doc.events, doc.quotes, doc.stances, doc.commitments = [], [], [], []
    doc.timexes, doc.places, doc.mentions = [], [], []
