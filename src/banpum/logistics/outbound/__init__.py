"""Outbound shipments (parcels to the customer): their lifecycle in ``transitions``; the
commands in ``logistics.services.outbound``."""
