"""公示栏: the board tab (``tab``) and its 登记张贴 / 登记撤下 dialogs (``dialogs``).
"""
