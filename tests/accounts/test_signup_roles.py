"""Sign-up shows one form per role: a health professional gives, once, everything a CPD
certificate needs; a patient never sees (or saves) a clinician's field."""

import re

import pytest
from django.core import mail

from accounts.models import ClinicianProfile, User
from completion.selectors import missing_details
from course.models import Course
from tests.factories import CourseFactory, ModuleFactory, QuizFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
CLINICIAN_CONTROLS = ('name="certificate_name"', 'name="profession"', 'name="registration_number"')


@pytest.fixture
def signup(client, on_commit):
    def post(**fields):
        data = {
            "email": "ana@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "Europe/Lisbon",
            **fields,
        }
        with on_commit():
            return client.post("/accounts/signup/", data)

    return post


def clinician(**fields):
    return {
        "role": "clinician",
        "name": "Ana Silva",
        "profession": "Physiotherapist",
        "registration_number": "PH123",
        **fields,
    }


def controls(html: str) -> list[str]:
    return re.findall(r'<(?:input|select)[^>]*name="(\w+)"', html)


def test_the_patient_form_has_no_clinician_field(client):
    html = client.get("/accounts/signup/").content.decode()
    assert controls(html) == [
        "csrfmiddlewaretoken",
        "role",
        "email",
        "name",
        "time_zone",
        "password1",
        "password2",
    ]
    assert not any(c in html for c in CLINICIAN_CONTROLS)
    assert 'name="role" value="patient"' in html
    assert 'href="/accounts/signup/?as=clinician">Are you a health professional?' in html


def test_the_clinician_form_asks_for_what_a_certificate_carries(client):
    html = client.get("/accounts/signup/?as=clinician").content.decode()
    assert controls(html) == [
        "csrfmiddlewaretoken",
        "role",
        "email",
        "name",
        "certificate_name",
        "profession",
        "registration_number",
        "time_zone",
        "password1",
        "password2",
    ]
    assert 'name="role" value="clinician"' in html
    assert ">Full name</label>" in html and ">Name on certificates</label>" in html
    assert "Left blank, it is your full name." in html
    assert re.search(r'<input[^>]*name="name"[^>]*required', html)
    assert 'src="/static/js/certificate-name.js"' in html
    assert 'href="/accounts/signup/?as=patient">Not a health professional?' in html


def test_the_other_roles_link_keeps_where_the_visitor_was_going(client):
    html = client.get("/accounts/signup/?as=clinician&next=/courses/x/").content.decode()
    assert 'href="/accounts/signup/?as=patient&amp;next=%2Fcourses%2Fx%2F"' in html


def test_a_next_into_the_cpd_course_opens_the_clinician_form(client):
    CourseFactory(slug="cpd", audience=Course.Audience.CLINICIAN)
    CourseFactory(slug="self-help", audience=Course.Audience.PATIENT)
    for url in ("/accounts/signup/?next=/courses/cpd/", "/accounts/signup/?next=/courses/cpd/l1/"):
        assert 'name="role" value="clinician"' in client.get(url).content.decode(), url
    for url in (
        "/accounts/signup/?next=/courses/self-help/",
        "/accounts/signup/?next=/courses/no-such-course/",
        "/accounts/signup/?next=https://elsewhere.example/courses/cpd-not-ours/",
        "/accounts/signup/?as=patient&next=/courses/cpd/",  # asked for wins
    ):
        assert 'name="role" value="patient"' in client.get(url).content.decode(), url


def test_a_next_to_a_cpd_quiz_opens_the_clinician_form(client):
    cpd = QuizFactory(module=ModuleFactory(course=CourseFactory(audience="clinician")))
    self_help = QuizFactory()
    html = client.get(f"/accounts/signup/?next=/quizzes/{cpd.pk}/").content.decode()
    assert 'name="role" value="clinician"' in html
    html = client.get(f"/accounts/signup/?next=/quizzes/{self_help.pk}/").content.decode()
    assert 'name="role" value="patient"' in html


def test_the_cpd_course_page_signs_up_health_professionals(client):
    CourseFactory(slug="cpd", audience=Course.Audience.CLINICIAN)
    CourseFactory(slug="self-help", audience=Course.Audience.PATIENT)
    assert "/accounts/signup/?as=clinician&amp;next=%2Fcourses%2Fcpd%2F" in (
        client.get("/courses/cpd/").content.decode()
    )
    assert 'href="/accounts/signup/?next=%2Fcourses%2Fself-help%2F"' in (
        client.get("/courses/self-help/").content.decode()
    )


def test_a_clinician_who_gave_everything_needs_nothing_more_for_a_certificate(signup):
    response = signup(**clinician(certificate_name="Dr Ana M. Silva"))
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="ana@example.org")
    assert user.is_clinician and user.name == "Ana Silva"
    assert user.time_zone == "Europe/Lisbon"
    profile = user.clinician_profile
    assert (profile.certificate_name, profile.profession, profile.registration_number) == (
        "Dr Ana M. Silva",
        "Physiotherapist",
        "PH123",
    )
    assert missing_details(user) == []
    assert len(mail.outbox) == 1  # allauth's confirmation, as for everyone


def test_a_blank_name_on_certificates_is_the_full_name(signup):
    signup(**clinician(certificate_name="  "))
    user = User.objects.get(email="ana@example.org")
    assert user.clinician_profile.certificate_name == "Ana Silva"
    assert missing_details(user) == []


def test_a_clinician_form_without_profession_or_name_says_what_is_missing(signup):
    response = signup(**clinician(name="", profession=" ", registration_number=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["Please give your full name."]
    assert errors["profession"] == ["Health professionals need to give this."]
    assert errors["registration_number"] == ["Health professionals need to give this."]
    html = response.content.decode()
    assert '<a href="#id_profession">Profession: Health professionals need to give this.</a>' in (
        html
    )
    # Shown again as a health professional's form, with what was typed.
    assert 'name="role" value="clinician"' in html and 'value="Europe/Lisbon" selected' in html
    assert not User.objects.exists()


def test_a_patient_form_posted_with_clinician_fields_ignores_them(signup):
    response = signup(
        role="patient",
        name="Pat",
        profession="Surgeon",
        registration_number="X1",
        certificate_name="Dr Pat",
    )
    assert response.status_code == 302
    user = User.objects.get(email="ana@example.org")
    assert (user.role, user.name, user.time_zone) == ("patient", "Pat", "Europe/Lisbon")
    assert not ClinicianProfile.objects.exists()


def test_an_unknown_role_gets_the_patients_form(signup):
    response = signup(role="admin", name="", profession="Surgeon")
    assert response.status_code == 302
    user = User.objects.get(email="ana@example.org")
    assert user.role == "patient" and not user.is_staff
    assert not ClinicianProfile.objects.exists()


def test_the_time_zone_defaults_to_utc_without_javascript(client, signup):
    html = client.get("/accounts/signup/").content.decode()
    select = re.search(r'<select name="time_zone"[^>]*>', html).group(0)
    assert "data-zone-from-browser" in select  # what static/js/timezone.js looks for
    assert '<option value="UTC" selected>UTC</option>' in html
    assert '<option value="America/New_York">America/New York</option>' in html
    assert 'src="/static/js/timezone.js"' in html
    signup(time_zone="", name="Pat")  # a form sent without one
    assert User.objects.get(email="ana@example.org").time_zone == "UTC"


def test_an_unknown_time_zone_is_a_form_error(signup):
    for zone in ("Mars/Olympus_Mons", "Europe", "../etc/passwd"):
        response = signup(time_zone=zone)
        assert response.status_code == 200
        assert response.context["form"].errors["time_zone"] == [
            "Not a time zone we know: please choose one from the list."
        ]
        # Sent back, the select no longer takes the browser's zone over the learner's.
        assert "data-zone-from-browser" not in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["certificate_name", "profession", "registration_number"])
def test_what_a_certificate_cannot_print_is_refused_at_sign_up(signup, field):
    response = signup(**clinician(**{field: "王明"}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "Certificates cannot print 王 明. Please write it in Latin, Greek or Cyrillic letters."
    ]
    assert not User.objects.exists()


def test_a_full_name_that_cannot_print_is_refused_only_when_it_would_be_printed(signup):
    response = signup(**clinician(name="王明"))
    assert response.context["form"].errors["name"][0].startswith("Certificates cannot print")
    response = signup(**clinician(name="王明", certificate_name="Wang Ming"))
    assert response.status_code == 302
    assert User.objects.get().clinician_profile.certificate_name == "Wang Ming"


def test_a_patients_name_is_optional_and_never_checked_for_printing(signup):
    assert signup(role="patient", name="王明").status_code == 302
    assert User.objects.get().name == "王明"
