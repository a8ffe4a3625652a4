"""Administration: organisations (to be built)."""
