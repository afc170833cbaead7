"""Excel workbooks in and out: the quarterly tally, the register view, the ledger import.

openpyxl lays out each workbook (styles, print setup, charts); long lists are streamed into
it by :mod:`.sheetstream`, which is ten times faster than openpyxl's own cell writer.
No Qt here.
"""
