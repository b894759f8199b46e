"""Server-rendered bar charts (SVG, no JavaScript) with the table of the same numbers.

A Chart has rows (a label and one value per column) and draws one of the columns (`charted`) as
horizontal bars, the value written beside each bar, so nothing is told by colour alone. The
template components/stats_chart.html renders the SVG (role="img", <title>, <desc>) and then the
table (caption, th scope) from the same formatted strings, so the two cannot disagree."""

from dataclasses import dataclass, field
from decimal import Decimal

# Geometry in SVG user units; the SVG scales to the width of its container (viewBox).
WIDTH = 720
LABEL_WIDTH = 210
VALUE_WIDTH = 110
BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20
ROW_HEIGHT = 34
BAR_HEIGHT = 22
TOP = 10
LABEL_CHARS = 13  # longer labels are shortened in the chart; the table has them in full

NO_VALUE = "—"


def format_value(value, kind="int"):
    """The one text of a number, shared by the chart and its table."""
    if value is None:
        return NO_VALUE
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "percent":
        return f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return str(int(value))


@dataclass
class Column:
    heading: str  # e.g. "场次"
    kind: str = "int"  # int, money, percent
    unit: str = ""  # e.g. "场", "元", "%": shown after the value in the chart


@dataclass
class Chart:
    id: str  # unique on the page; used for the element ids
    title: str  # the figure's caption, the SVG's title and the table's caption
    label_heading: str  # heading of the first column, e.g. "年度"
    columns: list  # Column
    rows: list = field(default_factory=list)  # (label, [value per column]) or (…, url)
    charted: int = 0  # index of the column drawn as bars
    note: str = ""  # one line under the chart, e.g. how a figure is counted

    @property
    def charted_column(self):
        return self.columns[self.charted]

    @property
    def table_rows(self):
        return [
            {
                "label": row[0],
                "url": row[2] if len(row) > 2 else None,
                "cells": [
                    format_value(v, c.kind) for v, c in zip(row[1], self.columns, strict=True)
                ],
            }
            for row in self.rows
        ]

    @property
    def height(self):
        return TOP * 2 + ROW_HEIGHT * max(len(self.rows), 1)

    @property
    def width(self):
        return WIDTH

    @property
    def bars(self):
        column = self.charted_column
        values = [row[1][self.charted] for row in self.rows]
        peak = max((v for v in values if v is not None), default=0) or 1
        bars = []
        for index, (label, row_values, *_url) in enumerate(self.rows):
            value = row_values[self.charted]
            y = TOP + index * ROW_HEIGHT
            width = 0 if value is None else max(round(float(value) / float(peak) * BAR_AREA), 0)
            if value is not None and value > 0:
                width = max(width, 2)  # a small value stays visible
            text = format_value(value, column.kind)
            short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
            bars.append(
                {
                    "label": short,
                    "full_label": label,
                    "value": text,
                    "value_text": f"{text}{column.unit}" if value is not None else "无数据",
                    "y": y,
                    "bar_y": y + (ROW_HEIGHT - BAR_HEIGHT) // 2,
                    "text_y": y + ROW_HEIGHT // 2 + 5,
                    "width": width,
                    "value_x": LABEL_WIDTH + width + 8,
                }
            )
        return bars

    @property
    def geometry(self):
        return {
            "label_x": LABEL_WIDTH - 10,
            "bar_x": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
            "axis_bottom": self.height - TOP + 4,
        }

    @property
    def description(self):
        """The SVG's <desc>: every bar in words, for assistive technology."""
        column = self.charted_column
        parts = [f"{bar['full_label']}{bar['value_text']}" for bar in self.bars]
        return f"{column.heading}：" + "；".join(parts) + "。数据见下表。"

    @property
    def is_empty(self):
        return not self.rows
