"""The layout shows the pipeline: each package imports only from packages before it, never a command
from a stage, and no module is past about 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jdih_build"
# The order of the packages: a module may import from its own package or from an earlier rank.
RANK = {"i18n": -1, "model": 0, "sshsig": 0, "parallel": 0, "collector": 0, "cache": 0, "load": 1, "gate": 2, "publish": 3, "pipeline": 4, "console": 4,
        "workflow": 5, "preview": 5, "cli": 6, "__main__": 7, "__init__": 0}
MAX_LINES = 420


def unit(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jdih_build"):
            names = node.module.split(".")
            if len(names) == 1:   # from jdih_build import x
                found.update(alias.name for alias in node.names)
            else:
                found.add(names[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("jdih_build."))
        assert not (isinstance(node, ast.ImportFrom) and node.level), f"{path}: relative import"
    return found


def test_every_package_imports_only_from_earlier_stages() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = unit(path)
        for target in imports(path):
            if target == "__version__":
                continue
            if target != here and RANK[target] >= RANK[here]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {target}")
    assert wrong == []


def test_no_module_is_past_about_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_package_says_what_it_is_for() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()[0]) > 20, init


def test_no_import_cycle_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = set()
        for node in tree.body:   # module-level imports only: those are the ones that can cycle
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jdih_build"):
                targets.add(node.module)
                targets.update(f"{node.module}.{a.name}" for a in node.names)
        graph[name] = targets
    modules = set(graph)
    graph = {m: {t for t in ts if t in modules and t != m} for m, ts in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack + [node, nxt]))
            if nxt not in state:
                visit(nxt, stack + [node])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
