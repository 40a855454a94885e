"""Each certificate as an Open Badges 3.0 credential: valid against 1EdTech's JSON Schema
(vendored), served by content negotiation, at badge.json and by the API, and showing
revocation. And what was assessed, frozen at issue, on the badge, the page and the PDF."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft201909Validator

from completion.badges import certificate_badge
from completion.certificates import certificate_pdf
from completion.services import certificate_reissue, certificate_revoke

from .conftest import OUTCOMES

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).parent / "vendor" / "ob_v3p0_achievementcredential_schema.json").read_text()
)
WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

READ = (
    "every lesson of the course read for at least half its stated reading time (timed by "
    "the platform) or its self-check answered"
)


def _assert_valid(badge):
    validator = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(badge)]
    assert not errors, errors


def test_the_schema_is_the_one_the_spec_publishes():
    assert SCHEMA["$id"].endswith("/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json")
    assert set(SCHEMA["required"]) == {
        "@context", "id", "type", "credentialSubject", "issuer", "validFrom"
    }  # fmt: skip
    # A document without them fails: the test below can fail.
    with pytest.raises(AssertionError):
        _assert_valid({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["X"]})


def test_a_valid_certificates_badge_meets_the_schema_and_says_what_the_pdf_says(issued, settings):
    badge = certificate_badge(issued)
    _assert_valid(badge)
    verify = f"{settings.SITE_URL}/certificates/{issued.code}/"
    assert badge["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert badge["id"] == verify
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["issuer"] == {
        "id": f"{settings.SITE_URL}/",
        "type": ["Profile"],
        "name": "Buttock nerve pain",
        "url": f"{settings.SITE_URL}/",
    }
    assert badge["validFrom"] == issued.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "validUntil" not in badge
    subject = badge["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and subject["creditsEarned"] == 4.0
    achievement = subject["achievement"]
    assert achievement["name"] == "Telling buttock nerve pain sources apart"
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["creditsAvailable"] == 4.0
    assert achievement["id"] == f"{settings.SITE_URL}/courses/cpd/"
    assert all(outcome in achievement["description"] for outcome in OUTCOMES)
    narrative = achievement["criteria"]["narrative"]
    assert READ in narrative
    assert "every module quiz passed at its pass mark, on cases drawn from a pool" in narrative
    assert "wrote a reflection on practice and evaluated the course" in narrative
    assert "- Anatomy of the cluneal nerves (pass mark 80%)" in narrative
    assert "- Red flags (pass mark 70%)" in narrative
    assert badge["credentialStatus"] == {
        "id": f"{verify}status.json",
        "type": "1EdTechRevocationList",
    }


def test_the_learner_is_named_only_by_a_salted_hash(issued):
    badge = certificate_badge(issued)
    (identity,) = badge["credentialSubject"]["identifier"]
    assert identity["type"] == "IdentityObject" and identity["identityType"] == "name"
    assert identity["hashed"] is True and len(identity["salt"]) == 32
    expected = hashlib.sha256(("Dr Ada Lovelace" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    text = json.dumps(badge)
    assert "Lovelace" not in text and "dr@example.org" not in text and "PH123456" not in text


def test_a_revoked_certificates_badge_says_so_and_its_list_gives_the_reason(
    issued, client, on_commit
):
    with on_commit():
        certificate_revoke(certificate=issued, reason="Issued in error", by=None, now=WHEN)
        certificate_reissue(certificate=issued)
    issued.refresh_from_db()
    badge = certificate_badge(issued)
    _assert_valid(badge)
    assert badge["validUntil"] == "2026-11-20T10:00:00Z"
    status = client.get(f"/certificates/{issued.code}/status.json").json()
    assert status["revokedCredentials"] == [
        {"id": badge["id"], "revocationReason": "Issued in error"}
    ]
    assert status["id"] == badge["credentialStatus"]["id"]


def test_a_replaced_certificates_badge_ends_when_its_replacement_was_issued(issued, client):
    new = certificate_reissue(certificate=issued)
    issued.refresh_from_db()
    badge = certificate_badge(issued)
    _assert_valid(badge)
    assert badge["validUntil"] == new.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    status = client.get(f"/certificates/{issued.code}/status.json").json()
    assert status["revokedCredentials"] == []  # replaced, not revoked


def test_the_verify_address_serves_the_badge_to_who_asks_for_json(issued, client):
    url = f"/certificates/{issued.code}/"
    for accept, content_type in [
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/json"),
    ]:
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert "Accept" in response["Vary"]
        _assert_valid(response.json())
    page = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page["Content-Type"].startswith("text/html") and "Valid." in page.content.decode()
    missing = client.get("/certificates/7K4M-Q9XT-2HRW-CN5P-8DFZ/", HTTP_ACCEPT="application/json")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No certificate has this code."}


def test_badge_json_is_a_plain_link_and_the_page_links_it(issued, client, settings):
    page = client.get(f"/certificates/{issued.code}/").content.decode()
    assert f'href="{settings.SITE_URL}/certificates/{issued.code}/badge.json"' in page
    response = client.get(f"/certificates/{issued.code}/badge.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == certificate_badge(issued)


def test_the_api_serves_the_badge_and_documents_it(issued, api_client):
    response = api_client.get(f"/api/v1/certificates/verify/{issued.code}/badge/")
    assert response.status_code == 200
    _assert_valid(response.json())
    assert api_client.get("/api/v1/certificates/verify/NOPE-NOPE/badge/").status_code == 404
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    badge = schema["paths"]["/api/v1/certificates/verify/{code}/badge/"]["get"]
    assert {"200", "404"} <= set(badge["responses"])
    assert "OpenBadgeCredential" in badge["responses"]["200"]["description"]
    record = schema["components"]["schemas"]["PublicCertificate"]["properties"]
    assert {"assessed", "revoked_reason", "issuer", "badge"} <= set(record)


def test_what_was_assessed_is_frozen_at_issue(issued, cpd_course, client):
    assert issued.issuer_name == "Buttock nerve pain"
    assert issued.criteria == {
        "all_lessons_done": True,
        "reading_share": "half",
        "module_quizzes_passed": True,
        "pooled_quizzes": True,
        "reflection_and_evaluation": True,
    }
    # The module quizzes only: the lesson's self-check does not count.
    assert issued.assessed == [
        {"module": "Anatomy of the cluneal nerves", "quiz": "Anatomy quiz", "pass_mark": 80},
        {"module": "Red flags", "quiz": "Red flags quiz", "pass_mark": 70},
    ]
    quiz = cpd_course.quizzes.get(slug="flags-quiz")
    quiz.pass_mark = 90
    quiz.save()
    cpd_course.require_all_lessons = False
    cpd_course.save()
    issued.refresh_from_db()
    assert issued.assessed[1]["pass_mark"] == 70 and issued.criteria["all_lessons_done"]
    page = " ".join(client.get(f"/certificates/{issued.code}/").content.decode().split())
    assert "What was assessed" in page
    assert (
        f"Completion required {READ} and every module quiz passed at its pass mark, on cases "
        "drawn from a pool. The learner then wrote a reflection on practice and evaluated "
        "the course." in page
    )
    assert "<li>Anatomy of the cluneal nerves (pass mark 80%)</li>" in page
    assert "<li>Red flags (pass mark 70%)</li>" in page
    assert "<dt>Issued by</dt><dd>Buttock nerve pain</dd>" in page


def test_the_pdf_states_what_was_assessed_on_one_page(issued):
    document = pypdfium2.PdfDocument(certificate_pdf(issued))
    assert len(document) == 1
    text = " ".join(document[0].get_textpage().get_text_range().split())
    assert f"Completion required {READ}" in text
    assert "Anatomy of the cluneal nerves (pass mark 80%)" in text
    assert "Red flags (pass mark 70%)" in text
    assert "4 CPD hours" in text and all(outcome in text for outcome in OUTCOMES)


def test_a_certificate_from_before_says_nothing_it_did_not_record(issued, client):
    issued.criteria, issued.assessed, issued.issuer_name = {}, [], ""
    issued.save()
    page = client.get(f"/certificates/{issued.code}/").content.decode()
    assert "What was assessed" not in page and "Buttock nerve pain" in page
    _assert_valid(certificate_badge(issued))


def test_a_long_list_of_modules_is_left_to_the_verification_page(issued):
    issued.assessed = [
        {"module": f"Module {i} with a rather long title indeed", "quiz": "Q", "pass_mark": 80}
        for i in range(40)
    ]
    page = pypdfium2.PdfDocument(certificate_pdf(issued))[0]
    text = " ".join(page.get_textpage().get_text_range().split())
    assert "40 module quizzes were assessed, each at its pass mark" in text
    assert "Module 39" not in text and "Verification code" in text


def test_the_page_and_the_badge_take_one_query_each(issued, client):
    """One query for the certificate with its course and replacement, whatever else the
    throttle's cache does (in the tests, the database cache)."""
    client.get("/")
    for url, accept in [
        (f"/certificates/{issued.code}/", "text/html"),
        (f"/certificates/{issued.code}/", "application/ld+json"),
        (f"/certificates/{issued.code}/badge.json", "*/*"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, HTTP_ACCEPT=accept).status_code == 200
        ours = [
            q["sql"]
            for q in queries.captured_queries
            if "django_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
        assert len(ours) == 1 and "completion_certificate" in ours[0], ours
