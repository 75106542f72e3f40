.PHONY: run test lock lint format bench fuzz ci fault-tests

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

# API-1/API-4: schemathesis --checks all against gunicorn, once per role (tests/api_fuzz/run.py;
# FUZZ_EXAMPLES, FUZZ_SEED; PostgreSQL when DATABASE_URL says so).
fuzz:
	.venv/bin/python tests/api_fuzz/run.py

ci:
	CI=true bash .ci/run

# CORE-4/CORE-7/API-3/ESC-10 under faults (tests/faults/): a throwaway redis-server per test
# (its own port), real Celery workers, SIGKILLs (FAULT_KILLS, default 20), broker and
# receiver outages, a throwaway PostgreSQL cluster restarted under load (initdb via runuser).
# PostgreSQL when DATABASE_URL says so.
fault-tests:
	.venv/bin/pytest tests/faults -m faults -q -s -p no:cacheprovider
