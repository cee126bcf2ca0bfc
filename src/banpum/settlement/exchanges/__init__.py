"""Exchanges (교환): the replacement chosen, reserved in stock, shipped, or refunded instead.

- ``transitions``: the exchange's table and its one writer;
- ``services``: ``exchange_choose``, ``exchange_start``, ``exchange_convert_to_refund``,
  ``exchange_shipment_booked`` (the logistics hook), ``exchange_swap_reserve`` (맞교환);
- ``selectors``: ``product_variants``, ``exchange_get``;
- ``api``: the endpoints (the hooks they answer are wired in ``settlement.wiring``).
"""
