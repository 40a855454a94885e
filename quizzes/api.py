"""API v1 for quizzes. Questions go out without their answers; answers and explanations
come back only in the feedback of a submitted attempt."""

from typing import Any, cast

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.types import AuthedRequest
from course.access import LessonAccess
from lib.errors import AppError

from . import services
from .access import quiz_access, quizzes_visible_to
from .models import Attempt, Confidence, Question, Quiz
from .selectors import feedback_lessons
from .versions import as_answered


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


class SittingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    started_at = serializers.DateTimeField()


class QuizSerializer(serializers.ModelSerializer):
    """A quiz for taking. `questions` are the ones to answer now: every question of a
    lesson's self-check; for a module quiz, those of the learner's sitting (a draw of
    questions from a pool of `pool`), which the same learner gets again until
    they submit it."""

    course = serializers.CharField(source="course.slug")
    module = serializers.CharField(source="module.slug")
    lesson = serializers.CharField(source="lesson.slug", allow_null=True)
    pool = serializers.SerializerMethodField(help_text="Questions in the quiz's pool.")
    retake_after_hours = serializers.IntegerField(
        help_text="Hours after a failed attempt before a module quiz may be retaken (0: at "
        "once). Once passed, a retake is practice and has no wait."
    )
    sitting = serializers.SerializerMethodField(
        help_text="The open sitting the questions come from; null for a self-check."
    )
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Quiz
        fields = [
            "id",
            "title",
            "course",
            "module",
            "lesson",
            "pass_mark",
            "pool",
            "retake_after_hours",
            "sitting",
            "questions",
        ]

    def get_pool(self, quiz: Quiz) -> int:
        return self.context["pool"]

    @extend_schema_field(SittingSerializer(allow_null=True))
    def get_sitting(self, quiz: Quiz) -> dict[str, Any] | None:
        sitting = self.context["sitting"]
        return None if sitting is None else cast(dict[str, Any], SittingSerializer(sitting).data)

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, quiz: Quiz) -> list[dict[str, Any]]:
        # many=True makes a ListSerializer, whose data is a list; the stubs do not say so.
        data = QuestionSerializer(self.context["questions"], many=True).data
        return cast(list[dict[str, Any]], data)


def quiz_to_take(request: Request, quiz: Quiz) -> dict[str, Any]:
    """The quiz with the questions to answer now (a module quiz's sitting opened or
    resumed); raises RetakeNotYet during a cool-down."""
    if quiz.lesson_id is None:
        sitting, questions = services.questions_to_take(user=request.user, quiz=quiz)
        pool = quiz.questions.count()
    else:
        sitting, questions = None, services.questions_of(quiz)
        pool = len(questions)
    context = {"sitting": sitting, "questions": questions, "pool": pool}
    return cast(dict[str, Any], QuizSerializer(quiz, context=context).data)


COOLING_DOWN = OpenApiResponse(
    response=inline_serializer(
        "RetakeNotYet",
        {
            "detail": serializers.CharField(),
            "opens_at": serializers.DateTimeField(help_text="When a new sitting may start."),
            "attempt": serializers.IntegerField(help_text="The failed attempt: its feedback."),
        },
    ),
    description="A failed module quiz is cooling down: retake it from `opens_at`.",
)


# Ids are positive and fit the database's integers; anything else is "not in this quiz"
# before it reaches a query.
ID: dict[str, Any] = {"min_value": 1, "max_value": 2**63 - 1}


CONFIDENCE_HELP = (
    "How sure the learner was: 1 guessing, 2 fairly sure, 3 sure. Sets the answer's "
    "certainty-based mark (right +1/+2/+3, wrong 0/−2/−6); left out or null: none given."
)


class AnswerInSerializer(serializers.Serializer):
    question = serializers.IntegerField(**ID)
    choices = serializers.ListField(
        child=serializers.IntegerField(**ID), allow_empty=True, max_length=50
    )
    confidence = serializers.ChoiceField(
        choices=Confidence.choices,
        required=False,
        allow_null=True,
        help_text=CONFIDENCE_HELP,
        error_messages={
            "invalid_choice": "Confidence is 1 (guessing), 2 (fairly sure) or 3 (sure), "
            "not {input}."
        },
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
    confidence = serializers.ChoiceField(
        choices=Confidence.choices,
        allow_null=True,
        help_text="How sure the learner said they were (1 guessing, 2 fairly sure, 3 sure); "
        "null when not given.",
    )
    cbm_mark = serializers.FloatField(
        allow_null=True,
        help_text="Certainty-based mark, −6 to +3: right +1/+2/+3, wrong 0/−2/−6 by "
        "confidence, a partly right answer in between; null without a confidence.",
    )
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
    cbm = serializers.SerializerMethodField(
        help_text="The mean certainty-based mark per question, −6 to +3, over the answers "
        "given with a confidence; null when none was. Kept apart from `score` (plain "
        "accuracy), which alone decides `passed`."
    )
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "quiz",
            "submission_key",
            "submitted_at",
            "score",
            "passed",
            "cbm",
            "feedback",
        ]

    def _feedback(self, attempt: Attempt) -> list[services.QuestionFeedback]:
        # Read once for `cbm` and `feedback` alike.
        cache: dict[int, list[services.QuestionFeedback]] = self.__dict__.setdefault(
            "_feedback_of", {}
        )
        if attempt.pk not in cache:
            # Each question as the learner answered it, as the attempt's page shows it.
            cache[attempt.pk] = as_answered(services.attempt_feedback(attempt))
        return cache[attempt.pk]

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True))
    def get_cbm(self, attempt: Attempt) -> str | None:
        average = services.certainty_of(self._feedback(attempt)).average
        return None if average is None else f"{average:.2f}"

    @extend_schema_field(QuestionFeedbackSerializer(many=True))
    def get_feedback(self, attempt: Attempt) -> list[dict[str, Any]]:
        feedback = self._feedback(attempt)
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
            429: COOLING_DOWN,
        }
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        """A quiz with the questions to answer now and their options, without answers or
        explanations. For a module quiz this opens the learner's sitting (or resumes the
        open one): a draw from the pool, the same questions in the same order until it is
        submitted. Answer them with `POST .../attempts/`."""
        return Response(quiz_to_take(request, self.get_object()))

    @extend_schema(
        request=None,
        responses={
            200: QuizSerializer,
            400: OpenApiResponse(description="A lesson's self-check has no sittings."),
            403: OpenApiResponse(description="Enrol first."),
            404: OpenApiResponse(description="No such quiz."),
            429: COOLING_DOWN,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def sitting(self, request: AuthedRequest, pk: int) -> Response:
        """Start a sitting of a module quiz, or resume the open one: the quiz with the
        sitting's questions, as `GET` returns it."""
        quiz = self.get_object()
        if quiz.lesson_id is not None:
            raise AppError("A lesson's self-check has no sittings: it shows every question.")
        return Response(quiz_to_take(request, quiz))

    @extend_schema(
        request=SubmissionSerializer,
        responses={
            201: AttemptSerializer,
            400: OpenApiResponse(description="An answer does not fit the quiz."),
            403: OpenApiResponse(description="Enrol first."),
            409: OpenApiResponse(description="Already recorded."),
            429: COOLING_DOWN,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def attempts(self, request: AuthedRequest, pk: int) -> Response:
        """Submit answers (`answers`: one entry per question with the chosen option ids).
        For a module quiz, answer exactly the questions of the open sitting (an answer to
        a question that was not drawn is 400); with none open, one is drawn first, so a
        client should `GET` the quiz before answering it."""
        quiz = self.get_object()
        body = SubmissionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answers = {a["question"]: a["choices"] for a in body.validated_data["answers"]}
        confidences = {
            a["question"]: a["confidence"]
            for a in body.validated_data["answers"]
            if a.get("confidence") is not None
        }
        # A retry of a recorded submission answers 409 with the attempt it became.
        attempt = services.attempt_submit(
            user=request.user,
            quiz=quiz,
            answers=answers,
            confidences=confidences,
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
