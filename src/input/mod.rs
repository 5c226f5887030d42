//! Input readers: files, folders and stdin → a lazy stream of [`Post`]s, one
//! [`Record`] per post or per thing that could not be read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use crate::finding::RecordError;
use crate::limits::{Limits, over_limit};
use crate::post::{
    Market, MarketGroups, Media, Origin, Platform, Post, Relationship, UnknownValue,
};

mod cells;
mod columns;
mod country_names;
mod csv;
mod decode;
mod fields;
mod header;
mod json;
mod jsonl;
mod markdown;
mod ods_merged;
mod quotes;
mod select;
mod sheet;
mod stdin;
mod subtitles;
mod text;
mod values;
mod walk;

pub use columns::{ColumnMap, ColumnMapping};
pub use fields::post_from_object;
pub use select::{DEFAULT_INCLUDE, FileSelection};
pub use sheet::{SheetText, sheet_text};
pub use walk::{input_reading, input_sizes};

use stdin::stream;
use walk::{Walk, walk, walk_error};

/// What posts get when they do not say (from the command line or config).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Defaults {
    /// Used when a post names no country.
    pub markets: Vec<Market>,
    pub platform: Option<Platform>,
    /// `None` leaves posts without one at `unknown`.
    pub relationship: Option<Relationship>,
    pub media: Option<Media>,
    pub language: Option<String>,
    /// The brands of a post that names none (the configuration's `brands`).
    pub brands: Vec<String>,
}

/// What a Markdown file may hold besides its text before the post-text
/// limit refuses it unread.
const FRONT_MATTER_ROOM: u64 = 64 * 1024;

/// Everything a reader needs besides the bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadContext {
    pub defaults: Defaults,
    /// Expands group names such as `EU` in `country`.
    pub groups: MarketGroups,
    /// Columns of CSV files and sheets whose header is not their post key.
    pub columns: ColumnMap,
    /// The sheet of a workbook to read; the first when `None`.
    pub sheet: Option<String>,
    /// How much of one post or line is read.
    pub limits: Limits,
    /// Walk folders without regard to `.gitignore` and other ignore files
    /// (`--no-ignore`); hidden entries are skipped all the same.
    pub no_ignore: bool,
    /// Which files hold posts (the configuration's `files` globs).
    pub files: FileSelection,
    /// The 1-based row of CSV files and sheets that holds the header
    /// (`--header-row`); found among the first rows when `None`.
    pub header_row: Option<u64>,
    /// Where readers say how they read a file.
    pub notices: Notices,
}

/// What a reader says about how it read a file, besides its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// How the file was read: a header found below a title block.
    Note(String),
    /// A guess to confirm: a country name read as a code, a column left out.
    Warning(String),
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Note(text) => write!(f, "note: {text}"),
            Notice::Warning(text) => write!(f, "warning: {text}"),
        }
    }
}

/// Where readers send [`Notice`]s: nowhere unless given.
#[derive(Clone, Default)]
pub struct Notices(Option<Arc<dyn Fn(Notice) + Send + Sync>>);

impl Notices {
    pub fn new(send: impl Fn(Notice) + Send + Sync + 'static) -> Notices {
        Notices(Some(Arc::new(send)))
    }

    fn send(&self, notice: Notice) {
        if let Some(send) = &self.0 {
            send(notice);
        }
    }
}

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Notices(sent)" } else { "Notices(dropped)" })
    }
}

/// Where notices go does not change what is read.
impl PartialEq for Notices {
    fn eq(&self, _: &Notices) -> bool {
        true
    }
}

/// How to read an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Txt,
    Md,
    Json,
    Jsonl,
    Csv,
    /// Tab-separated values, read like CSV.
    Tsv,
    Xlsx,
    Ods,
    /// SubRip subtitles.
    Srt,
    /// WebVTT subtitles.
    Vtt,
}

/// The extensions [`InputFormat::from_path`] knows, for messages.
const EXTENSIONS: &str =
    ".txt, .md, .markdown, .json, .jsonl, .ndjson, .csv, .tsv, .xlsx, .xlsm, .ods, .srt or .vtt";

impl InputFormat {
    /// The names `--input-format` takes (besides the aliases `markdown`,
    /// `xlsm` and `webvtt`).
    pub const NAMES: &'static [&'static str] =
        &["txt", "md", "json", "jsonl", "ndjson", "csv", "tsv", "xlsx", "ods", "srt", "vtt"];

    /// Whether a file of this format is one post, read whole within the
    /// post-text limit: a draft, or a video's subtitles.
    pub fn holds_one_post(self) -> bool {
        matches!(self, InputFormat::Txt | InputFormat::Md | InputFormat::Srt | InputFormat::Vtt)
    }

    /// The format a file's extension implies, if any.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        InputFormat::named(path.extension()?.to_str()?)
    }

    /// The format a name stands for, as a file extension or a value of
    /// `--input-format` (case-insensitive).
    fn named(name: &str) -> Option<InputFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "txt" => Some(InputFormat::Txt),
            "md" | "markdown" => Some(InputFormat::Md),
            "json" => Some(InputFormat::Json),
            "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
            "csv" => Some(InputFormat::Csv),
            "tsv" => Some(InputFormat::Tsv),
            "xlsx" | "xlsm" => Some(InputFormat::Xlsx),
            "ods" => Some(InputFormat::Ods),
            "srt" => Some(InputFormat::Srt),
            "vtt" | "webvtt" => Some(InputFormat::Vtt),
            _ => None,
        }
    }
}

impl FromStr for InputFormat {
    type Err = UnknownValue;

    fn from_str(value: &str) -> Result<Self, UnknownValue> {
        InputFormat::named(value).ok_or_else(|| UnknownValue {
            what: "input format",
            value: value.to_owned(),
            allowed: InputFormat::NAMES.join(", "),
        })
    }
}

/// One post, or why a record could not be read as one.
pub type Record = Result<Post, RecordError>;

/// A record as the readers hand it on. A JSONL line is parsed later, by the
/// thread that checks it: parsing is about a tenth of the work, and on the
/// one reading thread it would keep the checking threads waiting.
pub enum RawRecord {
    Read(Box<Record>),
    JsonLine(jsonl::Line),
}

impl RawRecord {
    pub fn parse(self, ctx: &ReadContext) -> Record {
        match self {
            RawRecord::Read(record) => *record,
            // Parsed on a checking thread, where notes about a subtitle
            // file it names have nowhere to go.
            RawRecord::JsonLine(line) => {
                line.parse(ctx).and_then(|post| subtitles::attach(post, ctx, &mut |_| {}))
            }
        }
    }
}

impl From<Record> for RawRecord {
    fn from(record: Record) -> RawRecord {
        RawRecord::Read(Box::new(record))
    }
}

/// Expands files, folders and `-` (stdin) into a lazy stream of records, in
/// order (each to be finished with [`RawRecord::parse`]).
///
/// Folders are walked recursively in file-name order, skipping hidden entries,
/// `target/` and what ignore files such as `.gitignore` leave out (unless
/// `ctx.no_ignore`); their files are picked by extension (others are skipped
/// with a note through `on_note`) and `forced`, when given, then says how to
/// parse them. A named file is read with `forced` or its extension's format.
/// Stdin without `forced` is JSONL when it starts with `{`, JSON with `[`,
/// text otherwise (CSV only when forced; workbooks never). A file that
/// cannot be read is one error record. JSONL, CSV and stdin are streamed;
/// a workbook's sheet is read whole, then its rows one by one.
pub fn read_inputs<'a>(
    paths: &'a [PathBuf],
    forced: Option<InputFormat>,
    ctx: &'a ReadContext,
    on_note: &'a mut dyn FnMut(String),
) -> impl Iterator<Item = RawRecord> + 'a {
    Inputs { paths: paths.iter(), forced, ctx, on_note, walk: None, current: None }
}

type Records<'a> = Box<dyn Iterator<Item = RawRecord> + 'a>;

/// The posts of one stream of bytes (a file's content, standard input):
/// `format`, or sniffed from the first non-blank byte when `None`. One
/// record per post, or per thing that could not be read.
pub fn read_stream<'a>(
    reader: impl BufRead + 'a,
    name: String,
    format: Option<InputFormat>,
    ctx: &'a ReadContext,
) -> impl Iterator<Item = Record> + 'a {
    stdin::stream(reader, name, format, ctx, &mut |_| {}).map(move |raw| raw.parse(ctx))
}

struct Inputs<'a> {
    paths: std::slice::Iter<'a, PathBuf>,
    forced: Option<InputFormat>,
    ctx: &'a ReadContext,
    on_note: &'a mut dyn FnMut(String),
    /// The folder being walked.
    walk: Option<Walk>,
    /// The records of the file being read.
    current: Option<Records<'a>>,
}

impl Iterator for Inputs<'_> {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        loop {
            if let Some(record) = self.current.as_mut().and_then(Iterator::next) {
                return Some(match record {
                    RawRecord::Read(record) => match *record {
                        Ok(post) => subtitles::attach(post, self.ctx, self.on_note).into(),
                        Err(error) => Err(error).into(),
                    },
                    line => line,
                });
            }
            self.current = None;
            if let Some(walk) = &mut self.walk {
                match walk.next() {
                    // A folder's ignore file with a line that is not a
                    // pattern: git skips the line, and so does the walk.
                    Some(Ok(entry)) if entry.file_type().is_some_and(|kind| kind.is_dir()) => {
                        if let Some(error) = entry.error() {
                            (self.on_note)(format!("ignore file: {error}; that line was skipped"));
                        }
                    }
                    Some(Ok(entry)) => self.current = self.walked_file(entry.path()),
                    Some(Err(error)) => return Some(Err(walk_error(&error)).into()),
                    None => self.walk = None,
                }
                continue;
            }
            let path = self.paths.next()?;
            if path.as_os_str() == "-" {
                self.current = Some(stream(
                    io::stdin().lock(),
                    "-".to_owned(),
                    self.forced,
                    self.ctx,
                    self.on_note,
                ));
            } else if path.is_dir() {
                self.walk = Some(walk(path, self.ctx.no_ignore));
            } else if !self.ctx.files.admits_named(path) {
                let why = "--force-exclude: not a post file by `files` in the configuration";
                (self.on_note)(format!("skipped {}: {why}", path.display()));
            } else {
                self.current = Some(self.named_file(path));
            }
        }
    }
}

impl<'a> Inputs<'a> {
    /// A file named on the command line. A pipe or device (`<(…)` in a
    /// shell) whose name has no known extension is sniffed like stdin.
    fn named_file(&mut self, path: &Path) -> Records<'a> {
        if let Some(format) = self.forced.or_else(|| InputFormat::from_path(path)) {
            return open(path, format, self.ctx, self.on_note);
        }
        let display = path.display().to_string();
        if !is_regular_or_folder(path) {
            return match File::open(path) {
                Ok(file) => stream(BufReader::new(file), display, None, self.ctx, self.on_note),
                Err(error) => {
                    let message = cannot_read(&display, &error);
                    one(file_error(display, message))
                }
            };
        }
        let message = format!(
            "cannot tell the input format of '{display}': expected a {EXTENSIONS} file, or a forced input format"
        );
        one(file_error(display, message))
    }

    /// A file found in a folder: read when it is a regular file (or a link
    /// to one) with an input format's extension. Pipes, sockets and devices
    /// are skipped: reading one waits for a writer that may never come.
    fn walked_file(&mut self, path: &Path) -> Option<Records<'a>> {
        if !self.ctx.files.admits_walked(path) {
            let why = "not a post file by `files` in the configuration";
            (self.on_note)(format!("skipped {}: {why}", path.display()));
            return None;
        }
        let Some(format) = InputFormat::from_path(path) else {
            (self.on_note)(format!("skipped {}: not a {EXTENSIONS} file", path.display()));
            return None;
        };
        if !is_regular_or_folder(path) {
            let note = "not a regular file (a pipe, socket or device is read only when named)";
            (self.on_note)(format!("skipped {}: {note}", path.display()));
            return None;
        }
        if self.forced.is_none() && subtitles::has_post_beside(path) {
            let note = "subtitles of the post file with the same name";
            (self.on_note)(format!("read {} as the {note}", path.display()));
            return None;
        }
        Some(open(path, self.forced.unwrap_or(format), self.ctx, self.on_note))
    }
}

/// Whether `path` is a regular file or a folder (following links); a path
/// that cannot be looked at counts as one, so opening it reports why.
fn is_regular_or_folder(path: &Path) -> bool {
    std::fs::metadata(path).map_or(true, |meta| meta.is_file() || meta.is_dir())
}

fn open<'a>(
    path: &Path,
    format: InputFormat,
    ctx: &'a ReadContext,
    on_note: &mut dyn FnMut(String),
) -> Records<'a> {
    if matches!(format, InputFormat::Xlsx | InputFormat::Ods) {
        return sheet::records(path, format, ctx);
    }
    let display = path.display().to_string();
    match File::open(path).and_then(|file| decode::utf8_reader(BufReader::new(file))) {
        Ok(reader) => records(reader, display, format, ctx, on_note),
        Err(error) => {
            let message = cannot_read(&display, &error);
            one(file_error(display, message))
        }
    }
}

/// The records of one file or stream in a known format; notes about how
/// it was read go to `on_note`.
fn records<'a>(
    reader: impl BufRead + 'a,
    path: String,
    format: InputFormat,
    ctx: &'a ReadContext,
    on_note: &mut dyn FnMut(String),
) -> Records<'a> {
    type Parse = fn(&str, String, &ReadContext, &mut dyn FnMut(String)) -> Vec<Record>;
    let parse: Parse = match format {
        InputFormat::Jsonl => {
            return Box::new(jsonl::Records::new(Box::new(reader), path, ctx.limits.jsonl_line));
        }
        InputFormat::Csv | InputFormat::Tsv => {
            let delimiter = if format == InputFormat::Tsv { b'\t' } else { b',' };
            let rows = csv::Records::new(Box::new(reader), path, delimiter, ctx);
            return Box::new(rows.map(RawRecord::from));
        }
        // Files go to `sheet::records` in `open`; only stdin gets here.
        InputFormat::Xlsx | InputFormat::Ods => {
            let message = "a workbook cannot be read from stdin: pass its path, or pipe CSV with --input-format csv";
            return one(file_error(path, message.to_owned()));
        }
        InputFormat::Txt => |text, path, ctx, _| vec![text::read(text, path, ctx)],
        InputFormat::Md => |text, path, ctx, _| vec![markdown::read(text, path, ctx)],
        InputFormat::Json => |text, path, ctx, _| json::read(text, path, ctx),
        InputFormat::Srt => |text, path, ctx, on_note| {
            vec![subtitles::read(text, path, subtitles::Flavour::Srt, ctx, on_note)]
        },
        InputFormat::Vtt => |text, path, ctx, on_note| {
            vec![subtitles::read(text, path, subtitles::Flavour::Vtt, ctx, on_note)]
        },
    };
    // A text or Markdown file is one post: past its limit (and room for
    // front matter) it is not read into memory at all.
    let most = match format {
        InputFormat::Txt | InputFormat::Md => {
            ctx.limits.post_text.saturating_add(FRONT_MATTER_ROOM)
        }
        // Cues are a post's text too, with their timings around them.
        InputFormat::Srt | InputFormat::Vtt => ctx.limits.post_text,
        _ => u64::MAX,
    };
    let mut bytes = Vec::new();
    let read = reader.take(most.saturating_add(1)).read_to_end(&mut bytes);
    if bytes.len() as u64 > most {
        let size = bytes.len() as u64;
        let message = format!("{path}: {}", over_limit(size, "post-text", ctx.limits.post_text));
        return one(file_error(path, message));
    }
    let records = match read {
        Err(error) => {
            let message = cannot_read(&path, &error);
            vec![Err(file_error(path, message))]
        }
        Ok(_) => match decode::utf8(&bytes, 0, 1) {
            Ok(text) => parse(text, path, ctx, on_note),
            Err(error) => {
                let origin = Origin { path, line: Some(error.line), ..Origin::default() };
                vec![Err(record_error(origin, error))]
            }
        },
    };
    Box::new(records.into_iter().map(RawRecord::from))
}

fn one<'a>(error: RecordError) -> Records<'a> {
    Box::new(std::iter::once(Err(error).into()))
}

/// A record that could not be read, and why in the user's words.
fn record_error(origin: Origin, error: impl std::fmt::Display) -> RecordError {
    RecordError { origin: Box::new(origin), id: None, message: error.to_string() }
}

/// An error about a whole file or stream rather than one of its records.
fn file_error(path: String, error: impl std::fmt::Display) -> RecordError {
    record_error(Origin { path, ..Origin::default() }, error)
}

fn cannot_read(path: &str, error: &io::Error) -> String {
    format!("cannot read '{path}': {error}")
}

/// Length of a byte-order mark at the start of `text`, which is not content.
fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::fs;

    use super::*;

    /// A context with a two-country `EU` group and no defaults.
    pub(crate) fn context() -> ReadContext {
        let members = vec![Market::parse("FR").unwrap(), Market::parse("DE").unwrap()];
        ReadContext {
            defaults: Defaults::default(),
            groups: MarketGroups([("EU".to_owned(), members)].into_iter().collect()),
            ..ReadContext::default()
        }
    }

    /// Sets `ctx` to keep its notices, as the user reads them, in the list
    /// returned.
    pub(crate) fn keep_notices(ctx: &mut ReadContext) -> Arc<std::sync::Mutex<Vec<String>>> {
        let said = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = Arc::clone(&said);
        ctx.notices = Notices::new(move |notice| sink.lock().unwrap().push(notice.to_string()));
        said
    }

    pub(crate) fn read_all(
        paths: &[PathBuf],
        forced: Option<InputFormat>,
    ) -> (Vec<Record>, Vec<String>) {
        let ctx = context();
        let mut notes = Vec::new();
        let mut on_note = |note: String| notes.push(note);
        let records =
            read_inputs(paths, forced, &ctx, &mut on_note).map(|raw| raw.parse(&ctx)).collect();
        (records, notes)
    }

    #[test]
    fn input_format_names_parse_and_errors_list_them() {
        assert_eq!("NDJSON".parse::<InputFormat>(), Ok(InputFormat::Jsonl));
        assert_eq!("md".parse::<InputFormat>(), Ok(InputFormat::Md));
        let error = "csvx".parse::<InputFormat>().unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown input format 'csvx'; expected one of: txt, md, json, jsonl, ndjson, csv, tsv, xlsx, ods, srt, vtt"
        );
    }

    #[test]
    fn extensions_pick_the_format() {
        let format = |name: &str| InputFormat::from_path(Path::new(name));
        assert_eq!(format("a/b.TXT"), Some(InputFormat::Txt));
        assert_eq!(format("b.markdown"), Some(InputFormat::Md));
        assert_eq!(format("b.json"), Some(InputFormat::Json));
        assert_eq!(format("b.ndjson"), Some(InputFormat::Jsonl));
        assert_eq!(format("b.csv"), Some(InputFormat::Csv));
        assert_eq!(format("b.tsv"), Some(InputFormat::Tsv));
        assert_eq!(format("b.XLSM"), Some(InputFormat::Xlsx));
        assert_eq!(format("b.ods"), Some(InputFormat::Ods));
        assert_eq!(format("b.xls"), None);
        assert_eq!(format("README"), None);
    }

    #[test]
    fn forced_format_applies_to_named_and_walked_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("posts.txt");
        fs::write(&file, "{\"text\": \"a\"}\n{\"text\": \"b\"}\n").unwrap();
        let (records, _) =
            read_all(&[file.clone(), dir.path().to_path_buf()], Some(InputFormat::Jsonl));
        assert_eq!(records.len(), 4);
        assert!(records.iter().all(Result::is_ok));
    }

    #[test]
    fn unreadable_and_unknown_named_files_are_error_records_and_reading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.json");
        let unknown = dir.path().join("post.docx");
        let good = dir.path().join("good.txt");
        fs::write(&unknown, "x").unwrap();
        fs::write(&good, "fine").unwrap();
        let (records, _) = read_all(&[missing.clone(), unknown, good], None);
        assert_eq!(records.len(), 3);
        let error = records[0].as_ref().unwrap_err();
        assert_eq!(error.origin.path, missing.display().to_string());
        assert!(error.message.contains("missing.json"), "{}", error.message);
        assert!(error.message.contains("os error"), "{}", error.message);
        assert!(
            records[1].as_ref().unwrap_err().message.starts_with("cannot tell the input format")
        );
        assert_eq!(records[2].as_ref().unwrap().text, "fine");
    }

    #[test]
    fn non_utf8_files_are_one_error_naming_the_offset() {
        for (name, bytes) in
            [("a.txt", &b"ab\xffcd"[..]), ("a.md", b"ab\xff"), ("a.json", b"{\"t\xff\": 1}")]
        {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(name);
            fs::write(&path, bytes).unwrap();
            let (records, _) = read_all(&[path], None);
            assert_eq!(records.len(), 1);
            let offset = bytes.iter().position(|byte| *byte == 0xff).unwrap();
            let message = &records[0].as_ref().unwrap_err().message;
            assert_eq!(
                message,
                &format!(
                    "not UTF-8 (byte 0xFF at line 1, byte offset {offset}); save the file as UTF-8"
                )
            );
        }
    }
}
