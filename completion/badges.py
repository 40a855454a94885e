"""A certificate as an Open Badges 3.0 credential (an OpenBadgeCredential, JSON-LD).

Served at the certificate's verification address to clients that ask for JSON
(`Accept: application/ld+json` or `application/json`), at `<address>badge.json` for
people, and by the API. Built from what was frozen on the certificate at issue, so it
says what the PDF says, and a later change to the course changes neither.

- `id` is the verification address: the credential is hosted, and whoever holds it can
  fetch it again from its issuer to see that it is genuine and what its status is.
- The learner is identified by their name as printed on the certificate, hashed with a
  salt of the certificate's own (`identityHash` = "sha256$" + hex SHA-256 of name + salt,
  as the spec's IdentityObject has it), so that a badge passed around carries no name in
  clear; anyone who has the certificate can check that the name matches.
- Revocation: `credentialStatus` points to the certificate's own 1EdTech Revocation List
  (`status.json` beside it, a list of one entry or none, so it tells nothing of other
  certificates), and a revoked certificate also has `validUntil` at the moment it was
  revoked. A replaced certificate has `validUntil` at the moment its replacement was
  issued: it is not revoked, but it is no longer the holder's current certificate.
- No `proof`: the credential is not signed. It is verified by fetching it from its
  issuer's address, as a hosted badge is.
"""

import hashlib
from datetime import UTC, datetime
from typing import Any

from lib.urls import absolute_url

from .certificates import assessed_label, assessment_statement, issuer_name, verification_url
from .models import Certificate

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines the term 1EdTechRevocationList used in credentialStatus.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
REVOCATION_LIST = "1EdTechRevocationList"


def _timestamp(moment: datetime) -> str:
    """DateTimeZ as the spec wants it: UTC, with the zone, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(name: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((name + salt).encode()).hexdigest()


def issuer_profile(certificate: Certificate) -> dict[str, Any]:
    home = absolute_url("/")
    return {"id": home, "type": ["Profile"], "name": issuer_name(certificate), "url": home}


def badge_url(certificate: Certificate) -> str:
    return absolute_url("completion:certificate_badge", certificate.code)


def status_url(certificate: Certificate) -> str:
    return absolute_url("completion:certificate_status", certificate.code)


def _criteria(certificate: Certificate) -> str:
    """The criteria narrative (Markdown, as the spec allows): the rules and the module
    quizzes with their pass marks."""
    lines = [assessment_statement(certificate) or "Completion of the online course."]
    if certificate.assessed:
        lines += ["", "Modules assessed by quiz:", ""]
        lines += [f"- {assessed_label(item)}" for item in certificate.assessed]
    return "\n".join(lines)


def _description(certificate: Certificate) -> str:
    text = f"An online continuing professional development course of {certificate.hours_label}."
    if certificate.outcomes:
        text += "\n\nHaving completed the course, the learner is able to:\n\n" + "\n".join(
            f"{i}. {outcome}" for i, outcome in enumerate(certificate.outcomes, start=1)
        )
    return text


def certificate_badge(certificate: Certificate) -> dict[str, Any]:
    """The OpenBadgeCredential for a certificate (no queries beyond `replaced_by`,
    which callers select with it)."""
    url = verification_url(certificate)
    issuer = issuer_profile(certificate)
    hours = float(certificate.cpd_hours)
    salt = certificate.identity_salt
    achievement: dict[str, Any] = {
        # The course's achievement, by its address on the site.
        "id": absolute_url("course:detail", certificate.course.slug),
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": certificate.course_title,
        "description": _description(certificate),
        "criteria": {"narrative": _criteria(certificate)},
        "creditsAvailable": hours,
        "fieldOfStudy": "Continuing professional development",
        "creator": issuer,
    }
    badge: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"CPD certificate: {certificate.course_title}",
        "description": (
            f"Issued by {issuer['name']} for completing the online continuing professional "
            f"development course “{certificate.course_title}”, of {certificate.hours_label}."
        ),
        "issuer": issuer,
        "validFrom": _timestamp(certificate.issued_at),
        "awardedDate": _timestamp(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(certificate.name, salt),
                    "identityType": "name",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": achievement,
            "creditsEarned": hours,
        },
        "credentialStatus": {"id": status_url(certificate), "type": REVOCATION_LIST},
    }
    ended = certificate.revoked_at or (
        certificate.replaced_by.issued_at if certificate.replaced_by else None
    )
    if ended:
        badge["validUntil"] = _timestamp(ended)
    return badge


def revocation_list(certificate: Certificate) -> dict[str, Any]:
    """The certificate's own 1EdTech Revocation List: its entry with the reason if it is
    revoked, else empty."""
    revoked = []
    if certificate.revoked_at:
        revoked.append(
            {"id": verification_url(certificate), "revocationReason": certificate.revoked_reason}
        )
    return {
        "id": status_url(certificate),
        "issuer": issuer_profile(certificate)["id"],
        "revokedCredentials": revoked,
    }
