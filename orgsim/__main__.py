"""`python -m orgsim` runs the CLI."""

from orgsim.cli import main

main()
