"""Administration: audit_log (to be built)."""
