"""The API's contract: what the schema says is what the views do, and every view needs a
signed-in learner unless it opts out."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny

from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db

# The views that anyone may call, each on purpose.
PUBLIC = {
    "CourseViewSet",  # the catalogue and a course's outline
    "LessonViewSet",  # free lessons; the rest answer 401/403 themselves
    "QuizViewSet",  # a free lesson's self-check; the rest answer 401/403 themselves
    "VerifyView",  # certificate verification by code
    "BadgeView",  # the same certificate as an Open Badge
    "SubscribeView",  # the newsletter's double opt-in
    "ObtainToken",  # the token exchange (revoking needs the token)
}


def _api_views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            view = getattr(pattern.callback, "cls", None)
            if view is not None:
                yield route, view


def test_api_views_need_sign_in_unless_they_opt_out():
    open_views = set()
    for route, view in _api_views():
        permissions = [p() for p in view.permission_classes]
        if any(isinstance(p, AllowAny) for p in permissions):
            open_views.add(view.__name__)
        else:
            assert permissions, f"{route}: {view.__name__} has no permission classes"
    assert open_views == PUBLIC


@pytest.fixture
def schema(api_client):
    return api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def test_the_course_list_is_a_plain_array_and_the_schema_says_so(api_client, schema):
    CourseFactory()
    body = api_client.get("/api/v1/courses/").json()
    assert isinstance(body, list) and body[0]["slug"]
    operation = schema["paths"]["/api/v1/courses/"]["get"]
    assert "page" not in [p["name"] for p in operation.get("parameters", [])]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["type"] == "array"


@pytest.mark.parametrize("path", ["/api/v1/enrollments/", "/api/v1/progress/", "/api/v1/attempts/"])
def test_growing_lists_are_paginated_and_a_page_past_the_end_is_a_documented_404(
    api_client, schema, path
):
    api_client.force_authenticate(UserFactory())
    body = api_client.get(path).json()
    assert set(body) == {"count", "next", "previous", "results"}
    past = api_client.get(path + "?page=99")
    assert past.status_code == 404 and "detail" in past.json()
    operation = schema["paths"][path]["get"]
    assert "page" in [p["name"] for p in operation["parameters"]]
    assert "404" in operation["responses"]


def test_the_schema_documents_the_frameworks_answers(schema):
    paths = schema["paths"]
    me = paths["/api/v1/me/"]["patch"]["responses"]
    assert {"200", "400", "401", "403"} <= set(me)
    token = paths["/api/v1/auth/token/"]
    assert {"200", "400", "403", "429"} <= set(token["post"]["responses"])
    assert {"204", "401", "429"} <= set(token["delete"]["responses"])
    verify = paths["/api/v1/certificates/verify/{code}/"]["get"]["responses"]
    assert {"200", "404", "429"} <= set(verify)
    for path, operations in paths.items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code >= "400":
                    assert "application/json" in response.get("content", {}), (path, method)
