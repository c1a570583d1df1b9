"""Runs the examples of docs/testing.md: each ```python block is executed into
this module, so its ``test_*`` functions are collected like any other test and
the documentation cannot drift from what the kit does."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)

for _block in BLOCKS:
    exec(compile(_block, str(DOC), "exec"), globals())  # noqa: S102  (our own documentation)


def test_the_documentation_has_its_examples():
    examples = [name for name in globals() if name.startswith("test_") and name != "test_the_documentation_has_its_examples"]
    assert len(BLOCKS) >= 10 and len(examples) >= 12, examples
