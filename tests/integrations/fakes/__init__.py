"""Fakes of real provider APIs that the adapter tests talk to over real HTTP."""
