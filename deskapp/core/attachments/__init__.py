"""Attachments stored once by content in the data folder (``files``): ``add_attachment``,
``list_attachments``, ``remove_attachment``, ``purge_unreferenced``, ``attachment_path``.
"""
