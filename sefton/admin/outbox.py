"""Administration: outbox (to be built)."""
