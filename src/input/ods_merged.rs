//! The merged cells of an ODS sheet, which calamine reads as empty without
//! saying which cell's value they share: the spans that `content.xml` gives
//! the first cell of each merged region (`table:number-rows-spanned`,
//! `table:number-columns-spanned`), counted as calamine counts rows and
//! columns (repeated rows and cells included).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// The merged regions of the sheet called `sheet`, with their first cell's
/// 0-based (row, column); an error in the user's words when the file's
/// content cannot be read.
pub(super) fn merged_regions(path: &Path, sheet: &str) -> Result<Vec<Dimensions>, String> {
    let file = File::open(path).map_err(|error| error.to_string())?;
    let mut archive =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|error| error.to_string())?;
    let content = archive.by_name("content.xml").map_err(|error| error.to_string())?;
    regions(BufReader::new(content), sheet).map_err(|error| format!("content.xml: {error}"))
}

/// Reads the regions of `sheet` from the XML of `content.xml`.
fn regions(xml: impl std::io::BufRead, sheet: &str) -> Result<Vec<Dimensions>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    // As calamine reads it: `<x/>` is `<x></x>`.
    reader.config_mut().expand_empty_elements = true;
    let mut buffer = Vec::new();
    let mut regions = Vec::new();
    // Inside the sheet's table: the row and column of the next cell.
    let mut inside = false;
    let (mut row, mut column) = (0u32, 0u32);
    // The repeats of the row being read, added once it ends.
    let mut row_repeats = 1;
    loop {
        match reader.read_event_into(&mut buffer)? {
            Event::Eof => return Ok(regions),
            Event::End(end) if inside => match end.name().as_ref() {
                "table:table-row" => {
                    row = row.saturating_add(row_repeats);
                    column = 0;
                }
                "table:table" => return Ok(regions),
                _ => {}
            },
            Event::Start(start) => match start.name().as_ref() {
                "table:table" if !inside => {
                    inside = attribute(&start, "table:name").as_deref() == Some(sheet);
                }
                "table:table-row" if inside => {
                    row_repeats = number(&start, "table:number-rows-repeated");
                }
                "table:table-cell" | "table:covered-table-cell" if inside => {
                    let rows = number(&start, "table:number-rows-spanned");
                    let columns = number(&start, "table:number-columns-spanned");
                    if rows > 1 || columns > 1 {
                        let last =
                            (row.saturating_add(rows - 1), column.saturating_add(columns - 1));
                        regions.push(Dimensions { start: (row, column), end: last });
                    }
                    column = column.saturating_add(number(&start, "table:number-columns-repeated"));
                }
                _ => {}
            },
            _ => {}
        }
        buffer.clear();
    }
}

/// An attribute's value, unescaped.
fn attribute(start: &BytesStart<'_>, name: &str) -> Option<String> {
    let value = start.try_get_attribute(name).ok()??.value;
    Some(quick_xml::escape::unescape(&value).ok()?.into_owned())
}

/// A count attribute (repeats, spans): 1 when absent or not a count.
fn number(start: &BytesStart<'_>, name: &str) -> u32 {
    attribute(start, name).and_then(|value| value.parse().ok()).filter(|n| *n > 0).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(xml: &str, sheet: &str) -> Vec<((u32, u32), (u32, u32))> {
        let regions = regions(xml.as_bytes(), sheet).unwrap();
        regions.into_iter().map(|region| (region.start, region.end)).collect()
    }

    #[test]
    fn spans_are_placed_after_repeated_rows_and_cells() {
        let xml = r#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="Other"><table:table-row>
              <table:table-cell table:number-rows-spanned="9"/></table:table-row></table:table>
            <table:table table:name="R&amp;D">
              <table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
              <table:table-row/>
              <table:table-row>
                <table:table-cell table:number-columns-repeated="3"/>
                <table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="3"><text:p>x</text:p></table:table-cell>
                <table:covered-table-cell/>
              </table:table-row>
              <table:table-header-rows><table:table-row>
                <table:table-cell table:number-rows-spanned="2"/>
              </table:table-row></table:table-header-rows>
            </table:table>
            </office:spreadsheet></office:body></office:document-content>"#;
        assert_eq!(found(xml, "R&D"), [((3, 3), (5, 4)), ((4, 0), (5, 0))]);
        assert_eq!(found(xml, "Other"), [((0, 0), (8, 0))]);
        assert!(found(xml, "Missing").is_empty());
    }

    #[test]
    fn the_agency_workbook_has_its_three_regions() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/agency.ods");
        let regions = merged_regions(&path, "Plan").unwrap();
        let spans: Vec<_> = regions.iter().map(|region| (region.start, region.end)).collect();
        assert_eq!(spans, [((0, 0), (0, 5)), ((5, 1), (7, 1)), ((5, 3), (6, 3))]);
    }
}
