from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import ClinicianProfile, User
from accounts.roles import EDITORS
from completion.models import Evaluation, Reflection
from completion.services import CpdFeedback, cpd_feedback_save
from course.engagement import required_seconds
from course.models import Course, Enrollment, Lesson, LessonProgress, Module, Publishable
from course.services import lesson_record_view, lesson_set_done
from reviews.models import Card

PUBLISHED = Publishable.Status.PUBLISHED
DRAFT = Publishable.Status.DRAFT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.org")
    name = factory.Faker("name")
    role = User.Role.PATIENT
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ClinicianFactory(UserFactory):
    role = User.Role.CLINICIAN
    profile = factory.RelatedFactory(
        "tests.factories.ClinicianProfileFactory", factory_related_name="user"
    )


class ClinicianProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicianProfile

    user = factory.SubFactory(ClinicianFactory)
    profession = "Physiotherapist"
    registration_number = factory.Sequence(lambda n: f"PHY{n:07d}")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    audience = Course.Audience.PATIENT
    summary = "What the course is about."
    description_md = "A course about **buttock nerve pain**."
    status = PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    order = factory.Sequence(lambda n: n)
    status = PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.course")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    summary = "What this lesson covers."
    body_md = factory.LazyAttribute(lambda o: f"The body of {o.slug}: SECRET-BODY-{o.slug}.")
    order = factory.Sequence(lambda n: n)
    status = PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quizzes.Quiz"

    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.course")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"Quiz {n}")
    pass_mark = 80


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quizzes.Question"

    quiz = factory.SubFactory(QuizFactory)
    slug = factory.Sequence(lambda n: f"question-{n}")
    kind = "single"
    vignette = "A 40-year-old runner has pain."
    prompt = "Most likely source?"
    order = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quizzes.Choice"

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Option {n}")
    is_correct = False
    explanation = factory.Sequence(lambda n: f"EXPLANATION-{n}")
    order = factory.Sequence(lambda n: n)


def question_with(quiz, kind="single", correct=(0,), options=4, regions=None, **kwargs):
    """A question with options; `correct` lists the indexes of the right ones."""
    question = QuestionFactory(quiz=quiz, kind=kind, **kwargs)
    labels = regions or [None] * options
    for i, region in enumerate(labels):
        ChoiceFactory(
            question=question,
            is_correct=i in correct,
            text="" if region else f"Option {i}",
            region=region or "",
        )
    return question


def reviewed_key_point_card(user, lesson, *, due, last_review):
    """An unsaved key-point card that has been reviewed before (for bulk_create): the
    reminder tests' learner with reviews due, or not yet."""
    return Card(
        user=user,
        kind="key_point",
        lesson=lesson,
        key_index=0,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        front="Q",
        back="A",
        is_new=False,
        state=2,
        stability=3.0,
        difficulty=5.0,
        due=due,
        last_review=last_review,
    )


# A reflection and evaluation a CPD certificate accepts.
CPD_FEEDBACK = CpdFeedback(
    change="I will press on the iliac crest about seven centimetres from the midline in "
    "every patient with upper buttock pain before blaming the lumbar spine.",
    learned="Cluneal nerves can mimic lumbar pain.",
    ratings=dict.fromkeys(Evaluation.STATEMENTS, 4),
    comment="",
)


def reflect_and_evaluate(completion, now=None):
    """Give a completion the reflection and evaluation its certificate needs, and issue
    the certificate if nothing else is missing (returns it, or None)."""
    return cpd_feedback_save(completion=completion, feedback=CPD_FEEDBACK, now=now)


def feedback_given(completion, now=None):
    """The reflection and evaluation rows alone, issuing nothing: for tests that issue
    the certificate themselves."""
    now = now or timezone.now()
    Reflection.objects.create(
        completion=completion, change=CPD_FEEDBACK.change, written_at=now, updated_at=now
    )
    Evaluation.objects.create(
        completion=completion, submitted_at=now, updated_at=now, **CPD_FEEDBACK.ratings
    )


def read_lesson(user, lesson, now=None):
    """The learner opened the lesson long enough before `now` (default: the present) for
    "mark done" at `now` to count: a view recorded that far back, so no test waits."""
    now = now or timezone.now()
    lesson_record_view(
        user=user, lesson=lesson, now=now - timedelta(seconds=required_seconds(lesson))
    )


def finish_lesson(user, lesson, now=None):
    """Read the lesson (see read_lesson) and mark it done at `now`."""
    now = now or timezone.now()
    read_lesson(user, lesson, now)
    return lesson_set_done(user=user, lesson=lesson, now=now)


def give_reading_time(user, lesson):
    """Credit the learner with the lesson's required reading time directly, for tests
    whose "mark done" comes from elsewhere (a browser on a live server) at any time."""
    LessonProgress.objects.update_or_create(
        user=user,
        lesson=lesson,
        defaults={"course_id": lesson.course_id, "engaged_seconds": required_seconds(lesson)},
    )


class EditorFactory(UserFactory):
    """Staff, not superuser, in the Editors group (accounts.roles)."""

    is_staff = True

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=EDITORS))


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "course.Reference"

    key = factory.Sequence(lambda n: f"ref-{n}")
    citation = factory.Sequence(lambda n: f"Author {n}. A study of buttock pain. 20{n % 100:02d}.")
    kind = "primary"
