"""Files people print or send, with no Qt: ``pdf`` (notices, posters, the board sheet, the
approval form) and ``excel`` (tally, register export, ledger import and template).
"""
