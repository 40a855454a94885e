"""API v1 for completion and certificates: where a learner stands, their certificates,
and public verification by code."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.types import AuthedRequest
from course.access import courses_visible_to

from .models import Certificate
from .selectors import completion_status


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


class CertificateSerializer(serializers.ModelSerializer):
    status = serializers.CharField()
    pdf = serializers.SerializerMethodField()
    verify = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "course_title",
            "name",
            "cpd_hours",
            "completed_on",
            "issued_at",
            "status",
            "pdf",
            "verify",
        ]

    def get_pdf(self, certificate: Certificate) -> str:
        return reverse("completion:certificate_pdf", args=[certificate.code])

    def get_verify(self, certificate: Certificate) -> str:
        return certificate.get_absolute_url()


class PublicCertificateSerializer(serializers.ModelSerializer):
    """What anyone with the code may see: nothing else about the person."""

    status = serializers.CharField()

    class Meta:
        model = Certificate
        fields = [
            "status",
            "name",
            "course_title",
            "completed_on",
            "issued_at",
            "cpd_hours",
            "revoked_at",
        ]


class CompletionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CompletionSerializer)
    def get(self, request: AuthedRequest, slug: str) -> Response:
        """Where the signed-in learner stands against the course's completion rules."""
        course = get_object_or_404(courses_visible_to(request.user), slug=slug)
        return Response(CompletionSerializer(completion_status(request.user, course)).data)


class CertificateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in learner's certificates, with their PDF and verification links."""

    serializer_class = CertificateSerializer
    permission_classes = [IsAuthenticated]
    request: AuthedRequest

    def get_queryset(self) -> QuerySet[Certificate]:
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return Certificate.objects.filter(user=self.request.user).select_related("replaced_by")


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
        certificate = get_object_or_404(
            Certificate.objects.select_related("replaced_by"), code=code
        )
        return Response(PublicCertificateSerializer(certificate).data)
