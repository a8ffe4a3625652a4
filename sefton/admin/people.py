"""Administration: people (to be built)."""
