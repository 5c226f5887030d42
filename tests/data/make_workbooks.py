"""Writes tests/data/calendar.xlsx and tests/data/calendar.ods, the workbook
fixtures of the sheet reader (src/input/sheet.rs), from one table.

Regenerate (from the repository root):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install openpyxl odfpy
    /tmp/venv/bin/python tests/data/make_workbooks.py

Both workbooks hold the same two sheets. "Calendar" (the first) leaves rows
1-2 and column A empty, so its header is on row 3 starting in column B; it
has a blank row between posts and typed cells: a numeric id, booleans, a
date, a duration in seconds, a two-line caption. Its country column is
headed "Market", which needs `--map country=Market`. "Archive" is the one
`--sheet Archive` picks.
"""

import datetime
import pathlib

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

HERE = pathlib.Path(__file__).parent

CALENDAR = [
    ["ID", "Caption", "Market", "Platform", "Relationship", "Brand", "Retouched",
     "Publish date", "Duration s"],
    [17, "#ad New serum day ✨", "GB", "instagram", "paid", "Glow Lab", False,
     datetime.date(2026, 3, 2), None],
    [18, "Werbung | Mein neues Serum von @glowlab\nAlle Details in der Story", "DE",
     "instagram", "paid", "Glow Lab", False, datetime.date(2026, 3, 3), None],
    None,  # a blank row between posts
    [19, "My new serum ✨ link in bio", "US", "tiktok", "paid", "Glow Lab", None,
     datetime.date(2026, 3, 5), 42],
    [20, "Publicité · Mon teint du jour avec @glowlab", "FR", "instagram", "paid",
     "Glow Lab", True, datetime.date(2026, 3, 6), None],
]

ARCHIVE = [
    ["Caption", "Market"],
    ["Old launch post, no label", "US"],
]

# Where the Calendar table starts: row 3, column B (1-based).
TOP, LEFT = 3, 2


def write_xlsx(path):
    workbook = Workbook()
    calendar = workbook.active
    calendar.title = "Calendar"
    for r, row in enumerate(CALENDAR):
        for c, value in enumerate(row or []):
            if value is not None:
                calendar.cell(row=TOP + r, column=LEFT + c, value=value)
    archive = workbook.create_sheet("Archive")
    for row in ARCHIVE:
        archive.append(row)
    # Fixed metadata, so regenerating changes as little as possible.
    workbook.properties.creator = "sponsorlint tests"
    workbook.properties.created = datetime.datetime(2026, 1, 1)
    workbook.properties.modified = datetime.datetime(2026, 1, 1)
    workbook.save(path)


def ods_cell(value):
    if value is None:
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
        cell.addElement(P(text=str(value).upper()))
    elif isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=str(value)))
    elif isinstance(value, datetime.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        cell.addElement(P(text=value.isoformat()))
    else:
        cell = TableCell(valuetype="string")
        for line in value.split("\n"):
            cell.addElement(P(text=line))
    return cell


def ods_table(name, rows, top=1, left=1):
    table = Table(name=name)
    for _ in range(top - 1):
        table.addElement(TableRow())
    for row in rows:
        table_row = TableRow()
        for value in [None] * (left - 1) + (row or []):
            table_row.addElement(ods_cell(value))
        table.addElement(table_row)
    return table


def write_ods(path):
    document = OpenDocumentSpreadsheet()
    document.spreadsheet.addElement(ods_table("Calendar", CALENDAR, TOP, LEFT))
    document.spreadsheet.addElement(ods_table("Archive", ARCHIVE))
    document.save(str(path))


if __name__ == "__main__":
    write_xlsx(HERE / "calendar.xlsx")
    write_ods(HERE / "calendar.ods")
