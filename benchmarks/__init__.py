"""Reproducible performance measurements of pinax_connect (``make bench``).

Not part of the installed package: run from a clone. ``python -m benchmarks``
runs every workload on SQLite and on a throwaway PostgreSQL, prints a table and
writes ``benchmarks/results/*.json``; see ``benchmarks/README.md``.
"""
