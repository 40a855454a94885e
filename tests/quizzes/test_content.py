"""Quiz files: loading, reloading, rejecting bad files, and the shipped case bank."""

import shutil
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from course.content_loader import CONTENT_DIR, load_content
from lib.errors import AppError
from quizzes.models import Answer, Attempt, Choice, Question, Quiz
from quizzes.quality import sources_named
from quizzes.selectors import item_statistics
from quizzes.services import attempt_feedback, attempt_submit, questions_of
from reviews.models import Card
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

COURSE = "---\nslug: demo\ntitle: Demo\naudience: clinician\nsummary: S.\n---\nAbout.\n"
MODULE = "---\nslug: first\ntitle: First\n---\nIntro.\n"
LESSON = "---\nslug: {slug}\ntitle: T\nsummary: S.\n---\nBody.\n"
QUIZ = """title: First quiz
pass_mark: 75
draw: 2
questions:
  - slug: belt-line
    twins: [where]
    kind: single
    case: |
      A 50-year-old with pain
      at the belt line.
    prompt: Most likely source?
    lesson: one
    options:
      - text: Superior cluneal nerve
        correct: true
        explanation: Belt line and crest tenderness.
      - text: Sacroiliac joint
        explanation: Provocation tests were negative.
  - slug: where
    kind: pain_map
    case: ""
    prompt: Where?
    lesson: one
    options:
      - {region: upper-buttock, correct: true, explanation: E1}
      - {region: sacroiliac, explanation: E2}
      - {region: sitting-bone, explanation: E3}
      - {region: back-of-thigh, explanation: E4}
      - {region: deep-mid-buttock, explanation: E5}
      - {region: side-of-hip, explanation: E6}
"""


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    (root / "demo" / "01-first").mkdir(parents=True)
    (root / "demo" / "course.md").write_text(COURSE)
    (root / "demo" / "01-first" / "module.md").write_text(MODULE)
    (root / "demo" / "01-first" / "01-one.md").write_text(LESSON.format(slug="one"))
    (root / "demo" / "01-first" / "quiz.yaml").write_text(QUIZ)
    return root


def test_quiz_loads_with_questions_options_and_lesson_links(content):
    report = load_content(content)
    assert report.ok, report.errors
    quiz = Quiz.objects.get()
    assert (quiz.slug, quiz.pass_mark, quiz.lesson) == ("first-quiz", 75, None)
    first = quiz.questions.get(slug="belt-line")
    assert first.vignette == "A 50-year-old with pain at the belt line."
    assert first.lesson.slug == "one"
    assert [c.is_correct for c in first.choices.all()] == [True, False]
    assert quiz.questions.get(slug="where").choices.count() == 6


def test_reloading_changes_nothing_and_edits_update_in_place(content):
    load_content(content)
    ids = set(Choice.objects.values_list("pk", flat=True))
    report = load_content(content)
    assert report.created == [] and report.updated == []
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(QUIZ.replace("Provocation tests were negative.", "Tests were painless."))
    report = load_content(content)
    assert report.updated == ["option belt-line/Sacroiliac joint (explanation)"]
    assert set(Choice.objects.values_list("pk", flat=True)) == ids


BAD = [
    (
        "two correct in single",
        (
            "Provocation tests were negative.",
            "Provocation tests were negative.\n        correct: true",
        ),
        "exactly one correct option, not 2",
    ),
    (
        "missing region",
        ("      - {region: side-of-hip, explanation: E6}\n", ""),
        "lists all six regions; missing side-of-hip",
    ),
    (
        "unknown lesson",
        (
            "    lesson: one\n    options:\n      - text: Superior",
            "    lesson: nowhere\n    options:\n      - text: Superior",
        ),
        "'lesson' 'nowhere' is not a lesson of this course",
    ),
    (
        "no explanation",
        ("        explanation: Belt line and crest tenderness.\n", ""),
        "option 1: 'explanation' is missing",
    ),
    ("unknown kind", ("kind: single", "kind: essay"), "'kind' must be one of"),
    ("bad pass mark", ("pass_mark: 75", "pass_mark: 120"), "at most 100"),
    (
        "duplicate option",
        ("- text: Sacroiliac joint", "- text: Superior cluneal nerve"),
        "'Superior cluneal nerve' is listed twice",
    ),
    ("not yaml", ("title: First quiz", "title: [First"), "not valid YAML"),
]


@pytest.mark.parametrize(("label", "change", "problem"), BAD, ids=[b[0] for b in BAD])
def test_malformed_quiz_is_named_and_loads_nothing(content, label, change, problem):
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(QUIZ.replace(*change))
    report = load_content(content)
    assert [e.path for e in report.errors] == [path]
    assert problem in report.errors[0].problem
    assert not Quiz.objects.exists() and not Question.objects.exists()


def test_an_answered_option_cannot_be_dropped_by_the_loader(content):
    load_content(content)
    quiz = Quiz.objects.get()
    user = UserFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    sacro = Choice.objects.get(text="Sacroiliac joint")
    where = quiz.questions.get(slug="where").choices.first()
    attempt_submit(
        user=user, quiz=quiz, answers={sacro.question_id: [sacro.pk], where.question_id: [where.pk]}
    )
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(QUIZ.replace("Sacroiliac joint", "Lumbar facet joint"))
    report = load_content(content)
    assert "learners have answered it" in report.errors[0].problem
    assert Choice.objects.filter(text="Sacroiliac joint").exists()
    assert not Choice.objects.filter(text="Lumbar facet joint").exists()


def _answer_everything(quiz, choice_texts: dict[str, str]):
    """A learner who answered the quiz: `choice_texts` maps question slug → option text
    (or region) chosen."""
    user = UserFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    answers = {}
    for question in quiz.questions.all():
        wanted = choice_texts[question.slug]
        choice = question.choices.get(**({"region": wanted} if "-" in wanted else {"text": wanted}))
        answers[question.pk] = [choice.pk]
    return user, attempt_submit(user=user, quiz=quiz, answers=answers)


def test_renamed_question_and_reworded_option_keep_attempts_cards_and_statistics(content):
    load_content(content)
    quiz = Quiz.objects.get()
    user, attempt = _answer_everything(
        quiz, {"belt-line": "Sacroiliac joint", "where": "upper-buttock"}
    )
    question = quiz.questions.get(slug="belt-line")
    sacro = question.choices.get(text="Sacroiliac joint")
    before = {s.question.pk: (s.answered, s.top_wrong) for s in item_statistics(quiz)}
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(
        QUIZ.replace(
            "  - slug: belt-line\n", "  - slug: belt-line-crest\n    formerly: [belt-line]\n"
        ).replace(
            "      - text: Sacroiliac joint\n",
            "      - text: Sacroiliac joint pain\n        formerly: [Sacroiliac joint]\n",
        )
    )
    report = load_content(content)
    assert report.ok, report.errors
    renamed = Question.objects.get(pk=question.pk)
    assert renamed.slug == "belt-line-crest" and Question.objects.count() == 2
    assert Choice.objects.get(pk=sacro.pk).text == "Sacroiliac joint pain"
    # The learner's answer, card and the item statistics still point at the same rows.
    answer = Answer.objects.get(attempt=attempt, question=renamed)
    assert [c.pk for c in answer.choices.all()] == [sacro.pk]
    assert Card.objects.filter(user=user, question=renamed).exists()
    assert {s.question.pk: (s.answered, s.top_wrong) for s in item_statistics(quiz)} == before
    feedback = {f.question.pk: f for f in attempt_feedback(attempt)}
    assert [o.choice.text for o in feedback[renamed.pk].options if o.chosen] == [
        "Sacroiliac joint pain"
    ]
    # Loading again changes nothing: the new names are now the names.
    again = load_content(content)
    assert again.created == [] and again.updated == []


def test_retired_option_is_kept_for_its_choosers_but_no_longer_offered(content):
    load_content(content)
    quiz = Quiz.objects.get()
    earlier, attempt = _answer_everything(
        quiz, {"belt-line": "Sacroiliac joint", "where": "upper-buttock"}
    )
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(
        QUIZ.replace(
            "        explanation: Provocation tests were negative.\n",
            "        explanation: Provocation tests were negative.\n        retired: true\n"
            "      - text: Lumbar facet joint\n        explanation: Extension was painless.\n",
        )
    )
    report = load_content(content)
    assert report.ok, report.errors
    retired = Choice.objects.get(text="Sacroiliac joint")
    assert retired.retired
    offered = {c.text for q in questions_of(quiz) for c in q.choices.all()}
    assert "Sacroiliac joint" not in offered and "Lumbar facet joint" in offered
    # The learner who chose it still sees it in their attempt; a new attempt cannot choose it.
    chosen = [o.choice.pk for f in attempt_feedback(attempt) for o in f.options if o.chosen]
    assert retired.pk in chosen
    newcomer = UserFactory()
    EnrollmentFactory(user=newcomer, course=quiz.course)
    where = quiz.questions.get(slug="where").choices.first()
    with pytest.raises(AppError, match="does not belong"):
        attempt_submit(
            user=newcomer,
            quiz=quiz,
            answers={retired.question_id: [retired.pk], where.question_id: [where.pk]},
        )
    assert not Attempt.objects.filter(user=newcomer).exists()
    fresh = attempt_submit(
        user=newcomer,
        quiz=quiz,
        answers={
            retired.question_id: [Choice.objects.get(text="Lumbar facet joint").pk],
            where.question_id: [where.pk],
        },
    )
    assert all(not o.choice.retired for f in attempt_feedback(fresh) for o in f.options)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            (
                "        explanation: Belt line and crest tenderness.\n",
                "        explanation: Belt line and crest tenderness.\n        retired: true\n"
                "      - text: Lumbar facet joint\n        explanation: Extension was painless.\n",
            ),
            "exactly one correct option, not 0",
        ),
        (
            ("    kind: single\n", "    kind: single\n    bends: {length: short}\n"),
            "'length' is not a rule",
        ),
        (
            (
                "    kind: single\n",
                "    kind: single\n    bends: {tone: 'because it reads better'}\n",
            ),
            "'tone' is not a rule",
        ),
    ],
)
def test_bad_retirement_or_bend_is_named(content, change, problem):
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(QUIZ.replace(*change, 1))
    report = load_content(content)
    assert [e.path for e in report.errors] == [path]
    assert problem in report.errors[0].problem


@pytest.fixture
def shipped(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    report = load_content(tmp_path / "content")
    assert report.ok, [str(e) for e in report.errors]


def test_every_shipped_question_is_complete(shipped):
    questions = list(Question.objects.prefetch_related("choices").select_related("lesson"))
    assert len(questions) >= 70
    for q in questions:
        choices = list(q.choices.all())
        correct = [c for c in choices if c.is_correct]
        assert correct, q.slug
        if q.kind == "single":
            assert len(correct) == 1, q.slug
        assert all(len(c.explanation) > 20 for c in choices), q.slug
        assert q.lesson is not None and q.lesson.course_id == q.quiz.course_id, q.slug
        for text in [q.vignette, q.prompt, *(c.explanation for c in choices)]:
            for marker in ("lorem", "todo", "tbd", "placeholder"):
                assert marker not in text.lower(), q.slug


# Pain-map questions answer with regions, not names: the source each case stands for.
PAIN_MAP_SOURCES = {
    "roofer-graft-site-burning": {"SCN"},
    "teacher-postpartum-ligament-point": {"MCN"},
    "taxi-driver-deep-gluteal-map": {"deep gluteal"},
    "crossfit-coach-tinel-point": {"SCN"},
    "miner-stimulator-lead": {"SCN"},
}
# The sources CONTENT.md requires as a right answer at least three times; the sciatic
# nerve counts once whether it is irritated in the deep gluteal space or the ischial tunnel.
NERVE_SOURCES_AND_COMMON_MIMICS = (
    *("SCN", "MCN", "ICN", "PFCN", "SGN", "IGN", "SI joint", "facet", "lumbar radicular"),
    *("trochanteric", "hamstring tendinopathy"),
)
REQUIRED_SOURCES = {
    **{s: {s} for s in NERVE_SOURCES_AND_COMMON_MIMICS},
    "sciatic / deep gluteal / ischial tunnel": {"deep gluteal", "ischial tunnel"},
}
# The further mimics the clinical review asked for: each the right answer at least once.
FURTHER_MIMICS = (
    "pudendal",
    "ischiofemoral",
    "hip joint",
    "coccydynia",
    "sacral fracture",
    "vascular",
)
# Near-miss pairs: the same vignette with one finding changed and a different answer, each
# question offering the other's answer. (quiz, slug_a, slug_b, right in a, right in b)
NEAR_MISS_PAIRS = [
    ("presentations-quiz", "electrician-crest-point", "electrician-ligament-point", "SCN", "MCN"),
    (
        "examination-quiz",
        "marathon-runner-crest-block-positive",
        "marathon-runner-crest-block-negative",
        "SCN",
        "SI joint",
    ),
    (
        "examination-quiz",
        "theatre-nurse-tests-negative",
        "theatre-nurse-tests-positive",
        "MCN",
        "SI joint",
    ),
    ("presentations-quiz", "student-icy-step-local", "student-icy-step-thigh", "ICN", "PFCN"),
    (
        "examination-quiz",
        "lorry-driver-hamstring-painless",
        "lorry-driver-hamstring-painful",
        "PFCN",
        "ischial tunnel",
    ),
    (
        "management-quiz",
        "organist-sitting-pain-unscreened",
        "organist-sitting-pain-screened",
        "sacral fracture",
        "ICN",
    ),
    (
        "presentations-quiz",
        "shop-assistant-weak-abduction",
        "shop-assistant-tender-trochanter",
        "SGN",
        "trochanteric",
    ),
    ("anatomy-quiz", "postman-weak-hip-abduction", "postman-weak-hip-extension", "SGN", "IGN"),
    (
        "presentations-quiz",
        "forklift-driver-sitting",
        "forklift-driver-cough",
        "deep gluteal",
        "lumbar radicular",
    ),
    (
        "examination-quiz",
        "dairy-farmer-abduction-strong",
        "dairy-farmer-abduction-weak",
        "deep gluteal",
        "lumbar radicular",
    ),
    (
        "presentations-quiz",
        "cyclist-saddle-tendon-loading",
        "cyclist-saddle-slump-positive",
        "hamstring tendinopathy",
        "ischial tunnel",
    ),
    (
        "presentations-quiz",
        "stenographer-perineal-sensation-normal",
        "stenographer-perineal-sensation-reduced",
        "pudendal",
        "cauda equina",
    ),
    (
        "presentations-quiz",
        "welder-walking-pain-stands-still",
        "welder-walking-pain-must-sit",
        "vascular",
        "lumbar radicular",
    ),
    (
        "presentations-quiz",
        "cyclist-saddle-tendon-loading",
        "cyclist-saddle-skin-tender",
        "hamstring tendinopathy",
        "ICN",
    ),
]
# The comparisons CONTENT.md asks for; either side may be any of the sources in its set.
REQUIRED_COMPARISONS = [
    ({"SCN"}, {"MCN"}),
    ({"MCN"}, {"SI joint"}),
    ({"ICN"}, {"PFCN"}),
    ({"ICN", "PFCN"}, {"ischial tunnel"}),
    ({"SGN", "IGN"}, {"trochanteric"}),
    ({"deep gluteal"}, {"lumbar radicular"}),
    ({"hamstring tendinopathy"}, {"ischial tunnel"}),
    # Safety: the serious cause beside the benign one it hides behind.
    ({"pudendal"}, {"cauda equina"}),
    ({"vascular"}, {"lumbar radicular"}),
    ({"sacral fracture"}, {"ICN"}),
]


def right_answers(question) -> set[str]:
    if question.kind == "pain_map":
        return PAIN_MAP_SOURCES.get(question.slug, set())
    named = set()
    for choice in question.choices.all():
        if choice.is_correct:
            named |= sources_named(choice.text)
    return named


def test_case_bank_covers_the_course(shipped):
    clinician = Quiz.objects.filter(course__audience="clinician")
    assert clinician.count() == 5 and all(q.lesson is None for q in clinician)
    cases = Question.objects.filter(quiz__in=clinician).exclude(vignette="")
    assert cases.count() >= 45
    kinds = Counter(Question.objects.filter(quiz__in=clinician).values_list("kind", flat=True))
    assert kinds["multiple"] >= 4 and kinds["pain_map"] >= 5
    patient_checks = Quiz.objects.filter(course__audience="patient")
    assert patient_checks.count() == 7 and all(q.lesson_id for q in patient_checks)
    questions = Question.objects.filter(quiz__in=clinician).prefetch_related("choices")
    pain_maps = {q.slug for q in questions if q.kind == "pain_map"}
    assert set(PAIN_MAP_SOURCES) <= pain_maps, set(PAIN_MAP_SOURCES) - pain_maps
    answered_by = Counter()
    for q in questions:
        answers = right_answers(q)
        if q.kind != "pain_map" and answers:
            # A question answered by naming a source names one in every option, so a new
            # or misspelt source fails here instead of silently going uncounted.
            unnamed = [c.text for c in q.choices.all() if not sources_named(c.text)]
            assert not unnamed, (q.slug, unnamed)
        for required, members in REQUIRED_SOURCES.items():
            if answers & members:
                answered_by[required] += 1
        for mimic in FURTHER_MIMICS:
            answered_by[mimic] += mimic in answers
    # Each source is the right answer (alone or among several) at least three times.
    for required in REQUIRED_SOURCES:
        assert answered_by[required] >= 3, (required, answered_by)


def test_near_miss_pairs_change_one_finding_and_the_answer(shipped):
    clinician = Quiz.objects.filter(course__audience="clinician")
    for quiz, slug_a, slug_b, source_a, source_b in NEAR_MISS_PAIRS:
        a, b = (
            Question.objects.prefetch_related("choices").get(
                quiz__in=clinician, quiz__slug=quiz, slug=s
            )
            for s in (slug_a, slug_b)
        )
        pair = (slug_a, slug_b)
        # The first of a pair has one best answer; the second may add a second right
        # answer (both a tendon and a nerve finding), but never loses the first's.
        assert a.kind == "single" and b.kind in ("single", "multiple"), pair
        texts_a, texts_b = ({c.text for c in q.choices.all()} for q in (a, b))
        right_a, right_b = ({c.text for c in q.choices.all() if c.is_correct} for q in (a, b))
        assert right_a != right_b and right_a <= texts_b and right_b <= texts_a, pair
        assert len(texts_a & texts_b) >= 4, pair
        assert source_a in right_answers(a) and source_b not in right_answers(a), pair
        assert source_b in right_answers(b), pair
        if b.kind == "single":
            assert source_a not in right_answers(b), pair
        # One finding changed: most of the vignette is shared word for word.
        same = SequenceMatcher(None, a.vignette.split(), b.vignette.split()).ratio()
        assert same >= 0.75, (pair, round(same, 2))
    for side_a, side_b in REQUIRED_COMPARISONS:
        assert any(
            (a in side_a and b in side_b) or (a in side_b and b in side_a)
            for _, _, _, a, b in NEAR_MISS_PAIRS
        ), (side_a, side_b)
