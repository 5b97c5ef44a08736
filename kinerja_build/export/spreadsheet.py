"""Spreadsheets beside every CSV: `.xlsx` written with XlsxWriter (decision 0009).

A CSV opened in LibreOffice or Excel turns an 18-digit NIP into `1.98503142009022E+017` and
loses digits. The workbook stores every text value as a text cell, so NIPs, NPSNs and codes
stay exact; numbers stay numbers. Headers are Indonesian, the header row is frozen and has a
filter. Output is reproducible: fixed document dates and zip timestamps (XlsxWriter fixes the
latter itself), so a bundle that contains a workbook stays byte-identical between builds.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter

FIXED_CREATED = dt.datetime(2000, 1, 1)  # XlsxWriter's own default would be "now"
MAX_WIDTH = 60
SHEET_NAME = "Data"


def to_xlsx(
    header: Sequence[str],
    records: Sequence[Sequence[Any]],
    *,
    sheet: str = SHEET_NAME,
    created: dt.datetime = FIXED_CREATED,
) -> bytes:
    """One sheet: header row (bold, frozen, with a filter), then one row per record."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"created": created, "author": "kinerja", "title": sheet})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "text_wrap": True})
    widths = [len(title) for title in header]
    for column, title in enumerate(header):
        worksheet.write_string(0, column, title, bold)
    for row_number, record in enumerate(records, start=1):
        for column, value in enumerate(record):
            _write(worksheet, row_number, column, value)
            if column < len(widths):
                widths[column] = max(widths[column], len(_text(value)))
    for column, width in enumerate(widths):
        worksheet.set_column(column, column, min(width + 2, MAX_WIDTH))
    worksheet.freeze_panes(1, 0)
    if header:
        worksheet.autofilter(0, 0, max(len(records), 1), len(header) - 1)
    workbook.close()
    return buffer.getvalue()


def _write(worksheet: Any, row: int, column: int, value: Any) -> None:
    # bool is an int: keep it as text ("True") rather than 1.
    if isinstance(value, int | float) and not isinstance(value, bool):
        worksheet.write_number(row, column, value)
    elif value is None or value == "":
        worksheet.write_blank(row, column, None)
    else:
        # write_string never makes a formula, so `=HYPERLINK(…)` stays inert text.
        worksheet.write_string(row, column, _text(value))


def _text(value: Any) -> str:
    return "" if value is None else str(value)
