"""季度统计: the tally dialog (``tally_dialog``): figures, workbook, 标记为已上报.
"""
