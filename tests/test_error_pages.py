"""The site's own error pages: in the site's layout, with a heading that says what went
wrong and a way back; those Django renders without a request render without one."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_sites_own_page_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html and 'id="main"' in html
    assert 'href="/pain-map/"' in html


def test_a_missing_api_address_still_answers_in_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_a_form_sent_without_its_csrf_cookie_says_why_it_was_refused():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"login": "a@example.org", "password": "x"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>The form could not be sent</h1>" in html and 'id="main"' in html


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("400.html", "Something in that request was not right"),
        ("403.html", "Not allowed"),
        ("500.html", "Something went wrong on our side"),
        ("403_csrf.html", "The form could not be sent"),
    ],
)
def test_error_pages_render_without_a_request(template, heading):
    html = render_to_string(template)
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/"' in html  # a way back
    # The footer's newsletter form needs its consent text from a context processor,
    # which does not run without a request: the pages rendered without one leave it out.
    if template != "403.html":
        assert "newsletter-form" not in html
