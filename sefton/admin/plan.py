"""Administration: plan (to be built)."""
