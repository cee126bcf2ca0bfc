"""The portal's pages, one module per part: finding the order, the return wizard, the status
page and its actions, the policy page."""
