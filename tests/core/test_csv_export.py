"""The CSV writer shared by the registers' downloads (core/csv_export.py): BOM, cells, formula
neutralisation, streaming and headers."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase

from core.csv_export import cell, csv_response, neutralise
from tests.helpers import read_csv


class TestCells(SimpleTestCase):
    def test_formula_starts_are_prefixed_with_an_apostrophe(self):
        for text in ("=1+1", "+86 311", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd"):
            with self.subTest(text=text):
                self.assertEqual(neutralise(text), "'" + text)

    def test_other_text_is_left_as_typed(self):
        for text in ("王建国", "县政发〔2026〕3号", "0311-86001234", "a=b", ""):
            with self.subTest(text=text):
                self.assertEqual(neutralise(text), text)

    def test_values_become_cells(self):
        self.assertEqual(cell(None), "")
        self.assertEqual(cell(datetime.date(2026, 11, 25)), "2026-11-25")
        self.assertEqual(cell(Decimal("-38.041234")), Decimal("-38.041234"))  # numbers as numbers
        self.assertEqual(cell(1987), 1987)
        self.assertEqual(cell(["城关镇", "", None, "新桥镇"]), "城关镇、新桥镇")
        self.assertEqual(cell(["=HYPERLINK(1)", "甲"]), "'=HYPERLINK(1)、甲")
        self.assertEqual(cell(True), "是")


class TestResponse(SimpleTestCase):
    def setUp(self):
        self.consumed = []

        def rows():
            for n in range(3):
                self.consumed.append(n)
                yield [f"名称{n}", n, "=cmd|' /C calc'!A0"]

        self.response = csv_response("test-2026.csv", ["名称", "序号", "备注"], rows())

    def test_streams_utf8_with_bom_and_crlf(self):
        self.assertTrue(self.response.streaming)
        self.assertEqual(self.consumed, [])  # nothing is produced before the body is read
        self.assertEqual(self.response["Content-Type"], "text/csv; charset=utf-8")
        raw, rows = read_csv(self.response)
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf\xe5\x90\x8d\xe7\xa7\xb0"))  # BOM + 名称
        self.assertEqual(raw.count(b"\r\n"), 4)
        self.assertEqual(
            rows,
            [
                ["名称", "序号", "备注"],
                ["名称0", "0", "'=cmd|' /C calc'!A0"],
                ["名称1", "1", "'=cmd|' /C calc'!A0"],
                ["名称2", "2", "'=cmd|' /C calc'!A0"],
            ],
        )

    def test_is_an_attachment_not_to_index(self):
        self.assertEqual(
            self.response["Content-Disposition"], 'attachment; filename="test-2026.csv"'
        )
        self.assertEqual(self.response["X-Robots-Tag"], "noindex")
