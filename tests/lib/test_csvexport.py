import csv
import io

import pytest

from lib.csvexport import csv_response, spreadsheet_safe


@pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Dr A. Smith", "a=b@example.org", "1-2"])
def test_other_text_is_left_alone(value):
    assert spreadsheet_safe(value) == value


def test_the_response_is_a_utf8_attachment_with_the_header_first():
    rows = iter([["Zoë", 1, None], ["a,b", 2.5, True]])  # a generator is enough
    response = csv_response("people.csv", ["name", "n", "flag"], rows)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    # A byte-order mark first, so that a spreadsheet reads the file as UTF-8.
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines == [["name", "n", "flag"], ["Zoë", "1", ""], ["a,b", "2.5", "True"]]


def test_every_text_cell_is_made_spreadsheet_safe():
    response = csv_response("x.csv", ["name"], [["=HYPERLINK(1)"], ["Ann"], [-3]])
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines == [["name"], ["'=HYPERLINK(1)"], ["Ann"], ["-3"]]
