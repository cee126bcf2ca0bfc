"""The back office at ``/office/``: the screens staff work in, scoped to their stores.

An edge: it reads every domain app through their selectors and texts, and writes nothing
itself; the actions it will offer call the apps' services.
"""
