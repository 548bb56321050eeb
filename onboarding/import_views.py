"""Import pages: upload, preview, confirm, rejected rows, template (owned by the import-views helper)."""

urlpatterns: list = []
