"""Models of the incidents app (built by its own issue)."""
