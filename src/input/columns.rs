//! Header rows → post keys, shared by the CSV and spreadsheet readers: the
//! [`ColumnMap`] that `--map` and the config file fill, header matching
//! (post keys, and the [`SYNONYMS`] agencies head their columns with), and
//! one row → one post (country names in a market column read as codes).

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use super::cells::{self, Cell};
use super::country_names::market_named;
use super::decode::NotUtf8;
use super::fields::{self, Builder, Failure, Place};
use super::{Notice, ReadContext, Record};
use crate::post::{Origin, UnknownValue};

/// Column headers that name a post key in the words of agencies' sheets,
/// as [`loose`] writes them. A header that is a post key itself wins over
/// these; `--map` wins over both. "Region" is left out: it may name a
/// market, a group of markets or part of a country.
const SYNONYMS: [(&str, &str); 34] = [
    ("copy", "caption"),
    ("post text", "caption"),
    ("post copy", "caption"),
    ("post caption", "caption"),
    ("caption text", "caption"),
    ("market", "country"),
    ("markets", "country"),
    ("countries", "country"),
    ("territory", "country"),
    ("territories", "country"),
    ("channel", "platform"),
    ("network", "platform"),
    ("social network", "platform"),
    ("client", "brand"),
    ("brands", "brand"),
    ("brand name", "brand"),
    ("advertiser", "brand"),
    ("creator", "author"),
    ("handle", "author"),
    ("creator handle", "author"),
    ("influencer", "author"),
    ("account", "author"),
    ("talent", "author"),
    ("published", "published_at"),
    ("publish date", "published_at"),
    ("post date", "published_at"),
    ("go live date", "published_at"),
    ("live date", "published_at"),
    ("date", "published_at"),
    ("link", "url"),
    ("post url", "url"),
    ("post link", "url"),
    ("post id", "id"),
    ("lang", "language"),
];

/// A header or name as compared loosely: lower case, dots and apostrophes
/// dropped, and every run of other characters that are not letters or
/// digits one space ("Post-Text:" → "post text", "U.K." → "uk").
pub(super) fn loose(text: &str) -> String {
    let mut words = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().filter(|c| !matches!(c, '.' | '\'' | '’')) {
        if c.is_alphanumeric() {
            if gap && !words.is_empty() {
                words.push(' ');
            }
            gap = false;
            words.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    words
}

/// How a header names its post key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// The key or one of its aliases, or a column `--map` names.
    Key,
    /// One of the [`SYNONYMS`].
    Synonym,
}

/// The post key a header names by itself, and how.
fn header_key(header: &str) -> Option<(&'static str, Naming)> {
    if let Some(key) = fields::known_key(header) {
        return Some((key, Naming::Key));
    }
    let words = loose(header);
    if let Some(key) = fields::KEYS.into_iter().find(|key| loose(key) == words) {
        return Some((key, Naming::Key));
    }
    SYNONYMS.iter().find(|(synonym, _)| *synonym == words).map(|(_, key)| (*key, Naming::Synonym))
}

/// How many of `headers` name a post key (by `map`, as a key or a synonym):
/// how much a row looks like a header.
pub(super) fn recognised(headers: &[String], map: &ColumnMap) -> usize {
    headers
        .iter()
        .filter(|header| map.key_of(header).is_some() || header_key(header).is_some())
        .count()
}

/// Which column holds which post key, for headers that are not post keys
/// themselves (`--map text=Caption,country=Market`, or the config file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// (post key, column header), in the order given.
    entries: Vec<(&'static str, String)>,
}

impl ColumnMap {
    /// Maps a post key (or text alias, any case) to the column headed
    /// `column`; mapping a key again replaces its column, so later sources
    /// (the command line after the config file) win.
    pub fn set(&mut self, key: &str, column: &str) -> Result<(), UnknownValue> {
        self.insert(post_key(key)?, column.trim().to_owned());
        Ok(())
    }

    fn insert(&mut self, key: &'static str, column: String) {
        self.entries.retain(|(mapped, _)| *mapped != key);
        self.entries.push((key, column));
    }

    /// The key whose column is headed `header`.
    fn key_of(&self, header: &str) -> Option<&'static str> {
        self.entries.iter().find(|(_, column)| same_header(column, header)).map(|(key, _)| *key)
    }

    /// Whether some column is mapped to `key` or one of its aliases.
    fn maps(&self, key: &str) -> bool {
        self.entries.iter().any(|(mapped, _)| fields::canonical(mapped) == fields::canonical(key))
    }
}

impl Extend<ColumnMapping> for ColumnMap {
    fn extend<I: IntoIterator<Item = ColumnMapping>>(&mut self, mappings: I) {
        for ColumnMapping { key, column } in mappings {
            self.insert(key, column);
        }
    }
}

impl FromIterator<ColumnMapping> for ColumnMap {
    fn from_iter<I: IntoIterator<Item = ColumnMapping>>(mappings: I) -> Self {
        let mut map = ColumnMap::default();
        map.extend(mappings);
        map
    }
}

/// One `KEY=COLUMN` as written after `--map`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMapping {
    pub key: &'static str,
    pub column: String,
}

/// Why a `--map` value is not a mapping.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("expected KEY=COLUMN such as text=Caption, found '{0}'")]
    Shape(String),
    #[error(transparent)]
    UnknownKey(#[from] UnknownValue),
}

impl FromStr for ColumnMapping {
    type Err = MappingError;

    fn from_str(text: &str) -> Result<Self, MappingError> {
        let shape = || MappingError::Shape(text.to_owned());
        let (key, column) = text.split_once('=').ok_or_else(shape)?;
        if column.trim().is_empty() {
            return Err(shape());
        }
        Ok(ColumnMapping { key: post_key(key)?, column: column.trim().to_owned() })
    }
}

fn post_key(name: &str) -> Result<&'static str, UnknownValue> {
    fields::known_key(name).ok_or_else(|| UnknownValue {
        what: "post key",
        value: name.trim().to_owned(),
        allowed: fields::KEYS.join(", "),
    })
}

/// Headers match whatever their case and surrounding spaces.
fn same_header(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Why a header row cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum HeaderError {
    #[error(
        "the column '{column}' mapped to {key} is not in the header; the headers are: {headers}"
    )]
    MappedColumnMissing { column: String, key: &'static str, headers: String },
    #[error(
        "no column holds the text: name one text, caption, description or body, or map one with --map text=COLUMN; the headers are: {headers}"
    )]
    NoText { headers: String },
    /// The header search found no row that reads as a header.
    #[error("{error}; if the header is on a later row, name it with --header-row N")]
    NotFound { error: Box<HeaderError> },
    #[error("header of column {column}: {error}")]
    NotUtf8 { column: usize, error: NotUtf8 },
}

/// The columns of a header row and where each one's cells go.
#[derive(Debug)]
pub(super) struct Columns {
    columns: Vec<Column>,
    /// 1-based number of the first column (a sheet may start further right).
    first: u64,
    /// How messages name a column: CSV by number, sheets by letter.
    style: ColumnStyle,
    /// Warnings about columns left out, for the reader to send with the
    /// header's place.
    left_out: Vec<String>,
    /// Country names already read as codes (and warned about) in this file.
    names_read: RefCell<HashSet<String>>,
}

#[derive(Debug)]
struct Column {
    header: String,
    target: Target,
}

/// Where a column's cells go.
#[derive(Debug, PartialEq)]
enum Target {
    Key(&'static str),
    /// `extra`, under this name.
    Extra(String),
}

#[derive(Debug, Clone, Copy)]
pub(super) enum ColumnStyle {
    /// `column 3`, as in a CSV file.
    Number,
    /// `column C`, as a spreadsheet shows it.
    Letter,
}

impl Columns {
    /// Reads a header row whose first cell is in column `first`. A header
    /// mapped in `map` gives its key; else a header that is a post key or a
    /// synonym of one gives that key, unless `map` put that key in another
    /// column; any other column goes to `extra` under its header. Of two
    /// columns for one key, one is read (see `one_column_per_key`). Fails
    /// when no column holds the text or a mapped column is missing.
    pub(super) fn new(
        headers: Vec<String>,
        first: u64,
        map: &ColumnMap,
        style: ColumnStyle,
    ) -> Result<Columns, HeaderError> {
        // Whether each column names its key outright (`--map`, or the key
        // itself rather than a synonym).
        let mut outright = Vec::with_capacity(headers.len());
        let columns: Vec<Column> = headers
            .into_iter()
            .enumerate()
            .map(|(index, header)| {
                let header = header.trim().to_owned();
                let (target, naming) = match (map.key_of(&header), header_key(&header)) {
                    (Some(key), _) => (Target::Key(key), Some(Naming::Key)),
                    (None, Some((key, naming))) if !map.maps(key) => {
                        (Target::Key(key), Some(naming))
                    }
                    _ if header.is_empty() => {
                        (Target::Extra(style.name(first + index as u64)), None)
                    }
                    _ => (Target::Extra(header.clone()), None),
                };
                outright.push(naming == Some(Naming::Key));
                Column { header, target }
            })
            .collect();
        let mut columns =
            Columns { columns, first, style, left_out: Vec::new(), names_read: RefCell::default() };
        columns.one_column_per_key(&outright);
        for (key, column) in &map.entries {
            if !columns.columns.iter().any(|found| same_header(&found.header, column)) {
                return Err(HeaderError::MappedColumnMissing {
                    column: column.clone(),
                    key,
                    headers: columns.list(),
                });
            }
        }
        let holds_text = |column: &Column| matches!(column.target, Target::Key(key) if fields::canonical(key) == "text");
        if !columns.columns.iter().any(holds_text) {
            return Err(HeaderError::NoText { headers: columns.list() });
        }
        Ok(columns)
    }

    /// Of the columns that name one key (the text counting as one key
    /// whatever its alias), reads the one that names it outright, the
    /// strongest text alias first (else the leftmost); the others are kept
    /// in `extra` under their headers, with a warning naming them all.
    fn one_column_per_key(&mut self, outright: &[bool]) {
        // (key, indexes of its columns); a handful of keys, so a list.
        let mut by_key: Vec<(&str, Vec<usize>)> = Vec::new();
        for (index, column) in self.columns.iter().enumerate() {
            let Target::Key(key) = column.target else { continue };
            let key = fields::canonical(key);
            match by_key.iter_mut().find(|(found, _)| *found == key) {
                Some((_, indexes)) => indexes.push(index),
                None => by_key.push((key, vec![index])),
            }
        }
        for (key, indexes) in by_key.into_iter().filter(|(_, indexes)| indexes.len() > 1) {
            let rank = |index: &usize| match &self.columns[*index].target {
                Target::Key(key) => fields::text_rank(key).unwrap_or(0),
                Target::Extra(_) => 0,
            };
            let read = indexes
                .iter()
                .filter(|index| outright[**index])
                .min_by_key(|index| (rank(index), **index))
                .copied()
                .unwrap_or(indexes[0]);
            let named: Vec<String> = indexes.iter().map(|index| self.describe(*index)).collect();
            let kept: Vec<String> = indexes
                .iter()
                .filter(|index| **index != read)
                .map(|index| self.style.name(self.number(*index)))
                .collect();
            self.left_out.push(format!(
                "{} {} name the {key}: {} is read as the {key}, and {} kept as {}; --map {key}=COLUMN picks another",
                listed(&named),
                if named.len() == 2 { "both" } else { "all" },
                self.style.name(self.number(read)),
                listed(&kept),
                if kept.len() == 1 { "an extra field" } else { "extra fields" },
            ));
            for index in indexes.into_iter().filter(|index| *index != read) {
                let column = &mut self.columns[index];
                column.target = Target::Extra(column.header.clone());
            }
        }
    }

    /// The warnings about columns left out; taken once, when the header is
    /// read.
    pub(super) fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.left_out)
    }

    pub(super) fn len(&self) -> usize {
        self.columns.len()
    }

    /// The 1-based column number of the cell at `index` in a row.
    pub(super) fn number(&self, index: usize) -> u64 {
        self.first + index as u64
    }

    /// Names the column at `index` for messages: `column 3 (Caption)`.
    pub(super) fn describe(&self, index: usize) -> String {
        let name = self.style.name(self.number(index));
        match self.columns.get(index) {
            Some(column) if !column.header.is_empty() => format!("{name} ({})", column.header),
            _ => name,
        }
    }

    /// The headers as the messages list them.
    fn list(&self) -> String {
        let headers: Vec<&str> = self.columns.iter().map(|column| column.header.as_str()).collect();
        headers.join(", ")
    }

    /// One row → one post. `cells` are `(index in the row, cell)`; empty
    /// cells are absent. An error points its origin's column at the cell at
    /// fault and names it.
    pub(super) fn post<'c>(
        &self,
        cells: impl IntoIterator<Item = (usize, Cell<'c>)>,
        origin: Origin,
        ctx: &ReadContext,
    ) -> Record {
        let mut builder = Builder::new(origin, ctx);
        for (index, cell) in cells {
            if matches!(&cell, Cell::Text(text) if text.trim().is_empty()) {
                continue;
            }
            let Some(column) = self.columns.get(index) else { continue };
            match &column.target {
                Target::Key(key) => {
                    let place = Place::Column(self.number(index));
                    let mut value = cells::cell_value(key, cell);
                    if *key == "country"
                        && let Ok(Value::Array(items)) = &mut value
                    {
                        let origin = builder.origin();
                        let read = items
                            .iter_mut()
                            .try_for_each(|item| self.read_country_name(item, index, origin, ctx));
                        if let Err(unknown) = read {
                            value = Err(unknown.into());
                        }
                    }
                    builder.key(key, value, place);
                }
                Target::Extra(name) => builder.extra(name.clone(), cells::cell_json(cell)),
            }
        }
        builder.finish().map_err(|Failure { mut error, place }| {
            if let Place::Column(number) = place {
                error.origin.column = Some(number);
                let index = (number - self.first) as usize;
                error.message = format!("{}: {}", self.describe(index), error.message);
            }
            error
        })
    }

    /// A market column's item that is no code or group but a country name
    /// ("France") becomes the code, with a warning the first time the name
    /// is met in the file; any other item is an unknown country, for which
    /// a name would also do.
    fn read_country_name(
        &self,
        item: &mut Value,
        index: usize,
        origin: &Origin,
        ctx: &ReadContext,
    ) -> Result<(), UnknownValue> {
        let Value::String(name) = item else { return Ok(()) };
        if ctx.groups.resolve(name).is_ok() {
            return Ok(());
        }
        let Some(market) = market_named(name) else {
            return Err(UnknownValue {
                what: "country",
                value: name.clone(),
                allowed: "a country code such as GB or FR, a market group such as EU, or a country's name such as United Kingdom, France or Deutschland".to_owned(),
            });
        };
        if self.names_read.borrow_mut().insert(loose(name)) {
            ctx.notices.send(Notice::Warning(format!(
                "{}, {}: '{name}' read as {market} (and so wherever the file says '{name}'); write {market} to say so",
                self.style.place(origin),
                self.describe(index),
            )));
        }
        *item = Value::String(market.to_string());
        Ok(())
    }
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl ColumnStyle {
    /// Where a row is, for messages: `posts.csv line 4`,
    /// `plan.xlsx[Calendar] row 4`.
    pub(super) fn place(self, origin: &Origin) -> String {
        let mut place = origin.path.clone();
        if let Some(sheet) = &origin.sheet {
            place.push_str(&format!("[{sheet}]"));
        }
        if let Some(line) = origin.line {
            place.push_str(&format!(" {} {line}", self.unit()));
        }
        place
    }

    /// What a row's number counts: lines of a CSV file, rows of a sheet.
    pub(super) fn unit(self) -> &'static str {
        match self {
            ColumnStyle::Number => "line",
            ColumnStyle::Letter => "row",
        }
    }

    fn name(self, number: u64) -> String {
        match self {
            ColumnStyle::Number => format!("column {number}"),
            ColumnStyle::Letter => format!("column {}", Letters(number)),
        }
    }
}

/// A 1-based column number as spreadsheet letters: 1 → A, 27 → AA.
struct Letters(u64);

impl fmt::Display for Letters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut letters = Vec::new();
        let mut rest = self.0;
        while rest > 0 {
            rest -= 1;
            letters.push(b'A' + (rest % 26) as u8);
            rest /= 26;
        }
        letters.reverse();
        f.write_str(std::str::from_utf8(&letters).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_json::json;

    use super::*;
    use crate::input::tests::context;

    fn columns(headers: &[&str], map: &ColumnMap) -> Result<Columns, String> {
        let headers = headers.iter().map(|header| (*header).to_owned()).collect();
        Columns::new(headers, 1, map, ColumnStyle::Number).map_err(|error| error.to_string())
    }

    fn targets(columns: &Columns) -> Vec<&Target> {
        columns.columns.iter().map(|column| &column.target).collect()
    }

    fn map(text: &str) -> ColumnMap {
        let mappings = text.split(',').filter(|mapping| !mapping.is_empty());
        mappings.map(|mapping| mapping.parse::<ColumnMapping>().unwrap()).collect()
    }

    fn text(cell: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(cell))
    }

    #[test]
    fn headers_match_post_keys_whatever_their_case_spaces_and_aliases() {
        let found =
            columns(&[" Caption ", "COUNTRY", "AI generated", "Platform-Label", "Notes"], &map(""))
                .unwrap();
        assert_eq!(
            targets(&found),
            [
                &Target::Key("caption"),
                &Target::Key("country"),
                &Target::Key("ai_generated"),
                &Target::Key("platform_label"),
                &Target::Extra("Notes".into()),
            ]
        );
    }

    #[test]
    fn mapped_columns_win_and_displace_the_header_named_like_the_key() {
        let found =
            columns(&["Text", " market ", "Copy", "Caption"], &map("country=Market,TEXT=copy"))
                .unwrap();
        assert_eq!(
            targets(&found),
            [
                &Target::Extra("Text".into()),
                &Target::Key("country"),
                &Target::Key("text"),
                &Target::Extra("Caption".into()),
            ]
        );
    }

    #[test]
    fn a_later_mapping_of_a_key_replaces_the_earlier_one() {
        let mut map = map("text=A,country=B");
        map.set("text", "C").unwrap();
        assert_eq!(map.entries, [("country", "B".to_owned()), ("text", "C".to_owned())]);
    }

    #[test]
    fn mappings_are_checked() {
        let error = "txt=Caption".parse::<ColumnMapping>().unwrap_err().to_string();
        assert!(error.starts_with("unknown post key 'txt'; expected one of: id, text,"), "{error}");
        for bad in ["text", "text=", "text= "] {
            let error = bad.parse::<ColumnMapping>().unwrap_err().to_string();
            assert!(error.starts_with("expected KEY=COLUMN"), "{error}");
        }
        let mapping = " Platform label = Network ".parse::<ColumnMapping>().unwrap();
        assert_eq!((mapping.key, mapping.column.as_str()), ("platform_label", "Network"));
    }

    #[test]
    fn a_header_without_text_or_a_missing_mapped_column_is_an_error() {
        let error = columns(&["id", "Blurb"], &map("")).unwrap_err();
        assert_eq!(
            error,
            "no column holds the text: name one text, caption, description or body, or map one with --map text=COLUMN; the headers are: id, Blurb"
        );
        let error = columns(&["Caption", "Country"], &map("country=Market")).unwrap_err();
        assert_eq!(
            error,
            "the column 'Market' mapped to country is not in the header; the headers are: Caption, Country"
        );
    }

    #[test]
    fn a_row_becomes_a_post_with_the_text_column_and_typed_values() {
        let found = columns(
            &["ID", "Market", "", "caption", "Retouched", "Budget"],
            &map("country=market"),
        )
        .unwrap();
        let row = [
            (0, Cell::Number(17.0)),
            (1, text("FR; DE ,")),
            (2, text("stray")),
            (3, text(" Hello #ad")),
            (4, text("YES")),
            (5, Cell::Number(1200.0)),
        ];
        let post = found.post(row, Origin::default(), &context()).unwrap();
        assert_eq!(post.id.as_deref(), Some("17"));
        let markets: Vec<&str> = post.markets.iter().map(|market| market.as_str()).collect();
        assert_eq!(markets, ["FR", "DE"]);
        assert_eq!(post.text, " Hello #ad");
        assert_eq!(post.origin.column, Some(4));
        assert!(post.retouched);
        assert_eq!(post.extra["Budget"], json!(1200));
        assert_eq!(post.extra["column 3"], json!("stray"));
    }

    #[test]
    fn empty_cells_are_absent() {
        let found = columns(&["text", "platform", "retouched"], &map("")).unwrap();
        let row = [(0, text("hi")), (1, text("")), (2, text("  "))];
        let mut ctx = context();
        ctx.defaults.platform = Some(crate::post::Platform::Tiktok);
        let post = found.post(row, Origin::default(), &ctx).unwrap();
        assert_eq!(post.platform, Some(crate::post::Platform::Tiktok));
        assert!(!post.retouched);
    }

    #[test]
    fn a_bad_value_names_its_column_and_keeps_the_id() {
        let found = columns(&["Caption", "Country", "ID"], &map("")).unwrap();
        let row = [(0, text("hi")), (1, text("FR, Frankreich")), (2, text("p9"))];
        let error = found.post(row, Origin::default(), &context()).unwrap_err();
        assert_eq!(error.origin.column, Some(2));
        assert_eq!(error.id.as_deref(), Some("p9"));
        assert!(
            error.message.starts_with("column 2 (Country): country: unknown country 'Frankreich'"),
            "{}",
            error.message
        );
        let letters =
            Columns::new(vec!["text".into(), "retouched".into()], 3, &map(""), ColumnStyle::Letter)
                .unwrap();
        let error = letters.post([(1, text("maybe"))], Origin::default(), &context()).unwrap_err();
        assert_eq!(
            error.message,
            "column D (retouched): retouched: expected true, false, yes, no, 1 or 0, found 'maybe'"
        );
        assert_eq!(error.origin.column, Some(4));
    }

    #[test]
    fn synonyms_name_post_keys_whatever_their_case_and_punctuation() {
        let found = columns(
            &[
                "Post text:",
                "CHANNEL",
                "Client",
                "Creator",
                "Post-Date",
                "Link",
                "Territory",
                "Region",
            ],
            &map(""),
        )
        .unwrap();
        assert_eq!(
            targets(&found),
            [
                &Target::Key("caption"),
                &Target::Key("platform"),
                &Target::Key("brand"),
                &Target::Key("author"),
                &Target::Key("published_at"),
                &Target::Key("url"),
                &Target::Key("country"),
                &Target::Extra("Region".into()),
            ]
        );
        assert_eq!(loose(" U.K. "), "uk");
        assert_eq!(loose("Post__text (EN)"), "post text en");
        assert_eq!(recognised(&["Client".into(), "Glow Lab".into()], &map("")), 1);
    }

    #[test]
    fn of_two_columns_for_one_key_the_key_itself_wins_and_the_other_is_kept_with_a_warning() {
        let mut found = columns(&["Market", "Caption", "Country", "Copy"], &map("")).unwrap();
        assert_eq!(
            targets(&found),
            [
                &Target::Extra("Market".into()),
                &Target::Key("caption"),
                &Target::Key("country"),
                &Target::Extra("Copy".into()),
            ]
        );
        assert_eq!(
            found.take_warnings(),
            [
                "column 1 (Market) and column 3 (Country) both name the country: column 3 is read as the country, and column 1 kept as an extra field; --map country=COLUMN picks another",
                "column 2 (Caption) and column 4 (Copy) both name the text: column 2 is read as the text, and column 4 kept as an extra field; --map text=COLUMN picks another",
            ]
        );
        assert!(found.take_warnings().is_empty(), "said once");
        // Synonyms alone: the leftmost.
        let mut found = columns(&["Client", "Advertiser", "Text"], &map("")).unwrap();
        assert_eq!(
            targets(&found)[..2],
            [&Target::Key("brand"), &Target::Extra("Advertiser".into())]
        );
        assert_eq!(found.take_warnings().len(), 1);
        // A mapped column displaces the synonyms, without a warning.
        let mut found =
            columns(&["Market", "Territory", "Caption"], &map("country=Territory")).unwrap();
        assert_eq!(
            targets(&found)[..2],
            [&Target::Extra("Market".into()), &Target::Key("country")]
        );
        assert!(found.take_warnings().is_empty());
    }

    #[test]
    fn country_names_read_as_codes_with_one_warning_per_name() {
        let found = columns(&["Caption", "Market"], &map("")).unwrap();
        let mut ctx = context();
        let said = crate::input::tests::keep_notices(&mut ctx);
        let origin = |line| Origin { path: "p.csv".into(), line: Some(line), ..Origin::default() };
        let markets = |post: crate::post::Post| -> Vec<String> {
            post.markets.iter().map(|market| market.to_string()).collect()
        };
        let row = [(0, text("hi")), (1, text("France; UK, EU"))];
        assert_eq!(markets(found.post(row, origin(2), &ctx).unwrap()), ["FR", "GB", "DE"]);
        let row = [(0, text("hi")), (1, text(" france "))];
        assert_eq!(markets(found.post(row, origin(3), &ctx).unwrap()), ["FR"]);
        assert_eq!(
            *said.lock().unwrap(),
            [
                "warning: p.csv line 2, column 2 (Market): 'France' read as FR (and so wherever the file says 'France'); write FR to say so",
                "warning: p.csv line 2, column 2 (Market): 'UK' read as GB (and so wherever the file says 'UK'); write GB to say so",
            ]
        );
        let row = [(0, text("hi")), (1, text("Frankreich"))];
        let error = found.post(row, origin(4), &ctx).unwrap_err();
        assert_eq!(
            error.message,
            "column 2 (Market): country: unknown country 'Frankreich'; expected one of: a country code such as GB or FR, a market group such as EU, or a country's name such as United Kingdom, France or Deutschland"
        );
        assert_eq!(error.origin.column, Some(2));
    }

    #[test]
    fn column_letters() {
        let names: Vec<String> =
            [1, 26, 27, 52, 703].into_iter().map(|n| Letters(n).to_string()).collect();
        assert_eq!(names, ["A", "Z", "AA", "AZ", "AAA"]);
    }
}
