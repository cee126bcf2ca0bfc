"""Payment gateways: refunds to the original payment (Toss Payments and its simulator)."""
