"""File uploads (``POST /v1/files`` on files.stripe.com) in the fake Stripe.

stripe-python sends uploads as ``multipart/form-data`` with every file typed
``application/octet-stream``, so the type is sniffed from the first bytes, as
Stripe does. Only size, type and purpose are kept: never the bytes.
"""

from typing import Any

from .core import FakeStripe, FakeStripeError, Request, route

MAX_SIZE = 10 * 1024 * 1024  # Stripe's limit for identity documents and most purposes

_IMAGES = {"jpg", "png"}
ALLOWED_TYPES = {
    "account_requirement": _IMAGES | {"pdf"},
    "additional_verification": _IMAGES | {"pdf"},
    "business_icon": _IMAGES | {"gif"},
    "business_logo": _IMAGES | {"gif"},
    "customer_signature": _IMAGES,
    "dispute_evidence": _IMAGES | {"pdf"},
    "identity_document": _IMAGES | {"pdf"},
    "pci_document": {"pdf"},
    "tax_document_user_upload": _IMAGES | {"pdf", "csv"},
    "terminal_reader_splashscreen": _IMAGES | {"gif"},
}
# Files that Stripe never lets anyone download again.
_PRIVATE = {"identity_document", "additional_verification", "account_requirement", "pci_document"}


def sniff(data: bytes, filename: str = "") -> str | None:
    """The file type Stripe would report (``pdf``, ``png``, ``jpg``, ``gif``,
    ``csv``), or None when unrecognized."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if filename.lower().endswith(".csv"):
        return "csv"
    return None


@route("POST", "/v1/files", params={"file", "file_link_data", "purpose"})
def create_file(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Upload a file (multipart); returns the ``file`` object."""
    purpose = fake.require(req.params, "purpose")
    if purpose not in ALLOWED_TYPES:
        raise FakeStripeError.invalid(
            "purpose", "Invalid purpose: must be one of {}".format(", ".join(sorted(ALLOWED_TYPES)))
        )
    upload = req.files.get("file")
    if upload is None:
        raise FakeStripeError.required("file")
    filename, _content_type, data = upload
    if not data:
        raise FakeStripeError.invalid("file", "The file you uploaded is empty.")
    if len(data) > MAX_SIZE:
        raise FakeStripeError.invalid(
            "file", "File size of %d bytes exceeds the maximum of %d bytes." % (len(data), MAX_SIZE)
        )
    kind = sniff(data, filename or "")
    if kind not in ALLOWED_TYPES[purpose]:
        raise FakeStripeError.invalid(
            "file",
            "Invalid file type for purpose {}: must be one of {}".format(purpose, ", ".join(sorted(ALLOWED_TYPES[purpose]))),
        )
    file_id = fake.new_id("file")
    obj = {
        "id": file_id,
        "object": "file",
        "created": fake.now(),
        "expires_at": None,
        "filename": filename,
        "links": {"object": "list", "data": [], "has_more": False, "url": f"/v1/file_links?file={file_id}"},
        "purpose": purpose,
        "size": len(data),
        "title": None,
        "type": kind,
        "url": None if purpose in _PRIVATE else f"https://files.stripe.com/v1/files/{file_id}/contents",
    }
    link_data = req.params.get("file_link_data") or {}
    if link_data and fake.to_bool(link_data.get("create", "false"), "file_link_data[create]"):
        if purpose in _PRIVATE:
            raise FakeStripeError.invalid(
                "file_link_data[create]", f"Links cannot be created for files with purpose {purpose}."
            )
        obj["links"]["data"].append(
            {
                "id": fake.new_id("link"),
                "object": "file_link",
                "created": fake.now(),
                "expired": False,
                "expires_at": None,
                "file": file_id,
                "livemode": False,
                "metadata": {},
                "url": f"https://files.stripe.com/links/{file_id}",
            }
        )
    return fake.save(obj, req.account)


@route("GET", "/v1/files/{id}")
def retrieve_file(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return fake.find(req.path_args["id"], req.account, "file")


@route("GET", "/v1/files", params={"created", "ending_before", "limit", "purpose", "starting_after"})
def list_files(fake: FakeStripe, req: Request) -> dict[str, Any]:
    files = fake.all("file", req.account)
    purpose = req.params.get("purpose")
    if purpose:
        files = [f for f in files if f["purpose"] == purpose]
    return fake.list_response(files, req, "/v1/files")
