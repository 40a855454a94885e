"""API v1 for courses, lessons, enrolments and progress. The same access and service
functions as the pages decide every answer."""

import re

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.types import AuthedRequest

from . import selectors, services
from .access import LessonAccess, courses_visible_to, lesson_access
from .models import Course, Enrollment, Lesson, LessonProgress

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


# A course in the catalogue, from a selectors.CatalogueEntry: the course's own fields (as a
# ModelSerializer would declare them) and what this user can see of it. (A comment, not a
# docstring, which would go into the schema.)
class CourseSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="course.slug", max_length=50)
    title = serializers.CharField(source="course.title", max_length=200)
    audience = serializers.ChoiceField(source="course.audience", choices=Course.Audience.choices)
    summary = serializers.CharField(source="course.summary", max_length=300)
    cpd_hours = serializers.DecimalField(
        source="course.cpd_hours", max_digits=4, decimal_places=1, required=False
    )
    url = serializers.SerializerMethodField()
    lesson_count = serializers.SerializerMethodField()
    free_lesson = serializers.SerializerMethodField()

    def get_url(self, entry: selectors.CatalogueEntry) -> str:
        return entry.course.get_absolute_url()

    def get_lesson_count(self, entry: selectors.CatalogueEntry) -> int:
        return len(entry.lessons)

    def get_free_lesson(self, entry: selectors.CatalogueEntry) -> str | None:
        return entry.free_lesson.slug if entry.free_lesson else None


class LessonSummarySerializer(serializers.Serializer):
    """A lesson as listed in a course: never its body."""

    slug = serializers.CharField(source="lesson.slug")
    title = serializers.CharField(source="lesson.title")
    summary = serializers.CharField(source="lesson.summary")
    minutes = serializers.IntegerField(source="lesson.minutes")
    is_free = serializers.BooleanField(source="lesson.is_free")
    access = serializers.ChoiceField(choices=["open", "locked"], source="access.value")
    done = serializers.BooleanField()


class ModuleSerializer(serializers.Serializer):
    slug = serializers.CharField(source="module.slug")
    title = serializers.CharField(source="module.title")
    lessons = LessonSummarySerializer(many=True)


class ProgressSummarySerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class CourseDetailSerializer(serializers.Serializer):
    slug = serializers.CharField(source="course.slug")
    title = serializers.CharField(source="course.title")
    audience = serializers.CharField(source="course.audience")
    summary = serializers.CharField(source="course.summary")
    description_html = serializers.CharField(source="course.description_html")
    cpd_hours = serializers.DecimalField(source="course.cpd_hours", max_digits=4, decimal_places=1)
    enrolled = serializers.BooleanField()
    progress = ProgressSummarySerializer(source="*")
    modules = ModuleSerializer(many=True)


# A lesson's full text, and where this learner stands on it: `engaged_seconds` read so far
# on the server's clock (the visit this request starts is not in it yet), the
# `required_seconds` before it counts as done (course.engagement), and `done`. Needs the
# context's `engagement` (a services.Engagement).
class LessonDetailSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course.slug")
    module = serializers.CharField(source="module.slug")
    engaged_seconds = serializers.SerializerMethodField()
    required_seconds = serializers.SerializerMethodField()
    done = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = [
            "slug",
            "title",
            "course",
            "module",
            "summary",
            "objectives",
            "minutes",
            "is_free",
            "body_html",
            "key_points",
            "engaged_seconds",
            "required_seconds",
            "done",
        ]

    def get_engaged_seconds(self, lesson: Lesson) -> int:
        return self.context["engagement"].engaged_seconds

    def get_required_seconds(self, lesson: Lesson) -> int:
        return self.context["engagement"].required_seconds

    def get_done(self, lesson: Lesson) -> bool:
        return self.context["engagement"].done


class NotReadYetSerializer(serializers.Serializer):
    """ "Mark done" refused: the lesson has not been read long enough yet."""

    detail = serializers.CharField()
    engaged_seconds = serializers.IntegerField()
    required_seconds = serializers.IntegerField()


class CourseSlugField(serializers.SlugRelatedField):
    """A course by its slug. Anything that cannot be a slug (a NUL byte, a number, a
    list) is "does not exist" before it reaches the database."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:50])
        return super().to_internal_value(data)


class EnrollmentSerializer(serializers.ModelSerializer):
    course = CourseSlugField(slug_field="slug", queryset=Course.objects.all())

    class Meta:
        model = Enrollment
        fields = ["course", "created_at"]
        read_only_fields = ["created_at"]

    def validate_course(self, course: Course) -> Course:
        # A draft course is "not found" for learners, the same answer as a wrong slug.
        if not courses_visible_to(self.context["request"].user).filter(pk=course.pk).exists():
            raise serializers.ValidationError(f"Object with slug={course.slug} does not exist.")
        return course


class ProgressSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course.slug", read_only=True)
    lesson = serializers.CharField(source="lesson.slug", read_only=True)
    done = serializers.BooleanField(source="is_done", read_only=True)

    class Meta:
        model = LessonProgress
        fields = ["course", "lesson", "done", "completed_at", "last_viewed_at", "engaged_seconds"]
        read_only_fields = fields


class ProgressUpdateSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)


class CourseViewSet(viewsets.GenericViewSet):
    """The catalogue, open to everyone. Not paginated: it is a handful of courses, and a
    client wants them all at once; the lists that grow with use (enrolments, progress,
    attempts, certificates) are paginated."""

    permission_classes = [AllowAny]
    pagination_class = None
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    serializer_class = CourseSerializer

    def get_queryset(self):
        return courses_visible_to(self.request.user)

    @extend_schema(responses=CourseSerializer(many=True))
    def list(self, request: Request) -> Response:
        """Published courses, each with its lesson count and free lesson."""
        return Response(CourseSerializer(selectors.catalogue(request.user), many=True).data)

    @extend_schema(responses=CourseDetailSerializer)
    def retrieve(self, request: Request, slug: str) -> Response:
        course = self.get_object()
        outline = selectors.course_outline(request.user, course)
        return Response(CourseDetailSerializer(outline).data)


def _lesson_or_404(request: Request, course_slug: str, lesson_slug: str) -> Lesson:
    lesson = selectors.lesson_for_page(request.user, course_slug, lesson_slug)
    if lesson is None:
        raise Http404
    return lesson


class LessonViewSet(viewsets.GenericViewSet):
    """A lesson's full text, for those who may read it. Locked: 401 when signed out,
    403 when signed in but not enrolled. Drafts and unknown lessons: 404."""

    permission_classes = [AllowAny]  # free lessons are for everyone; access decides the rest
    serializer_class = LessonDetailSerializer
    queryset = Lesson.objects.none()  # for the schema; lookups go through the selectors
    lookup_field = "slug"
    lookup_url_kwarg = "lesson_slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    @extend_schema(
        responses={
            200: LessonDetailSerializer,
            401: OpenApiResponse(description="Sign in to read this lesson."),
            403: OpenApiResponse(description="Enrol to read this lesson."),
            404: OpenApiResponse(description="No such lesson."),
        }
    )
    def retrieve(self, request: Request, course_slug: str, lesson_slug: str) -> Response:
        lesson = _lesson_or_404(request, course_slug, lesson_slug)
        if lesson_access(request.user, lesson) is LessonAccess.LOCKED:
            if not request.user.is_authenticated:
                raise exceptions.NotAuthenticated(
                    "Sign in and enrol in the course to read this lesson."
                )
            raise exceptions.PermissionDenied("Enrol in the course to read this lesson.")
        read = services.lesson_record_view(user=request.user, lesson=lesson)
        return Response(LessonDetailSerializer(lesson, context={"engagement": read}).data)

    @extend_schema(
        request=ProgressUpdateSerializer,
        responses={
            200: ProgressSerializer,
            409: OpenApiResponse(
                NotReadYetSerializer,
                description="Not read long enough yet to count as done: the message says "
                "how long so far and what counts.",
            ),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def progress(self, request: AuthedRequest, course_slug: str, lesson_slug: str) -> Response:
        """Mark the lesson done (`{"done": true}`) or not done again.

        A lesson counts as done once it has been read for its `required_seconds` (a share
        of its reading time, given with the lesson), timed on the server from each fetch of the
        lesson to the learner's next one or to this request, or once its self-check was
        answered. Before that: 409 with `engaged_seconds` and `required_seconds`."""
        lesson = _lesson_or_404(request, course_slug, lesson_slug)
        body = ProgressUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        progress = services.lesson_set_done(
            user=request.user, lesson=lesson, done=body.validated_data["done"]
        )
        return Response(ProgressSerializer(progress).data)


class EnrollmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = EnrollmentSerializer
    permission_classes = [IsAuthenticated]
    request: AuthedRequest

    def get_queryset(self):
        return (
            Enrollment.objects.filter(user=self.request.user)
            .select_related("course")
            .order_by("created_at")
        )

    @extend_schema(responses={201: EnrollmentSerializer, 200: EnrollmentSerializer})
    def create(self, request: AuthedRequest) -> Response:
        """Enrol in a course by its slug; enrolling again answers 200 with the enrolment."""
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        enrollment, created = services.enrollment_create(
            user=request.user, course=body.validated_data["course"]
        )
        return Response(
            EnrollmentSerializer(enrollment, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ProgressViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in learner's progress through lessons."""

    serializer_class = ProgressSerializer
    permission_classes = [IsAuthenticated]
    request: AuthedRequest

    def get_queryset(self):
        return (
            LessonProgress.objects.filter(user=self.request.user)
            .select_related("course", "lesson")
            .order_by("-last_viewed_at")
        )
