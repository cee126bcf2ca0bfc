"""SQLite backend whose writers queue in arrival order (``ENGINE = "banpum.core.db.sqlite"``)."""
