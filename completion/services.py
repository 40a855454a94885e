"""Course completion and CPD certificates.

A course is complete when its rules are met: every lesson done and every module quiz
passed at its pass mark (each rule can be switched off by an editor). Completion is
recorded once, by a unique row, even if the last two actions race. A certificate is
issued, and emailed, once however the requests that issue it race: each decides under a
lock of the completion row (see `certificate_issue`).
"""

import secrets
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import ClinicianProfile, User
from accounts.types import AnyUser
from course.models import Course
from lib.errors import AppError, ErrorKind
from lib.timezones import local_date
from lib.urls import absolute_url
from outbox import emails
from outbox.services import email_record

from .certificates import certificate_pdf, issuer_name, verification_url
from .codes import new_code
from .models import Certificate, CourseCompletion
from .selectors import assessed_quizzes, completion_status, details_missing


def completion_check(
    *, user: AnyUser, course: Course, now: datetime | None = None
) -> CourseCompletion | None:
    """Record the completion if the rules are met now and it is not recorded yet."""
    if not user.is_authenticated:
        return None
    now = now or timezone.now()
    if CourseCompletion.objects.filter(user=user, course=course).exists():
        return None  # done already; a later change to the course takes nothing away
    if not completion_status(user, course, now).met:
        return None
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(user=user, course=course, completed_at=now)
            certificate_issue(completion=completion, now=now)
    except IntegrityError:
        return None  # the other request completing at the same moment recorded it
    return completion


def certificate_issue(
    *, completion: CourseCompletion, now: datetime, replacing: Certificate | None = None
) -> Certificate | None:
    """Issue the CPD certificate of a clinician's completion and email it. Nothing if
    the course gives no CPD hours, the learner is not a health professional, or their
    certificate details are missing (they are asked for them, then it is issued).

    Racing requests issue one certificate: a double click on Save, two saves through the
    API, a reissue clicked twice. Each locks the completion row and decides under the
    lock, so the second waits for the first to commit and then sees its certificate.
    Behind the lock the database holds one certificate per number of a completion (the
    first is 1, each reissue one more).
    """
    with transaction.atomic():
        # Only the completion row: locking the course too would queue every learner's
        # certificate behind each other's.
        completion = (
            CourseCompletion.objects.select_for_update(of=("self",))
            .select_related("user", "course")
            .get(pk=completion.pk)
        )
        user, course = completion.user, completion.course
        # The details as they are now, not as the request read them earlier; locked, so
        # that a save of details racing a completion either comes before this (and is on
        # the certificate) or after it commits (and then issues it itself).
        profile = ClinicianProfile.objects.select_for_update().filter(user=user).first()
        if (
            course.audience != Course.Audience.CLINICIAN
            or not user.is_clinician
            or details_missing(profile)
        ):
            return None
        assert profile is not None  # details_missing(None) is True
        if replacing is None:
            if completion.certificates.exists():
                return None  # issued already, perhaps by the request we waited for
        elif Certificate.objects.filter(pk=replacing.pk, replaced_by__isnull=False).exists():
            return None  # reissued already: only the current certificate is replaced
        number = (completion.certificates.aggregate(last=Max("number"))["last"] or 0) + 1
        certificate = Certificate.objects.create(
            completion=completion,
            number=number,
            user=user,
            course=course,
            code=new_code(),
            name=profile.certificate_name.strip(),
            profession=profile.profession.strip(),
            registration_number=profile.registration_number.strip(),
            course_title=course.title,
            cpd_hours=course.cpd_hours,
            outcomes=course.outcomes,
            lead_name=course.lead_name,
            lead_role=course.lead_role,
            issuer_name=settings.SITE_NAME,
            criteria={
                "all_lessons_done": course.require_all_lessons,
                "module_quizzes_passed": course.require_quizzes_passed,
            },
            # The quizzes as the learner could see them when they completed.
            assessed=(
                assessed_quizzes(user, course, completion.completed_at)
                if course.require_quizzes_passed
                else []
            ),
            identity_salt=secrets.token_hex(16),
            completed_on=local_date(completion.completed_at, user.time_zone),
            issued_at=now,
        )
        if replacing is not None:
            Certificate.objects.filter(pk=replacing.pk).update(replaced_by=certificate)
        email_record(certificate_message(certificate))
    return certificate


def certificates_issue_pending(*, user: User, now: datetime | None = None) -> list[Certificate]:
    """After a clinician gives their certificate details: issue what was waiting. Safe
    to run twice at once (a double click): the second issues nothing."""
    now = now or timezone.now()
    issued = []
    for completion in CourseCompletion.objects.filter(user=user, certificates__isnull=True):
        certificate = certificate_issue(completion=completion, now=now)
        if certificate:
            issued.append(certificate)
    return issued


# The reason is shown on the verification page and in the email.
REVOKE_REASON_MAX = Certificate._meta.get_field("revoked_reason").max_length or 200


def certificate_revoke(
    *, certificate: Certificate, reason: str, by: User | None, now: datetime | None = None
) -> bool:
    """Revoke a certificate for a reason, recording who and when, and email the learner.
    Its code then says "revoked", with the reason and date, for good, whatever is issued
    after it. True if this call revoked it; False if it was revoked already (the first
    reason, person and date stand, and no second email goes out).

    The conditional update is the claim: of two admins revoking at once, one changes the
    row and sends the email, the other finds it revoked."""
    reason = " ".join(reason.split())
    if not reason:
        raise AppError("Give the reason for revoking the certificate.", ErrorKind.INVALID)
    if len(reason) > REVOKE_REASON_MAX:
        raise AppError(
            f"Keep the reason to {REVOKE_REASON_MAX} characters; it is shown on the "
            "certificate's verification page.",
            ErrorKind.INVALID,
        )
    with transaction.atomic():
        revoked = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now(), revoked_reason=reason, revoked_by=by
        )
        if not revoked:
            return False  # revoked already, perhaps by the request racing this one
        certificate = Certificate.objects.select_related("user").get(pk=certificate.pk)
        email_record(certificate_revoked_message(certificate))
    return True


def certificate_reissue(
    *, certificate: Certificate, now: datetime | None = None
) -> Certificate | None:
    """A new certificate (new code, current details); the old code says "replaced".
    Nothing if this certificate was replaced already."""
    return certificate_issue(
        completion=certificate.completion, now=now or timezone.now(), replacing=certificate
    )


def certificate_message(certificate: Certificate) -> EmailMultiAlternatives:
    context = {
        "certificate": certificate,
        "verify_url": verification_url(certificate),
        "dashboard_url": absolute_url("completion:certificates"),
    }
    pdf = (f"certificate-{certificate.code}.pdf", certificate_pdf(certificate), "application/pdf")
    return emails.certificate(certificate.user.email, context, pdf=pdf)


def certificate_revoked_message(certificate: Certificate) -> EmailMultiAlternatives:
    context = {
        "certificate": certificate,
        "verify_url": verification_url(certificate),
        "dashboard_url": absolute_url("completion:certificates"),
        "site_name": issuer_name(certificate),
    }
    return emails.certificate_revoked(certificate.user.email, context)
