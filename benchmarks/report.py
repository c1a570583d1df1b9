"""Tables from benchmark results: ``python -m benchmarks.report results/*.json``."""
import json
import sys


def _table(headers, rows):
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    out = [
        "  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        for row in cells
    ]
    return "\n".join([out[0], line, *out[1:]])


def _db(result):
    db = result["machine"]["database"]
    return f"{db['vendor']} {db['version'].split()[0]}"


def render(results):
    """The webhook, sync and memory tables for one or more result dicts."""
    webhooks, sync, memory = [], [], []
    for result in results:
        db = _db(result)
        for r in result["webhooks"]:
            way = r["way"] + (f" x{r['concurrency']}" if r.get("concurrency") else "")
            webhooks.append([
                db, way, r["type"], r["n"], r["events_per_s"], r["p50_ms"], r["p99_ms"],
                r.get("server_p50_ms", r["p50_ms"]),
                f"{r['queries_per_event']} (max {r['max_queries_per_event']})",
                r["statements_per_event"], r["api_calls_per_event"],
                ", ".join(f"{k}: {v}" for k, v in sorted(r["outcomes"].items())),
            ])
        for r in result["sync"]:
            sync.append([
                db, r["resource"], r["path"], r["n"], r["objects_per_s"], r.get("objects_per_cpu_s"),
                r["objects_per_s_without_fake"],
                f"{r['list_calls']}/{r.get('expected_list_calls', r['list_calls'])}",
                r["queries_per_page_max"], r.get("statements_per_page_max"), r["queries_per_object"],
            ])
        for r in result["memory"]:
            memory.append([db, r["resource"], r["path"], r["n"], f"{r['peak_bytes'] / 1e6:.1f}"])
    parts = []
    if webhooks:
        parts.append("Webhook ingestion (signed events through pinax_connect:webhook)\n" + _table(
            ["database", "way", "event", "N", "events/s", "p50 ms", "p99 ms", "in-Django p50 ms", "queries/event",
             "statements/event", "API calls/event", "responses"],
            webhooks,
        ))
    if sync:
        parts.append("Full sync from the fake Stripe\n" + _table(
            ["database", "resource", "path", "N", "objects/s", "obj/CPU-s", "obj/s w/o fake", "list calls/expected",
             "max queries/page", "max statements/page", "queries/object"],
            sync,
        ))
    if memory:
        parts.append("Peak memory of a bulk sync (tracemalloc)\n" + _table(
            ["database", "resource", "path", "N", "peak MB"], memory,
        ))
    if results:
        m = results[0]["machine"]
        loads = ", ".join(
            f"{_db(r)}: {r.get('load_average_before')} -> {r.get('load_average_after')}" for r in results
        )
        parts.append(
            f"Machine: {m['cpu']}, {m['nproc']} cores, {m['memory']} RAM; Python {m['python']}, "
            f"Django {m['django']}, stripe-python {m['stripe_python']}\n"
            f"Load average (1/5/15 min) before -> after: {loads}"
        )
    return "\n\n".join(parts)


def main(argv=None):
    paths = (argv if argv is not None else sys.argv[1:])
    results = []
    for path in paths:
        with open(path) as f:
            results.append(json.load(f))
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
