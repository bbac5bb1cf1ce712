"""The README's module table names every module and package of `orgsim/`, and only those."""

from __future__ import annotations

import re

from conftest import ROOT


def test_the_readme_module_table_matches_the_tree():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `(orgsim/[\w/.]+)` \|", text, re.M))
    package = ROOT / "orgsim"
    tree = {f"orgsim/{p.name}" for p in package.glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    tree |= {f"orgsim/{p.name}/" for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert named == tree
