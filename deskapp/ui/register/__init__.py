"""信息登记: the register tab (``tab``, ``model``, ``filters``) and the item dialog
(``item_dialog`` with ``item_form_view``, ``item_fields``, ``attachments_panel``,
``interpretation_picker``).
"""
