"""Dev tools, apart from the product: not installed with distill, and not its imports.

Run from the checkout: ``python -m tools.sample`` (``make sample``) rebuilds data/sample/ byte
for byte; ``python -m tools.bench`` (``make bench``) times distill against an I/O floor.
"""
