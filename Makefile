# Two commands: `make demo` and `make test`. Both set everything up first (uv, the locked Python
# dependencies, Graphviz), so a fresh clone needs only Python >= 3.11 and make.
RUN   := scripts/uv run --locked --quiet
STORE ?= orgsim.db

.PHONY: demo test setup clean

setup:
	@scripts/bootstrap.sh

demo: setup
	$(RUN) orgsim load --store $(STORE)
	$(RUN) orgsim show --at 2023-11-20 --store $(STORE)
	$(RUN) orgsim show --at 2024-10-15 --store $(STORE)

test: setup
	$(RUN) pytest -q

clean:
	rm -f $(STORE) $(STORE)-wal $(STORE)-shm
