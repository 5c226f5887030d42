//! `.xlsx`/`.xlsm` and `.ods` workbooks (calamine): the first sheet, or the
//! one `--sheet` names; its first non-empty row is the header (or the one
//! `--header-row` names, or the one found below a title block: `header.rs`)
//! and every later non-empty row one post. The value of merged cells is
//! every covered cell's (calamine gives XLSX merges; `ods_merged.rs` reads
//! ODS ones, which calamine does not).
//!
//! Memory: calamine cannot stream a sheet, so the used area of the sheet is
//! read into memory first — 32 bytes per cell plus the text of string cells,
//! and about twice that at the peak while calamine builds the range
//! (measured: 100 000 rows × 10 columns with 150–200-byte captions peak at
//! about 120 MB RSS) — and its rows then become posts one at a time. For
//! bigger calendars, export CSV, which is streamed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Dimensions, Ods, OdsError, Range, Reader, Xlsx, open_workbook};

use super::cells::Cell;
use super::columns::{ColumnStyle, Columns};
use super::header::{HeaderSearch, Step};
use super::ods_merged;
use super::{InputFormat, ReadContext, Record, Records, file_error, one, record_error};
use crate::limits::over_limit;
use crate::post::Origin;

/// The records of one workbook file in `format` (`Xlsx` or `Ods`).
pub(super) fn records<'a>(path: &Path, format: InputFormat, ctx: &'a ReadContext) -> Records<'a> {
    let display = path.display().to_string();
    if let Err(error) = parts_within(path, ctx.limits.sheet_part) {
        return one(file_error(display, error));
    }
    match read_sheet(path, format, ctx.sheet.as_deref()) {
        Ok(Sheet { name, range, merged }) => {
            let merged = Merged::new(&merged, &range);
            let first_column = range.start().map_or(1, |(_, left)| u64::from(left) + 1);
            let search = HeaderSearch::new(ctx, first_column, ColumnStyle::Letter);
            let rows = Rows {
                range,
                merged,
                path: display,
                sheet: name,
                ctx,
                columns: None,
                search,
                next: 0,
            };
            Box::new(rows.map(super::RawRecord::from))
        }
        Err(error) => one(file_error(display, error)),
    }
}

/// A sheet as read: its name, its cells, and its merged regions.
struct Sheet {
    name: String,
    range: Range<Data>,
    merged: Vec<Dimensions>,
}

/// The cells of merged regions but their first, each → the (absolute)
/// position of its region's first cell, which holds the value. Only cells
/// in the sheet's used area count, and at most as many are visited as it
/// has cells, so overlapping regions in a damaged file cannot make it grow
/// or take longer.
struct Merged(HashMap<(u32, u32), (u32, u32)>);

impl Merged {
    fn new(regions: &[Dimensions], range: &Range<Data>) -> Merged {
        let mut covered = HashMap::new();
        let (Some((top, left)), Some((bottom, right))) = (range.start(), range.end()) else {
            return Merged(covered);
        };
        // Cells visited, overlaps included: the work is linear too.
        let mut budget = range.height().saturating_mul(range.width());
        for region in regions {
            let (first, last) = (region.start, region.end);
            for row in first.0.max(top)..=last.0.min(bottom) {
                for column in first.1.max(left)..=last.1.min(right) {
                    if budget == 0 {
                        return Merged(covered);
                    }
                    budget -= 1;
                    if (row, column) != first {
                        covered.insert((row, column), first);
                    }
                }
            }
        }
        Merged(covered)
    }

    /// The cell at the absolute `position`, or when it is empty and merged,
    /// its region's first.
    fn cell<'r>(&self, range: &'r Range<Data>, position: (u32, u32), data: &'r Data) -> &'r Data {
        match (data, self.0.get(&position)) {
            (Data::Empty, Some(first)) => range.get_value(*first).unwrap_or(data),
            _ => data,
        }
    }
}

/// The cells of a workbook's sheet (the one `ctx.sheet` names, else the
/// first) as text, for writing the sheet out as CSV: rows from the top of
/// its used area, and the 1-based row and column numbers of its first cell.
pub struct SheetText {
    pub rows: Vec<Vec<String>>,
    pub first_row: u64,
    pub first_column: u64,
}

/// Reads the sheet that checking reads as [`SheetText`]; an error in the
/// user's words when it cannot be read.
pub fn sheet_text(
    path: &Path,
    format: InputFormat,
    ctx: &ReadContext,
) -> Result<SheetText, String> {
    parts_within(path, ctx.limits.sheet_part)?;
    let Sheet { range, merged, .. } =
        read_sheet(path, format, ctx.sheet.as_deref()).map_err(|error| error.to_string())?;
    let merged = Merged::new(&merged, &range);
    let (top, left) = range.start().unwrap_or((0, 0));
    Ok(SheetText {
        rows: texts(&range, &merged, ctx.limits.sheet_part)?,
        first_row: u64::from(top) + 1,
        first_column: u64::from(left) + 1,
    })
}

/// The cells of `range` as text, a merged cell's in every cell it covers:
/// at most `limit` bytes in all, so a long text merged over many rows
/// cannot fill memory.
fn texts(range: &Range<Data>, merged: &Merged, limit: u64) -> Result<Vec<Vec<String>>, String> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let text = |data: &Data| match cell(data) {
        None => String::new(),
        Some(Cell::Text(text) | Cell::Error(text)) => text.into_owned(),
        Some(Cell::Number(number)) => serde_json::Number::from_f64(number)
            .map_or_else(String::new, |number| {
                number.to_string().trim_end_matches(".0").to_owned()
            }),
        Some(Cell::Bool(on)) => on.to_string(),
    };
    let mut bytes = 0u64;
    let mut rows = Vec::with_capacity(range.height());
    for (index, row) in range.rows().enumerate() {
        let row_number = top + index as u32;
        let mut cells = Vec::with_capacity(row.len());
        for (column, data) in row.iter().enumerate() {
            let cell = text(merged.cell(range, (row_number, left + column as u32), data));
            bytes += cell.len() as u64;
            if bytes > limit {
                let size = over_limit(bytes, "sheet-part", limit);
                return Err(format!("its cells, merged cells repeated: {size}"));
            }
            cells.push(cell);
        }
        rows.push(cells);
    }
    Ok(rows)
}

/// The name and cells of the sheet `wanted` (else the first). calamine can
/// panic on a damaged archive (an arithmetic overflow on a cell reference,
/// found by fuzzing): that is an error, and the run goes on. The panic's own
/// message, which names calamine's source, is kept off the user's terminal
/// meanwhile.
fn read_sheet(path: &Path, format: InputFormat, wanted: Option<&str>) -> Result<Sheet, SheetError> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let read = std::panic::catch_unwind(|| match format {
        InputFormat::Ods => {
            let workbook = open_workbook::<Ods<_>, _>(path);
            let merged = |_: &mut Ods<_>, name: &str| ods_merged::merged_regions(path, name);
            range(workbook, "ODS", wanted, ods_reason, merged)
        }
        _ => {
            let workbook = open_workbook::<Xlsx<_>, _>(path);
            let merged = |workbook: &mut Xlsx<_>, name: &str| {
                workbook.merge_cells_by_sheet_name(name).map_err(|error| error.to_string())
            };
            range(workbook, "XLSX", wanted, ToString::to_string, merged)
        }
    })
    .unwrap_or(Err(SheetError::Damaged));
    std::panic::set_hook(previous_hook);
    read
}

/// A workbook is a ZIP archive whose parts are uncompressed to be read: a
/// part larger than `limit` (by the archive's own directory) is refused
/// before anything is uncompressed, so a small file cannot fill memory.
fn parts_within(path: &Path, limit: u64) -> Result<(), String> {
    let Ok(file) = File::open(path) else { return Ok(()) }; // calamine says why
    let Ok(mut archive) = zip::ZipArchive::new(BufReader::new(file)) else { return Ok(()) };
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(index) else { continue };
        if part.size() > limit {
            let name = part.name().map(|name| name.into_owned()).unwrap_or_default();
            let size = over_limit(part.size(), "sheet-part", limit);
            return Err(format!("its part {name}, uncompressed: {size}"));
        }
    }
    Ok(())
}

/// Why a workbook's sheet cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum SheetError {
    /// `reason` is calamine's own sentence.
    #[error("not a readable {kind} workbook: {reason}")]
    Workbook { kind: &'static str, reason: String },
    #[error("the workbook has no sheets")]
    NoSheets,
    #[error("the workbook is damaged and cannot be read")]
    Damaged,
    #[error("no sheet named '{wanted}'; the sheets are: {sheets}")]
    NoSuchSheet { wanted: String, sheets: String },
    #[error("sheet '{name}': {reason}")]
    Sheet { name: String, reason: String },
}

/// The chosen sheet's name, cells and merged regions.
fn range<R: Reader<BufReader<File>>>(
    workbook: Result<R, R::Error>,
    kind: &'static str,
    wanted: Option<&str>,
    reason: fn(&R::Error) -> String,
    merged: impl FnOnce(&mut R, &str) -> Result<Vec<Dimensions>, String>,
) -> Result<Sheet, SheetError> {
    let mut workbook =
        workbook.map_err(|error| SheetError::Workbook { kind, reason: reason(&error) })?;
    let names = workbook.sheet_names();
    let name = match wanted {
        None => names.first().ok_or(SheetError::NoSheets)?,
        // An exact match first; else a unique one without regard to case.
        Some(wanted) => names
            .iter()
            .find(|name| *name == wanted)
            .or_else(|| {
                let mut same =
                    names.iter().filter(|name| name.to_lowercase() == wanted.to_lowercase());
                same.next().filter(|_| same.next().is_none())
            })
            .ok_or_else(|| SheetError::NoSuchSheet {
                wanted: wanted.to_owned(),
                sheets: names.join(", "),
            })?,
    }
    .clone();
    let sheet_error = |reason| SheetError::Sheet { name: name.clone(), reason };
    let range = workbook.worksheet_range(&name).map_err(|error| sheet_error(reason(&error)))?;
    let merged = merged(&mut workbook, &name).map_err(sheet_error)?;
    Ok(Sheet { name, range, merged })
}

/// calamine's sentence, except for ZIP errors, which it writes as Rust
/// values (`InvalidArchive("…")`).
fn ods_reason(error: &OdsError) -> String {
    match error {
        OdsError::Zip(zip) => format!("Zip error: {zip}"),
        other => other.to_string(),
    }
}

/// The rows of a sheet, turned into posts one at a time.
struct Rows<'a> {
    range: Range<Data>,
    merged: Merged,
    path: String,
    sheet: String,
    ctx: &'a ReadContext,
    /// Known once the header row is read.
    columns: Option<Columns>,
    /// Finds the header row.
    search: HeaderSearch,
    /// Index in `range` of the next row.
    next: usize,
}

impl Iterator for Rows<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        let (top, left) = self.range.start()?;
        loop {
            let index = self.next;
            // By index, not `rows().nth()`: calamine's row iterator steps
            // through every row before it, which made a sheet quadratic.
            if index >= self.range.height() {
                // The end, before any row read as the header?
                if self.columns.is_some() {
                    return None;
                }
                self.next = usize::MAX;
                let sheet = Origin {
                    path: self.path.clone(),
                    sheet: Some(self.sheet.clone()),
                    ..Origin::default()
                };
                let (origin, message) = self.search.finish(&sheet)?;
                return Some(Err(record_error(origin, message)));
            }
            let row = &self.range[index];
            self.next += 1;
            // A row whose own cells are blank is spacing, even where merged
            // cells above reach into it.
            if row.iter().all(|data| cell(data).is_none_or(|cell| is_blank(&cell))) {
                continue;
            }
            let origin = Origin {
                path: self.path.clone(),
                sheet: Some(self.sheet.clone()),
                line: Some(u64::from(top) + index as u64 + 1),
                ..Origin::default()
            };
            let row_number = top + index as u32;
            let (range, merged) = (&self.range, &self.merged);
            let cells = row.iter().enumerate().map(|(column, data)| {
                (column, merged.cell(range, (row_number, left + column as u32), data))
            });
            let Some(columns) = &self.columns else {
                let headers = cells.map(|(_, data)| data.to_string()).collect();
                match self.search.offer(&origin, Ok(headers), self.ctx) {
                    Step::Skip => {}
                    Step::Header(columns) => self.columns = Some(columns),
                    Step::Fail(origin, message) => {
                        // Without a header no row can be read.
                        self.next = usize::MAX;
                        return Some(Err(record_error(origin, message)));
                    }
                }
                continue;
            };
            let cells = cells.filter_map(|(index, data)| Some((index, cell(data)?)));
            return Some(columns.post(cells, origin, self.ctx));
        }
    }
}

fn is_blank(cell: &Cell<'_>) -> bool {
    matches!(cell, Cell::Text(text) if text.trim().is_empty())
}

/// A sheet cell as a post value: dates become ISO 8601 text, durations
/// seconds; `None` for an empty cell.
fn cell(data: &Data) -> Option<Cell<'_>> {
    Some(match data {
        Data::Empty => return None,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            Cell::Text(Cow::Borrowed(text))
        }
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Float(number) => Cell::Number(*number),
        Data::Bool(on) => Cell::Bool(*on),
        Data::DateTime(moment) if moment.is_duration() => Cell::Number(moment.as_f64() * 86_400.0),
        Data::DateTime(moment) => {
            let (year, month, day, hour, minute, second, _) = moment.to_ymd_hms_milli();
            let date = format!("{year:04}-{month:02}-{day:02}");
            Cell::Text(Cow::Owned(if (hour, minute, second) == (0, 0, 0) {
                date
            } else {
                format!("{date}T{hour:02}:{minute:02}:{second:02}")
            }))
        }
        Data::Error(error) => Cell::Error(Cow::Owned(error.to_string())),
    })
}

#[cfg(test)]
mod tests {
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};
    use serde_json::json;

    use super::*;
    use crate::input::ColumnMapping;
    use crate::input::tests::context;
    use crate::post::{Market, Platform};

    /// The workbooks `tests/data/make_workbooks.py` writes.
    fn workbook(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
    }

    fn read(name: &str, sheet: Option<&str>, map: &[&str]) -> Vec<Record> {
        let mut ctx = context();
        ctx.sheet = sheet.map(str::to_owned);
        ctx.columns = map.iter().map(|mapping| mapping.parse::<ColumnMapping>().unwrap()).collect();
        let format = InputFormat::from_path(Path::new(name)).unwrap();
        records(&workbook(name), format, &ctx).map(|raw| raw.parse(&ctx)).collect()
    }

    #[test]
    fn the_first_sheet_is_read_with_typed_cells_and_spreadsheet_origins() {
        for name in ["calendar.xlsx", "calendar.ods"] {
            let records = read(name, None, &["country=Market"]);
            let posts: Vec<&crate::post::Post> =
                records.iter().map(|record| record.as_ref().unwrap()).collect();
            let ids: Vec<&str> = posts.iter().map(|post| post.id.as_deref().unwrap()).collect();
            assert_eq!(ids, ["17", "18", "19", "20"], "{name}");
            // Header on row 3 from column B; a blank row 6; caption in C.
            let places: Vec<_> = posts
                .iter()
                .map(|post| (post.origin.sheet.as_deref(), post.origin.line, post.origin.column))
                .collect();
            assert_eq!(
                places,
                [
                    (Some("Calendar"), Some(4), Some(3)),
                    (Some("Calendar"), Some(5), Some(3)),
                    (Some("Calendar"), Some(7), Some(3)),
                    (Some("Calendar"), Some(8), Some(3)),
                ]
            );
            assert!(posts[0].origin.path.ends_with(name));
            assert_eq!(
                posts[1].text,
                "Werbung | Mein neues Serum von @glowlab\nAlle Details in der Story"
            );
            assert_eq!(posts[1].markets, [Market::parse("DE").unwrap()]);
            assert_eq!(posts[2].platform, Some(Platform::Tiktok));
            assert_eq!(posts[2].duration_s, Some(42.0));
            assert_eq!(posts[2].brands, ["Glow Lab"]);
            assert_eq!((posts[0].retouched, posts[3].retouched), (false, true), "{name}");
            // "Publish date" is a synonym of published_at.
            assert_eq!(posts[0].extra["published_at"], json!("2026-03-02"), "{name}");
        }
    }

    #[test]
    fn an_agency_sheet_reads_below_its_title_block_with_merged_cells_and_country_names() {
        for name in ["agency.xlsx", "agency.ods"] {
            let mut ctx = context();
            let said = crate::input::tests::keep_notices(&mut ctx);
            let path = workbook(name);
            let format = InputFormat::from_path(&path).unwrap();
            let records: Vec<Record> =
                records(&path, format, &ctx).map(|raw| raw.parse(&ctx)).collect();
            let posts: Vec<&crate::post::Post> =
                records.iter().map(|record| record.as_ref().unwrap()).collect();
            let rows: Vec<Option<u64>> = posts.iter().map(|post| post.origin.line).collect();
            assert_eq!(rows, [Some(6), Some(7), Some(8), Some(9)], "{name}");
            let markets: Vec<&str> = posts.iter().map(|post| post.markets[0].as_str()).collect();
            assert_eq!(markets, ["GB", "FR", "DE", "US"], "{name}");
            assert_eq!(posts[1].extra["author"], json!("@luna"));
            assert_eq!(posts[1].extra["published_at"], json!("2026-04-01"));
            // The copy merged over D6:D7 and the channel over B6:B8 are
            // every row's.
            let texts: Vec<&str> = posts.iter().map(|post| post.text.as_str()).collect();
            assert_eq!(texts[..2], ["#ad Spring glow serum", "#ad Spring glow serum"], "{name}");
            let platforms: Vec<_> = posts.iter().map(|post| post.platform).collect();
            assert_eq!(platforms[..3], [Some(Platform::Instagram); 3], "{name}");
            let said = said.lock().unwrap();
            assert_eq!(said.len(), 5, "{said:?}");
            assert_eq!(
                said[0],
                format!(
                    "note: {}[Plan] row 5: read as the header, below a title block on rows 1 to 4 (--header-row 5 takes it without this note)",
                    path.display()
                )
            );
            assert!(said[2].ends_with("[Plan] row 7, column C (Market): 'France' read as FR (and so wherever the file says 'France'); write FR to say so"), "{}", said[2]);
        }
    }

    #[test]
    fn merged_regions_are_bounded_by_the_used_area() {
        let mut range = Range::new((2, 1), (4, 3));
        range.set_value((2, 1), Data::String("title".into()));
        let region = |start, end| Dimensions { start, end };
        // Overlapping regions (a damaged file) and one far larger than the
        // used area: at most one entry per cell of the area.
        let regions = vec![region((0, 0), (1_000_000, 16_000)); 50];
        let merged = Merged::new(&regions, &range);
        assert!(merged.0.len() <= 9, "{}", merged.0.len());
        let regions = [region((2, 1), (2, 3)), region((3, 1), (4, 1))];
        let merged = Merged::new(&regions, &range);
        assert_eq!(merged.cell(&range, (2, 3), &Data::Empty), &Data::String("title".into()));
        // The first cell of the second region is empty: so are its others.
        assert_eq!(merged.cell(&range, (4, 1), &Data::Empty), &Data::Empty);
        assert_eq!(merged.cell(&range, (3, 2), &Data::Empty), &Data::Empty);
        let own = Data::Int(7);
        assert_eq!(merged.cell(&range, (2, 2), &own), &own);
    }

    #[test]
    fn written_back_a_merged_text_is_in_every_cell_within_the_sheet_part_limit() {
        let mut range = Range::new((0, 0), (99, 1));
        range.set_value((0, 0), Data::String("x".repeat(100)));
        range.set_value((0, 1), Data::Int(17));
        let merged = Merged::new(&[Dimensions { start: (0, 0), end: (99, 0) }], &range);
        let rows = texts(&range, &merged, 100 * 100 + 2).unwrap();
        assert!(rows.iter().all(|row| row[0] == "x".repeat(100)));
        assert_eq!((rows[0][1].as_str(), rows[1][1].as_str()), ("17", ""));
        let error = texts(&range, &merged, 100 * 100).unwrap_err();
        assert!(error.starts_with("its cells, merged cells repeated: it is "), "{error}");
        assert!(error.ends_with("raise it with --limit sheet-part=SIZE"), "{error}");
    }

    #[test]
    fn sheet_names_another_sheet_and_an_unknown_one_lists_them() {
        for name in ["calendar.xlsx", "calendar.ods"] {
            let records = read(name, Some("archive"), &[]);
            let post = records[0].as_ref().unwrap();
            assert_eq!(post.text, "Old launch post, no label");
            assert_eq!(
                (post.origin.sheet.as_deref(), post.origin.line),
                (Some("Archive"), Some(2))
            );
            // "Market" is a synonym of country.
            assert_eq!(post.markets, [Market::parse("US").unwrap()]);

            let records = read(name, Some("Drafts"), &[]);
            assert_eq!(records.len(), 1);
            let error = records[0].as_ref().unwrap_err();
            assert_eq!(error.message, "no sheet named 'Drafts'; the sheets are: Calendar, Archive");
            assert!(error.origin.path.ends_with(name));
        }
    }

    #[test]
    fn a_header_error_is_one_record_at_the_header_row() {
        let records = read("calendar.xlsx", None, &["country=Country"]);
        assert_eq!(records.len(), 1);
        let error = records[0].as_ref().unwrap_err();
        assert!(
            error.message.starts_with("the column 'Country' mapped to country"),
            "{}",
            error.message
        );
        assert_eq!((error.origin.sheet.as_deref(), error.origin.line), (Some("Calendar"), Some(3)));
    }

    #[test]
    fn a_file_that_is_no_workbook_is_one_error() {
        let dir = tempfile::tempdir().unwrap();
        for (name, format, kind) in
            [("fake.xlsx", InputFormat::Xlsx, "XLSX"), ("fake.ods", InputFormat::Ods, "ODS")]
        {
            let path = dir.path().join(name);
            std::fs::write(&path, "id,caption\n").unwrap();
            let ctx = context();
            let records: Vec<Record> =
                records(&path, format, &ctx).map(|raw| raw.parse(&ctx)).collect();
            let message = &records[0].as_ref().unwrap_err().message;
            assert!(message.starts_with(&format!("not a readable {kind} workbook: ")), "{message}");
            assert!(!message.contains("(\""), "no Rust value in {message}");
        }
    }

    #[test]
    fn cells_convert_to_post_values() {
        let moment = |value, kind| Data::DateTime(ExcelDateTime::new(value, kind, false));
        let text = |text: &str| Some(Cell::Text(Cow::Owned(text.to_owned())));
        assert_eq!(cell(&moment(46083.0, ExcelDateTimeType::DateTime)), text("2026-03-02"));
        assert_eq!(
            cell(&moment(46083.5, ExcelDateTimeType::DateTime)),
            text("2026-03-02T12:00:00")
        );
        assert_eq!(cell(&moment(0.5, ExcelDateTimeType::TimeDelta)), Some(Cell::Number(43_200.0)));
        assert_eq!(cell(&Data::Int(17)), Some(Cell::Number(17.0)));
        assert_eq!(cell(&Data::Empty), None);
        let error = cell(&Data::Error(CellErrorType::NA));
        assert_eq!(error, Some(Cell::Error(Cow::Owned("#N/A".to_owned()))));
    }
}
