"""NLP stages: each module holds one pipeline component (see detente.pipeline)."""
