"""The bar charts in Chromium at phone and desktop widths: every label inside its chart,
no two labels on top of each other, and no page that scrolls sideways."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.services import attempt_submit
from reviews.models import Card, ReviewLog
from reviews.selectors import local_day_start
from tests.e2e.nav import expect_signed_in
from tests.factories import (
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
    question_with,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 390, 1280, 1440)

# For each chart on the page: its texts as drawn (those the container queries hide have
# no box), each checked against the SVG's box and against every other text.
MEASURE = """() => {
  const charts = [];
  for (const svg of document.querySelectorAll('.plot svg')) {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')]
      .map(t => ({text: t.textContent, r: t.getBoundingClientRect()}))
      .filter(t => t.r.width > 0);
    const outside = texts.filter(t => t.r.left < box.left - 0.5 || t.r.right > box.right + 0.5
      || t.r.top < box.top - 0.5 || t.r.bottom > box.bottom + 0.5).map(t => t.text);
    const overlaps = [];
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r, b = texts[j].r;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5
            && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
          overlaps.push([texts[i].text, texts[j].text]);
        }
      }
    }
    charts.push({width: box.width, texts: texts.map(t => t.text), outside, overlaps});
  }
  return {charts, scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth};
}"""


def _check(page, url, charts, widths=WIDTHS):
    measured = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        result = page.evaluate(MEASURE)
        assert len(result["charts"]) == charts, (width, result)
        for chart in result["charts"]:
            assert chart["texts"], (width, chart)
            assert not chart["outside"], (width, chart)
            assert not chart["overlaps"], (width, chart)
        assert result["scrollWidth"] <= result["innerWidth"], (width, result)
        measured[width] = result["charts"]
    return measured


def _sign_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.keyboard.press("Enter")
    expect_signed_in(page)


def _learner_with_a_fortnight(email, *, due_today=0):
    """A learner with cards due over the coming fortnight and a fortnight of reviews, from
    none to a few hundred a day; today: `due_today` cards due and 12 reviews, small beside
    the busiest day's 250 (a thin bar, which must still show)."""
    user = UserFactory(email=email)
    lesson = LessonFactory(title="The cluneal nerves")
    EnrollmentFactory(user=user, course=lesson.course)
    quiz = QuizFactory(module=lesson.module)
    questions = [question_with(quiz, lesson=lesson, slug=f"q{i}") for i in range(12)]
    attempt_submit(
        user=user,
        quiz=quiz,
        answers={q.pk: [q.choices.order_by("order").first().pk] for q in questions},
    )
    now = timezone.now()
    # Cards due over the coming fortnight (none today unless asked: today's bar is still
    # marked).
    days = [0] * due_today + [1, 1, 2, 3, 3, 3, 5, 8, 8, 13, 14, 14][due_today:]
    for card, day in zip(Card.objects.filter(user=user), days, strict=True):
        due = now + timedelta(days=day) if day else now - timedelta(minutes=1)
        Card.objects.filter(pk=card.pk).update(is_new=False, due=due)
    # Reviews done over the last fortnight, from none to a few hundred a day, and today
    # a few (besides the quiz's).
    log = ReviewLog.objects.filter(user=user).first()
    counts = [12, 48, 130, 7, 0, 0, 250, 96, 3, 1, 66, 140, 9, 1, 3]
    # Each day's reviews spread over the part of that local day that has passed today, so
    # that they stay on their day whatever the time the test runs.
    midnight = local_day_start(user, now)
    passed = now - midnight
    ReviewLog.objects.bulk_create(
        ReviewLog(
            card=log.card,
            user=user,
            module=log.module,
            rating=log.rating,
            reviewed_at=midnight - timedelta(days=14 - day) + passed * (k + 1) / (n + 1),
            state_before=log.state_before,
            state_after=log.state_after,
            due_before=log.due_before,
            due_after=log.due_after,
            reps=1000 * (day + 1) + k,
        )
        for day, n in enumerate(counts)
        for k in range(n)
    )
    return user


def test_progress_charts_fit_from_phone_to_desktop(live_server, page, screenshot):
    _learner_with_a_fortnight("charts@example.org")

    _sign_in(page, live_server.url, "charts@example.org")
    measured = _check(page, live_server.url + "/review/progress/", charts=2)
    screenshot("charts-progress-1440")
    for width, (forecast, done) in measured.items():
        assert "Today" in forecast["texts"] and "Today" in done["texts"], width
        assert "250" in done["texts"], width  # the busiest day is always labelled
    # A phone shows fewer day labels than a desktop, never none.
    assert 3 <= len(measured[320][1]["texts"]) < len(measured[1440][1]["texts"])
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + "/review/progress/")
    screenshot("charts-progress-390")
    # The numbers are one click away, in a table.
    page.get_by_text("Show the numbers").first.click()
    expect(page.get_by_role("table").first.get_by_role("rowheader", name="Today")).to_be_visible()


def test_facility_chart_fits_from_phone_to_desktop(live_server, page, screenshot):
    quiz = QuizFactory()
    slugs = [
        "electrician-crest-point-tender-on-palpation",
        "student-icy-step",
        "shop-assistant-tender-trochanter-and-weak-abduction-on-testing",
        "forklift-driver-sitting",
        "stenographer-perineal-sensation-reduced-after-long-days",
        "cyclist",
    ]
    questions = [question_with(quiz, slug=slug) for slug in slugs]
    rng = random.Random(4)
    for _ in range(12):
        learner = UserFactory()
        EnrollmentFactory(user=learner, course=quiz.course)
        picks = {q.pk: list(q.choices.order_by("order")) for q in questions}
        attempt_submit(
            user=learner,
            quiz=quiz,
            answers={q.pk: [rng.choice(picks[q.pk][:2]).pk] for q in questions},
        )
    StaffFactory(email="editor@example.org")

    _sign_in(page, live_server.url, "editor@example.org")
    url = f"{live_server.url}/admin/quizzes/quiz/{quiz.pk}/statistics/"
    measured = _check(page, url, charts=1)
    for width, (chart,) in measured.items():
        labels = [t for t in chart["texts"] if t[:2] in {f"{i}." for i in range(1, 7)}]
        assert len(labels) == len(slugs), (width, chart)  # every question named, if shortened
    assert any(t.endswith("…") for t in measured[320][0]["texts"])
    assert slugs[2] in " ".join(measured[1440][0]["texts"])
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(url)
    screenshot("charts-statistics-390")


# Today's bar and the chart's frame, as drawn: the bar's rendered height and its colour
# against what is behind it (the band marking today, the chart's own background), and
# every chart inside its frame and the page.
TODAY = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => {
    const [r, g, b] = rgb(c).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  return [...document.querySelectorAll('.plot')].map(plot => {
    const frame = plot.getBoundingClientRect();
    const svg = plot.querySelector('svg').getBoundingClientRect();
    const bar = plot.querySelector('.plot-bar.is-marked');
    const band = plot.querySelector('.plot-band');
    const background = getComputedStyle(plot).backgroundColor;
    const out = {
      caption: plot.querySelector('figcaption').textContent,
      svg_in_frame: svg.left >= frame.left - 0.5 && svg.right <= frame.right + 0.5,
      frame_in_page: frame.left >= -0.5 && frame.right <= window.innerWidth + 0.5,
      bar: null,
    };
    if (bar) {
      const fill = getComputedStyle(bar).fill;
      out.bar = {
        height: bar.getBoundingClientRect().height,
        width: bar.getBoundingClientRect().width,
        on_band: band ? contrast(fill, getComputedStyle(band).fill) : null,
        on_background: contrast(fill, background),
      };
    }
    return out;
  });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_todays_bar_shows_and_charts_fit_a_phone(live_server, page, screenshot, scheme):
    _learner_with_a_fortnight("today@example.org", due_today=2)
    page.emulate_media(color_scheme=scheme)
    _sign_in(page, live_server.url, "today@example.org")
    for width in (320, 390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/review/progress/")
        charts = page.evaluate(TODAY)
        assert len(charts) == 2, charts
        for chart in charts:
            assert chart["svg_in_frame"] and chart["frame_in_page"], (scheme, width, chart)
            bar = chart["bar"]
            # Today has cards due and reviews done: its bar is drawn, visibly.
            assert bar is not None, (scheme, width, chart)
            assert bar["height"] >= 2 and bar["width"] >= 4, (scheme, width, chart)
            # WCAG's 3:1 for graphics, against the band and the chart's background.
            assert bar["on_band"] >= 3 and bar["on_background"] >= 3, (scheme, width, chart)
        result = page.evaluate(MEASURE)
        assert result["scrollWidth"] <= result["innerWidth"], (scheme, width, result)
        for chart in result["charts"]:
            assert not chart["outside"] and not chart["overlaps"], (scheme, width, chart)
            assert "Today" in chart["texts"], (scheme, width, chart)
        screenshot(f"charts-today-{scheme}-{width}")
