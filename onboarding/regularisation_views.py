"""Regularisation pages (owned by the regularisation helper)."""

urlpatterns: list = []
