"""CSV downloads (the admin's exports): one way to build the response, and one guard
against cells a spreadsheet would run as formulas."""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse


def spreadsheet_safe(value: str) -> str:
    """A cell starting with = + - @ (or a tab or carriage return before one) is a formula
    to a spreadsheet: neutralise it (OWASP's advice for CSV injection). For any text a
    person typed: names, addresses, titles."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A UTF-8 CSV attachment: the header line, then one line per row, every text cell
    made spreadsheet-safe. It starts with a byte-order mark, without which Excel reads
    the file in the machine's legacy code page and garbles every accented name."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(
        [spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row] for row in rows
    )
    return response
