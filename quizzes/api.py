"""API v1 for quizzes. Questions go out without their answers; answers and explanations
come back only in the feedback of a submitted attempt."""

from typing import Any, cast

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.types import AuthedRequest
from course.access import LessonAccess

from . import services
from .access import quiz_access, quizzes_visible_to
from .models import Attempt, Question, Quiz
from .selectors import feedback_lessons


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    # A field named like Field.label (the human name DRF gives a field): allowed here.
    label = serializers.CharField()  # type: ignore[assignment]
    region = serializers.CharField(help_text="Pain-map region key; empty for other kinds.")


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    vignette = serializers.CharField()
    prompt = serializers.CharField()
    choose = serializers.SerializerMethodField(help_text='"one" or "many"')
    options = OptionSerializer(many=True, source="choices.all")

    def get_choose(self, question: Question) -> str:
        return "many" if question.expects_many else "one"


class QuizSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course.slug")
    module = serializers.CharField(source="module.slug")
    lesson = serializers.CharField(source="lesson.slug", allow_null=True)
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Quiz
        fields = ["id", "title", "course", "module", "lesson", "pass_mark", "questions"]

    @extend_schema(responses=QuestionSerializer(many=True))
    def get_questions(self, quiz: Quiz) -> list[dict[str, Any]]:
        # many=True makes a ListSerializer, whose data is a list; the stubs do not say so.
        data = QuestionSerializer(services.questions_of(quiz), many=True).data
        return cast(list[dict[str, Any]], data)


# Ids are positive and fit the database's integers; anything else is "not in this quiz"
# before it reaches a query.
ID: dict[str, Any] = {"min_value": 1, "max_value": 2**63 - 1}


class AnswerInSerializer(serializers.Serializer):
    question = serializers.IntegerField(**ID)
    choices = serializers.ListField(
        child=serializers.IntegerField(**ID), allow_empty=True, max_length=50
    )


class SubmissionSerializer(serializers.Serializer):
    submission_key = serializers.UUIDField(
        required=False, help_text="Send the same key again to have a retry recognised (409)."
    )
    # many=True passes max_length on to the ListSerializer it makes.
    answers = AnswerInSerializer(many=True, allow_empty=False, max_length=500)  # type: ignore[call-arg]

    def validate_answers(self, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        questions = [a["question"] for a in answers]
        if len(set(questions)) != len(questions):
            raise serializers.ValidationError("A question is answered twice.")
        return answers


class OptionFeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="choice.pk")
    label = serializers.CharField(source="choice.label")  # type: ignore[assignment]  # as above
    correct = serializers.BooleanField(source="choice.is_correct")
    chosen = serializers.BooleanField()
    explanation = serializers.CharField(source="choice.explanation")


class QuestionFeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question.pk")
    prompt = serializers.CharField(source="question.prompt")
    score = serializers.FloatField()
    lesson = serializers.SerializerMethodField()
    options = OptionFeedbackSerializer(many=True)

    def get_lesson(self, item: services.QuestionFeedback) -> str | None:
        """The lesson that teaches the point, if the learner may open it."""
        lesson = item.question.lesson
        if lesson is None or lesson.pk not in self.context.get("visible_lessons", set()):
            return None
        return lesson.get_absolute_url()


class AttemptSerializer(serializers.ModelSerializer):
    quiz = serializers.IntegerField(source="quiz_id")
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = ["id", "quiz", "submission_key", "submitted_at", "score", "passed", "feedback"]

    @extend_schema(responses=QuestionFeedbackSerializer(many=True))
    def get_feedback(self, attempt: Attempt) -> list[dict[str, Any]]:
        feedback = services.attempt_feedback(attempt)
        visible = feedback_lessons(attempt.user, feedback)
        data = QuestionFeedbackSerializer(
            feedback, many=True, context={"visible_lessons": visible}
        ).data
        return cast(list[dict[str, Any]], data)  # a list: many=True, as above


class QuizViewSet(viewsets.GenericViewSet):
    """A quiz is open to whoever may read its lesson: a free lesson's quiz to everyone."""

    permission_classes = [AllowAny]
    serializer_class = QuizSerializer

    def get_queryset(self):
        return quizzes_visible_to(self.request.user).select_related("course", "module", "lesson")

    def get_object(self) -> Quiz:
        quiz = super().get_object()
        access = quiz_access(self.request.user, quiz)
        if access is LessonAccess.HIDDEN:
            raise Http404
        if access is LessonAccess.LOCKED:
            if not self.request.user.is_authenticated:
                raise exceptions.NotAuthenticated("Sign in and enrol to take this quiz.")
            raise exceptions.PermissionDenied("Enrol in the course to take this quiz.")
        return quiz

    @extend_schema(
        responses={
            200: QuizSerializer,
            401: OpenApiResponse(description="Sign in."),
            403: OpenApiResponse(description="Enrol first."),
            404: OpenApiResponse(description="No such quiz."),
        }
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        """A quiz with its questions and options, without answers or explanations."""
        return Response(QuizSerializer(self.get_object()).data)

    @extend_schema(
        request=SubmissionSerializer,
        responses={
            201: AttemptSerializer,
            400: OpenApiResponse(description="An answer does not fit the quiz."),
            403: OpenApiResponse(description="Enrol first."),
            409: OpenApiResponse(description="Already recorded."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def attempts(self, request: AuthedRequest, pk: int) -> Response:
        """Submit answers (`answers`: one entry per question with the chosen option ids)."""
        quiz = self.get_object()
        body = SubmissionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answers = {a["question"]: a["choices"] for a in body.validated_data["answers"]}
        # A retry of a recorded submission answers 409 with the attempt it became.
        attempt = services.attempt_submit(
            user=request.user,
            quiz=quiz,
            answers=answers,
            submission_key=body.validated_data.get("submission_key"),
        )
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


class AttemptSummarySerializer(serializers.ModelSerializer):
    quiz = serializers.IntegerField(source="quiz_id")

    class Meta:
        model = Attempt
        fields = ["id", "quiz", "submitted_at", "score", "passed"]


class AttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in learner's own attempts; one attempt comes with feedback on every option."""

    permission_classes = [IsAuthenticated]
    request: AuthedRequest

    def get_serializer_class(self):
        return AttemptSummarySerializer if self.action == "list" else AttemptSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Attempt.objects.none()
        return Attempt.objects.filter(user=self.request.user).select_related("quiz")
