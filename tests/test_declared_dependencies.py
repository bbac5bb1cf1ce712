"""Every library the code imports is declared in pyproject.toml, and none is a library's private module."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from conftest import ROOT


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imports() -> dict[str, set[str]]:
    """Each module path imported under orgsim/ (absolute imports only), with the files importing it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "orgsim").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def _third_party() -> dict[str, set[str]]:
    return {
        name: files
        for name, files in _imports().items()
        if name.partition(".")[0] not in sys.stdlib_module_names
        and name.partition(".")[0] not in ("orgsim", "__future__")
    }


def test_every_third_party_module_the_code_imports_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normal(re.match(r"[A-Za-z0-9._-]+", spec).group()) for spec in project["dependencies"]}
    providers = packages_distributions()
    modules = {name.partition(".")[0] for name in _third_party()}
    assert {"typer", "rich", "yaml", "graphviz", "eventsourcing"} <= modules  # (the scan sees the imports)
    for module in sorted(modules):
        distributions = {_normal(d) for d in providers.get(module, [])}
        assert distributions, f"{module} is imported but no installed distribution provides it"
        assert distributions & declared, f"{module} (from {sorted(distributions)}) is not declared in pyproject.toml"


def test_no_private_module_of_a_library_is_imported():
    private = {
        name: sorted(files)
        for name, files in _third_party().items()
        if any(part.startswith("_") for part in name.split(".")[1:])
    }
    assert private == {}
