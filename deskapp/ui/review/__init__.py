"""审核签发: the queue tab (``tab``, ``model``, ``pane``), its actions and menu (``actions``,
``menus``, working through the ``host.ReviewHost`` the tab implements), the signing dialogs
(``dialogs``), 操作记录 (``history_dialog``), 今日待办 (``summary_dialog``) and the review
flow settings (``flow_dialog``).
"""
