# Two commands: `make demo` and `make test`. Both set everything up first (uv, the locked Python
# dependencies, Graphviz; for tests also PostgreSQL's server and headless Chromium), so a fresh clone
# needs only Python >= 3.11 and make.
RUN   := scripts/uv run --locked --quiet
STORE ?= orgsim.db

.PHONY: demo test lint setup clean diagrams

setup:
	@scripts/bootstrap.sh

# The seeds, then the public record demo (other organisations too); both skip what is already stored,
# so a second run on the same store adds nothing. With several organisations, `show` needs --org.
demo: setup
	$(RUN) orgsim load --store $(STORE)
	$(RUN) orgsim import demo/public-record.jsonl --store $(STORE)
	$(RUN) orgsim show --at 2023-11-20 --org OpenAI --store $(STORE)
	$(RUN) orgsim show --at 2024-10-15 --org OpenAI --store $(STORE)
	$(RUN) orgsim flows --store $(STORE)
	@$(MAKE) --no-print-directory diagrams

# The seeds' story as pictures in diagrams/ (DOT, SVG, PNG) and the timeline page; commit them.
# A test fails when a committed .dot is stale.
diagrams: setup
	$(RUN) python scripts/diagrams.py
	@rm -f .diagrams.db .diagrams.db-*
	$(RUN) orgsim load --store .diagrams.db
	$(RUN) orgsim timeline --from 2023-11-01 --to 2024-12-31 --at-changes -o diagrams/openai-timeline.html --store .diagrams.db
	@rm -f .diagrams.db .diagrams.db-*

# The tests, after ruff's format check and lint and mypy's type check (all configured in pyproject.toml).
test:
	@scripts/bootstrap.sh --tests
	@$(MAKE) --no-print-directory lint
	$(RUN) pytest -q

# Formatting, lint and types: what `make test` checks first (`ruff format .` puts the formatting right).
lint: setup
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(RUN) mypy

clean:
	rm -f $(STORE) $(STORE)-wal $(STORE)-shm
