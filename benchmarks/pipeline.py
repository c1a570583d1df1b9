"""Webhook pipeline before/after: ``python -m benchmarks.pipeline`` (part of ``make bench``).

Runs :mod:`benchmarks.pipeline_worker` for each code tree — this checkout
("after") and the baseline commit ``BENCH_BASELINE`` (default ``2c00bb8``, main
before the one-commit pipeline; extracted with ``git archive`` into a temp dir,
"before") — and each database profile: Django's default SQLite settings, SQLite
WAL + ``synchronous=NORMAL``, and PostgreSQL (``--profiles postgresql`` under
``scripts/pg-cluster.sh``). Trees alternate inside each round, so both see the same
machine load; the median of ``BENCH_ROUNDS`` rounds (default 3) is reported.

``BENCH_STRACE=1`` (or ``--strace``) also counts fsync/fdatasync calls per delivery
on SQLite with ``strace -f -c``: (calls of a run delivering N events − calls of a
run doing only the setup) / N. Results: ``benchmarks/results/pipeline-<db>.json``.
"""
import argparse
import importlib.metadata
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKER = os.path.join(HERE, "pipeline_worker.py")
TYPES = ("account.updated", "charge.succeeded", "payout.paid")


def extract(ref, into):
    """The tree of ``ref`` (a commit of this repository) in ``into``."""
    archive = subprocess.run(["git", "-C", ROOT, "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    return into


def run_worker(tree, profile, out, *, n, extra=(), prefix=()):
    env = {**os.environ, "PYTHONPATH": tree}
    if profile != "postgresql":
        env.pop("PINAX_CONNECT_TEST_DATABASE_URL", None)
    command = [*prefix, sys.executable, WORKER, "--profile", profile, "--n", str(n), "--out", out, *extra]
    subprocess.run(command, cwd=tree, env=env, check=True)
    with open(out) as f:
        return json.load(f)


def fsync_calls(strace_out):
    """fsync + fdatasync calls from an ``strace -c`` summary (columns: % time, seconds, usecs/call, calls, [errors,] syscall)."""
    total = 0
    with open(strace_out) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[-1] in ("fsync", "fdatasync"):
                total += int(parts[3])
    return total


def count_fsyncs(tree, profile, tmp, n):
    """fsyncs per delivery for each type on ``tree`` (strace); None without strace."""
    per_type = {}

    def traced(name, extra):
        summary = os.path.join(tmp, f"{name}.strace")
        out = os.path.join(tmp, f"{name}.json")
        prefix = ("strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", summary)
        run_worker(tree, profile, out, n=n, extra=extra, prefix=prefix)
        return fsync_calls(summary)

    base = traced(f"setup-{profile}", ["--setup-only"])
    for kind in TYPES:
        calls = traced(f"{kind}-{profile}", ["--types", kind, "--bare"])
        per_type[kind] = round((calls - base) / n, 2)
    return per_type


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", default="default,wal")
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_PIPELINE_N", "300")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--baseline", default=os.environ.get("BENCH_BASELINE", "2c00bb8"))
    parser.add_argument("--strace", action="store_true", default=os.environ.get("BENCH_STRACE") == "1")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    sys.path.insert(0, ROOT)
    from benchmarks import machine

    with tempfile.TemporaryDirectory(prefix="pinax-pipeline-") as tmp:
        before = os.path.join(tmp, "before")
        os.makedirs(before)
        trees = {"before": extract(args.baseline, before), "after": ROOT}
        profiles = args.profiles.split(",")
        runs = {p: {t: [] for t in trees} for p in profiles}
        load_before = [round(x, 2) for x in os.getloadavg()]
        for round_no in range(args.rounds):
            order = list(trees) if round_no % 2 == 0 else list(reversed(trees))
            for profile in profiles:
                for tree in order:
                    print(f">>> round {round_no + 1}/{args.rounds}: {profile}, {tree}", file=sys.stderr, flush=True)
                    out = os.path.join(tmp, f"{profile}-{tree}-{round_no}.json")
                    runs[profile][tree].append(run_worker(trees[tree], profile, out, n=args.n))
        fsyncs = {}
        if args.strace:
            for profile in profiles:
                if profile == "postgresql":
                    continue  # the server fsyncs, not this process
                fsyncs[profile] = {
                    tree: count_fsyncs(path, profile, tmp, min(args.n, 100)) for tree, path in trees.items()
                }
        results = {
            "taken_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "baseline": args.baseline,
            "n": args.n,
            "rounds": args.rounds,
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "machine": {
                "nproc": machine.cores(),
                "memory": machine.memory(),
                "cpu": machine.cpu_model(),
                "python": platform.python_version(),
                "django": _version("django"),
                "platform": platform.platform(),
            },
            "profiles": {},
        }
        for profile in profiles:
            entry = {"database": runs[profile]["after"][0]["database"], "options": runs[profile]["after"][0]["options"]}
            for tree in trees:
                entry[tree] = {}
                for kind in TYPES:
                    rows = [r["types"][kind] for r in runs[profile][tree]]
                    entry[tree][kind] = {
                        "events_per_s_median": round(statistics.median(r["events_per_s"] for r in rows), 1),
                        "events_per_s_rounds": [r["events_per_s"] for r in rows],
                        "statements_per_event": rows[0]["statements_per_event"],
                        "commits_per_event": rows[0]["commits_per_event"],
                        "duplicate_statements": rows[0]["duplicate_statements"],
                        "outcomes": rows[0]["outcomes"],
                        "fsyncs_per_event": fsyncs.get(profile, {}).get(tree, {}).get(kind),
                    }
            entry["speedup"] = {
                kind: round(entry["after"][kind]["events_per_s_median"] / entry["before"][kind]["events_per_s_median"], 2)
                for kind in TYPES
            }
            results["profiles"][profile] = entry
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)
        f.write("\n")
    print(render(results))
    return 0


def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def render(results):
    """A plain table of one pipeline result."""
    lines = [f"Webhook pipeline, before ({results['baseline']}) and after, median of {results['rounds']} rounds "
             f"of {results['n']} events (test client)"]
    header = f"{'profile':<11} {'event':<17} {'before/s':>9} {'after/s':>8} {'x':>5} {'stmts b/a':>10} " \
             f"{'commits b/a':>12} {'dup stmts b/a':>14} {'fsyncs b/a':>11}"
    lines += [header, "-" * len(header)]
    for profile, entry in results["profiles"].items():
        for kind in TYPES:
            b, a = entry["before"][kind], entry["after"][kind]
            fs = "" if a["fsyncs_per_event"] is None else f"{b['fsyncs_per_event']}/{a['fsyncs_per_event']}"
            lines.append(
                f"{profile:<11} {kind:<17} {b['events_per_s_median']:>9} {a['events_per_s_median']:>8} "
                f"{entry['speedup'][kind]:>5} {b['statements_per_event']:>4}/{a['statements_per_event']:<5} "
                f"{b['commits_per_event']:>6}/{a['commits_per_event']:<5} "
                f"{b['duplicate_statements']:>7}/{a['duplicate_statements']:<6} {fs:>11}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
