"""The package's layout holds (issue 19): no import runs in a circle between modules of sefton/, shared
modules use no capability, a capability uses only capabilities below it and only through what their
`__init__` offers (its `__all__`), and no module grows past about 400 lines of code.

Read from the source with `ast` (nothing is imported), so that a forbidden import fails here even
when it sits inside a function.
"""
import ast
import functools
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "sefton"
# Lowest first: a capability may use those before it, never those after it.
CAPABILITIES = ("figures", "workflow", "notifications", "accounts", "reports", "plan", "workspace", "review",
                "admin", "demo")
SHARED = ("config", "extensions", "models", "dates", "duties", "htmx", "access", "audit", "cache", "forms", "web",
          "backup")
ASSEMBLY = ("sefton", "sefton.cli")  # create_app and the command line put the capabilities together
MAX_LINES = 400
LONG_ALLOWED = {"sefton.demo.content"}  # the demo's wording: text, not code


def _name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _package(module):
    return module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]


def _runs(tree):
    """Every node of the tree but those under `if TYPE_CHECKING:` (imports for annotations only, which
    never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            continue
        yield node
        yield from _runs(node)


def _imports(module):
    """(imported module, names taken from it or None, line, local name) for every import of sefton's
    modules; `from .. import plan` imports the module (or package) sefton.plan under the name plan."""
    for node in _runs(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sefton":
                    yield alias.name, None, node.lineno, alias.asname
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = _package(module).split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != "sefton":
                continue
            plain = []
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    yield f"{base}.{alias.name}", None, node.lineno, alias.asname or alias.name
                else:
                    plain.append(alias.name)
            if plain:
                yield base, plain, node.lineno, None


def _area(module):
    """'shared', 'assembly', or the capability a module belongs to."""
    if module in ASSEMBLY:
        return "assembly"
    top = module.split(".")[1]
    if top in SHARED:
        return "shared"
    assert top in CAPABILITIES, f"{module} is in no capability: add its folder to CAPABILITIES or SHARED"
    return top


@functools.lru_cache
def _offered(capability):
    tree = ast.parse(MODULES[f"sefton.{capability}"].read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def _attributes_used(module, local):
    tree = ast.parse(MODULES[module].read_text())
    return {(node.attr, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == local}


def _problems(module):
    here = _area(module)
    for target, names, line, local in _imports(module):
        there = _area(target)
        if there == "assembly" and here != "assembly":
            yield f"{module}:{line} imports {target}, which puts the app together: nothing may use it"
        elif there in ("shared", "assembly", here):
            continue
        elif here == "shared":
            yield f"{module}:{line} is shared and imports the capability {target}"
        elif here != "assembly" and CAPABILITIES.index(there) > CAPABILITIES.index(here):
            yield f"{module}:{line} imports {target}: {there} is above {here}"
        elif target != f"sefton.{there}":
            parent, name = target.rsplit(".", 1)
            if parent != f"sefton.{there}" or name not in _offered(there):
                yield f"{module}:{line} reaches into {target}: use what sefton.{there} offers (__all__)"
        elif names is not None:
            for name in sorted(set(names) - _offered(there)):
                yield f"{module}:{line} imports {name}, which sefton.{there} does not offer (__all__)"
        else:
            for attr, at in sorted(_attributes_used(module, local)):
                if attr not in _offered(there):
                    yield f"{module}:{at} uses {local}.{attr}, which sefton.{there} does not offer (__all__)"


def test_every_module_belongs_somewhere_and_capabilities_say_what_they_offer():
    for module in MODULES:
        _area(module)
    for capability in CAPABILITIES:
        init = MODULES[f"sefton.{capability}"]
        assert ast.get_docstring(ast.parse(init.read_text())), f"{init} says what it owns in its docstring"
        assert _offered(capability), f"sefton.{capability} lists what it offers in __all__"


def test_imports_run_downward_and_through_each_capabilitys_offer():
    problems = [p for module in sorted(MODULES) for p in _problems(module)]
    assert not problems, "\n".join(problems)


def test_no_import_runs_in_a_circle():
    graph = {m: {t for t, _, _, _ in _imports(m) if t in MODULES and t != m} for m in MODULES}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert not circles, "modules that import each other: " + "; ".join(" <-> ".join(c) for c in circles)


@pytest.mark.parametrize("module", sorted(set(MODULES) - LONG_ALLOWED))
def test_no_module_is_over_about_400_lines_of_code(module):
    code = [line for line in MODULES[module].read_text().splitlines()
            if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= MAX_LINES, f"{module} has {len(code)} lines of code: split it by what it does"
