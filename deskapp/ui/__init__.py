"""The PySide6 window, and the only place Qt is imported. ``app.run_app`` opens it;
``main_window`` holds the tabs listed in ``tabs``; one sub-package per feature, sharing only
``common`` (context, messages, worker, form kit, crash dialog, PDF preview, Excel file choosers).
"""
