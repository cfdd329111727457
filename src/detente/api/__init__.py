"""detente's HTTP API and dashboard server: `create_app` builds the ASGI app, `serve` runs it."""

from detente.api.app import create_app, serve

__all__ = ["create_app", "serve"]
