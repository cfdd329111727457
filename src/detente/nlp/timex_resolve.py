"""Normalisation of recognised temporal expressions into TIMEX3 values.

`resolve(mention, context)` turns a `Mention` (detente.nlp.timex_rules) into (value, steps): the value anchored
on the document date, on the previous expression (chaining), and pointed backwards or forwards by the tense
of the verb it belongs to.  Without a document date, relative expressions stay unresolved (None or an
XXXX-form) rather than guessed; today's date is never used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from detente.nlp.timex_rules import lexicon, number_value, ordinal_value

PAST, FUTURE = "past", "future"
SEASON_ORDER = ["WI", "SP", "SU", "FA"]
UNIT_LETTERS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
                "fortnight": "W", "month": "M", "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE",
                "centurie": "CE"}


@dataclass
class Context:
    """What resolution needs around one mention."""

    dct: date | None
    direction: str | None = None  # PAST, FUTURE or None when the tense says neither
    previous: str | None = None  # value of the previous DATE expression, for chaining
    previous_id: str | None = None
    previous_near: bool = False  # the previous expression is within a couple of sentences
    quarter: str | None = None  # the quarter last named, for "a year ago" in earnings reports
    strong: bool = False  # the direction comes from the parse or an explicit cue, not a guess
    steps: list[str] = field(default_factory=list)


def parse_dct(published: str | None) -> date | None:
    """The document date from an ISO date or datetime string; None when absent or unreadable."""
    if not published:
        return None
    found = re.match(r"(\d{4})-(\d{2})-(\d{2})", published)
    if not found:
        return None
    try:
        return date(*map(int, found.groups()))
    except ValueError:
        return None


def safe_date(year: int, month: int, day: int) -> date | None:
    """A date, or None for an impossible one (February 30, year 0)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iso_week(day: date) -> str:
    """TIMEX3 week value of a day (2015-W51)."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) shifted by a number of months."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def value_granularity(value: str | None) -> str | None:
    """day, week, month, quarter, half, season, year, decade, or None for REF/X values."""
    if not value or "X" in value[:4] or value.endswith("_REF"):
        return None
    patterns = [(r"\d{4}-\d\d-\d\d", "day"), (r"\d{4}-W\d\d", "week"), (r"\d{4}-\d\d$", "month"),
                (r"\d{4}-Q\d$", "quarter"), (r"\d{4}-H\d$", "half"), (r"\d{4}-(SP|SU|FA|WI)$", "season"),
                (r"\d{4}$", "year"), (r"\d{3}$", "decade")]
    for pattern, name in patterns:
        if re.match(pattern, value):
            return name
    return None


def _shift_value(value: str, unit: str, amount: int) -> str | None:
    """Moves a TIMEX3 value by `amount` units, keeping its granularity when it is coarser than a day."""
    gran = value_granularity(value)
    year = int(value[:4])
    try:
        if gran == "day":
            start = date.fromisoformat(value[:10])
            if unit == "day":
                return (start + timedelta(days=amount)).isoformat()
            if unit == "week":
                return (start + timedelta(weeks=amount)).isoformat()
            if unit == "month":
                y, m = add_months(start.year, start.month, amount)
                return f"{y:04d}-{m:02d}"
            if unit == "year":
                return f"{start.year + amount:04d}"
        if gran == "month":
            y, m = add_months(year, int(value[5:7]), amount * {"month": 1, "year": 12, "quarter": 3}.get(unit, 0))
            return f"{y:04d}-{m:02d}" if unit in ("month", "year", "quarter") else None
        if gran == "quarter":
            q = int(value[6]) - 1 + amount * {"quarter": 1, "year": 4}.get(unit, 0)
            return f"{year + q // 4:04d}-Q{q % 4 + 1}" if unit in ("quarter", "year") else None
        if gran in ("year", "half", "season") and unit == "year":
            return f"{year + amount:04d}" + value[4:]
    except (ValueError, OverflowError):
        return None
    return None


def _unit_value(day: date, unit: str) -> str:
    """The period of `unit` size containing `day`."""
    if unit == "day":
        return day.isoformat()
    if unit in ("week", "weekend"):
        return iso_week(day) + ("-WE" if unit == "weekend" else "")
    if unit == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if unit == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if unit == "decade":
        return f"{day.year // 10:03d}"
    if unit == "century":
        return f"{day.year // 100:02d}"
    return f"{day.year:04d}"


def _shift_day(day: date, unit: str, amount: int) -> date | None:
    """`day` moved by `amount` units (months and years land on the same day of the month where possible)."""
    try:
        if unit in ("day", "night"):
            return day + timedelta(days=amount)
        if unit in ("week", "weekend", "fortnight"):
            return day + timedelta(weeks=amount * (2 if unit == "fortnight" else 1))
        months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}.get(unit)
        if months is None:
            return None
        y, m = add_months(day.year, day.month, amount * months)
        return date(y, m, min(day.day, 28))
    except (ValueError, OverflowError):
        return None


def _two_digit_year(text: str, dct: date | None) -> int:
    """Century for "'98": the one putting the year within 80 years before to 20 after the document date."""
    short = int(text.strip("'"))
    pivot = dct.year if dct else 2000
    year = pivot // 100 * 100 + short
    if year > pivot + 20:
        year -= 100
    elif year < pivot - 80:
        year += 100
    return year


def _weekday_date(weekday: int, dct: date, direction: str | None, rel: str) -> date:
    """The day named by a weekday: the last one on or before the document date in past context, else ahead."""
    delta = weekday - dct.isoweekday()
    if rel in ("last", "the previous", "previous", "this past"):
        return dct + timedelta(days=delta - 7 if delta >= 0 else delta)
    if rel in ("next", "the next", "the following", "following", "coming", "this coming"):
        return dct + timedelta(days=delta + 7 if delta <= 0 else delta)
    if rel == "this" or direction == FUTURE:
        return dct + timedelta(days=delta + 7 if delta < 0 else delta)
    return dct + timedelta(days=delta - 7 if delta > 0 else delta)


def _count(parts: dict[str, str]) -> float | None:
    num = parts.get("num")
    return number_value(num) if num else None


def _duration_value(unit: str, count: float | None) -> str:
    """TIMEX3 duration of `count` units (PXY when the count is vague); fractions spill into the next unit."""
    unit = unit.lower().replace("centurie", "century")
    if unit in ("decade", "century") and count is not None:
        # TimeBank writes decades and centuries in years ("two decades" is P20Y)
        return f"P{_number(count * (10 if unit == 'decade' else 100))}Y"
    if unit == "fortnight":
        unit, count = "week", None if count is None else count * 2
    letter = UNIT_LETTERS.get(unit, "D")
    prefix = "PT" if unit in ("second", "minute", "hour") else "P"
    if count is None:
        return f"{prefix}X{letter}"
    whole, fraction = int(count), count - int(count)
    if not fraction or unit in ("second", "minute"):
        return f"{prefix}{_number(count)}{letter}"
    rest = _duration_value(_smaller_unit(unit), fraction * _unit_ratio(unit))
    if not whole:
        return rest
    joined = rest[2:] if rest.startswith("PT") and prefix == "PT" else rest[1:]
    return f"{prefix}{whole}{letter}{joined}"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _smaller_unit(unit: str) -> str:
    return {"year": "month", "month": "day", "week": "day", "day": "hour", "hour": "minute"}.get(unit, "minute")


def _unit_ratio(unit: str) -> int:
    return {"year": 12, "month": 30, "week": 7, "day": 24, "hour": 60}.get(unit, 60)


def resolve(mention, context: Context) -> str | None:
    """The TIMEX3 value of a mention; resolution steps are appended to `context.steps`."""
    handler = _HANDLERS.get(mention.kind)
    if handler is None:
        return None
    try:
        return handler(mention.parts, context)
    except (ValueError, OverflowError) as err:
        context.steps.append(f"could not resolve ({err}); value left unresolved")
        return None


def _rel(parts: dict[str, str]) -> str:
    return re.sub(r"\s+", " ", (parts.get("rel") or "").lower())


def _month_number(text: str) -> int:
    return lexicon()["months"][text.lower().rstrip(".")]


def _resolve_calendar(parts: dict[str, str], ctx: Context) -> str | None:
    """Explicit dates: month and day with or without year and weekday."""
    month = int(parts["mon"]) if parts["mon"].isdigit() else _month_number(parts["mon"])
    day = ordinal_value(parts["day"]) if not parts["day"].isdigit() else int(parts["day"])
    year_text = parts.get("year")
    if year_text and len(year_text.strip("'")) == 2:
        year = _two_digit_year(year_text, ctx.dct)
        ctx.steps.append(f"two-digit year {year_text} read as {year}")
    elif year_text:
        year = int(year_text)
    elif ctx.dct:
        direction = ctx.direction if ctx.strong else None
        rel = _rel(parts)
        if rel in ("next", "coming", "this coming"):
            direction = FUTURE
        elif rel == "last":
            direction = PAST
        year = _nearest_year(ctx.dct, direction, lambda y: safe_date(y, month, min(day or 1, 28)))
        ctx.steps.append(f"no year given: {year}, the nearest to the document date"
                         + (f" in the {direction}" if direction else ""))
    else:
        year = None
    if day is None or not 1 <= month <= 12:
        return None
    if year is None:
        if safe_date(2000, month, day) is None:
            ctx.steps.append(f"{parts['mon']} {day} does not exist; value left unresolved")
            return None
        ctx.steps.append("no document date: the year stays unknown")
        return f"XXXX-{month:02d}-{day:02d}"
    found = safe_date(year, month, day)
    if found is None:
        ctx.steps.append(f"{year}-{month:02d}-{day:02d} does not exist; value left unresolved")
        return None
    weekday = parts.get("wd")
    if weekday:
        named = lexicon()["weekdays"][weekday.lower().rstrip(".")]
        if named != found.isoweekday():
            ctx.steps.append(f"weekday clash: {found.isoformat()} is a {found.strftime('%A')}, not a {weekday}; "
                             "the explicit date wins")
        else:
            ctx.steps.append(f"{weekday} agrees with {found.isoformat()}")
    return found.isoformat()


# How far (days) the nearest reading may sit on the wrong side of the document date before the tense wins:
# articles often report a date a day or two off their creation date, and a reporting verb in the past tense
# says little about a dated event it introduces ("said ... payable Nov. 16"; TimeBank, 12 such errors).
TENSE_TOLERANCE_DAYS = 60


# A bare month name with no tense to go by is read as the last such month when that is this recent.
MONTH_PAST_BIAS_DAYS = 213


def _nearest_year(dct: date, direction: str | None, day_in) -> int:
    """Year (the document's, the one before or after) putting `day_in(year)` nearest the document date;
    the side `direction` asks for wins when the nearest is more than TENSE_TOLERANCE_DAYS on the other."""
    readings = []
    for year in (dct.year - 1, dct.year, dct.year + 1):
        day = day_in(year)
        if day is not None:
            readings.append(((day - dct).days, year))
    if not readings:
        return dct.year
    nearest_distance, nearest = min(readings, key=lambda r: (abs(r[0]), -r[0]))
    wrong_side = direction == PAST and nearest_distance > TENSE_TOLERANCE_DAYS or \
        direction == FUTURE and nearest_distance < -TENSE_TOLERANCE_DAYS
    if wrong_side:
        allowed = [r for r in readings if (r[0] <= 0 if direction == PAST else r[0] >= 0)]
        if allowed:
            return min(allowed, key=lambda r: abs(r[0]))[1]
    return nearest


def _resolve_month_rel_year(parts: dict[str, str], ctx: Context) -> str | None:
    if ctx.dct is None:
        return None
    year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[_rel(parts)]
    return f"{year:04d}-{_month_number(parts['mon']):02d}"


def _resolve_year_words(parts: dict[str, str], ctx: Context) -> str | None:
    rest = number_value(parts["num"]) if parts.get("num") else 0
    return f"{2000 + int(rest or 0):04d}"


def _resolve_year_period(parts: dict[str, str], ctx: Context) -> str | None:
    year = int(parts["year"])
    if ctx.previous and value_granularity(ctx.previous) == "quarter":
        ctx.steps.append(f"quarter taken from {ctx.previous}")
        return f"{year:04d}{ctx.previous[4:]}"
    return f"{year:04d}"


def _resolve_spelled_year(parts: dict[str, str], ctx: Context) -> str | None:
    rest = number_value(parts["num"])
    return None if rest is None else f"{(19 if parts['century'].lower() == 'nineteen' else 20) * 100 + int(rest):04d}"


def _resolve_century(parts: dict[str, str], ctx: Context) -> str | None:
    return f"{int(parts['ord']) - 1:02d}"


def _resolve_year_end(parts: dict[str, str], ctx: Context) -> str | None:
    return f"{ctx.dct.year:04d}" if ctx.dct else None


def _resolve_the_year(parts: dict[str, str], ctx: Context) -> str | None:
    return "P1Y"


def _resolve_month_year(parts: dict[str, str], ctx: Context) -> str | None:
    return f"{int(parts['year']):04d}-{_month_number(parts['mon']):02d}"


def _resolve_month(parts: dict[str, str], ctx: Context) -> str | None:
    month = _month_number(parts["mon"])
    if ctx.dct is None:
        return f"XXXX-{month:02d}"
    rel = _rel(parts)
    if rel in ("last", "this past", "the previous", "past"):
        year = ctx.dct.year if month < ctx.dct.month else ctx.dct.year - 1
    elif rel in ("next", "the following", "the coming", "coming"):
        year = ctx.dct.year if month > ctx.dct.month else ctx.dct.year + 1
    elif rel == "this":
        year = ctx.dct.year
    else:
        direction = ctx.direction if ctx.strong else None
        year = _nearest_year(ctx.dct, direction, lambda y: date(y, month, 15))
        behind = date(ctx.dct.year if month <= ctx.dct.month else ctx.dct.year - 1, month, 15)
        if direction is None and (ctx.dct - behind).days <= MONTH_PAST_BIAS_DAYS:
            year = behind.year  # news tells of what happened: a bare "in April" within seven months is behind
    ctx.steps.append(f"month {month} placed in {year} ({rel or ctx.direction or 'no tense'})")
    return f"{year:04d}-{month:02d}"


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def _resolve_holiday(parts: dict[str, str], ctx: Context) -> str | None:
    name = re.sub(r"\s+", " ", parts["holiday"].lower())
    fixed = lexicon()["holidays"][name]
    if parts.get("year"):
        year = int(parts["year"])
    elif ctx.dct:
        rel = _rel(parts)
        direction = PAST if rel == "last" else FUTURE if rel == "next" else ctx.direction if ctx.strong else None
        year = _nearest_year(ctx.dct, direction,
                             lambda y: date(y, *fixed) if fixed else _thanksgiving(y))
    else:
        return f"XXXX-{fixed[0]:02d}-{fixed[1]:02d}" if fixed else None
    day = date(year, *fixed) if fixed else _thanksgiving(year)
    return day.isoformat()


def _resolve_weekday(parts: dict[str, str], ctx: Context) -> str | None:
    weekday = lexicon()["weekdays"][parts["wd"].lower().rstrip(".")]
    part = lexicon()["parts_of_day"].get((parts.get("part") or "").lower())
    rel = _rel(parts)
    if rel == "that" and ctx.previous and value_granularity(ctx.previous) == "day":
        base = date.fromisoformat(ctx.previous[:10])
        ctx.steps.append(f"chained on {ctx.previous}")
        day = _weekday_date(weekday, base, PAST, "")
    elif ctx.dct is None:
        return f"XXXX-WXX-{weekday}" + (f"T{part}" if part else "")
    else:
        day = _weekday_date(weekday, ctx.dct, ctx.direction, rel)
        ctx.steps.append(f"{parts['wd']} taken as {day.isoformat()} ({rel or ctx.direction or 'no tense'}: "
                         f"{'ahead of' if day > ctx.dct else 'on or before'} the document date)")
    return day.isoformat() + (f"T{part}" if part else "")


def _resolve_relday(parts: dict[str, str], ctx: Context) -> str | None:
    name = re.sub(r"\s+", " ", parts["relday"].lower())
    part = lexicon()["parts_of_day"].get((parts.get("part") or "").lower())
    if name == "tonight":
        part = "NI"
    if ctx.dct is None:
        return None
    day = ctx.dct + timedelta(days=lexicon()["relative_days"][name])
    return day.isoformat() + (f"T{part}" if part else "")


def _resolve_this_part(parts: dict[str, str], ctx: Context) -> str | None:
    part = lexicon()["parts_of_day"][parts["part"].lower()]
    if ctx.dct is None:
        return None
    day = ctx.dct - timedelta(days=1) if _rel(parts).endswith("last") else ctx.dct
    return f"{day.isoformat()}T{part}"


def _resolve_clock(parts: dict[str, str], ctx: Context) -> str | None:
    if parts.get("noon"):
        hour, minute = (0, 0) if parts["noon"].lower() == "midnight" else (12, 0)
    else:
        hour = int(parts.get("h") or parts.get("h2"))
        minute = int(parts.get("m") or parts.get("m2") or 0)
        ampm = (parts.get("ampm") or "").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        if ampm.startswith("a") and hour == 12:
            hour = 0
    if hour > 23 or minute > 59:
        ctx.steps.append("impossible clock time; value left unresolved")
        return None
    day_word = (parts.get("day") or "").lower()
    day_value = None
    if parts.get("mon"):
        day_value = _resolve_calendar({"mon": parts["mon"], "day": parts["mday"]}, ctx)
    elif day_word in lexicon()["relative_days"]:
        day_value = _resolve_relday({"relday": day_word}, ctx)
    elif day_word:
        day_value = _resolve_weekday({"wd": day_word}, ctx)
    elif ctx.dct:
        day_value = ctx.dct.isoformat()
    if day_value is None or "X" in day_value:
        return f"XXXX-XX-XXT{hour:02d}:{minute:02d}"
    return f"{day_value[:10]}T{hour:02d}:{minute:02d}"


def _resolve_decade(parts: dict[str, str], ctx: Context) -> str | None:
    text = parts["decade"]
    year = _two_digit_year(text, ctx.dct) if text.startswith("'") else int(text)
    return f"{year // 10:03d}"


def _resolve_year(parts: dict[str, str], ctx: Context) -> str | None:
    return f"{int(parts['year']):04d}"


def _quarter_year(text: str | None, ctx: Context) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if ctx.dct is None:
        return None
    return ctx.dct.year + {"this": 0, "last": -1, "next": 1}[text.split()[0].lower()]


def _resolve_quarter(parts: dict[str, str], ctx: Context) -> str | None:
    quarter = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}[
        parts["q"].lower()]
    pre = (parts.get("pre") or "").lower()
    year = _quarter_year(parts.get("year"), ctx)
    year_in_front = re.search(r"\d{4}", pre)
    if year is None and year_in_front:
        year = int(year_in_front.group(0))
    if year is None:
        if ctx.dct is None:
            return f"XXXX-Q{quarter}"
        current = (ctx.dct.month - 1) // 3 + 1
        year = ctx.dct.year
        if "last year" in pre or "year-earlier" in pre or "year-ago" in pre:
            year -= 1
        elif "next" in pre:
            year += 1
        elif quarter > current and ctx.direction != FUTURE:
            year -= 1
    return f"{year:04d}-Q{quarter}"


def _resolve_half(parts: dict[str, str], ctx: Context) -> str | None:
    half = 1 if parts["h"].lower() == "first" else 2
    year = _quarter_year(parts.get("year"), ctx)
    if year is None:
        if ctx.dct is None:
            return f"XXXX-H{half}"
        year = ctx.dct.year - (1 if half == 2 and ctx.dct.month <= 6 and ctx.direction != FUTURE else 0)
    return f"{year:04d}-H{half}"


def _season_of(day: date) -> str:
    return {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(day.month, "FA")


def _resolve_season(parts: dict[str, str], ctx: Context) -> str | None:
    season = lexicon()["seasons"][parts["season"].lower()]
    if parts.get("year"):
        return f"{int(parts['year']):04d}-{season}"
    if ctx.dct is None:
        return f"XXXX-{season}"
    rel = _rel(parts)
    current = SEASON_ORDER.index(_season_of(ctx.dct))
    named = SEASON_ORDER.index(season)
    year = ctx.dct.year
    if rel in ("last", "the past", "this past"):
        if named >= current:
            year -= 1
    elif rel in ("next", "the coming"):
        if named <= current:
            year += 1
    elif rel in ("", "the"):
        middle = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}[season]
        year = _nearest_year(ctx.dct, ctx.direction if ctx.strong else None, lambda y: date(y, middle, 15))
    return f"{year:04d}-{season}"


_REL_OFFSETS = {"this": 0, "the current": 0, "current": 0, "the same": 0, "that": 0, "next": 1, "the next": 1,
                "the following": 1, "the coming": 1, "the preceding": -1, "coming": 1, "last": -1, "the past": -1, "the previous": -1,
                "the last": -1, "past": -1, "previous": -1, "this past": -1, "the latest": -1}


def _resolve_rel_unit(parts: dict[str, str], ctx: Context) -> str | None:
    rel = _rel(parts)
    unit = re.sub(r"\s+", " ", parts["unit"].lower()).replace("fiscal year", "year")
    offset = _REL_OFFSETS.get(rel, 0)
    if unit == "period":
        if ctx.previous and value_granularity(ctx.previous) == "quarter":
            return ctx.previous
        if ctx.dct is None:
            return None
        return _unit_value(_shift_day(ctx.dct, "quarter", -1) or ctx.dct, "quarter")
    chaining = ("that", "the same", "the following", "the previous", "the preceding")
    if rel in chaining and ctx.previous and value_granularity(ctx.previous) and unit != "weekend":
        ctx.steps.append(f"chained on {ctx.previous}")
        shifted = _shift_value(ctx.previous, unit, _REL_OFFSETS.get(rel, 0))
        if shifted is not None:
            return shifted if value_granularity(shifted) != "day" else _unit_value(date.fromisoformat(shifted), unit)
    if rel in ("that", "the same") and ctx.previous and value_granularity(ctx.previous):
        ctx.steps.append(f"chained on {ctx.previous}")
        return _shift_value(ctx.previous, unit, 0) if unit != "weekend" else None
    if ctx.dct is None:
        return None
    if unit == "quarter" and rel == "the latest":
        offset = -1
    if unit == "weekend" and offset == 0 and rel == "this" and ctx.direction == PAST and ctx.dct.isoweekday() < 6:
        offset = -1
    shifted = _shift_day(ctx.dct, unit, offset)
    if shifted is None:
        return None
    ctx.steps.append(f"{rel} {unit}: {offset:+d} {unit} from the document date")
    return _unit_value(shifted, unit)


def _resolve_the_unit(parts: dict[str, str], ctx: Context) -> str | None:
    unit = re.sub(r"\s+", " ", parts["unit"].lower())
    if ctx.dct is None:
        return None
    unit = unit.replace("comparable ", "")
    if unit.startswith(("year-earlier", "year-ago")):
        base = ctx.quarter or (ctx.previous if ctx.previous and value_granularity(ctx.previous) in ("quarter", "month")
                               else None)
        if base:
            return _shift_value(base, "year", -1)
        return f"{ctx.dct.year - 1:04d}"
    if unit == "quarter":
        if ctx.previous and value_granularity(ctx.previous) == "quarter":
            ctx.steps.append(f"chained on {ctx.previous}")
            return ctx.previous
        return _unit_value(_shift_day(ctx.dct, "quarter", -1) or ctx.dct, "quarter")
    if unit == "weekend":
        offset = 0 if ctx.direction == FUTURE or ctx.dct.isoweekday() >= 6 else -1
        return _unit_value(ctx.dct + timedelta(weeks=offset), "weekend")
    return f"{ctx.dct.year:04d}"


def _resolve_chain(parts: dict[str, str], ctx: Context) -> str | None:
    rel = (parts.get("rel") or parts.get("rel2") or "").lower()
    unit = (parts.get("unit") or parts.get("unit2") or "day").lower()
    part = lexicon()["parts_of_day"].get(unit)
    if part:
        unit = "day"
    offset = {"following": 1, "next": 1, "previous": -1, "preceding": -1, "prior": -1}.get(rel, 0)
    if parts.get("dir"):
        offset = -1 if parts["dir"].lower() == "before" else 1
    base = ctx.previous if ctx.previous and value_granularity(ctx.previous) == "day" else None
    if base:
        ctx.steps.append(f"chained on {base}")
        start = date.fromisoformat(base[:10])
    elif ctx.dct:
        start = ctx.dct
        ctx.steps.append("nothing to chain on: anchored on the document date")
    else:
        return None
    shifted = _shift_day(start, unit, offset)
    if shifted is None:
        return None
    value = _unit_value(shifted, unit)
    return value + (f"T{part}" if part else "")


def _resolve_ago(parts: dict[str, str], ctx: Context) -> str | None:
    unit = parts["unit"].lower().replace("centurie", "century")
    count = _count(parts)
    direction = parts["dir"].lower()
    sign = -1 if direction in ("ago", "earlier", "before", "back") else 1
    if count is None or count != int(count):
        return "PAST_REF" if sign < 0 else "FUTURE_REF"
    if unit == "year" and ctx.quarter and direction in ("ago", "earlier"):
        ctx.steps.append(f"compared with the quarter {ctx.quarter} named before")
        return _shift_value(ctx.quarter, "year", -int(count))
    near_period = ctx.previous_near and value_granularity(ctx.previous) in ("quarter", "month") and unit == "year"
    if (direction in ("earlier", "later") or near_period) and ctx.previous and value_granularity(ctx.previous):
        shifted = _shift_value(ctx.previous, unit, sign * int(count))
        if shifted:
            ctx.steps.append(f"{int(count)} {unit}(s) {direction} than {ctx.previous} (chained)")
            return shifted
    if ctx.dct is None:
        return None
    if unit in ("hour", "minute", "second"):
        return ctx.dct.isoformat()
    day = _shift_day(ctx.dct, unit, sign * int(count))
    if day is None:
        ctx.steps.append("shift beyond the calendar; value left unresolved")
        return None
    ctx.steps.append(f"{int(count)} {unit}(s) {direction} from the document date")
    return _unit_value(day, unit)


def _resolve_year_earlier(parts: dict[str, str], ctx: Context) -> str | None:
    unit = parts["unit"].lower()
    if unit == "year" and ctx.quarter:
        return _shift_value(ctx.quarter, "year", -1)
    base = ctx.previous if ctx.previous and value_granularity(ctx.previous) in ("quarter", "month", "year") else None
    if base:
        return _shift_value(base, unit, -1)
    if ctx.dct is None:
        return None
    return _unit_value(_shift_day(ctx.dct, unit, -1) or ctx.dct, unit)


def _resolve_every(parts: dict[str, str], ctx: Context) -> str | None:
    unit = parts["unit"].lower().rstrip(".")
    if unit in lexicon()["weekdays"]:
        return f"XXXX-WXX-{lexicon()['weekdays'][unit]}"
    if unit in lexicon()["months"]:
        return f"XXXX-{lexicon()['months'][unit]:02d}"
    if unit in ("morning", "evening", "night"):
        return f"XXXX-XX-XXT{lexicon()['parts_of_day'][unit]}"
    if unit == "weekend":
        return "XXXX-WXX-WE"
    return f"P{2 if parts.get('other') else 1}{UNIT_LETTERS[unit]}"


def _resolve_duration(parts: dict[str, str], ctx: Context) -> str | None:
    unit = parts["unit"].lower().replace("centurie", "century")
    return _duration_value(unit, _count(parts))


def _resolve_bare_units(parts: dict[str, str], ctx: Context) -> str | None:
    return _duration_value(parts["unit"].lower(), None)


def _resolve_fixed(parts: dict[str, str], ctx: Context) -> str | None:
    return lexicon()["fixed_refs"][re.sub(r"\s+", " ", parts["fixed"].lower())][1]


_HANDLERS = {
    "iso": _resolve_calendar, "slash": _resolve_calendar, "mdy": _resolve_calendar, "dmy": _resolve_calendar,
    "month_year": _resolve_month_year, "month": _resolve_month, "holiday": _resolve_holiday,
    "weekday": _resolve_weekday, "relday": _resolve_relday, "this_part": _resolve_this_part,
    "clock": _resolve_clock, "decade": _resolve_decade, "year": _resolve_year, "quarter": _resolve_quarter,
    "half": _resolve_half, "season": _resolve_season, "rel_unit": _resolve_rel_unit, "the_unit": _resolve_the_unit,
    "chain": _resolve_chain, "ago": _resolve_ago, "year_earlier": _resolve_year_earlier, "every": _resolve_every,
    "duration": _resolve_duration, "month_rel_year": _resolve_month_rel_year, "year_words": _resolve_year_words,
    "year_period": _resolve_year_period, "spelled_year": _resolve_spelled_year, "century": _resolve_century,
    "year_end": _resolve_year_end, "the_year": _resolve_the_year, "bare_units": _resolve_bare_units, "fixed": _resolve_fixed,
}


def mention_type(mention, value: str | None) -> str:
    """TIMEX3 type once the value is known: clock times and parts of days are TIME, the rest as recognised."""
    if value and mention.kind == "this_part":
        return "TIME"
    if mention.kind == "fixed":
        return lexicon()["fixed_refs"][re.sub(r"\s+", " ", mention.parts["fixed"].lower())][0]
    return mention.type
