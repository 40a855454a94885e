"""lib/ is the bottom layer: its helpers never import one of the project's apps (which
all may import lib)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "lib"


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_lib_imports_no_project_app():
    project = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {"lib"}
    assert {"accounts", "course", "config"} <= project
    modules = sorted(LIB.glob("**/*.py"))
    assert modules
    for path in modules:
        assert not _imported(path) & project, (path.name, _imported(path) & project)
