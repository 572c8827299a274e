"""The layout of analytics/ follows the flow of data (README "Project layout"):

    vocabulary, i18n, results_model -> inputs -> store -> metrics -> consultations -> present
    -> cli, bench, ...

Each module imports alone in a fresh interpreter; the import graph, function-level
(lazy) imports included and only `if TYPE_CHECKING:` imports left out, has no cycle;
a layer imports only its own layer and those below it; nothing imports streamlit or
the pages."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analytics"

# Rank of each layer: a module may import modules of its own rank or lower. Named by
# folder (or module) under analytics/; whatever is not listed here is on top.
LEAVES = ("vocabulary", "i18n", "results_model")   # words, translations, the results' types
LAYERS = ("inputs", "store", "metrics", "consultations", "present")
TOP = ("cli", "__main__", "bench", "spark", "memory", "demo")
FORBIDDEN = ("streamlit", "pages", "app")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def rank(module: str) -> int:
    """0 for the package and its leaves, 1.. for the layers, then the top."""
    first = module.split(".")[1] if "." in module else ""
    if first in ("",) + LEAVES:
        return 0
    if first in LAYERS:
        return 1 + LAYERS.index(first)
    assert first in TOP, f"{module}: in no layer (add it to LAYERS or TOP in this test)"
    return 1 + len(LAYERS)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom, at any depth, but those under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def _resolve(name: str) -> str | None:
    """The analytics module `name` is or is in (analytics.x.y.Name -> analytics.x.y)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> dict[str, int]:
    """{imported name: line}: analytics modules (with the packages their import runs)
    and the top-level names of other imports."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                       for alias in node.names]
        for target in targets:
            if not target.startswith("analytics"):
                found.setdefault(target.split(".")[0], node.lineno)
                continue
            resolved = _resolve(target)
            # Importing a.b.c runs a/b/__init__.py too (not the importer's own packages).
            parts = resolved.split(".")
            for n in range(2, len(parts) + 1):
                name = ".".join(parts[:n])
                if name != module and not module.startswith(name + "."):
                    found.setdefault(name, node.lineno)
    return found


GRAPH = {module: {m: line for m, line in imports_of(module).items() if m in MODULES}
         for module in MODULES}


def _named(targets: dict[str, int]) -> dict[str, int]:
    """The modules a module names, without the packages their import runs."""
    return {t: line for t, line in targets.items()
            if not any(other.startswith(t + ".") for other in targets)}


def test_every_module_is_in_a_layer():
    for module in MODULES:
        rank(module)


def test_each_module_imports_alone():
    """In a fresh interpreter each: an import that works only after another module
    (a cycle resolved by luck, a missing import) fails here."""
    # __main__ runs the CLI: `python -m analytics --help` instead.
    modules = [m for m in MODULES if not m.endswith("__main__")]

    def run(module: str):
        done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        return module, done.returncode, done.stderr.strip().splitlines()[-1:]

    with ThreadPoolExecutor(max_workers=2) as pool:
        failed = [f"{m}: {err}" for m, code, err in pool.map(run, modules) if code]
    assert not failed, "\n".join(failed)
    done = subprocess.run([sys.executable, "-m", "analytics", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "validate" in done.stdout, done.stderr


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One cycle of `graph` as [a, b, ..., a], or None."""
    state: dict[str, int] = {}          # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_reports_one():
    assert find_cycle({"a": {"b": 1}, "b": {"c": 1}, "c": {}}) is None
    assert find_cycle({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}}) == ["a", "b", "c", "a"]


def test_no_import_cycle():
    cycle = find_cycle(GRAPH)
    if cycle:
        steps = [f"{a} imports {b} (line {GRAPH[a][b]})"
                 for a, b in zip(cycle, cycle[1:], strict=False)]
        raise AssertionError("import cycle:\n  " + "\n  ".join(steps))


def test_layers_import_only_downwards():
    wrong = [f"{module} (layer {rank(module)}) imports {target} (layer {rank(target)}), "
             f"line {line}"
             for module, targets in GRAPH.items() for target, line in _named(targets).items()
             if rank(target) > rank(module)]
    assert not wrong, "\n".join(wrong)


def test_the_brief_s_directions():
    """Spelled out: inputs import none of store/metrics/consultations/present/cli/bench;
    metrics none of consultations/present; present neither the CLI nor the bench."""
    rules = {"inputs": ("store", "metrics", "consultations", "present", "cli", "bench"),
             "metrics": ("consultations", "present"),
             "present": ("cli", "bench")}
    wrong = []
    for module, targets in GRAPH.items():
        layer = module.split(".")[1] if "." in module else ""
        for target, line in _named(targets).items():
            if target.split(".")[1] in rules.get(layer, ()):
                wrong.append(f"{module} imports {target} (line {line})")
    assert not wrong, "\n".join(wrong)


def test_nothing_imports_streamlit_or_the_pages():
    wrong = [f"{module} imports {name} (line {line})" for module in MODULES
             for name, line in imports_of(module).items() if name in FORBIDDEN]
    assert not wrong, "\n".join(wrong)
