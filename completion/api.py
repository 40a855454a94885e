"""API v1 for completion and certificates: where a learner stands, their certificates,
and public verification by code, with each certificate's Open Badge."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.types import AuthedRequest
from course.access import courses_visible_to
from course.models import Course
from lib.errors import AppError, ErrorKind

from .badges import certificate_badge
from .certificates import assessment_statement, issuer_name
from .models import Certificate, CourseCompletion, Evaluation, Rating
from .selectors import (
    REFLECTION_MIN_WORDS,
    certificate_by_code,
    completion_status,
    completion_with_feedback,
    requirements_for,
)
from .services import CpdFeedback, cpd_feedback_save


class AssessedSerializer(serializers.Serializer):
    module = serializers.CharField()
    quiz = serializers.CharField()
    pass_mark = serializers.IntegerField(help_text="Percent needed to pass.")


class CertificateRecordSerializer(serializers.ModelSerializer):
    """What a certificate says, as frozen when it was issued, and its status now."""

    status = serializers.ChoiceField(
        choices=["valid", "replaced", "revoked"],
        help_text="revoked wins over replaced: a revoked certificate that was reissued "
        "still says revoked on its own code.",
    )
    issuer = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    assessed = AssessedSerializer(many=True, help_text="The module quizzes passed.")
    outcomes = serializers.ListField(child=serializers.CharField())
    badge = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "status",
            "name",
            "course_title",
            "cpd_hours",
            "completed_on",
            "issued_at",
            "issuer",
            "assessment",
            "assessed",
            "outcomes",
            "revoked_at",
            "revoked_reason",
            "badge",
        ]

    def get_issuer(self, certificate: Certificate) -> str:
        return issuer_name(certificate)

    def get_assessment(self, certificate: Certificate) -> str:
        """What completion required, in a sentence; empty on certificates issued before
        it was recorded."""
        return assessment_statement(certificate)

    def get_badge(self, certificate: Certificate) -> str:
        """The certificate's Open Badges 3.0 credential (JSON-LD)."""
        return reverse("completion:certificate_badge", args=[certificate.code])


class RequirementSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="completed, health_professional, certificate_name, profession, "
        "registration_number, reflection or evaluation."
    )
    label = serializers.CharField()  # type: ignore[assignment]
    met = serializers.BooleanField()
    url = serializers.CharField(help_text="The page where the learner meets it.")


class CompletionSerializer(serializers.Serializer):
    lessons_done = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    quizzes_passed = serializers.IntegerField()
    quizzes_total = serializers.IntegerField()
    met = serializers.BooleanField()
    completed_at = serializers.DateTimeField(
        source="completion.completed_at", allow_null=True, default=None
    )
    certificate = serializers.CharField(source="certificate.code", allow_null=True, default=None)
    certificate_requirements = RequirementSerializer(
        many=True,
        read_only=True,
        help_text="What a CPD certificate needs, each met or not; empty for a course "
        "without one. The certificate is issued when every one is met.",
    )


class CertificateSerializer(CertificateRecordSerializer):
    pdf = serializers.SerializerMethodField()
    verify = serializers.SerializerMethodField()

    class Meta(CertificateRecordSerializer.Meta):
        fields = [*CertificateRecordSerializer.Meta.fields, "pdf", "verify"]

    def get_pdf(self, certificate: Certificate) -> str:
        return reverse("completion:certificate_pdf", args=[certificate.code])

    def get_verify(self, certificate: Certificate) -> str:
        return certificate.get_absolute_url()


class PublicCertificateSerializer(CertificateRecordSerializer):
    """What anyone with the code may see: nothing else about the person. A revoked
    certificate's record still names the course and the reason; nothing points to a
    certificate issued after it."""


class CompletionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CompletionSerializer)
    def get(self, request: AuthedRequest, slug: str) -> Response:
        """Where the signed-in learner stands against the course's completion rules."""
        course = get_object_or_404(courses_visible_to(request.user), slug=slug)
        data = CompletionSerializer(completion_status(request.user, course)).data
        data["certificate_requirements"] = RequirementSerializer(
            requirements_for(request.user, course), many=True
        ).data
        return Response(data)


class ReflectionSerializer(serializers.Serializer):
    change = serializers.CharField(
        max_length=3000,
        help_text=f"What you will change in practice: at least {REFLECTION_MIN_WORDS} words.",
    )
    learned = serializers.CharField(
        max_length=3000, required=False, allow_blank=True, default="", help_text="Optional."
    )


def _rating(name: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Rating.choices,
        help_text=f"“{Evaluation.STATEMENTS[name]}” 1 strongly disagree to 5 strongly agree.",
    )


class EvaluationSerializer(serializers.Serializer):
    outcomes_met = _rating("outcomes_met")
    relevant = _rating("relevant")
    cases_realistic = _rating("cases_realistic")
    evidence_clear = _rating("evidence_clear")
    unbiased = _rating("unbiased")
    comment = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class CpdFeedbackSerializer(serializers.Serializer):
    reflection = ReflectionSerializer()
    evaluation = EvaluationSerializer()


class CpdFeedbackResultSerializer(CpdFeedbackSerializer):
    certificate = serializers.CharField(
        allow_null=True, help_text="The certificate's code once it is issued."
    )


class CpdFeedbackView(APIView):
    """The reflection and evaluation a CPD certificate asks for, after the course. PUT
    saves both (a second PUT replaces them) and issues the certificate when nothing else
    is missing."""

    permission_classes = [IsAuthenticated]

    def _completion(self, request: AuthedRequest, slug: str) -> CourseCompletion:
        course = get_object_or_404(
            courses_visible_to(request.user), slug=slug, audience=Course.Audience.CLINICIAN
        )
        completion = completion_with_feedback(request.user, course)
        if completion is None:
            raise AppError(
                "The reflection and evaluation open when you finish the course.",
                ErrorKind.NOT_ALLOWED,
            )
        return completion

    @staticmethod
    def _answer(completion: CourseCompletion) -> dict[str, Any]:
        reflection = getattr(completion, "reflection", None)
        evaluation = getattr(completion, "evaluation", None)
        certificate = (
            completion.certificates.filter(replaced_by__isnull=True).order_by("-issued_at").first()
        )
        return {
            "reflection": {"change": reflection.change, "learned": reflection.learned}
            if reflection
            else None,
            "evaluation": {
                **{name: getattr(evaluation, name) for name in Evaluation.STATEMENTS},
                "comment": evaluation.comment,
            }
            if evaluation
            else None,
            "certificate": certificate.code if certificate else None,
        }

    @extend_schema(
        responses={
            200: CpdFeedbackResultSerializer,
            403: OpenApiResponse(description="The course is not completed yet."),
        }
    )
    def get(self, request: AuthedRequest, slug: str) -> Response:
        """What the learner wrote (null before they write it), and the certificate."""
        return Response(self._answer(self._completion(request, slug)))

    @extend_schema(
        request=CpdFeedbackSerializer,
        responses={
            200: CpdFeedbackResultSerializer,
            400: OpenApiResponse(description="A field is missing, too short or out of range."),
            403: OpenApiResponse(description="The course is not completed yet."),
        },
    )
    def put(self, request: AuthedRequest, slug: str) -> Response:
        completion = self._completion(request, slug)
        serializer = CpdFeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evaluation = dict(data["evaluation"])
        feedback = CpdFeedback(
            change=data["reflection"]["change"],
            learned=data["reflection"].get("learned", ""),
            ratings={name: int(evaluation[name]) for name in Evaluation.STATEMENTS},
            comment=evaluation.get("comment", ""),
        )
        cpd_feedback_save(completion=completion, feedback=feedback)
        completion = CourseCompletion.objects.select_related("reflection", "evaluation").get(
            pk=completion.pk
        )
        return Response(self._answer(completion))


class CertificateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in learner's certificates, with their PDF and verification links."""

    serializer_class = CertificateSerializer
    permission_classes = [IsAuthenticated]
    request: AuthedRequest

    def get_queryset(self) -> QuerySet[Certificate]:
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return Certificate.objects.filter(user=self.request.user).select_related("replaced_by")


def _certificate(code: str) -> Certificate:
    """By the code as a person may type it (`selectors.certificate_by_code`), or 404."""
    certificate = certificate_by_code(code)
    if certificate is None:
        raise Http404("No certificate has this code.")
    return certificate


class VerifyView(APIView):
    """Public certificate verification by code. Throttled against enumeration."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verify"

    @extend_schema(
        responses={
            200: PublicCertificateSerializer,
            404: OpenApiResponse(description="No certificate has this code."),
        }
    )
    def get(self, request: Request, code: str) -> Response:
        """A certificate's record and status. The code may be typed in any case, with or
        without its dashes; codes never contain 0, O, 1, I or L."""
        return Response(PublicCertificateSerializer(_certificate(code)).data)


class BadgeView(APIView):
    """A certificate's Open Badges 3.0 credential. Public and throttled, as verification."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verify"

    @extend_schema(
        responses={
            200: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="An OpenBadgeCredential (Open Badges 3.0, JSON-LD): the "
                "certificate's achievement, its issuer, the learner by a salted hash of "
                "their name, and its revocation status (credentialStatus, and validUntil "
                "once revoked or replaced). The same document is served at the "
                "certificate's verification address to a client that asks for JSON.",
            ),
            404: OpenApiResponse(description="No certificate has this code."),
        }
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(certificate_badge(_certificate(code)))
