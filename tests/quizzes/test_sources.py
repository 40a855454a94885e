"""The shipped list of sources, the tags of the case bank, and the passages that separate
two sources."""

import re
import shutil
from collections import Counter
from itertools import product

import pytest
from django.urls import reverse

from course.content_loader import CONTENT_DIR, load_content
from course.markdown import headings, render_markdown
from course.models import Lesson
from lib.content import ContentError
from quizzes.models import Question, Quiz
from quizzes.quality import sources_named
from quizzes.sources import (
    SOURCE_LIST,
    SOURCES,
    Passage,
    Source,
    SourceList,
    check_passages,
    passage_for,
    passage_of,
    source_name,
)

# What the issue asks the case bank to name, and the mimics its options use.
REQUIRED = {
    "superior-cluneal",
    "middle-cluneal",
    "inferior-cluneal",
    "posterior-femoral-cutaneous",
    "sciatic-deep-gluteal",
    "sciatic-ischial-tunnel",
    "superior-gluteal",
    "inferior-gluteal",
    "hamstring-tendinopathy",
    "gluteal-tendinopathy",
    "sacroiliac-joint",
    "facet-joints",
    "lumbar-radicular",
    "pudendal-neuralgia",
    "cauda-equina",
    "ischiofemoral-impingement",
    "hip-joint",
    "coccydynia",
    "sacral-insufficiency-fracture",
    "sacral-metastasis",
    "buttock-claudication",
}
# The distractor pairs the cases set against each other most often.
COMMON_PAIRS = [
    ("superior-cluneal", "sacroiliac-joint"),
    ("superior-cluneal", "facet-joints"),
    ("middle-cluneal", "sacroiliac-joint"),
    ("inferior-cluneal", "posterior-femoral-cutaneous"),
    ("posterior-femoral-cutaneous", "sciatic-ischial-tunnel"),
    ("sciatic-deep-gluteal", "lumbar-radicular"),
    ("hamstring-tendinopathy", "sciatic-ischial-tunnel"),
    ("superior-gluteal", "gluteal-tendinopathy"),
]
# A source's name in the words quizzes.quality recognises, so that a tag never says
# something other than what the option's words name.
QUALITY_NAMES = {
    "superior-cluneal": "SCN",
    "middle-cluneal": "MCN",
    "inferior-cluneal": "ICN",
    "posterior-femoral-cutaneous": "PFCN",
    "superior-gluteal": "SGN",
    "inferior-gluteal": "IGN",
    "sciatic-deep-gluteal": "deep gluteal",
    "sciatic-ischial-tunnel": "ischial tunnel",
    "sacroiliac-joint": "SI joint",
    "facet-joints": "facet",
    "lumbar-radicular": "lumbar radicular",
    "lumbar-spinal-stenosis": "lumbar radicular",  # "Lumbar radicular pain (spinal stenosis)"
    "gluteal-tendinopathy": "trochanteric",
    "hamstring-tendinopathy": "hamstring tendinopathy",
    "hamstring-strain": "hamstring muscle",
    "gluteus-maximus-strain": "gluteal muscle",
    "abductor-tendon-tear": "abductor tear",
    "pudendal-neuralgia": "pudendal",
    "ischiofemoral-impingement": "ischiofemoral",
    "hip-joint": "hip joint",
    "coccydynia": "coccydynia",
    "sacral-insufficiency-fracture": "sacral fracture",
    "buttock-claudication": "vascular",
    "cauda-equina": "cauda equina",
    "sacral-metastasis": "malignancy",
}


def test_the_list_names_every_source_the_issue_asks_for():
    assert set(SOURCES) >= REQUIRED
    assert set(QUALITY_NAMES) == set(SOURCES)
    assert all(s.name and s.short and len(s.short) <= 20 for s in SOURCES.values())
    assert source_name("middle-cluneal") == "Middle cluneal nerve"
    assert source_name("") == ""
    assert source_name("no-longer-listed") == "no-longer-listed"


def test_common_distractor_pairs_have_a_passage_of_their_own():
    for a, b in COMMON_PAIRS:
        assert frozenset((a, b)) in SOURCE_LIST.contrasts, (a, b)


def test_a_passage_is_found_in_either_order_and_links_to_its_heading():
    passage = passage_for("superior-cluneal", "sacroiliac-joint")
    assert passage == passage_for("sacroiliac-joint", "superior-cluneal")
    assert passage == Passage(
        url="/courses/telling-buttock-nerve-pain-apart/mimics-and-radicular-pain/#separating-them",
        title="Separating them",
        lesson_title="Mimics: the sacroiliac joint, facets, the trochanter and radicular pain",
        lesson="mimics-and-radicular-pain",
        anchor="separating-them",
    )


def test_an_unlisted_pair_falls_back_to_the_passage_that_teaches_the_first():
    a, b = "coccydynia", "superior-gluteal"
    assert frozenset((a, b)) not in SOURCE_LIST.contrasts
    passage = passage_for(a, b)
    assert passage == passage_of(a)
    assert passage is not None
    assert passage.url.endswith("/further-mimics/#coccydynia")
    assert passage.title == "Coccydynia"
    assert passage_for(b, a) == passage_of(b)


def test_unknown_keys_have_no_passage():
    assert passage_for("superior-cluneal", "") is None
    assert passage_for("made-up", "superior-cluneal") is None
    assert passage_of("made-up") is None


@pytest.mark.django_db
def test_passages_are_found_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        for a, b in product(SOURCES, repeat=2):
            passage = passage_for(a, b)
            assert passage is not None and passage.anchor, (a, b)
            assert source_name(a)


# --- the shipped case bank ----------------------------------------------------------------


@pytest.fixture
def shipped(tmp_path, db):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    report = load_content(tmp_path / "content")
    assert report.ok, [str(e) for e in report.errors]


def module_questions():
    return Question.objects.filter(quiz__course__audience="clinician").prefetch_related(
        "choices", "twins"
    )


def keys_of(question) -> set[str]:
    return {c.source for c in question.choices.all() if c.is_correct and not c.retired} - {""}


def test_every_passage_links_to_a_heading_of_the_loaded_lesson(shipped):
    html = dict(
        Lesson.objects.filter(course__slug=SOURCE_LIST.course).values_list("slug", "body_html")
    )
    for a, b in product(SOURCES, repeat=2):
        passage = passage_for(a, b)
        assert passage is not None
        anchors = {h.anchor: h.text for h in headings(html[passage.lesson])}
        assert anchors.get(passage.anchor) == passage.title, (a, b, passage)
        lesson_url = reverse("course:lesson", args=[SOURCE_LIST.course, passage.lesson])
        assert passage.url == f"{lesson_url}#{passage.anchor}"


def test_the_key_of_a_question_that_asks_for_a_source_names_one(shipped):
    asked = [q for q in module_questions() if re.search(r"\bsources?\b", q.prompt, re.I)]
    assert len(asked) >= 40
    for question in asked:
        for choice in question.choices.all():
            if choice.is_correct and not choice.retired:
                assert choice.source, (question.slug, choice.text or choice.region)


def test_a_tag_never_says_other_than_the_option_names(shipped):
    for question in module_questions():
        for choice in question.choices.all():
            named = sources_named(choice.text)
            if choice.source and named:
                assert QUALITY_NAMES[choice.source] in named, (question.slug, choice.text)
            if question.kind == "pain_map":
                assert choice.source, (question.slug, choice.region)


def test_each_twin_pair_has_the_passage_that_separates_its_keys(shipped):
    seen = 0
    for question in module_questions():
        for twin in question.twins.all():
            if twin.pk < question.pk:
                continue
            ka, kb = keys_of(question), keys_of(twin)
            pairs = {frozenset((a, b)) for a in ka - kb for b in kb} | {
                frozenset((a, b)) for a in ka for b in kb - ka
            }
            for pair in pairs:
                if len(pair) == 2:
                    seen += 1
                    assert pair in SOURCE_LIST.contrasts, (question.slug, twin.slug, set(pair))
    assert seen >= 30


def test_self_checks_tag_only_some_options(shipped):
    checks = Quiz.objects.filter(course__audience="patient")
    tagged = Question.objects.filter(quiz__in=checks, choices__source__gt="").distinct()
    assert tagged.count() >= 5


def test_pairs_the_distractors_often_set_up_have_a_passage(shipped):
    """A pair of a key and a distractor that recurs across the case bank is one a learner
    is likely to mix up: it has a passage of its own, not the fallback."""
    pairs: Counter[frozenset[str]] = Counter()
    for question in module_questions():
        offered = [c for c in question.choices.all() if not c.retired and c.source]
        for choice in offered:
            if not choice.is_correct:
                pairs.update(frozenset((k, choice.source)) for k in keys_of(question))
    common = {pair for pair, n in pairs.items() if n >= 3 and len(pair) == 2}
    assert len(common) >= 40
    assert common <= set(SOURCE_LIST.contrasts), common - set(SOURCE_LIST.contrasts)


def test_a_passage_whose_heading_lost_its_id_to_an_earlier_one_is_refused(tmp_path):
    """Links are built from a heading's text; the loader refuses a heading that a page
    gives another id, because an earlier heading's text makes the same one."""
    sources = SourceList(
        course="course",
        sources={
            "a": Source(key="a", name="A", short="A", lesson="one", heading="Separating them")
        },
        contrasts={},
    )
    html = render_markdown("## Separating them!\n\nx\n\n## Separating them\n\ny", heading_ids=True)
    with pytest.raises(ContentError, match="an earlier heading of that lesson takes its id"):
        check_passages(tmp_path / "sources.yaml", sources, {"one": headings(html)})
    fine = render_markdown("## Separating them\n\ny", heading_ids=True)
    check_passages(tmp_path / "sources.yaml", sources, {"one": headings(fine)})
