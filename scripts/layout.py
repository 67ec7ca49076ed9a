"""The package's architecture, measured from its own source: ``python scripts/layout.py``.

Prints the tree with line counts and the layer of each part, then every breach of the rules in
docs/architecture.md (exit 1 if any): an import from a higher layer, an import cycle, a private
name taken from another module, an interface reaching past a package's face, a module over 400
lines, a function over 80 lines, a public API of more than 8 names. `tests/test_architecture.py`
runs the same checks.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assistant"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
MAX_PUBLIC_NAMES = 8
# Lower layers first. A module may import its own part and any part of a lower layer.
LAYERS: list[tuple[str, ...]] = [
    ("assistant.errors", "assistant.models", "assistant.settings"),
    ("assistant.corpus",),
    ("assistant.index",),
    ("assistant.retrieval",),
    ("assistant.answer",),
    ("assistant.api", "assistant"),
    ("assistant.evaluation",),
    ("assistant.quiz",),
    ("assistant.bench",),
    ("assistant.cli", "assistant.web", "assistant.__main__"),
]
INTERFACES = ("assistant.cli", "assistant.web")
BASE = ("assistant", "assistant.errors", "assistant.models", "assistant.settings")


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    imports: list[tuple[str, tuple[str, ...], int]] = field(default_factory=list)
    long_functions: list[tuple[str, int]] = field(default_factory=list)


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(mod: Module, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.name.split(".")
    if mod.path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def read(path: Path) -> Module:
    text = path.read_text(encoding="utf-8")
    mod = Module(module_name(path), path, len(text.splitlines()))
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                mod.imports.append((alias.name, (), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            names = tuple(a.name for a in node.names)
            mod.imports.append((_resolve(mod, node), names, node.lineno))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            n = (node.end_lineno or node.lineno) - node.lineno + 1
            if n > MAX_FUNCTION_LINES:
                mod.long_functions.append((node.name, n))
    return mod


def modules() -> dict[str, Module]:
    return {m.name: m for m in map(read, sorted(PACKAGE.rglob("*.py")))}


def part(name: str) -> str:
    """The layer part a module belongs to: 'assistant.index' for 'assistant.index.tune'."""
    best = ""
    for group in LAYERS:
        for p in group:
            if (name == p or name.startswith(p + ".")) and len(p) > len(best):
                best = p
    return best


def layer(name: str) -> int:
    p = part(name)
    return next(i for i, group in enumerate(LAYERS) if p in group)


def edges(mods: dict[str, Module]) -> list[tuple[str, str, tuple[str, ...], int]]:
    """Imports between modules of the package: (importer, imported module, names, line).
    `from pkg import sub` counts as importing the submodule when `sub` is one."""
    out = []
    for m in mods.values():
        for target, names, line in m.imports:
            if not target.startswith("assistant"):
                continue
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in mods]
            for t in subs or [target]:
                if t in mods:
                    out.append((m.name, t, names, line))
    return out


def cycles(mods: dict[str, Module]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), package faces included."""
    graph: dict[str, set[str]] = {n: set() for n in mods}
    for a, b, _, _ in edges(mods):
        if a != b:
            graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def _is_face(name: str, mods: dict[str, Module]) -> bool:
    return mods[name].path.name == "__init__.py"


def breaches(mods: dict[str, Module]) -> list[str]:
    out = []
    for a, b, names, line in edges(mods):
        where = f"{mods[a].path.relative_to(ROOT)}:{line}"
        same = part(a) == part(b)
        if not same and layer(b) > layer(a):
            out.append(f"{where}: {a} imports {b}, a higher layer")
        if not same and any(n.startswith("_") and n != "__version__" for n in names):
            out.append(f"{where}: {a} takes private names {names} from {b}")
        interface = part(a) in INTERFACES and not same
        if interface and b not in BASE and not _is_face(b, mods):
            out.append(f"{where}: interface {a} reaches past the face of {part(b)} ({b})")
        if part(a) in INTERFACES and part(b) in INTERFACES and not same:
            out.append(f"{where}: interface {a} imports the other interface {b}")
    out += [f"import cycle: {' -> '.join(c)}" for c in cycles(mods)]
    for m in mods.values():
        rel = m.path.relative_to(ROOT)
        if m.lines > MAX_MODULE_LINES:
            out.append(f"{rel}: {m.lines} lines (limit {MAX_MODULE_LINES})")
        out += [
            f"{rel}: {f}() is {n} lines (limit {MAX_FUNCTION_LINES})" for f, n in m.long_functions
        ]
    public = public_names()
    if len(public) > MAX_PUBLIC_NAMES:
        out.append(f"assistant/__init__.py exports {len(public)} names (limit {MAX_PUBLIC_NAMES})")
    return out


def public_names() -> list[str]:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return [ast.literal_eval(e) for e in node.value.elts]
    return []


def tree_lines(mods: dict[str, Module]) -> list[str]:
    """The package as a tree: folders with their total lines, files with theirs."""
    out = []
    folders = sorted({m.path.parent for m in mods.values()})
    for folder in folders:
        files = sorted((m for m in mods.values() if m.path.parent == folder), key=lambda m: m.path)
        total = sum(m.lines for m in files)
        rel = folder.relative_to(ROOT)
        name = module_name(folder / "__init__.py") if (folder / "__init__.py").exists() else ""
        out.append(f"{rel}/  {total} lines  (layer {layer(name)}: {part(name)})")
        out += [f"    {m.path.name:<18} {m.lines:>4}" for m in files]
    return out


def main() -> int:
    mods = modules()
    print("\n".join(tree_lines(mods)))
    problems = breaches(mods)
    print(
        f"\n{len(mods)} modules, {sum(m.lines for m in mods.values())} lines; layers, low to high:"
    )
    for i, group in enumerate(LAYERS):
        print(f"  {i}: {', '.join(group)}")
    print(f"\n{len(problems)} breaches" + (":" if problems else "."))
    print("\n".join(f"  {p}" for p in problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
