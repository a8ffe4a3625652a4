"""Administration: imports (to be built)."""
