"""Where detente's CPU time per article goes, stage by stage, and the throughput each part alone would allow.

Runs the default pipeline over --limit BBC articles in this process (after a warm-up of 10) and prints CPU
milliseconds per article for each component; the parse stage is split into the sentence split, spaCy's
tagger and parser over the sentences chosen for parsing, NER over those that need it, and the memoised rule
stages.  The last column is the articles per second that stage alone would allow on --cores cores, with
nothing else to do: the parser's row is the ceiling of any design that parses what detente parses now.

    .venv/bin/python bench/stage_costs.py [--limit 200] [--cores 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from throughput import load_corpus  # noqa: E402


class Timed:
    """A pipeline component whose calls add their CPU time to `costs[name]`."""

    def __init__(self, component, name: str, costs: Counter) -> None:
        self.component, self.name, self.costs = component, name, costs
        if callable(getattr(component, "pipe", None)):
            self.pipe = self._pipe

    def __call__(self, doc):
        started = time.process_time()
        try:
            return self.component(doc)
        finally:
            self.costs[self.name] += time.process_time() - started

    def _pipe(self, docs):
        started = time.process_time()
        try:
            return self.component.pipe(docs)
        finally:
            self.costs[self.name] += time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()

    from detente.extraction import default_pipeline
    from detente.model import Document
    from detente.nlp.parse import Parse, needs_ner

    rows = load_corpus(args.limit + 10)
    pipeline = default_pipeline()
    list(pipeline.pipe([Document(body=r["text"]) for r in rows[:10]]))  # load data, warm the memos
    costs: Counter = Counter()
    parse = next(c for c in pipeline.components if isinstance(c, Parse))
    chosen: list[str] = []
    analyse = parse._analyse
    parse._analyse = lambda texts: (chosen.extend(texts), analyse(texts))[1]
    pipeline.components = [Timed(c, type(c).__name__, costs) for c in pipeline.components]
    pipeline.batched = pipeline.components[:len(pipeline.batched)]
    docs = [Document(body=r["text"]) for r in rows[10:]]
    words = sum(len(d.body.split()) for d in docs)
    started = time.process_time()
    list(pipeline.pipe(docs))
    total = time.process_time() - started
    count = len(docs)

    # The parse stage's parts, re-run alone over the same sentences.
    nlp = parse.nlp
    parts: Counter = Counter()
    started = time.process_time()
    with nlp.select_pipes(enable=["senter"]):
        list(nlp.pipe([d.body for d in docs], batch_size=parse.batch_size))
    parts["  sentence split (tokenizer + senter, every paragraph)"] = time.process_time() - started
    started = time.process_time()
    with nlp.select_pipes(enable=parse.analysis):
        parsed = list(nlp.pipe(chosen, batch_size=parse.batch_size))
    parts["  tagger + parser (chosen sentences)"] = time.process_time() - started
    started = time.process_time()
    for rule in parse.rules:
        parsed = [rule(d) for d in parsed]
    parts["  attribute ruler + lemmatizer (memos warm)"] = time.process_time() - started
    wanted = [d for d in parsed if needs_ner(d.text, [(t.text, t.idx) for t in d if not t.is_space])]
    started = time.process_time()
    for _ in parse.ner.pipe(wanted, batch_size=parse.batch_size):
        pass
    parts["  NER (sentences the knowledge base leaves open)"] = time.process_time() - started

    chosen_words = sum(len(t.split()) for t in chosen)
    print(f"{count} BBC articles, {words} words; {len(chosen)} sentences parsed ({chosen_words} words,"
          f" {chosen_words / words:.0%}), NER on {len(wanted)} of them")
    print(f"{'stage':58} {'CPU ms/article':>15} {'art/s alone on ' + str(args.cores) + ' cores':>24}")
    for name, seconds in [*costs.items(), *parts.items(), ("all stages", total)]:
        per_article = 1000 * seconds / count
        ceiling = args.cores * 1000 / per_article if per_article else float("inf")
        print(f"{name:58} {per_article:>15.1f} {ceiling:>24.1f}")


if __name__ == "__main__":
    main()
