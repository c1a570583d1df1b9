"""``make bench``: every benchmark on SQLite, then on a throwaway PostgreSQL.

``python -m benchmarks`` (from the repository root) runs :mod:`benchmarks.run` in
a subprocess per database (Django is configured once per process): SQLite at the
full scale, then PostgreSQL at the reduced scale through ``scripts/pg-cluster.sh``
(which starts a private cluster and removes it afterwards; when PostgreSQL cannot
start it says so and only the SQLite figures are reported). Results go to
``benchmarks/results/{sqlite,postgresql}.json`` (``quick-*.json`` with
``BENCH_QUICK=1``, not committed) and are printed as tables.
"""
import json
import os
import subprocess
import sys

from . import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")
DATABASE_URL_ENV = "PINAX_CONNECT_TEST_DATABASE_URL"


def run_one(name, command, env):
    """Run one database's benchmarks; return the path of its results, or None."""
    prefix = "quick-" if env.get("BENCH_QUICK") == "1" else ""
    out = os.path.join(RESULTS, f"{prefix}{name}.json")
    partial = out + ".partial"
    if os.path.exists(partial):
        os.remove(partial)
    print(f">>> Benchmarks on {name}", file=sys.stderr, flush=True)
    status = subprocess.run([*command, sys.executable, "-m", "benchmarks.run", "--out", partial], cwd=ROOT, env=env).returncode
    if status != 0:
        raise SystemExit(f"benchmarks on {name} failed (exit {status})")
    if not os.path.exists(partial):
        return None  # pg-cluster.sh skipped the command: PostgreSQL could not start
    os.replace(partial, out)
    return out


def main():
    quick = os.environ.get("BENCH_QUICK") == "1"
    sqlite_env = {k: v for k, v in os.environ.items() if k != DATABASE_URL_ENV}
    outputs = [run_one("sqlite", [], {**sqlite_env, "PYTHONPATH": ROOT})]
    pg_env = {**os.environ, "PYTHONPATH": ROOT}
    if not quick:
        pg_env["BENCH_SCALE"] = "reduced"
    postgres = run_one("postgresql", [os.path.join(ROOT, "scripts", "pg-cluster.sh")], pg_env)
    if postgres is None:
        print("!!! PostgreSQL could not be started: only the SQLite figures were taken.", file=sys.stderr)
    else:
        outputs.append(postgres)
    results = []
    for path in outputs:
        with open(path) as f:
            results.append(json.load(f))
    print()
    print(report.render(results))
    print()
    print("Results written to: " + ", ".join(os.path.relpath(p, ROOT) for p in outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
