"""Korean banks: the standard bank codes, account checks and the bulk-transfer (대량이체) files
a seller uploads to internet banking to pay refunds, and reads back to confirm them."""
