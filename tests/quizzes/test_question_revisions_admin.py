"""Editors change a live question in the admin through a draft that holds its words and
all its options: saving writes the draft and leaves the rows learners see; the change
form shows the draft; publishing applies it all at once."""

from html.parser import HTMLParser

import pytest

from course import revisions
from course.models import Revision
from quizzes.models import Choice, Question
from tests.factories import EditorFactory, QuizFactory, StaffFactory, question_with

pytestmark = pytest.mark.django_db


class ChangeForm(HTMLParser):
    """The values the admin's change form would send as it is shown (the form
    `question_form`): inputs, check boxes that are ticked, text areas and selects."""

    def __init__(self, page: str):
        super().__init__()
        self.data: dict[str, str] = {}
        self.inside = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "question_form"
        if not self.inside or "name" not in a and tag not in ("option",):
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[a["name"]] = a.get("value") or "on"
            else:
                self.data[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = a["name"]
            self.data[a["name"]] = ""
        elif tag == "select":
            self.select = a["name"]
            self.data.setdefault(a["name"], "")
        elif tag == "option" and self.select and "selected" in a:
            self.data[self.select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data.removeprefix("\n")


@pytest.fixture
def editor(client):
    user = StaffFactory()
    client.force_login(user)
    return user


@pytest.fixture
def question():
    return question_with(QuizFactory(), correct=(0,), options=3, prompt="Live prompt?")


def change_url(question: Question) -> str:
    return f"/admin/quizzes/question/{question.pk}/change/"


def shown_form(client, question: Question) -> dict[str, str]:
    response = client.get(change_url(question))
    assert response.status_code == 200
    return ChangeForm(response.content.decode()).data


def edited(form: dict[str, str]) -> dict[str, str]:
    """The shown form with: a new prompt, the first option reworded, the third
    deleted, and a new option added."""
    form = dict(form)
    total = int(form["choices-TOTAL_FORMS"])
    form |= {
        "prompt": "Draft prompt?",
        "choices-0-text": "First, reworded",
        "choices-2-DELETE": "on",
        "choices-TOTAL_FORMS": str(total + 1),
        f"choices-{total}-order": "9",
        f"choices-{total}-text": "A new option",
        f"choices-{total}-explanation": "Why the new option",
        f"choices-{total}-region": "",
        "revision_note": "Clearer options",
    }
    return form


def test_saving_a_live_question_writes_a_draft_and_leaves_the_live_rows(client, editor, question):
    before = list(Choice.objects.filter(question=question).order_by("pk").values())

    response = client.post(change_url(question), edited(shown_form(client, question)))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == change_url(question)
    question.refresh_from_db()
    assert (question.prompt, question.version) == ("Live prompt?", 1)
    assert list(Choice.objects.filter(question=question).order_by("pk").values()) == before
    draft = revisions.open_revision(question)
    assert draft is not None and draft.note == "Clearer options"
    rows = draft.data["choices"]
    first, second, third = (c["id"] for c in before)
    assert draft.data["prompt"] == "Draft prompt?"
    assert [r["id"] for r in rows] == [first, second, None]
    assert rows[0]["text"] == "First, reworded"
    assert rows[2] | {"order": 9} == rows[2] and rows[2]["text"] == "A new option"
    assert third not in [r["id"] for r in rows]


def test_the_change_form_shows_the_draft_and_saving_again_keeps_one_draft(client, editor, question):
    client.post(change_url(question), edited(shown_form(client, question)))

    page = client.get(change_url(question)).content.decode()
    form = ChangeForm(page).data
    assert form["prompt"] == "Draft prompt?"
    texts = {v for k, v in form.items() if k.endswith("-text")}
    assert {"First, reworded", "A new option"} <= texts
    third = question.choices.order_by("order")[2]
    assert third.text not in texts  # removed in the draft
    assert "Preview as a learner" in page and "Publish now" in page

    # Saved again as shown, with one more change: the same draft, updated.
    form["prompt"] = "Draft prompt, again?"
    response = client.post(change_url(question), form)
    assert response.status_code == 302
    drafts = Revision.objects.filter(object_id=question.pk, status=Revision.Status.DRAFT)
    assert drafts.count() == 1
    data = drafts.get().data
    assert data["prompt"] == "Draft prompt, again?"
    assert [r["text"] for r in data["choices"]][::2] == ["First, reworded", "A new option"]
    assert sum(r["id"] is None for r in data["choices"]) == 1


def test_publishing_from_the_admin_applies_the_question_and_its_options(client, editor, question):
    first, second, third = question.choices.order_by("order")
    client.post(change_url(question), edited(shown_form(client, question)))

    response = client.post(f"/admin/quizzes/question/{question.pk}/draft/publish/")

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Published: learners now see version 2." in page
    question.refresh_from_db()
    assert (question.prompt, question.version) == ("Draft prompt?", 2)
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.text == "First, reworded" and not first.retired
    assert third.retired
    assert question.choices.filter(text="A new option", retired=False).exists()
    assert revisions.open_revision(question) is None
    history = client.get(f"/admin/quizzes/question/{question.pk}/versions/").content.decode()
    assert "Version 2" in history and "First, reworded" in history


def test_a_draft_with_no_correct_option_is_not_published(client, editor, question):
    form = shown_form(client, question)
    form.pop("choices-0-is_correct", None)  # the only right option, unticked
    client.post(change_url(question), form)
    assert revisions.open_revision(question) is not None

    response = client.post(f"/admin/quizzes/question/{question.pk}/draft/publish/", follow=True)

    assert "No option is marked correct" in response.content.decode()
    question.refresh_from_db()
    assert question.version == 1
    assert question.choices.filter(is_correct=True).count() == 1


def test_a_question_learners_cannot_see_is_saved_directly(client, editor, question):
    module = question.quiz.module
    module.status = module.Status.DRAFT
    module.save()

    response = client.post(change_url(question), edited(shown_form(client, question)))

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.prompt == "Draft prompt?" and question.version == 1
    assert not Revision.objects.filter(object_id=question.pk).exists()


def test_a_live_quizs_page_shows_its_questions_words_without_editing_them(client, editor, question):
    page = client.get(f"/admin/quizzes/quiz/{question.quiz_id}/change/").content.decode()
    assert "Live prompt?" in page
    assert 'name="questions-0-prompt"' not in page  # edited on the question's own page
    assert 'name="questions-0-order"' in page


def test_an_editor_who_may_delete_nothing_may_remove_an_option_from_a_live_questions_draft(
    client, question
):
    client.force_login(EditorFactory())
    page = client.get(change_url(question)).content.decode()
    assert 'name="choices-2-DELETE"' in page  # the box to remove an option is offered
    form = ChangeForm(page).data
    response = client.post(change_url(question), edited(form))
    assert response.status_code == 302
    third = question.choices.order_by("order")[2]
    assert third.pk not in [r["id"] for r in revisions.open_revision(question).data["choices"]]
    assert Choice.objects.filter(pk=third.pk, retired=False).exists()  # until published


def test_the_options_say_which_are_retired(client, editor, question):
    retired = question.choices.order_by("order")[1]
    retired.retired = True
    retired.save()
    page = client.get(change_url(question)).content.decode()
    assert page.count("No: retired") == 1 and page.count(">Yes<") >= 2


def test_a_quiz_slug_taken_in_the_course_is_a_form_error_not_a_crash(client, editor):
    taken = QuizFactory(slug="taken")
    other = QuizFactory(module=taken.module, slug="other")
    response = client.post(
        f"/admin/quizzes/quiz/{other.pk}/change/",
        {
            "module": other.module_id,
            "title": other.title,
            "slug": "taken",
            "pass_mark": 80,
            "retake_after_hours": 24,
            "order": 0,
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Another quiz of this course has this slug."
    ]


def test_saving_a_live_question_untouched_from_a_browser_makes_no_draft(client, editor):
    question = question_with(QuizFactory(), correct=(0,), options=3, prompt="Live prompt?")
    question.vignette = "A case.\nWith two lines."
    question.save()
    Choice.objects.filter(question=question).update(explanation="Because.\nAnd so.")
    # As a browser sends the form: every text area's line ends as CRLF.
    form = {k: v.replace("\n", "\r\n") for k, v in shown_form(client, question).items()}
    response = client.post(change_url(question), form)
    assert response.status_code == 302
    assert revisions.open_revision(question) is None
