"""A clinician's certificates page names exactly the details still missing, each a
link to its field on the details page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from completion.selectors import MissingDetail, missing_details
from tests.factories import ClinicianFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = '<a href="/accounts/details/#id_{field}">{label}</a>'


def clinician(**profile):
    user = ClinicianFactory()
    for key, value in profile.items():
        setattr(user.clinician_profile, key, value)
    user.clinician_profile.save()
    return user


def test_missing_details_names_only_what_is_missing():
    user = clinician(certificate_name="", registration_number="  ")
    assert missing_details(user) == [
        MissingDetail("certificate_name", "Name on certificates"),
        MissingDetail("registration_number", "Registration number"),
    ]
    assert missing_details(clinician(certificate_name="Dr Ana Silva")) == []
    no_profile = UserFactory(role="clinician")
    assert [d.field for d in missing_details(no_profile)] == [
        "certificate_name",
        "profession",
        "registration_number",
    ]


def test_the_certificates_page_links_each_missing_detail_and_no_other(client):
    user = clinician(certificate_name="")
    client.force_login(user)
    page = client.get("/certificates/").content.decode()
    link = LINK.format(field="certificate_name", label="name on certificates")
    assert f"Your certificates still need your {link}.\n    Add it and" in page
    assert "#id_profession" not in page and "#id_registration_number" not in page


def test_two_missing_details_read_as_a_list(client):
    user = clinician(certificate_name="", profession="", registration_number="")
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/certificates/").content.decode()
    assert (
        "Your certificates still need your "
        + LINK.format(field="certificate_name", label="name on certificates")
        + ", your "
        + LINK.format(field="profession", label="profession")
        + " and your "
        + LINK.format(field="registration_number", label="registration number")
        + ".\n    Add them and"
    ) in page
    assert len(queries) == 8, [q["sql"] for q in queries]


def test_a_clinician_with_every_detail_and_a_patient_are_asked_for_nothing(client):
    for user in (clinician(certificate_name="Dr Ana Silva"), UserFactory()):
        client.force_login(user)
        assert "still need" not in client.get("/certificates/").content.decode()


def test_each_link_reaches_a_field_on_the_details_page(client):
    user = clinician(certificate_name="", profession="", registration_number="")
    client.force_login(user)
    details = client.get("/accounts/details/").content.decode()
    for detail in missing_details(user):
        assert f'id="id_{detail.field}"' in details
