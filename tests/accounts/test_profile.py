import pytest

from accounts.models import ClinicianProfile
from tests.factories import ClinicianFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_patient_becomes_a_clinician_with_registration(client):
    user = UserFactory(name="Al")
    client.force_login(user)
    page = client.get("/accounts/details/")
    assert 'value="Al"' in page.content.decode()
    response = client.post(
        "/accounts/details/",
        {
            "name": "Al Smith",
            "role": "clinician",
            "profession": "GP",
            "registration_number": "GMC1234",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_clinician and user.name == "Al Smith"
    assert ClinicianProfile.objects.get(user=user).registration_number == "GMC1234"


def test_clinician_registration_cannot_be_blanked(client):
    user = ClinicianFactory()
    client.force_login(user)
    before = user.clinician_profile.registration_number
    response = client.post(
        "/accounts/details/",
        {"name": "X", "role": "clinician", "profession": "Physio", "registration_number": " "},
    )
    assert response.status_code == 200
    assert "Health professionals need to give this." in response.content.decode()
    assert ClinicianProfile.objects.get(user=user).registration_number == before


def test_details_page_needs_sign_in(client):
    assert client.get("/accounts/details/").url.startswith("/accounts/login/")


def test_a_certificate_name_the_pdf_cannot_print_is_a_form_error(client):
    user = ClinicianFactory()
    client.force_login(user)
    details = {"name": "Wang", "role": "clinician", "profession": "Physio"}
    details["registration_number"] = user.clinician_profile.registration_number
    response = client.post("/accounts/details/", {**details, "certificate_name": "王明"})
    assert response.status_code == 200
    assert "Certificates cannot print 王 明" in response.content.decode()
    assert ClinicianProfile.objects.get(user=user).certificate_name == ""
    ok = client.post("/accounts/details/", {**details, "certificate_name": "Łucja Wang-Иванова"})
    assert ok.status_code == 302
    assert ClinicianProfile.objects.get(user=user).certificate_name == "Łucja Wang-Иванова"
