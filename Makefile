# Two commands: `make demo` and `make test`. Both set everything up first (uv, the locked Python
# dependencies, Graphviz), so a fresh clone needs only Python >= 3.11 and make.
RUN   := scripts/uv run --locked --quiet
STORE ?= orgsim.db

.PHONY: demo test setup clean diagrams

setup:
	@scripts/bootstrap.sh

demo: setup
	$(RUN) orgsim load --store $(STORE)
	$(RUN) orgsim show --at 2023-11-20 --store $(STORE)
	$(RUN) orgsim show --at 2024-10-15 --store $(STORE)
	@$(MAKE) --no-print-directory diagrams

# The seeds' story as pictures in diagrams/ (DOT, SVG, PNG); commit them. A test fails when one is stale.
diagrams: setup
	$(RUN) python scripts/diagrams.py

test: setup
	$(RUN) pytest -q

clean:
	rm -f $(STORE) $(STORE)-wal $(STORE)-shm
