"""Course completion and CPD certificates.

A course is complete when its rules are met: every lesson done and every module quiz
passed at its pass mark (each rule can be switched off by an editor). Completion is
recorded once, by a unique row, even if the last two actions race. A certificate is
issued, and emailed, once however the requests that issue it race: each decides under a
lock of the completion row (see `certificate_issue`).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import ClinicianProfile, User
from accounts.types import AnyUser
from course.engagement import share_in_words
from course.models import Course
from lib.errors import AppError, ErrorKind
from lib.timezones import local_date
from lib.urls import absolute_url
from outbox import emails
from outbox.services import email_record

from .certificates import certificate_pdf, issuer_name, verification_url
from .codes import new_code
from .models import Certificate, CourseCompletion, Evaluation, Rating, Reflection
from .selectors import (
    REFLECTION_MIN_WORDS,
    CertificateFacts,
    assessed_quizzes,
    certificate_requirements,
    completion_status,
)


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
    """Issue the CPD certificate of a clinician's completion and email it. Nothing
    unless every one of `certificate_requirements` is met: a CPD course, a health
    professional, the details a certificate carries, a reflection and an evaluation
    (the learner is asked for what is missing, and it is issued when it is given).

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
        facts = CertificateFacts(
            course=course,
            is_clinician=user.is_clinician,
            completed=True,
            profile=profile,
            has_reflection=Reflection.objects.filter(completion=completion).exists(),
            has_evaluation=Evaluation.objects.filter(completion=completion).exists(),
        )
        requirements = certificate_requirements(facts)
        if not requirements or not all(r.met for r in requirements):
            return None
        assert profile is not None  # a requirement names each detail the profile holds
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
                "reading_share": share_in_words(),
                "module_quizzes_passed": course.require_quizzes_passed,
                "pooled_quizzes": True,
                "reflection_and_evaluation": True,
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


@dataclass(frozen=True)
class CpdFeedback:
    """A clinician's reflection on the course and their evaluation of it."""

    change: str  # what they will change in practice
    learned: str  # what was new to them (may be empty)
    ratings: dict[str, int]  # Evaluation.STATEMENTS field → 1 to 5
    comment: str


def cpd_feedback_save(
    *, completion: CourseCompletion, feedback: CpdFeedback, now: datetime | None = None
) -> Certificate | None:
    """Save the reflection and the evaluation of a completion (a second save replaces
    the first), then issue the certificate if nothing else is missing. One row of each
    per completion, held by the database: a double submit writes them once.

    Raises AppError (INVALID) for a reflection too short to be one or a rating out of
    range; nothing is saved then.
    """
    problems = cpd_feedback_problems(feedback)
    if problems:
        raise AppError(" ".join(problems.values()), extra={"fields": problems})
    now = now or timezone.now()
    with transaction.atomic():
        Reflection.objects.bulk_create(
            [
                Reflection(
                    completion=completion,
                    change=feedback.change.strip(),
                    learned=feedback.learned.strip(),
                    written_at=now,
                    updated_at=now,
                )
            ],
            update_conflicts=True,
            unique_fields=["completion"],
            update_fields=["change", "learned", "updated_at"],
        )
        Evaluation.objects.bulk_create(
            [
                Evaluation(
                    completion=completion,
                    comment=feedback.comment.strip(),
                    submitted_at=now,
                    updated_at=now,
                    **feedback.ratings,
                )
            ],
            update_conflicts=True,
            unique_fields=["completion"],
            update_fields=[*Evaluation.STATEMENTS, "comment", "updated_at"],
        )
    return certificate_issue(completion=completion, now=now)


def cpd_feedback_problems(feedback: CpdFeedback) -> dict[str, str]:
    """What is wrong with a reflection and evaluation, by field: the one check for the
    page and the API."""
    problems = {}
    words = len(feedback.change.split())
    if words < REFLECTION_MIN_WORDS:
        problems["change"] = (
            f"Write at least {REFLECTION_MIN_WORDS} words on what you will change in practice "
            f"(you have {words})."
        )
    for field, statement in Evaluation.STATEMENTS.items():
        value = feedback.ratings.get(field)
        if value not in Rating.values:
            problems[field] = (
                f"Rate “{statement}” from 1 (strongly disagree) to 5 (strongly agree)."
            )
    if unknown := set(feedback.ratings) - set(Evaluation.STATEMENTS):
        problems["ratings"] = f"Unknown rating: {', '.join(sorted(unknown))}."
    texts = {"change": feedback.change, "learned": feedback.learned, "comment": feedback.comment}
    for field, text in texts.items():
        if len(text) > 3000:
            problems[field] = "Keep this to 3000 characters."
    return problems


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
