"""The item register: items and their deadlines (``items``), reading and searching (``query``),
the item dialog's data (``item_form``), the 公开目录 (``catalogue``), the organisation and its
departments (``org``), people and roles (``people``), and entering a year's holiday
arrangement, which recomputes the open deadlines (``holidays``).
"""
