"""The shoppers' self-service returns at ``/portal/<store slug>/``: no account, a phone."""
