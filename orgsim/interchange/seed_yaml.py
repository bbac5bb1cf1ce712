"""Seed YAML files: `organisation`, `people` and `events`, each event citing a document beside the file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from orgsim.errors import RecordError
from orgsim.interchange.documents import Documents
from orgsim.interchange.jsonl import read_text
from orgsim.interchange.records import Dataset, parse_event, parse_person
from orgsim.names import organisation_name

__all__ = ["read_yaml"]


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers each mapping's line as `__line__`, and reads booleans the
    YAML 1.2 way (only true/false), so that the key `on` stays the string "on"."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


_LineLoader.yaml_implicit_resolvers = {  # (and dates stay text, parsed by the rules: `on: 2024-02-30` is one line)
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _where(path: Path, key: str, n: int, entry: object) -> str:
    """Where an entry of `people` or `events` is: its line (a mapping remembers it), else its place in
    the list (`events[3]`: a scalar keeps no line)."""
    line = entry.get("__line__") if isinstance(entry, dict) else None
    return f"{path}:{line}" if line else f"{path}: {key}[{n + 1}]"


def read_yaml(path: Path) -> Dataset:
    """A seed file: `organisation`, `people` and `events`, each event citing a document beside it."""
    path = Path(path)
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except RecursionError:
        raise RecordError(f"{path}: not valid YAML (nested too deeply)") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise RecordError(f"{path}{line}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(data, dict) or not data.get("organisation"):
        raise RecordError(f"{path}: a seed file needs an 'organisation' name, 'people' and 'events'")
    for key in ("people", "events"):
        if data.get(key) is not None and not isinstance(data[key], list):
            raise RecordError(f"{path}: '{key}' must be a list")
    docs = Documents([path.parent], "beside the file", required=True)
    people = tuple(parse_person(p, _where(path, "people", n, p), docs) for n, p in enumerate(data.get("people") or []))
    events = tuple(parse_event(e, _where(path, "events", n, e), docs) for n, e in enumerate(data.get("events") or []))
    if not events:
        raise RecordError(f"{path}: no events")
    return Dataset(
        organisation_name(data["organisation"], f"{path}: organisation: "), people, events, path, docs.unchecked
    )
