"""Stripe Connect for Django marketplaces."""

__version__ = "0.1.0.dev0"
