"""The API's operations, one module per subject; ``api.api`` mounts them."""
