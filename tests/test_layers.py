"""The apps stack in layers, and imports point down only (ARCHITECTURE.md, "Apps, in
layers"). A lower app that must react to a higher one offers a signal or a hook that the
higher app registers with; it never imports it, not even inside a function."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. Apps on the same layer may not import each other either.
LAYERS: list[set[str]] = [
    {"lib"},
    {"outbox"},
    {"accounts"},
    {"course"},
    {"quizzes"},
    {"reviews"},
    {"completion"},
    {"reminders", "newsletter"},
    {"me"},
    {"devtools"},
    {"config"},
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}


def imported_apps(source: str) -> list[tuple[int, str]]:
    """(line, app) for every import of one of our apps anywhere in the module, at the
    top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names]
    return [(line, app) for line, app in found if app in RANK]


def upward_imports(app: str, source: str) -> list[str]:
    return [
        f"line {line}: {app} imports {other}"
        for line, other in imported_apps(source)
        if other != app and RANK[other] >= RANK[app]
    ]


def test_every_app_is_placed_in_a_layer():
    ours = {p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests"}
    assert ours == set(RANK)


def test_installed_apps_are_listed_in_layer_order():
    ours = [app for app in settings.INSTALLED_APPS if app in RANK]
    assert ours == sorted(ours, key=RANK.__getitem__)
    assert set(ours) == set(RANK) - {"lib", "config"}  # plain packages, not Django apps


def test_no_app_imports_one_above_it_or_beside_it():
    problems = []
    for app in RANK:
        for path in sorted((ROOT / app).rglob("*.py")):
            problems += [
                f"{path.relative_to(ROOT)} {problem}"
                for problem in upward_imports(app, path.read_text())
            ]
    assert problems == []


def test_the_check_sees_an_upward_import_even_inside_a_function():
    source = "def f():\n    from reviews.services import cards_from_lesson\n"
    assert upward_imports("course", source) == ["line 2: course imports reviews"]
    assert upward_imports("reminders", "import newsletter.models\n") == [
        "line 1: reminders imports newsletter"
    ]
    assert upward_imports("reviews", "from course.models import Lesson\n") == []
