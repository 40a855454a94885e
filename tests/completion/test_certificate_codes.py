"""Verification codes: read off paper and typed in, without look-alike characters; and
codes issued before them still verify exactly as they did."""

import math
import re

import pytest

from completion.codes import ALPHABET, LENGTH, new_code, normalise_code
from completion.models import Certificate
from completion.selectors import certificate_by_code

pytestmark = pytest.mark.django_db

OLD_CODE = "aB3_x-Yz0OlI1mNpQrSt"  # secrets.token_urlsafe(15), as codes were until now


def test_a_new_code_has_no_look_alikes_is_grouped_and_carries_over_80_bits():
    assert not set("0O1IL") & set(ALPHABET) and len(set(ALPHABET)) == len(ALPHABET) == 31
    assert LENGTH * math.log2(len(ALPHABET)) >= 80
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){4}", code), code


def test_the_issued_certificate_has_a_new_code(issued):
    assert normalise_code(issued.code) == issued.code


@pytest.mark.parametrize(
    "typed",
    [
        "7k4m-q9xt-2hrw-cn5p-8dfz",
        "7K4MQ9XT2HRWCN5P8DFZ",
        " 7K4M Q9XT 2HRW CN5P 8DFZ ",
        "7k4m.q9xt_2hrw-cn5p 8dfz",
    ],
)
def test_case_and_separators_do_not_matter(typed):
    assert normalise_code(typed) == "7K4M-Q9XT-2HRW-CN5P-8DFZ"


@pytest.mark.parametrize(
    "typed",
    [
        "7K4M-Q9XT-2HRW-CN5P-8DF0",  # zero: not in any code, and not guessed as anything
        "7K4M-Q9XT-2HRW-CN5P-8DFO",  # letter O
        "7K4M-Q9XT-2HRW-CN5P-8DF1",  # one
        "7K4M-Q9XT-2HRW-CN5P-8DFI",  # letter I
        "7K4M-Q9XT-2HRW-CN5P-8DFL",  # letter L
        "7K4M-Q9XT-2HRW-CN5P",  # too short
        "7K4M-Q9XT-2HRW-CN5P-8DFZ-2",  # too long
    ],
)
def test_look_alikes_and_wrong_lengths_are_not_read_as_a_code(typed):
    assert normalise_code(typed) is None


def test_a_code_typed_as_a_person_would_finds_the_certificate(issued, client):
    typed = issued.code.lower().replace("-", "")
    assert certificate_by_code(typed) == issued
    response = client.get(f"/certificates/{typed}/")
    assert response.status_code == 302 and response["Location"] == f"/certificates/{issued.code}/"
    assert "Valid." in client.get(response["Location"]).content.decode()


def test_a_look_alike_in_the_url_is_not_found_and_the_page_says_why(issued, client):
    wrong = issued.code[:-1] + "O"
    response = client.get(f"/certificates/{wrong}/")
    page = " ".join(response.content.decode().split())
    assert response.status_code == 404 and "Not found." in page
    assert "Codes never contain 0, O, 1, I or L." in page
    assert '<label for="id_code">Verification code</label>' in page


def test_an_old_style_code_still_verifies_exactly_as_before(issued, client, api_client):
    Certificate.objects.filter(pk=issued.pk).update(code=OLD_CODE)
    page = client.get(f"/certificates/{OLD_CODE}/")
    assert page.status_code == 200 and "Valid." in page.content.decode()
    assert OLD_CODE in page.content.decode()
    data = api_client.get(f"/api/v1/certificates/verify/{OLD_CODE}/").json()
    assert data["code"] == OLD_CODE and data["status"] == "valid"
    # Case-sensitive, as it always was: another case is another code.
    assert client.get(f"/certificates/{OLD_CODE.lower()}/").status_code == 404
    assert client.get(f"/certificates/{OLD_CODE.upper()}/").status_code == 404
    assert certificate_by_code(OLD_CODE.swapcase()) is None


def test_the_check_form_sends_a_typed_code_to_its_certificate(issued, client):
    page = client.get("/certificates/check/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    typed = " " + issued.code.lower().replace("-", " ") + " "
    response = client.get("/certificates/check/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/certificates/{issued.code}/"


def test_the_check_form_explains_a_code_that_is_not_found(issued, client):
    response = client.get("/certificates/check/", {"code": "7K4M-Q9XT-2HRW-CN5P-8DFO"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "No certificate has this code." in page and "never contain 0, O, 1, I or L" in page
    assert 'aria-invalid="true"' in page and 'role="alert"' in page
    empty = client.get("/certificates/check/", {"code": ""})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()


def test_the_api_reads_a_typed_code_too(issued, api_client):
    data = api_client.get(f"/api/v1/certificates/verify/{issued.code.lower()}/").json()
    assert data["code"] == issued.code and data["status"] == "valid"
    missing = api_client.get("/api/v1/certificates/verify/7K4M-Q9XT-2HRW-CN5P-8DFO/")
    assert missing.status_code == 404 and missing.json()["detail"]
