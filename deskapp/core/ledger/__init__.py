"""Bringing an office's old Excel ledger in: column names and value forms (``fields``), the
register lookups (``lookup``), the cell-by-cell preview (``preview.analyse``) and the import
of the good rows in one transaction (``commit``).
"""
