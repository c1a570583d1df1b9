"""Cursor pagination for every list: stable under inserts, no page counting query."""
from rest_framework.pagination import CursorPagination


class StripeCursorPagination(CursorPagination):
    """Newest first by primary key (unique and never changing, as cursors need)."""

    ordering = "-pk"
    page_size = 25
    page_size_query_param = "limit"  # Stripe's own word for it
    max_page_size = 100
