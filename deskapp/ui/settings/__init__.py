"""设置: 机构与人员 (``dialog``, ``org_pages``), 当前操作人 (``operator_dialog``), 公开目录
(``catalogue_dialog``, ``catalogue_form``), 节假日安排 (``holiday_dialog``, ``holiday_rows``,
``year_preview``).
"""
