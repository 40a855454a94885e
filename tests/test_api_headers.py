"""Every response carries the Content-Security-Policy and the Permissions-Policy: pages,
the admin, the API docs and the API itself. The docs are for staff unless
API_DOCS_PUBLIC (on by default only with DEBUG) they are for signed-in clinicians and
staff, and only they see the footer's link to them."""

import pytest

from newsletter.models import Issue
from tests.factories import ClinicianFactory, CourseFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no inline script, no eval
    assert directives["style-src"] == ["'self'"]
    # No inline style at all, attributes included: a style attribute in a page is a fault.
    assert "style-src-attr" not in directives and "'unsafe-inline'" not in csp
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_a_page_has_both_headers(client):
    CourseFactory()
    response = client.get("/")
    assert response.status_code == 200
    assert_headers(response)


def test_the_admin_has_both_headers(client):
    client.force_login(StaffFactory())
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_headers(response)
    assert_headers(client.get("/admin/login/"))


def test_the_api_has_both_headers(api_client):
    response = api_client.get("/api/v1/courses/")
    assert response.status_code == 200
    assert_headers(response)
    assert_headers(api_client.get("/api/v1/me/"))  # a 401 too


def test_the_api_docs_have_both_headers_and_no_inline_script(client, settings):
    settings.API_DOCS_PUBLIC = True
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert_headers(response)
    html = response.content.decode()
    # Every script comes from a file (the start-up script from ?script), no <style>.
    assert "<script>" not in html and "<style" not in html
    assert "?script" in html or "&amp;script" in html or "script=" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.parametrize("url", ["/api/docs/", "/api/schema/", "/api/docs/?script="])
def test_the_api_docs_are_for_clinicians_and_staff_when_not_public(client, settings, url):
    settings.API_DOCS_PUBLIC = False
    anonymous = client.get(url)
    # To the site's sign-in, where clinicians sign in too, and back here after it.
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(
        "/accounts/login/?next=/api/"
    )
    client.force_login(UserFactory())  # a patient
    assert client.get(url).status_code == 403
    for user in (ClinicianFactory(), StaffFactory()):
        client.force_login(user)
        allowed = client.get(url)
        assert allowed.status_code == 200
        assert_headers(allowed)


def test_an_unknown_api_address_is_a_json_404(api_client, client):
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_nul_byte_in_an_api_address_is_a_json_400(api_client):
    response = api_client.get("/api/v1/courses/?page=%00")
    assert response.status_code == 400 and "character" in response.json()["detail"]


@pytest.mark.parametrize("public", [False, True])
def test_the_footer_links_to_the_api_docs_only_for_clinicians_and_staff(client, settings, public):
    # Even where the docs are public (development), patients and visitors are not
    # pointed at them: the link is for those who build on the API.
    settings.API_DOCS_PUBLIC = public
    link = 'href="/api/docs/"'
    assert link not in client.get("/").content.decode()  # signed out
    client.force_login(UserFactory())  # a patient
    assert link not in client.get("/").content.decode()
    client.force_login(ClinicianFactory())
    assert link in client.get("/").content.decode()
    client.force_login(StaffFactory(role="patient"))
    assert link in client.get("/").content.decode()


def test_the_newsletter_preview_frames_the_email_and_nothing_else_can(client):
    """The preview page keeps the site's policy; the email it frames is its own document,
    with the inline styles an email needs, no script, and framed only by our pages."""
    client.force_login(StaffFactory())
    issue = Issue.objects.create(subject="Monthly", body_md="# Heading\n\nText", segment="hp")
    page = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/")
    assert_headers(page)
    body = page.content.decode()
    assert f'src="/admin/newsletter/issue/{issue.pk}/preview/email/"' in body
    assert "srcdoc" not in body and 'style="' not in body
    email = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/email/")
    assert email.status_code == 200 and email["Content-Type"].startswith("text/html")
    assert "Monthly" in email.content.decode() or "Text" in email.content.decode()
    assert email["X-Frame-Options"] == "SAMEORIGIN"
    csp = {d.split()[0]: d.split()[1:] for d in email["Content-Security-Policy"].split("; ")}
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["script-src"] == ["'none'"] and csp["default-src"] == ["'none'"]
    # Only staff who may change the issue see it.
    client.force_login(UserFactory())
    denied = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/email/")
    assert denied.status_code == 302 and "/admin/login/" in denied["Location"]
