"""工作记录: the work log tab (``tab``), whose menu holds the desk's Excel work, and the entry
dialog (``dialog``).
"""
