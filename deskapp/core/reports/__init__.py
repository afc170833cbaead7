"""Numbers the desk reports: the quarterly tally's counting rules (``tally``, the one place
that says what each figure counts), its tables (``tally_tables``), reported quarters frozen
(``reported``), and the work log that feeds it (``worklog``).
"""
