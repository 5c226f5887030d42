"""Writes tests/data/calendar.xlsx and tests/data/calendar.ods, the workbook
fixtures of the sheet reader (src/input/sheet.rs), from one table; and
tests/data/agency.xlsx and tests/data/agency.ods, a sheet as agencies keep
them (see AGENCY below).

Regenerate (from the repository root):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install openpyxl odfpy
    /tmp/venv/bin/python tests/data/make_workbooks.py [FOLDER]

(into FOLDER instead of tests/data when given).

Both workbooks hold the same two sheets. "Calendar" (the first) leaves rows
1-2 and column A empty, so its header is on row 3 starting in column B; it
has a blank row between posts and typed cells: a numeric id, booleans, a
date, a duration in seconds, a two-line caption. Its country column is
headed "Market", which needs `--map country=Market`. "Archive" is the one
`--sheet Archive` picks.
"""

import datetime
import pathlib
import sys

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
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


# "Plan", as agencies keep it: a title merged over A1:F1, a blank row, a
# "Client | Glow Lab" line, a blank row, then the header on row 5 in their
# words (Creator, Channel, Market, Post copy, Post date, Notes). Markets
# are names ("UK", "France"). The channel of rows 6-8 is one cell merged
# over B6:B8, and the copy of rows 6-7 one cell merged over D6:D7.
AGENCY = [
    ["Glow Lab spring campaign tracker", None, None, None, None, None],
    None,
    ["Client", "Glow Lab"],
    None,
    ["Creator", "Channel", "Market", "Post copy", "Post date", "Notes"],
    ["@luna", "instagram", "UK", "#ad Spring glow serum", datetime.date(2026, 4, 1), None],
    ["@luna", None, "France", None, datetime.date(2026, 4, 1), "same copy"],
    ["@mia", None, "Deutschland", "Mein neues Serum von Glow Lab", datetime.date(2026, 4, 2),
     None],
    ["@sam", "tiktok", "United States", "#ad loving this serum", datetime.date(2026, 4, 3),
     None],
]

# (first row, first column, rows, columns), 1-based.
AGENCY_MERGED = [(1, 1, 1, 6), (6, 2, 3, 1), (6, 4, 2, 1)]


def write_agency_xlsx(path):
    workbook = Workbook()
    plan = workbook.active
    plan.title = "Plan"
    for r, row in enumerate(AGENCY, start=1):
        for c, value in enumerate(row or [], start=1):
            if value is not None:
                plan.cell(row=r, column=c, value=value)
    for top, left, rows, columns in AGENCY_MERGED:
        plan.merge_cells(start_row=top, start_column=left,
                         end_row=top + rows - 1, end_column=left + columns - 1)
    workbook.properties.creator = "sponsorlint tests"
    workbook.properties.created = datetime.datetime(2026, 1, 1)
    workbook.properties.modified = datetime.datetime(2026, 1, 1)
    workbook.save(path)


def write_agency_ods(path):
    spans = {(top, left): (rows, columns) for top, left, rows, columns in AGENCY_MERGED}
    covered = {
        (top + r, left + c)
        for top, left, rows, columns in AGENCY_MERGED
        for r in range(rows)
        for c in range(columns)
        if (r, c) != (0, 0)
    }
    table = Table(name="Plan")
    for r, row in enumerate(AGENCY, start=1):
        table_row = TableRow()
        for c, value in enumerate(row or [], start=1):
            if (r, c) in covered:
                table_row.addElement(CoveredTableCell())
                continue
            cell = ods_cell(value)
            if (r, c) in spans:
                rows, columns = spans[(r, c)]
                cell.setAttribute("numberrowsspanned", rows)
                cell.setAttribute("numbercolumnsspanned", columns)
            table_row.addElement(cell)
        table.addElement(table_row)
    document = OpenDocumentSpreadsheet()
    document.spreadsheet.addElement(table)
    document.save(str(path))


if __name__ == "__main__":
    # tests/inputs.rs writes them into a folder of its own, to read what
    # today's openpyxl and odfpy write.
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    write_xlsx(out / "calendar.xlsx")
    write_ods(out / "calendar.ods")
    write_agency_xlsx(out / "agency.xlsx")
    write_agency_ods(out / "agency.ods")
