"""Plans and problems as people read them: tables, plain English, the JSON document.

Pure functions from core records to text and tables; the command line, the plan workbook and
the app all lay plans out through these, so a figure or a reason reads the same everywhere.
"""
