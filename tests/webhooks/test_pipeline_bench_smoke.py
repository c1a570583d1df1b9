"""benchmarks/pipeline_worker.py at a tiny size on this tree: the counts it reports.

Deterministic counts only (commits, statements of a duplicate, responses); the
rates come from ``make bench-pipeline``. SQLite's default settings, in a subprocess
(the worker configures Django itself).
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_pipeline_worker_reports_one_commit_per_delivery(tmp_path):
    out = tmp_path / "r.json"
    env = {k: v for k, v in os.environ.items() if k not in ("PINAX_CONNECT_TEST_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    subprocess.run(
        [sys.executable, os.path.join(ROOT, "benchmarks", "pipeline_worker.py"), "--profile", "default",
         "--n", "3", "--count", "3", "--out", str(out)],
        cwd=ROOT, env={**env, "PYTHONPATH": ROOT}, check=True, capture_output=True, timeout=300,
    )
    result = json.loads(out.read_text())
    assert result["pinax_connect"] == os.path.join(ROOT, "pinax_connect")
    assert result["database"] == {"vendor": "sqlite", "journal_mode": "delete", "synchronous": "FULL"}
    for kind, row in result["types"].items():
        assert row["outcomes"] == {"200 processed": 3}, kind
        assert row["commits_per_event"] == 1.0, kind
        assert row["duplicate_statements"] <= 3, kind
        assert row["duplicate_response"] == "200 skipped", kind
