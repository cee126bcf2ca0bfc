"""The back office at ``/office/``: the screens staff work in, scoped to their stores.

An edge: it reads every domain app through their selectors and texts, and its actions call
the apps' services. Its one table of its own is the personal-data access log
(``models.PersonalDataAccess``), written by ``services.personal_data_reveal``.
"""
