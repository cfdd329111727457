"""Cross-document event merging: reports of one real-world event become one event with its mentions.

Reads event records (OUTPUT.md event fields plus `doc_id` and `published`, the publication date of the
reporting document) and returns `MergedEvent`s, each with its mentions (kept for provenance), `sources` (how
many documents report it), first and last report, and representative fields.

Two reports are of the same event when
- their actors and recipients have the same codes (as one set of participants for reciprocal categories such
  as CONSULT, data/events/merging.yaml),
- their categories are the same PLOVER category or in one compatible group (same file),
- their statuses are both asserted (occurred/planned/intended) or equal,
- their dates fall within a window set by precision: day +-`DAY_WINDOW_DAYS`; week the same ISO week; month the
  same month; quarter/year the same period; no date ("publication") +-`PUBLICATION_WINDOW_DAYS` of publication,
- their places are the same, or one is missing, or one is the country the other lies in.

Clustering is done so that the result depends only on the set of reports, never their order: within a block of
reports sharing participants, category group and status class, day-dated reports of one day form units, and a
unit joins a neighbouring day's unit only when that one is the most reported around it (`_bounded_clusters`), so
daily reports of a long war stay one event a day rather than chaining into one; each coarser report (week,
month, publication date) is then attached to the nearest compatible day-dated cluster, so a vague "talks this
month" cannot bridge two distinct meetings; coarse reports with no such cluster are grouped the same bounded
way.  `assign_incrementally` recomputes only the blocks that new reports touch, which gives exactly the batch
result.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

# A day-dated event reported as "Tuesday" by one outlet and "on December 15" by another resolves to the same
# day; one day either way absorbs time zones and "late on Tuesday" reported as Wednesday's news.
DAY_WINDOW_DAYS = 1
# An event with no time expression is dated by publication; news reports an event within a few days.
PUBLICATION_WINDOW_DAYS = 3
# Two reports that can merge have periods at most this far apart (day-dated ones `DAY_WINDOW_DAYS`; all others
# overlap), and every link the clustering makes joins two such reports.  So a block falls apart into
# independent stretches of time wherever its reports leave a wider gap, and a store re-merges only the stretch
# around new reports (store/merges.py).
LINK_REACH = timedelta(days=max(DAY_WINDOW_DAYS, PUBLICATION_WINDOW_DAYS))

# Precisions of reports that can head an event of their own in `_bounded_clusters`.
HEADING_PRECISIONS = frozenset({"day", "publication"})
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4, "publication": 5, "unknown": 6}
# The fields a merged event copies from its representative mention.
REPRESENTATIVE_FIELDS = ("actor", "recipient", "event", "mode", "context", "event_text", "quad_code",
                         "event_scale", "cameo")

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class MergingRules:
    """The merging tables of data/events/merging.yaml."""

    reciprocal: frozenset[str]
    group_of: Mapping[str, str]
    asserted: frozenset[str]


@lru_cache(maxsize=1)
def merging_rules() -> MergingRules:
    """Load data/events/merging.yaml once per process."""
    text = resources.files("detente").joinpath("data/events/merging.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    group_of: dict[str, str] = {}
    for group in data.get("compatible", []):
        name = "|".join(sorted(group))
        for category in group:
            group_of[category] = name
    return MergingRules(frozenset(data.get("reciprocal", [])), group_of, frozenset(data.get("asserted", [])))


@dataclass(frozen=True)
class _Mention:
    """One event report, reduced to what merging compares."""

    sort_key: tuple[str, str, str]  # (published, doc_id, event id): "earliest mention" and tie-breaks
    block: tuple[Any, ...]
    precision: str
    period: tuple[date, date] | None  # first and last day the report's date allows
    place: tuple[str, str | None, bool] | None  # (identity, country, is a country)
    record: Mapping[str, Any]

    @property
    def day(self) -> date | None:
        return self.period[0] if self.precision == "day" and self.period else None


@dataclass
class MergedEvent:
    """One real-world event and the reports of it."""

    id: str
    mentions: list[tuple[str, str]]  # (event id, doc id), earliest report first
    sources: int
    first_reported: str | None
    last_reported: str | None
    event: dict[str, Any]  # representative OUTPUT.md event fields, `id` = this id, `sources` filled
    records: list[Mapping[str, Any]] = field(default_factory=list, repr=False)  # the mentions, for re-merging

    @property
    def doc_ids(self) -> list[str]:
        """The distinct reporting documents, in order of first report."""
        return list(dict.fromkeys(doc for _, doc in self.mentions))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the representative event plus mentions, sources and first/last report."""
        return {**self.event, "mentions": [{"event_id": e, "doc_id": d} for e, d in self.mentions],
                "sources": self.sources, "first_reported": self.first_reported,
                "last_reported": self.last_reported}


def event_records(documents: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The events of OUTPUT.md document records, each with its document's `doc_id` and `published` added."""
    return [{**event, "doc_id": doc.get("id"), "published": doc.get("published")}
            for doc in documents if not doc.get("rejected") for event in doc.get("events") or []]


def merge_events(events: Iterable[Mapping[str, Any]]) -> list[MergedEvent]:
    """Cluster event records (with doc_id and published) into merged events, independent of input order."""
    blocks: dict[tuple[Any, ...], list[_Mention]] = defaultdict(list)
    for mention in _unique_mentions(events):
        blocks[mention.block].append(mention)
    merged = [_merged(cluster) for mentions in blocks.values() for cluster in _cluster_block(mentions)]
    return sorted(merged, key=lambda m: m.id)


def block_key(record: Mapping[str, Any]) -> str:
    """A short key for the block an event record (with doc_id and published) falls into: reports can merge
    only within a block, so a store that keeps this key re-merges just the blocks new reports touch."""
    return placement(record)[0]


def placement(record: Mapping[str, Any]) -> tuple[str, tuple[date, date] | None]:
    """An event record's block key and the first and last day its date allows (None: no date to compare,
    so it never merges); a store keeps both to find the reports a new one can reach."""
    mention = _mention(record)
    return hashlib.sha1(repr(_canonical(mention.block)).encode()).hexdigest()[:16], mention.period


def _canonical(value: Any) -> Any:
    """The value with every set replaced by a sorted tuple, so its repr does not depend on hash order."""
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(_canonical(v) for v in value))
    if isinstance(value, tuple):
        return tuple(_canonical(v) for v in value)
    return value


def assign_incrementally(existing: Iterable[MergedEvent], new_events: Iterable[Mapping[str, Any]]) -> list[MergedEvent]:
    """Add new event records to merged events; equal to `merge_events` over all records at once."""
    new = _unique_mentions(new_events)
    touched = {m.block for m in new}
    kept: list[MergedEvent] = []
    records: list[Mapping[str, Any]] = [m.record for m in new]
    for merged_event in existing:
        olds = _unique_mentions(merged_event.records)
        if olds and olds[0].block in touched:
            records.extend(m.record for m in olds)
        else:
            kept.append(merged_event)
    return sorted(kept + merge_events(records), key=lambda m: m.id)


def _unique_mentions(events: Iterable[Mapping[str, Any]]) -> list[_Mention]:
    """Mentions by (doc_id, event id), the first record kept when one is given twice."""
    seen: dict[tuple[str, str], _Mention] = {}
    for record in events:
        mention = _mention(record)
        seen.setdefault(mention.sort_key[1:], mention)
    return sorted(seen.values(), key=lambda m: m.sort_key)


def _codes(entities: Iterable[Mapping[str, Any]] | None) -> frozenset[str]:
    return frozenset(e["code"] for e in entities or () if isinstance(e, Mapping) and e.get("code"))


def _mention(record: Mapping[str, Any]) -> _Mention:
    rules = merging_rules()
    categories = list(record.get("event") or [])
    primary = categories[0] if categories else ""
    group = rules.group_of.get(primary, primary)
    actors, recipients = _codes(record.get("actor")), _codes(record.get("recipient"))
    if primary in rules.reciprocal:
        participants: tuple[Any, ...] = ("both", actors | recipients)
    else:
        participants = (actors, recipients)
    status = record.get("status") or "occurred"
    status_class = "asserted" if status in rules.asserted else status
    published = _day(record.get("published"))
    sort_key = (str(record.get("published") or "9999"), str(record.get("doc_id") or ""), str(record.get("id") or ""))
    precision, period = _period(record.get("date"), record.get("date_precision"), published)
    block: tuple[Any, ...] = (group, participants, status_class)
    if not (actors or recipients) or not primary:
        block = ("unmergeable",) + sort_key  # uncoded participants or no category: nothing to compare on
    return _Mention(sort_key, block, precision, period, _place(record.get("event_loc")), record)


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _period(value: Any, precision: str | None, published: date | None) -> tuple[str, tuple[date, date] | None]:
    """The report's precision and the first and last day its date allows."""
    text = str(value).strip() if value else ""
    if "/" in text:  # an interval "2015-12-07/2015-12-13"
        start, _, end = text.partition("/")
        first, last = _day(start), _day(end)
        if first and last and first <= last:
            return (precision or "week"), (first, last)
    if precision == "day" or (precision is None and len(text) == 10):
        day = _day(text)
        if day:
            return "day", (day, day)
    if match := _WEEK.match(text):
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        return "week", (monday, monday + timedelta(days=6))
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        return "month", (date(year, month, 1), _month_end(year, month))
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        return "quarter", (date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
    if match := _YEAR.match(text):
        year = int(match[1])
        return "year", (date(year, 1, 1), date(year, 12, 31))
    if published is None:
        return "unknown", None
    window = timedelta(days=PUBLICATION_WINDOW_DAYS)
    return "publication", (published - window, published + window)


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _place(loc: Any) -> tuple[str, str | None, bool] | None:
    if not isinstance(loc, Mapping):
        return None
    country = loc.get("country")
    is_country = str(loc.get("feature") or "").startswith("PCL")
    if loc.get("geonameid"):
        identity = f"geonames:{loc['geonameid']}"
    elif loc.get("name") or loc.get("text"):
        identity = f"{str(loc.get('name') or loc.get('text')).casefold()}|{country or ''}"
    else:
        return None
    return identity, country, is_country


def _places_compatible(a: _Mention, b: _Mention) -> bool:
    if a.place is None or b.place is None or a.place[0] == b.place[0]:
        return True
    # "in Russia" and "in Moscow" are one place told at two scales
    return (a.place[2] or b.place[2]) and a.place[1] is not None and a.place[1] == b.place[1]


def _dates_compatible(a: _Mention, b: _Mention) -> bool:
    if a.period is None or b.period is None:
        return False
    if a.precision == "day" and b.precision == "day":
        return abs((a.period[0] - b.period[0]).days) <= DAY_WINDOW_DAYS
    if a.precision == "publication" and b.precision == "publication":
        centre_a, centre_b = a.period[0], b.period[0]  # both windows are centred on publication
        return abs((centre_a - centre_b).days) <= PUBLICATION_WINDOW_DAYS
    return a.period[0] <= b.period[1] and b.period[0] <= a.period[1]


def _compatible(a: _Mention, b: _Mention) -> bool:
    return _dates_compatible(a, b) and _places_compatible(a, b)


def _components(mentions: list[_Mention]) -> list[list[_Mention]]:
    """Connected components of the compatibility graph."""
    parent = list(range(len(mentions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _pairs_in_reach([m.period for m in mentions]):
        if _compatible(mentions[i], mentions[j]):
            parent[root(j)] = root(i)
    groups: dict[int, list[_Mention]] = defaultdict(list)
    for i, mention in enumerate(mentions):
        groups[root(i)].append(mention)
    return list(groups.values())


def _pairs_in_reach(periods: list[tuple[date, date] | None]) -> Iterator[tuple[int, int]]:
    """Index pairs of the periods that start close enough for their reports to merge, by a sweep over starts.

    Any pair that can merge starts no further apart than the widest period plus `LINK_REACH`, so the inner
    loop stops there instead of running over the whole block; periods of None never merge.
    """
    dated = sorted((i for i, p in enumerate(periods) if p is not None), key=lambda i: periods[i][0])
    reach = max((periods[i][1] - periods[i][0] for i in dated), default=timedelta(0)) + LINK_REACH
    for position, i in enumerate(dated):
        for j in dated[position + 1:]:
            if periods[j][0] - periods[i][0] > reach:
                break
            yield i, j


def _cluster_block(mentions: list[_Mention]) -> list[list[_Mention]]:
    """Clusters of one block: day-dated events, coarse reports attached to the nearest, the rest grouped."""
    dated = [m for m in mentions if m.precision == "day"]
    coarse = [m for m in mentions if m.precision != "day"]
    clusters = [sorted(c, key=lambda m: m.sort_key) for c in _bounded_clusters(dated)]
    clusters.sort(key=lambda c: c[0].sort_key)
    unattached: list[_Mention] = []
    attached: dict[int, list[_Mention]] = defaultdict(list)
    for mention in coarse:
        best = _nearest_cluster(mention, clusters)
        if best is None:
            unattached.append(mention)
        else:
            attached[best].append(mention)
    result = [cluster + attached.get(i, []) for i, cluster in enumerate(clusters)]
    result.extend(_bounded_clusters(unattached))
    return result


def _bounded_clusters(mentions: list[_Mention]) -> list[list[_Mention]]:
    """Reports grouped into events that cannot chain across time.

    Reports of the same date (day, or publication day for undated ones) that can merge form a unit.  Units
    that can merge with each other (a day apart; undated ones published within a few days) are neighbours.
    A unit reported more than each of its neighbours (ties: the earlier report first) heads an event; any
    other unit joins its most reported neighbour when that neighbour heads one, and else stands alone.  So
    the outlet that dated Tuesday's talks to Wednesday joins Tuesday's event, while a war reported every day
    stays one event a day instead of becoming one event for the whole war, as linking every pair of
    neighbouring days would make it.
    """
    units = _units(mentions)
    rank = {i: (-len(unit), unit[0].sort_key) for i, unit in enumerate(units)}  # lower: more reported
    neighbours = _unit_neighbours(units)
    # Only a day, or a publication day, can head an event: a week, month or year overlaps everything in it, so a
    # "this year" report heading one would gather undated reports months apart.
    can_head = {i for i, unit in enumerate(units) if unit[0].precision in HEADING_PRECISIONS}
    heads = {i for i in can_head if all(rank[i] < rank[j] for j in neighbours[i] & can_head)}
    members: dict[int, list[_Mention]] = {i: list(units[i]) for i in heads}
    alone = []
    for i, unit in enumerate(units):
        if i in heads:
            continue
        best = min(neighbours[i] & can_head, key=rank.__getitem__, default=None)
        if best in heads:
            members[best].extend(unit)
        else:
            alone.append(list(unit))
    return list(members.values()) + alone


def _units(mentions: list[_Mention]) -> list[list[_Mention]]:
    """Components of mergeable reports that share one period, each sorted, in order of first report."""
    by_period: dict[tuple[str, tuple[date, date] | None], list[_Mention]] = defaultdict(list)
    for mention in mentions:
        by_period[(mention.precision, mention.period)].append(mention)
    units = [sorted(c, key=lambda m: m.sort_key) for group in by_period.values() for c in _components(group)]
    return sorted(units, key=lambda unit: unit[0].sort_key)


def _unit_neighbours(units: list[list[_Mention]]) -> dict[int, set[int]]:
    """Pairs of units with two reports that could merge."""
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(units))}
    for i, j in _pairs_in_reach([unit[0].period for unit in units]):
        if any(_compatible(a, b) for a in units[i] for b in units[j]):
            neighbours[i].add(j)
            neighbours[j].add(i)
    return neighbours


def _nearest_cluster(mention: _Mention, clusters: list[list[_Mention]]) -> int | None:
    """Index of the compatible day-dated cluster nearest the report's date; ties go to the earliest cluster."""
    if mention.period is None:
        return None
    centre = mention.period[0] + (mention.period[1] - mention.period[0]) / 2
    best: tuple[int, int] | None = None
    for i, cluster in enumerate(clusters):
        distances = [abs((m.day - centre).days) for m in cluster if _compatible(mention, m)]
        if distances and (best is None or min(distances) < best[0]):
            best = (min(distances), i)
    return best[1] if best else None


def merged_event_id(first_doc_id: str, first_event_id: str) -> str:
    """Stable id of a merged event: a hash of its earliest mention."""
    return "me-" + hashlib.sha1(f"{first_doc_id}\x1f{first_event_id}".encode()).hexdigest()[:16]


def _merged(cluster: list[_Mention]) -> MergedEvent:
    cluster = sorted(cluster, key=lambda m: m.sort_key)
    first = cluster[0]
    merged_id = merged_event_id(first.sort_key[1], first.sort_key[2])
    representative = _representative(cluster)
    record = representative.record
    event = {name: record.get(name) for name in REPRESENTATIVE_FIELDS if name in record}
    event["id"] = merged_id
    event["date"] = record.get("date")
    event["date_precision"] = record.get("date_precision") or representative.precision
    event["event_loc"] = _representative_place(cluster)
    statuses = {str(m.record.get("status") or "occurred") for m in cluster}
    # a meeting reported as planned and later as held happened
    event["status"] = "occurred" if "occurred" in statuses else (record.get("status") or "occurred")
    event["confidence"] = max(float(m.record.get("confidence") or 0.0) for m in cluster)
    doc_ids = list(dict.fromkeys(m.sort_key[1] for m in cluster))
    event["sources"] = len(doc_ids)
    published = sorted(str(m.record["published"]) for m in cluster if m.record.get("published"))
    return MergedEvent(
        id=merged_id, mentions=[(m.sort_key[2], m.sort_key[1]) for m in cluster], sources=len(doc_ids),
        first_reported=published[0] if published else None, last_reported=published[-1] if published else None,
        event=event, records=[m.record for m in cluster],
    )


def _representative(cluster: list[_Mention]) -> _Mention:
    """The most specific report: best precision, then the date most reports give, then confidence, earliest."""
    best_rank = min(PRECISION_RANK.get(m.precision, 6) for m in cluster)
    specific = [m for m in cluster if PRECISION_RANK.get(m.precision, 6) == best_rank]
    votes = Counter(m.period for m in specific if m.period is not None)
    top = max(votes.values(), default=0)
    period = min((p for p, n in votes.items() if n == top), default=None)
    candidates = [m for m in specific if m.period == period] or specific
    return min(candidates, key=lambda m: (-float(m.record.get("confidence") or 0.0), m.sort_key))


def _representative_place(cluster: list[_Mention]) -> Any:
    """The place most reports give, preferring a town over a country; None when no report has one."""
    placed = [m for m in cluster if m.place is not None]
    if not placed:
        return None
    votes = Counter(m.place[0] for m in placed)
    best = min(placed, key=lambda m: (m.place[2], -votes[m.place[0]], m.sort_key))
    return best.record.get("event_loc")
