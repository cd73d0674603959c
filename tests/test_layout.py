"""The layout shows the pipeline: each package imports only from packages before it, never a command
from a stage, and no module is past about 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jdih_build"
# The order of the packages: a module may import from its own package or from an earlier rank.
RANK = {"i18n": -1, "model": 0, "sshsig": 0, "tte": 0, "naskah": 0, "parallel": 0, "bounded": 0, "theme": 0, "collector": 0,
        "cache": 0, "load": 1, "gate": 2, "publish": 3, "pipeline": 4, "console": 4,
        "workflow": 5, "preview": 5, "cli": 6, "__main__": 7, "__init__": 0}
# The cache serves every stage (issue 18 gave each of its parts one room, cache/), so its modules are
# ranked one by one: the store is a leaf every stage may use; where the cache folder may lie needs the
# loader's git reading; placing cached files needs the rendered outputs' type, and the modules that
# place from the cache (the PDFs' stage, the search index) come after it.
MODULE_RANK = {"cache.store": 0, "cache.location": 1.5, "cache.placing": 3.5, "cache.spare": 3.5,
               "cache.fingerprint": 3.5, "cache.feed_reuse": 3.5, "publish.pdf_stage": 3.7,
               "publish.search_index": 3.7}
MAX_LINES = 420


def unit(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    module = ".".join(parts[:2])
    return module if module in MODULE_RANK else parts[0]


def rank(name: str) -> float:
    return MODULE_RANK.get(name, RANK[name.split(".")[0]])


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jdih_build"):
            names = node.module.split(".")
            if len(names) == 1:   # from jdih_build import x
                found.update(alias.name for alias in node.names)
            elif len(names) == 2:   # from jdih_build.cache import store
                found.update(f"{names[1]}.{alias.name}" if f"{names[1]}.{alias.name}" in MODULE_RANK else names[1]
                             for alias in node.names)
            else:
                found.add(".".join(names[1:3]) if ".".join(names[1:3]) in MODULE_RANK else names[1])
        elif isinstance(node, ast.Import):
            found.update(".".join(a.name.split(".")[1:3]) if ".".join(a.name.split(".")[1:3]) in MODULE_RANK
                         else a.name.split(".")[1] for a in node.names if a.name.startswith("jdih_build."))
        assert not (isinstance(node, ast.ImportFrom) and node.level), f"{path}: relative import"
    return found


def test_every_package_imports_only_from_earlier_stages() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = unit(path)
        for target in imports(path):
            if target == "__version__":
                continue
            if target != here and target.split(".")[0] != here.split(".")[0] and rank(target) >= rank(here) \
                    or target != here and target.split(".")[0] == here.split(".")[0] and rank(target) > rank(here):
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


def test_every_package_ships_in_the_wheel() -> None:
    """A package missing from pyproject's list installs a jdih that cannot start (found by the office
    test when naskah/ was added): checked here in a moment."""
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found - listed == set()
