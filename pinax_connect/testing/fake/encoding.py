"""Decoding of what stripe-python puts on the wire, for the fake Stripe.

Stripe's v1 API takes ``application/x-www-form-urlencoded`` bodies (and query
strings) with a bracket syntax for nesting — ``a[b][c]=1``, ``items[0][price]=x``,
``expand[]=y`` — and ``multipart/form-data`` for file uploads. These functions
turn both back into nested dicts/lists with string leaves, as the real server
would see them before type coercion.
"""

import re
from collections.abc import Iterable
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["decode_form", "decode_multipart", "nest"]

_KEY_RE = re.compile(r"\[([^\]]*)\]")

# Keys under these names are free-form user keys: never turn them into lists
# even when they look like indexes.
_FREE_FORM = {"metadata"}


def _split_key(key: str) -> list[str]:
    """``"a[b][0][]"`` -> ``["a", "b", "0", ""]``."""
    head = key.split("[", 1)[0]
    return [head] + _KEY_RE.findall(key[len(head):])


def nest(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Build nested params from ``(bracket_key, value)`` pairs.

    Dicts whose keys are all decimal indexes become lists (ordered by index),
    ``key[]`` appends, and values stay as sent (strings, or file tuples).
    """
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = _split_key(key)
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":
                # "expand[]=x": append; stored with a synthetic index so the
                # list conversion below keeps order.
                part = str(len(node))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    # The top level is always a hash of parameter names: ``0=x`` is a parameter named "0", not a list.
    return {k: _listify(v, k) for k, v in root.items()}


def _listify(node: Any, name: str | None) -> Any:
    if not isinstance(node, dict):
        return node
    out = {k: _listify(v, k) for k, v in node.items()}
    if out and name not in _FREE_FORM and all(k.isdigit() for k in out):
        return [out[k] for k in sorted(out, key=int)]
    return out


def decode_form(text: str | bytes) -> dict[str, Any]:
    """Decode a urlencoded body or query string into nested params."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return nest(parse_qsl(text or "", keep_blank_values=True))


# Returns Any, not tuple[dict[str, Any], dict[str, tuple[str, str, bytes]]]: mypy cannot infer the type of
# transport's ``files = {}`` from a tuple unpacking, only from an Any.
def decode_multipart(body: bytes | str, content_type: str) -> Any:
    """Decode a ``multipart/form-data`` body.

    Returns ``(params, files)`` where ``files`` maps a field name to
    ``(filename, content_type, bytes)``; plain fields go into ``params`` with
    the same bracket-syntax nesting as form bodies.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    header = (f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n").encode()
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    # Field names are Any: email's get_param() may give an RFC 2231 (charset, language, value)
    # tuple, which stripe-python never sends.
    pairs: list[tuple[Any, str]] = []
    files: dict[Any, tuple[str, str, Any]] = {}
    if not message.is_multipart():
        return {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename, part.get_content_type(), data)
        else:
            charset = part.get_content_charset() or "utf-8"
            pairs.append((name, bytes(data).decode(charset)))
    return nest(pairs), files
