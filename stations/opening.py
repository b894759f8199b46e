"""A station's opening days and hours (开放时间), read from the text staff type, e.g.
"每周一至周五 8:30—12:00，14:30—17:30": for the reception form's warning when a reception day falls
outside them (stations/forms.py). Text that says no days or no times leaves that part unchecked:
the warning is a help, never a refusal."""

import datetime
import re
from dataclasses import dataclass, field

WEEKDAYS = "一二三四五六日"
_DAY = r"(?:周|星期|礼拜)([一二三四五六日天])"
_DAY_RANGE = re.compile(_DAY + r"\s*[至到—–\-~～－]+\s*(?:周|星期|礼拜)?([一二三四五六日天])")
_SINGLE_DAY = re.compile(_DAY)
_TIME_RANGE = re.compile(r"(\d{1,2})[:：](\d{2})\s*[—–\-~～－至到]+\s*(\d{1,2})[:：](\d{2})")
WEEKDAY_LABELS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


def _weekday(char):
    return 6 if char in "日天" else WEEKDAYS.index(char)


@dataclass
class OpeningHours:
    days: set = None  # weekday numbers (Monday 0), None when the text names no days
    ranges: list = field(default_factory=list)  # [(start, end)] times, empty when none


def parse(text):
    text = text or ""
    days = set()
    for match in _DAY_RANGE.finditer(text):
        first, last = _weekday(match.group(1)), _weekday(match.group(2))
        days.update(
            range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        )
    rest = _DAY_RANGE.sub("", text)
    days.update(_weekday(match.group(1)) for match in _SINGLE_DAY.finditer(rest))
    if not days and re.search("每天|每日|天天|全年无休", text):
        days = set(range(7))
    if not days and "工作日" in text:
        days = set(range(5))
    ranges = []
    for match in _TIME_RANGE.finditer(text):
        hours = [int(match.group(i)) for i in (1, 3)]
        if all(0 <= hour <= 24 for hour in hours):
            start = datetime.time(min(hours[0], 23), int(match.group(2)) % 60)
            end = datetime.time(min(hours[1], 23), int(match.group(4)) % 60)
            ranges.append((start, end))
    return OpeningHours(days=days or None, ranges=ranges)


def outside(opening_text, date, start, end):
    """Why a reception on `date` from `start` to `end` falls outside the opening hours, in
    Chinese, or "" when it does not (or the text does not say)."""
    opening = parse(opening_text)
    reasons = []
    if opening.days is not None and date.weekday() not in opening.days:
        reasons.append(f"{date:%Y-%m-%d}是{WEEKDAY_LABELS[date.weekday()]}，不是开放日")
    within = any(first <= start and end <= last for first, last in opening.ranges)
    if opening.ranges and start and end and not within:
        reasons.append(f"{start:%H:%M}—{end:%H:%M}不在开放时间内")
    if not reasons:
        return ""
    return (
        f"请注意：接待日{'，'.join(reasons)}（本站开放时间：{opening_text}）。"
        "如属特别安排可忽略此提醒。"
    )
