"""Administration: reviews (to be built)."""
