"""依申请公开: the request tab (``tab``, ``model``), its step actions (``actions``), the
registration and step dialogs (``dialogs``); letters are saved through
:mod:`deskapp.exports.pdf.letter_source`.
"""
