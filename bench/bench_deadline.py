"""Benchmark ``core.business_hours.deadline`` against the ``businesstimedelta`` package.

Run from the repository root: ``python bench/bench_deadline.py``.  Needs ``holidays``,
``businesstimedelta`` (and its ``pytz``) installed.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import businesstimedelta  # noqa: E402
import holidays  # noqa: E402
import pytz  # noqa: E402

from core.business_hours import US_PACIFIC_SUPPORT, deadline, elapsed  # noqa: E402

N = 2000
REPEATS = 7
SEED = 20260101
LA = ZoneInfo("America/Los_Angeles")
US_HOLIDAYS = holidays.country_holidays("US", observed=True)


def random_starts(n: int) -> list[datetime]:
    """Uniform instants (whole seconds) across 2026-2028: weekends, nights, holidays included."""
    rng = random.Random(SEED)
    lo = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2029, 1, 1, tzinfo=UTC).timestamp())
    return [datetime.fromtimestamp(rng.randrange(lo, hi), UTC) for _ in range(n)]


def btd_rules(holiday_tz: pytz.BaseTzInfo) -> businesstimedelta.Rules:
    la = pytz.timezone("America/Los_Angeles")
    workday = businesstimedelta.WorkDayRule(
        start_time=dtime(8), end_time=dtime(17), working_days=[0, 1, 2, 3, 4], tz=la
    )
    holiday = businesstimedelta.HolidayRule(US_HOLIDAYS, tz=holiday_tz)
    return businesstimedelta.Rules([workday, holiday])


def day_walk_oracle(start: datetime, duration: timedelta) -> datetime:
    """Slow, obviously-correct reference: walk local dates, open 08:00-17:00 on weekdays that
    are not US federal holidays (observed)."""
    remaining = duration
    day = start.astimezone(LA).date() - timedelta(days=1)
    while True:
        if day.weekday() < 5 and day not in US_HOLIDAYS:
            opens = datetime.combine(day, dtime(8), LA).astimezone(UTC)
            closes = datetime.combine(day, dtime(17), LA).astimezone(UTC)
            begin = max(opens, start)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)


def per_call_us(fns, starts: list[datetime], repeats: int) -> list[float]:
    """Median us/call of each function; repeats are interleaved so load drifts hit all alike."""
    for fn in fns:
        fn(starts)  # warm-up (fills caches, loads holiday years)
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, out in zip(fns, samples, strict=True):
            t0 = time.perf_counter()
            fn(starts)
            out.append((time.perf_counter() - t0) / len(starts) * 1e6)
    return [statistics.median(out) for out in samples]


def main() -> None:
    starts = random_starts(N)
    d24 = timedelta(hours=24)
    d2000 = timedelta(hours=2000)
    cal = US_PACIFIC_SUPPORT
    rules = btd_rules(pytz.timezone("America/Los_Angeles"))
    rules_readme = btd_rules(pytz.utc)  # holiday rule left in UTC, as the package README shows
    btd24 = businesstimedelta.BusinessTimeDelta(rules, hours=24)
    btd24_readme = businesstimedelta.BusinessTimeDelta(rules_readme, hours=24)

    def ours(xs, d=d24):
        return [deadline(s, d, cal) for s in xs]

    def ours_2000(xs):
        return ours(xs, d2000)

    def theirs(xs):
        return [s + btd24 for s in xs]

    ours_us, ours_2000_us = per_call_us([ours, ours_2000], starts, REPEATS)
    (theirs_us,) = per_call_us([theirs], starts, 3)

    got = ours(starts)
    ref = theirs(starts)
    readme = [s + btd24_readme for s in starts]
    oracle = [day_walk_oracle(s, d24) for s in starts]
    same = sum(a == b for a, b in zip(got, ref, strict=True))
    ours_ok = sum(a == o for a, o in zip(got, oracle, strict=True))
    theirs_ok = sum(b == o for b, o in zip(ref, oracle, strict=True))
    readme_wrong = [(r - o) for r, o in zip(readme, oracle, strict=True) if r != o]
    got2000 = ours_2000(starts)
    ok2000 = sum(
        g == day_walk_oracle(s, d2000) and elapsed(s, g, cal) == d2000
        for s, g in zip(starts, got2000, strict=True)
    )

    print(f"inputs: {N} random starts across 2026-2028, us-pacific-support with US holidays")
    print(f"ours   deadline(24h):   {ours_us:8.2f} us/call (median of {REPEATS})")
    print(f"businesstimedelta 24h:  {theirs_us:8.2f} us/call (median of 3)")
    print(f"speed-up:               {theirs_us / ours_us:8.1f}x")
    print(f"identical answers:      {same}/{N}")
    print(f"agree with day-walker:  ours {ours_ok}/{N}, businesstimedelta {theirs_ok}/{N}")
    for s, a, b, o in zip(starts, got, ref, oracle, strict=True):
        if a != b:
            print(
                f"  differs: start {s.isoformat()} ours {a.isoformat()} "
                f"theirs {b.astimezone(UTC).isoformat()} oracle {o.isoformat()}"
            )
    early = sum(d < timedelta(0) for d in readme_wrong)
    print(f"README config (HolidayRule in UTC): {len(readme_wrong)}/{N} wrong, {early} early")
    print(
        f"ours   deadline(2000h): {ours_2000_us:8.2f} us/call "
        f"({ours_2000_us / ours_us:.2f}x the 24h call); "
        f"{ok2000}/{N} agree with day-walker and round-trip through elapsed()"
    )


if __name__ == "__main__":
    main()
