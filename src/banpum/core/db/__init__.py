"""Database plumbing shared by every app: backends and their helpers."""
