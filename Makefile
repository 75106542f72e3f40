.PHONY: run test lock lint format bench ci

run:
	python3 dev.py run

test:
	python3 dev.py test

# Re-resolve requirements.lock + requirements-runtime.lock from pyproject.toml (uv, hashes).
lock:
	python3 dev.py lock

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench:
	for script in bench/bench_*.py; do echo "== $$script"; .venv/bin/python $$script || exit 1; done

ci:
	CI=true bash .ci/run
