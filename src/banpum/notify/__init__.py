"""Messages to shoppers and staff about returns, from the returns' events."""
