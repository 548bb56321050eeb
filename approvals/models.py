"""Models of the approvals app (built by its own issue)."""
