"""Working days in China: ``workdays.WorkCalendar`` (holidays and make-up days, due dates that
explain themselves, provisional years) and ``dates`` (dates as clerks type and write them).
"""
