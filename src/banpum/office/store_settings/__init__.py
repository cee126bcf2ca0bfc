"""The office's settings pages at /office/settings/: policy, holidays, blocklist, carriers, the
payment account, people and API keys, each behind the capability that governs it.

Views parse forms and call the owning app's services, which check the capability again and
look every object up within the store (another store's object is a 404 here).
"""
