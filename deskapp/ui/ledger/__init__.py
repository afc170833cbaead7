"""导入现有台账: the import wizard (``import_wizard``).
"""
