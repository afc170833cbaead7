"""Storage: the data model (``models``), opening the database (``db.open_store``: lock, backup,
``migrate``, pragmas, search), the single-writer lock file (``filelock``), declared settings
(``settings``) and the stored codes with their Chinese labels (``vocab``). Knows no feature.
"""
