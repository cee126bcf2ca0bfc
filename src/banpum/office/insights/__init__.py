"""The office's insight pages: any report of ``insights.reports.REPORTS``, drawn generically.

The reports are data (columns with a kind, rows, which columns a chart plots), so these pages
never know what a report measures: the dashboard groups them by section, each report has its
own page with the whole table, and every one exports to Excel and CSV with the same filters.
"""
