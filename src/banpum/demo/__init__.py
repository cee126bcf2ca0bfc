"""The demo store behind ``banpum demo``: a Korean seller's catalogue, orders and returns.

Not a Django app: plain modules the management command calls. ``seed.demo_seed`` is the entry
point; ``catalog`` holds the products, ``orders`` writes the order history in bulk and
``returns`` opens and moves returns through the real services.
"""
