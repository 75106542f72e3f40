"""Exact business-hours arithmetic (spec rules CORE-1 and CORE-2). Pure Python, no Django.

Semantics
---------
An instant is *open* when its local wall-clock time (in the calendar's IANA zone) falls inside
one of that local date's working intervals and outside that date's closed (holiday) intervals.
Intervals are half-open ``[start, end)`` in seconds since local midnight.  Working time is the
real (UTC) time spent open, so DST is handled by definition:

* spring forward: wall times in the gap do not exist, so ``01:00-03:00`` yields one real hour
  and a 24x7 day has 23 real hours;
* fall back: the repeated wall hour is open twice, so ``01:00-03:00`` yields three real hours;
  an interval starting inside the repeated hour (e.g. ``01:30-03:00``) is open during both
  passes of ``01:30-02:00`` and closed during the second pass of ``01:00-01:30``.

``deadline(start, d)`` is the earliest instant ``t`` with ``elapsed(start, t) == d``.  For
``d > 0`` this may be a closing instant (09:00 + 3h with 09:00-12:00 hours is 12:00, not the
next opening).  For ``d == 0`` it is ``next_open(start)``: ``start`` itself when open, else the
next opening.  Durations are exact to the microsecond.

Implementation
--------------
Time is split into fixed-length UTC "day buckets" (local days at a reference UTC offset) and
7-bucket weeks.  Each bucket's open intervals (UTC epoch microseconds) are derived once from
the weekly pattern, the holidays and the zone's offset pieces, and cached (module-level
``_STATES[calendar]``, bounded); each week is cached as flat arrays with cumulative sums, so
work inside a week is two bisects.  A week whose UTC offset is constant and which touches no
holiday contains exactly one period of the weekly pattern, so its working time is the weekly
total.  Per ~5-year chunk only the *irregular* weeks (DST transitions, holidays) are stored
with prefix sums, so whole weeks are skipped arithmetically and the cost does not grow with
the number of weeks spanned.  Known limit: two offset changes that cancel out within half a
day would go unnoticed (no zone in the tz database does that).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

__all__ = [
    "Calendar",
    "DEFAULT_CALENDARS",
    "FULL_DAY",
    "HolidayProvider",
    "Interval",
    "TWENTY_FOUR_SEVEN",
    "US_PACIFIC_SUPPORT",
    "country_holidays_provider",
    "deadline",
    "elapsed",
    "is_open",
    "next_open",
    "us_federal_holidays",
    "validate_weekly",
]

Interval = tuple[int, int]
HolidayProvider = Callable[[int], Mapping[date, tuple[Interval, ...]]]

FULL_DAY: tuple[Interval, ...] = ((0, 86400),)

_DAY = 86400
_US = 1_000_000
_DAY_US = _DAY * _US
_WEEK_US = 7 * _DAY_US
_CHUNK_WEEKS = 256  # ~4.9 years per chunk of irregular-week prefix sums
_MAX_CHUNKS = 4000  # ~4000 years: beyond datetime's range anyway
_UTC = UTC
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_EPOCH_ORD = date(1970, 1, 1).toordinal()
_REF_INSTANT = 1767225600  # 2026-01-01T00:00:00Z, picks the bucket reference offset
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MAX_STATES = 256
_MAX_DAYS = 200_000
_MAX_WEEKS = 50_000


# --------------------------------------------------------------------------------------------
# Calendar


def _check_intervals(
    intervals: object, what: str, allow_overlap: bool = False
) -> tuple[Interval, ...]:
    if isinstance(intervals, str | bytes) or not hasattr(intervals, "__iter__"):
        raise ValueError(f"{what}: expected a sequence of (start, end) intervals")
    out: list[Interval] = []
    prev_end = -1
    for iv in intervals:  # type: ignore[attr-defined]
        try:
            start, end = iv
        except (TypeError, ValueError):
            raise ValueError(f"{what}: interval {iv!r} is not a (start, end) pair") from None
        for v in (start, end):
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"{what}: interval {iv!r} bounds must be int seconds")
        if not 0 <= start < end <= _DAY:
            raise ValueError(f"{what}: interval {iv!r} needs 0 <= start < end <= 86400")
        if start < prev_end and not allow_overlap:
            raise ValueError(f"{what}: interval {iv!r} overlaps or is out of order")
        prev_end = end
        out.append((start, end))
    return tuple(out)


def validate_weekly(weekly: object) -> None:
    """Raise ValueError unless ``weekly`` is 7 days of sorted, non-overlapping intervals."""
    if isinstance(weekly, str | bytes) or not hasattr(weekly, "__len__"):
        raise ValueError("weekly must be a sequence of 7 days (Monday first)")
    if len(weekly) != 7:  # type: ignore[arg-type]
        raise ValueError(f"weekly must have exactly 7 days (Monday first), got {len(weekly)}")  # type: ignore[arg-type]
    for name, day in zip(_DAY_NAMES, weekly, strict=True):  # type: ignore[call-overload]
        _check_intervals(day, f"weekly[{name}]")


@dataclass(frozen=True, eq=False)
class Calendar:
    """A business-hours calendar.

    ``holidays(year)`` returns ``{local date: closed intervals}``; a full-day holiday is
    ``FULL_DAY``.  A value of ``None`` or a string (e.g. a ``holidays`` package object used
    directly) also means full day.  Equality and hashing compare ``holidays`` by identity.
    """

    tz: str
    weekly: tuple[tuple[Interval, ...], ...]
    holidays: HolidayProvider | None = None

    def __post_init__(self) -> None:
        validate_weekly(self.weekly)
        weekly = tuple(_check_intervals(day, "weekly") for day in self.weekly)
        if not isinstance(self.tz, str):
            raise ValueError(f"tz must be an IANA zone name, got {self.tz!r}")
        try:
            ZoneInfo(self.tz)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError for malformed keys
            raise ValueError(f"unknown time zone {self.tz!r}") from exc
        if self.holidays is not None and not callable(self.holidays):
            raise ValueError("holidays must be a callable year -> {date: closed intervals}")
        object.__setattr__(self, "weekly", weekly)
        object.__setattr__(self, "_hash", hash((self.tz, weekly, id(self.holidays))))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Calendar):
            return NotImplemented
        return (
            self.tz == other.tz and self.weekly == other.weekly and self.holidays is other.holidays
        )

    def __reduce__(self) -> tuple[type[Calendar], tuple[object, ...]]:
        return (Calendar, (self.tz, self.weekly, self.holidays))


# --------------------------------------------------------------------------------------------
# Holiday providers


@lru_cache(maxsize=1024)
def _country_year(
    country: str, subdiv: str | None, year: int
) -> Mapping[date, tuple[Interval, ...]]:
    import holidays as holidays_pkg

    found = holidays_pkg.country_holidays(country, subdiv=subdiv, years=year, observed=True)
    return MappingProxyType(dict.fromkeys(sorted(found), FULL_DAY))


class _CountryHolidays:
    """Picklable provider; unpickles to the memoised instance, so identity survives."""

    __slots__ = ("country", "subdiv")

    def __init__(self, country: str, subdiv: str | None) -> None:
        self.country = country
        self.subdiv = subdiv

    def __call__(self, year: int) -> Mapping[date, tuple[Interval, ...]]:
        return _country_year(self.country, self.subdiv, year)

    def __reduce__(self) -> tuple[Callable[..., HolidayProvider], tuple[str, str | None]]:
        return (country_holidays_provider, (self.country, self.subdiv))

    def __repr__(self) -> str:
        return f"country_holidays_provider({self.country!r}, {self.subdiv!r})"


_PROVIDERS: dict[tuple[str, str | None], _CountryHolidays] = {}


def country_holidays_provider(country: str, subdiv: str | None = None) -> HolidayProvider:
    """Full-day public holidays (observed dates included) of any ``holidays`` country.

    Memoised, so the same (country, subdiv) always yields the same callable and calendars
    built from it compare equal and share caches.
    """
    key = (country, subdiv)
    provider = _PROVIDERS.get(key)
    if provider is None:
        provider = _PROVIDERS.setdefault(key, _CountryHolidays(country, subdiv))
    return provider


def us_federal_holidays(subdiv: str | None = None) -> HolidayProvider:
    return country_holidays_provider("US", subdiv)


# --------------------------------------------------------------------------------------------
# Derived, cached per-calendar state


def _offset(tz: ZoneInfo, t: int) -> int:
    off = datetime.fromtimestamp(t, tz).utcoffset()
    assert off is not None
    return off.days * _DAY + off.seconds


def _offset_pieces(tz: ZoneInfo, a: int, b: int) -> list[tuple[int, int, int]]:
    """Split [a, b) (epoch seconds) into (start, end, utc_offset) pieces of constant offset.

    Samples both ends and the middle; transitions are located to the second by bisection.
    (Two transitions cancelling out within half a day would go unnoticed; no zone does that.)
    """
    pieces = []
    while True:
        oa = _offset(tz, a)
        mid = (a + b) // 2
        om = _offset(tz, mid)
        if om == oa and _offset(tz, b - 1) == oa:
            pieces.append((a, b, oa))
            return pieces
        lo, hi = (a, mid) if om != oa else (mid, b - 1)
        while hi - lo > 1:
            m = (lo + hi) // 2
            if _offset(tz, m) == oa:
                lo = m
            else:
                hi = m
        pieces.append((a, hi, oa))
        a = hi


def _subtract(opens: tuple[Interval, ...], closed: tuple[Interval, ...]) -> tuple[Interval, ...]:
    if not closed:
        return opens
    out: list[Interval] = []
    for s, e in opens:
        cur = s
        for cs, ce in closed:
            if ce <= cur or cs >= e:
                continue
            if cs > cur:
                out.append((cur, cs))
            cur = max(cur, ce)
            if cur >= e:
                break
        if cur < e:
            out.append((cur, e))
    return tuple(out)


def _merge(intervals: list[Interval]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return tuple(out)


class _Chunk:
    __slots__ = ("irr", "tot", "pre", "gcum", "total")

    def __init__(self, irr: list[int], tot: list[int], week_total: int) -> None:
        self.irr = irr  # irregular week indices, sorted
        self.tot = tot  # their real working totals (us)
        pre = [0]
        for t in tot:
            pre.append(pre[-1] + t - week_total)
        self.pre = pre  # prefix sums of (total - nominal)
        # gcum[j]: working time from chunk start through the end of irregular week irr[j],
        # relative to the chunk's first week (filled by _chunk once the base is known)
        self.gcum: list[int] = []
        self.total = 0


class _State:
    __slots__ = (
        "tz",
        "weekly",
        "provider",
        "week_total",
        "off_ref",
        "off_ref_us",
        "days",
        "weeks",
        "chunks",
        "raw_years",
        "hol_years",
    )

    def __init__(self, cal: Calendar) -> None:
        self.tz = ZoneInfo(cal.tz)
        self.weekly = cal.weekly
        self.provider = cal.holidays
        self.week_total = sum(e - s for day in cal.weekly for s, e in day) * _US
        self.off_ref = _offset(self.tz, _REF_INSTANT)
        self.off_ref_us = self.off_ref * _US
        self.days: dict[int, tuple[tuple[int, int], ...]] = {}
        self.weeks: dict[int, tuple[list[int], list[int], list[int], int]] = {}
        self.chunks: dict[int, _Chunk] = {}
        self.raw_years: dict[int, Mapping[date, object]] = {}
        self.hol_years: dict[int, dict[int, tuple[Interval, ...]]] = {}


_STATES: dict[Calendar, _State] = {}


def _state(cal: Calendar) -> _State:
    st = _STATES.get(cal)
    if st is None:
        if not isinstance(cal, Calendar):
            raise TypeError(f"expected a Calendar, got {type(cal).__name__}")
        if len(_STATES) >= _MAX_STATES:
            _STATES.clear()
        st = _STATES[cal] = _State(cal)
    return st


def _raw_year(st: _State, year: int) -> Mapping[date, object]:
    raw = st.raw_years.get(year)
    if raw is None:
        raw = st.raw_years[year] = st.provider(year) if st.provider is not None else {}
    return raw


def _closed_for_year(st: _State, year: int) -> dict[int, tuple[Interval, ...]]:
    """{epoch day: merged closed intervals} for local dates in ``year``.

    Neighbouring years' provider results are consulted too, since an observed holiday may be
    listed under the adjacent year (New Year's Day observed on Dec 31).
    """
    hol = st.hol_years.get(year)
    if hol is not None:
        return hol
    acc: dict[int, list[Interval]] = {}
    if st.provider is not None:
        for y in (year - 1, year, year + 1):
            for d, value in _raw_year(st, y).items():
                if isinstance(d, datetime):
                    d = d.date()
                if d.year != year:
                    continue
                if value is None or isinstance(value, str):
                    value = FULL_DAY
                # closed intervals may overlap or come unsorted: they are merged
                ivs = _check_intervals(value, f"holiday {d.isoformat()}", allow_overlap=True)
                acc.setdefault(d.toordinal() - _EPOCH_ORD, []).extend(ivs)
    hol = {d: _merge(ivs) for d, ivs in acc.items()}
    st.hol_years[year] = hol
    return hol


def _wall_open(st: _State, epoch_day: int) -> tuple[Interval, ...]:
    opens = st.weekly[(epoch_day + 3) % 7]
    if not opens or st.provider is None:
        return opens
    year = date.fromordinal(epoch_day + _EPOCH_ORD).year
    closed = _closed_for_year(st, year).get(epoch_day)
    return _subtract(opens, closed) if closed else opens


def _day(st: _State, b: int) -> tuple[tuple[int, int], ...]:
    """Open intervals (UTC epoch microseconds) inside day bucket ``b``."""
    sched = st.days.get(b)
    if sched is not None:
        return sched
    b0 = b * _DAY - st.off_ref
    out: list[list[int]] = []
    for u0, u1, off in _offset_pieces(st.tz, b0, b0 + _DAY):
        w0, w1 = u0 + off, u1 + off  # wall-clock seconds since the epoch
        d = w0 // _DAY
        while d * _DAY < w1:
            base = d * _DAY
            for s, e in _wall_open(st, d):
                lo = max(base + s, w0) - off
                hi = min(base + e, w1) - off
                if lo < hi:
                    if out and out[-1][1] == lo:
                        out[-1][1] = hi
                    else:
                        out.append([lo, hi])
            d += 1
    sched = tuple((lo * _US, hi * _US) for lo, hi in out)
    if len(st.days) >= _MAX_DAYS:
        st.days.clear()
    st.days[b] = sched
    return sched


def _week(st: _State, k: int) -> tuple[list[int], list[int], list[int], int]:
    """Week ``k`` as (starts, ends, cumulative working time at each end, total)."""
    wk = st.weeks.get(k)
    if wk is not None:
        return wk
    starts: list[int] = []
    ends: list[int] = []
    cum: list[int] = []
    total = 0
    b0 = 7 * k - 3  # epoch day 0 (1970-01-01) was a Thursday
    for b in range(b0, b0 + 7):
        for s, e in _day(st, b):
            total += e - s
            if ends and ends[-1] == s:
                ends[-1] = e
                cum[-1] = total
            else:
                starts.append(s)
                ends.append(e)
                cum.append(total)
    wk = (starts, ends, cum, total)
    if len(st.weeks) >= _MAX_WEEKS:
        st.weeks.clear()
    st.weeks[k] = wk
    return wk


def _chunk(st: _State, c: int) -> _Chunk:
    ch = st.chunks.get(c)
    if ch is not None:
        return ch
    k0 = c * _CHUNK_WEEKS
    b0 = 7 * k0 - 3
    b1 = b0 + 7 * _CHUNK_WEEKS
    tz, off_ref = st.tz, st.off_ref
    candidates: set[int] = set()
    # weeks containing an offset change (sampled at every bucket boundary)
    prev = _offset(tz, b0 * _DAY - off_ref)
    for b in range(b0 + 1, b1 + 1):
        o = _offset(tz, b * _DAY - off_ref)
        if o != prev:
            candidates.add((b - 1 + 3) // 7)
            prev = o
    # weeks whose buckets may hold part of a holiday's wall day
    if st.provider is not None:
        first = date.fromordinal(b0 - 2 + _EPOCH_ORD).year
        last = date.fromordinal(b1 + 2 + _EPOCH_ORD).year
        for year in range(first, last + 1):
            for d in _closed_for_year(st, year):
                if not b0 - 2 <= d < b1 + 2:
                    continue
                noon = d * _DAY + 43200
                off = _offset(tz, noon - off_ref)
                hb = (noon - off + off_ref) // _DAY
                for bb in (hb - 1, hb, hb + 1):
                    if b0 <= bb < b1:
                        candidates.add((bb + 3) // 7)
    irr: list[int] = []
    tot: list[int] = []
    for k in sorted(candidates):
        t = _week(st, k)[3]
        if t != st.week_total:
            irr.append(k)
            tot.append(t)
    ch = _Chunk(irr, tot, st.week_total)
    wt = st.week_total
    ch.gcum = [(k + 1 - k0) * wt + ch.pre[j + 1] for j, k in enumerate(irr)]
    ch.total = _CHUNK_WEEKS * wt + ch.pre[-1]
    st.chunks[c] = ch
    return ch


def _find_week(st: _State, k: int, r: int) -> tuple[int, int]:
    """First week ``w >= k`` where ``r`` more working time runs out, and what is left of ``r``
    at the start of ``w``.  With ``r == 0`` that is the first week with any working time."""
    wt = st.week_total
    chunks = st.chunks
    for _ in range(_MAX_CHUNKS):
        c = k // _CHUNK_WEEKS
        ch = chunks.get(c) or _chunk(st, c)
        k0 = c * _CHUNK_WEEKS
        irr, gcum = ch.irr, ch.gcum
        p = bisect_left(irr, k)
        base = (k - k0) * wt + ch.pre[p]  # chunk working time before week k
        need = base + (r if r > 0 else 1)
        if ch.total < need:
            r -= ch.total - base
            k = k0 + _CHUNK_WEEKS
            continue
        j = bisect_left(gcum, need, p)
        if j < len(irr) and gcum[j] - ch.tot[j] < need:
            w, before = irr[j], gcum[j] - ch.tot[j]  # runs out inside irregular week
        else:
            # runs out in the regular weeks just before irr[j] (or after the last irregular)
            if j > p:
                r0, before = irr[j - 1] + 1, gcum[j - 1]
            else:
                r0, before = k, base
            m = (need - before - 1) // wt
            w, before = r0 + m, before + m * wt
        return w, r - (before - base)
    raise ValueError("deadline lies beyond the supported date range")


# --------------------------------------------------------------------------------------------
# Public functions


def _to_us(instant: datetime, name: str) -> int:
    try:
        d = instant - _EPOCH
    except TypeError:
        if not isinstance(instant, datetime):
            raise TypeError(f"{name} must be a datetime, got {type(instant).__name__}") from None
        raise ValueError(f"{name} must be timezone-aware") from None
    if not isinstance(instant, datetime):  # e.g. a timedelta subtracts without error
        raise TypeError(f"{name} must be a datetime, got {type(instant).__name__}")
    return (d.days * _DAY + d.seconds) * _US + d.microseconds


def _duration_us(duration: timedelta | int | float) -> int:
    if isinstance(duration, timedelta):
        us = (duration.days * _DAY + duration.seconds) * _US + duration.microseconds
    elif isinstance(duration, bool) or not isinstance(duration, int | float):
        raise TypeError("duration must be a timedelta or a number of seconds")
    elif isinstance(duration, int):
        us = duration * _US
    else:
        if not math.isfinite(duration):
            raise ValueError("duration must be finite")
        us = round(duration * _US)
    if us < 0:
        raise ValueError("duration must not be negative")
    return us


def _from_us(us: int) -> datetime:
    seconds, micro = divmod(us, _US)
    try:
        return _EPOCH + timedelta(0, seconds, micro)
    except OverflowError:
        raise ValueError("deadline lies beyond the supported date range") from None


def _deadline_us(st: _State, u: int, r: int) -> int:
    if st.week_total == 0:
        raise ValueError("calendar has no working time at all")
    k = (u + st.off_ref_us + 3 * _DAY_US) // _WEEK_US
    starts, ends, cum, total = st.weeks.get(k) or _week(st, k)
    i = bisect_right(ends, u)
    if i == len(ends):
        target = total + r
    else:
        s = starts[i]
        target = cum[i] - ends[i] + (s if s > u else u) + r
    if target < total or (r and target == total):
        j = bisect_left(cum, target) if r else bisect_right(cum, target)
        return ends[j] - cum[j] + target
    r = target - total
    nxt = st.weeks.get(k + 1)
    if nxt is not None and (r < nxt[3] or (r and r == nxt[3])):
        cum, ends = nxt[2], nxt[1]  # fast path: the next week suffices
    else:
        k, r = _find_week(st, k + 1, r)
        _, ends, cum, _ = st.weeks.get(k) or _week(st, k)
    j = bisect_left(cum, r) if r else bisect_right(cum, r)
    return ends[j] - cum[j] + r


def deadline(start: datetime, duration: timedelta | int | float, cal: Calendar) -> datetime:
    """Instant (UTC) at which ``duration`` of working time has elapsed after ``start``.

    ``duration`` is a timedelta or seconds (int/float, exact to the microsecond).  A zero
    duration returns ``next_open(start)``.
    """
    st = _STATES.get(cal) or _state(cal)
    return _from_us(_deadline_us(st, _to_us(start, "start"), _duration_us(duration)))


def next_open(instant: datetime, cal: Calendar) -> datetime:
    """``instant`` (in UTC) if the calendar is open then, else the next opening."""
    st = _STATES.get(cal) or _state(cal)
    return _from_us(_deadline_us(st, _to_us(instant, "instant"), 0))


def is_open(instant: datetime, cal: Calendar) -> bool:
    st = _STATES.get(cal) or _state(cal)
    if st.week_total == 0:
        return False
    u = _to_us(instant, "instant")
    return _deadline_us(st, u, 0) == u


def _week_consumed(wk: tuple[list[int], list[int], list[int], int], u: int) -> int:
    starts, ends, cum, total = wk
    i = bisect_right(ends, u)
    if i == len(ends):
        return total
    s = starts[i]
    return cum[i] - ends[i] + (s if s > u else u)


def _weeks_total(st: _State, k: int, k_end: int) -> int:
    """Working time in weeks [k, k_end)."""
    wt = st.week_total
    acc = 0
    while k < k_end:
        c = k // _CHUNK_WEEKS
        ch = _chunk(st, c)
        c_end = min((c + 1) * _CHUNK_WEEKS, k_end)
        acc += (
            (c_end - k) * wt + ch.pre[bisect_left(ch.irr, c_end)] - ch.pre[bisect_left(ch.irr, k)]
        )
        k = c_end
    return acc


def elapsed(start: datetime, end: datetime, cal: Calendar) -> timedelta:
    """Working time between two instants; ``timedelta(0)`` if ``end <= start``."""
    st = _STATES.get(cal) or _state(cal)
    a = _to_us(start, "start")
    b = _to_us(end, "end")
    if b <= a or st.week_total == 0:
        return timedelta(0)
    shift = st.off_ref_us + 3 * _DAY_US
    ka = (a + shift) // _WEEK_US
    kb = (b + shift) // _WEEK_US
    wa = _week(st, ka)
    if ka == kb:
        us = _week_consumed(wa, b) - _week_consumed(wa, a)
    else:
        us = (
            wa[3]
            - _week_consumed(wa, a)
            + _weeks_total(st, ka + 1, kb)
            + _week_consumed(_week(st, kb), b)
        )
    return timedelta(microseconds=us)


# --------------------------------------------------------------------------------------------
# Defaults

_WEEKDAYS_8_TO_17 = tuple(((8 * 3600, 17 * 3600),) if d < 5 else () for d in range(7))

US_PACIFIC_SUPPORT = Calendar("America/Los_Angeles", _WEEKDAYS_8_TO_17, us_federal_holidays())
TWENTY_FOUR_SEVEN = Calendar("UTC", tuple(FULL_DAY for _ in range(7)))

DEFAULT_CALENDARS: Mapping[str, Calendar] = MappingProxyType(
    {"us-pacific-support": US_PACIFIC_SUPPORT, "24x7": TWENTY_FOUR_SEVEN}
)
