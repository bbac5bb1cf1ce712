"""Renderers: a chart (or a diff) → text, JSON or a Graphviz graph. They never print or write."""
