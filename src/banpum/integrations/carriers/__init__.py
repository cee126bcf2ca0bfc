"""Carrier adapters behind the ``CarrierGateway`` protocol (see ``base``)."""
