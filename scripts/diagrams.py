"""Regenerate diagrams/: the OpenAI seeds' story as pictures (DOT, SVG, PNG), run by `make diagrams`.

Each chart is drawn on a day just before or after a change the articles report; one diff picture
shows the September 2024 shake-up. The seeds are loaded
into an in-memory store, so the pictures depend on the seeds only; tests/test_render.py redraws each
committed .dot the same way (`diagram()`) and fails when one is stale.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orgsim.application import open_store  # noqa: E402
from orgsim.chart import chart_at  # noqa: E402
from orgsim.cli.render import picture_bytes  # noqa: E402
from orgsim.diff import diff  # noqa: E402
from orgsim.facts import Timeline  # noqa: E402
from orgsim.interchange import read_yaml  # noqa: E402
from orgsim.render.diff_dot import diff_graph  # noqa: E402
from orgsim.render.dot import chart_graph  # noqa: E402

OUT = ROOT / "diagrams"
SEEDS = ROOT / "seeds" / "openai.yaml"

#: file stem → what it shows (the README lists them in this order).
DIAGRAMS = {
    "openai-2023-11-10": "Before the board removes Altman",
    "openai-2023-11-20": "Altman removed (17 Nov 2023)",
    "openai-2023-12-01": "Altman back as CEO (29 Nov 2023)",
    "openai-2024-02-15": "Karpathy leaves in February 2024 (day not reported)",
    "openai-2024-05-20": "Sutskever gone; Pachocki Chief Scientist, Schulman leads Superalignment (May 2024)",
    "openai-2024-07-01": "First CFO and CPO (June 2024)",
    "openai-2024-08-15": "Schulman to Anthropic, Brockman on leave (August 2024)",
    "openai-2024-09-01": "Before the September 2024 departures",
    "openai-2024-10-15": "After Murati, McGrew and Zoph leave; six report to Altman",
    "openai-2024-10-15-ja": "The same, with the Japanese names the articles use",
    "openai-diff-2024-09-01_2024-10-15": "What the September 2024 shake-up changed, in one picture",
}


def seeded_timeline() -> Timeline:
    app = open_store(":memory:")
    app.load(read_yaml(SEEDS))
    return app.timeline()


def diagram(stem: str, timeline: Timeline):
    """The graph a diagram's stem names: `openai-YYYY-MM-DD[-ja]` or `openai-diff-FROM_TO`."""
    if stem.startswith("openai-diff-"):
        start, end = (date.fromisoformat(d) for d in stem.removeprefix("openai-diff-").split("_"))
        return diff_graph(diff(chart_at(timeline, start), chart_at(timeline, end), timeline.fact_map()), timeline)
    rest = stem.removeprefix("openai-")
    lang = "ja" if rest.endswith("-ja") else "en"
    day = date.fromisoformat(rest.removesuffix("-ja"))
    return chart_graph(chart_at(timeline, day), timeline, lang=lang, alumni=True)


def main() -> None:
    timeline = seeded_timeline()
    OUT.mkdir(exist_ok=True)
    for stem in DIAGRAMS:
        graph = diagram(stem, timeline)
        for fmt in ("dot", "svg", "png"):
            (OUT / f"{stem}.{fmt}").write_bytes(picture_bytes(graph, fmt))
        print(f"diagrams/{stem}.{{dot,svg,png}}", file=sys.stderr)


if __name__ == "__main__":
    main()
