"""What every tab and dialog shares: ``context.AppContext`` (database, operator, messages,
change signals), ``messages``, ``worker.run_job`` (long work with a progress dialog),
``form_kit``, ``crash_dialog``, ``pdf_preview``, and ``excel_files`` (choosing .xlsx paths,
exporting the register, the import template).
"""
