"""Logistics commands: pickups (booking, cancelling, exceptions) and tracking ingestion."""
