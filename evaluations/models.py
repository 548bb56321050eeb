"""Models of the evaluations app (built by its own issue)."""
