"""Serializers in triplets: create (what Stripe accepts), update (the narrower set), read (the mirror)."""
