//! Subtitles: SubRip (`.srt`) and WebVTT (`.vtt`) files → timed cues.
//!
//! One reader serves both formats: they differ only in the `WEBVTT` header,
//! VTT's `NOTE`/`STYLE`/`REGION` blocks and the millisecond separator. Real
//! files are read leniently (missing blank lines, `,` or `.` milliseconds,
//! BOM, CRLF, overlapping or unordered cues, cue settings, styling tags,
//! YouTube's word-timing tags), each kind of oddity noted once; a file with
//! no cue at all is unreadable. A cue's text is what is shown and said: its
//! tags (`<v Speaker>`, `<c>`, `<i>`, `<00:00:01.000>`, `{\an8}`) are
//! removed and entities decoded, so spans of findings point into the words.
//!
//! Also here: attaching subtitles to posts, from a `subtitles` path or from a
//! subtitle file with the same stem as the post's file (`clip.srt` beside
//! `clip.md`).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{ReadContext, Record, bom_len, decode, fields, record_error};
use crate::finding::RecordError;
use crate::limits::over_limit;
use crate::post::{Cue, Media, Origin, Post};

/// Which of the two formats a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavour {
    Srt,
    Vtt,
}

impl Flavour {
    fn of(path: &Path) -> Option<Flavour> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "srt" => Some(Flavour::Srt),
            "vtt" => Some(Flavour::Vtt),
            _ => None,
        }
    }
}

/// The cues of a file and what was odd about it.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Subtitles {
    pub cues: Vec<Cue>,
    /// One sentence per kind of oddity, with its first line and count.
    pub notes: Vec<String>,
}

/// Oddities counted while reading, reported once per kind.
#[derive(Default)]
struct Oddities {
    /// (what, first line, count) in the order first seen.
    seen: Vec<(&'static str, usize, usize)>,
}

impl Oddities {
    fn note(&mut self, what: &'static str, line: usize) {
        match self.seen.iter_mut().find(|(kind, _, _)| *kind == what) {
            Some((_, _, count)) => *count += 1,
            None => self.seen.push((what, line, 1)),
        }
    }

    fn into_notes(self) -> Vec<String> {
        self.seen
            .into_iter()
            .map(|(what, line, count)| match count {
                1 => format!("{what} (line {line}); read leniently"),
                _ => format!("{what} (line {line} and {} more); read leniently", count - 1),
            })
            .collect()
    }
}

/// Reads the cues of a subtitle file's text. An error when no cue can be
/// read at all.
pub(super) fn parse(text: &str, flavour: Flavour) -> Result<Subtitles, String> {
    let text = &text[bom_len(text)..];
    let lines: Vec<&str> =
        text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).collect();
    let mut odd = Oddities::default();
    let mut cues = Vec::new();
    let mut at = 0;
    if flavour == Flavour::Vtt {
        if lines.first().is_some_and(|first| first.starts_with("WEBVTT")) {
            at = skip_block(&lines, 0);
        } else {
            odd.note("no WEBVTT header", 1);
        }
    }
    let mut previous: Option<(f64, f64)> = None;
    while at < lines.len() {
        let line = lines[at];
        if line.is_empty() {
            at += 1;
        } else if flavour == Flavour::Vtt && is_vtt_block(line) {
            at = skip_block(&lines, at);
        } else if is_timing(line) {
            at = cue(&lines, at, flavour, &mut odd, &mut cues, &mut previous);
        } else if lines.get(at + 1).is_some_and(|next| is_timing(next)) {
            // A cue identifier (SRT's number).
            at += 1;
        } else {
            odd.note("text outside any cue skipped", at + 1);
            at += 1;
        }
    }
    if cues.is_empty() {
        let example = match flavour {
            Flavour::Srt => "00:00:01,000 --> 00:00:04,000",
            Flavour::Vtt => "00:00:01.000 --> 00:00:04.000",
        };
        return Err(format!("no subtitle cue found; expected timing lines like `{example}`"));
    }
    Ok(Subtitles { cues, notes: odd.into_notes() })
}

/// Reads the cue whose timing line is `lines[at]`; returns the line after it.
fn cue(
    lines: &[&str],
    at: usize,
    flavour: Flavour,
    odd: &mut Oddities,
    cues: &mut Vec<Cue>,
    previous: &mut Option<(f64, f64)>,
) -> usize {
    let mut end_line = at + 1;
    let mut text = String::new();
    while let Some(line) = lines.get(end_line).filter(|line| !line.is_empty()) {
        // Another cue starts without a blank line before it (with or
        // without its number).
        let numbered = !line.is_empty() && line.bytes().all(|byte| byte.is_ascii_digit());
        if is_timing(line)
            || (numbered && lines.get(end_line + 1).is_some_and(|next| is_timing(next)))
        {
            odd.note("missing blank line between cues", end_line + 1);
            break;
        }
        let shown = clean(line);
        let shown = shown.trim();
        if !shown.is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(shown);
        }
        end_line += 1;
    }
    let Some((start, end, separator)) = timing(lines[at]) else {
        odd.note("unreadable timing line, cue skipped", at + 1);
        return end_line;
    };
    let own = match flavour {
        Flavour::Srt => ',',
        Flavour::Vtt => '.',
    };
    if separator.is_some_and(|used| used != own) {
        odd.note("milliseconds written with the other format's separator", at + 1);
    }
    let end = if end < start {
        odd.note("cue ends before it starts; taken as instant", at + 1);
        start
    } else {
        end
    };
    if let Some((previous_start, previous_end)) = *previous {
        if start < previous_start {
            odd.note("cues out of time order", at + 1);
        } else if start < previous_end {
            odd.note("cues overlap", at + 1);
        }
    }
    *previous = Some((start, end));
    cues.push(Cue { start, end, text });
    end_line
}

fn is_vtt_block(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|keyword| {
        line.strip_prefix(keyword)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// The line after the block that starts at `at` (up to a blank line).
fn skip_block(lines: &[&str], at: usize) -> usize {
    let mut at = at;
    while lines.get(at).is_some_and(|line| !line.is_empty()) {
        at += 1;
    }
    at
}

fn is_timing(line: &str) -> bool {
    line.contains("-->")
}

/// `00:00:01,000 --> 00:00:04.000 align:start`: start, end (seconds) and
/// the millisecond separator used, if any. Cue settings are ignored.
fn timing(line: &str) -> Option<(f64, f64, Option<char>)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    let (start, first) = timestamp(start.trim())?;
    let (end, second) = timestamp(end)?;
    Some((start, end, first.or(second)))
}

/// `[hh:]mm:ss[,.]mmm` (1 to 3 digits of milliseconds, or none) → seconds
/// and the separator. Counted in whole milliseconds so 15 s is exactly 15.
fn timestamp(text: &str) -> Option<(f64, Option<char>)> {
    let (clock, millis, separator) = match text.find([',', '.']) {
        Some(at) => (&text[..at], &text[at + 1..], text[at..].chars().next()),
        None => (text, "", None),
    };
    let number = |digits: &str| -> Option<u64> {
        (!digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    };
    let mut parts = clock.split(':');
    let fields: Vec<u64> = parts.by_ref().take(3).map(number).collect::<Option<_>>()?;
    if parts.next().is_some() || fields.len() < 2 || millis.len() > 3 {
        return None;
    }
    let seconds = fields.iter().fold(0, |total, field| total * 60 + field);
    let millis = match millis {
        "" => 0,
        digits => number(digits)? * 10u64.pow(3 - digits.len() as u32),
    };
    Some(((seconds * 1000 + millis) as f64 / 1000.0, separator))
}

/// A cue line as shown: tags (`<v Anna>`, `<c.red>`, `<00:00:01.000>`,
/// `</i>`, `{\an8}`) removed, entities decoded.
fn clean(line: &str) -> String {
    let mut shown = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(['<', '{', '&']) {
        shown.push_str(&rest[..at]);
        rest = &rest[at..];
        let (close, skip) = match rest.as_bytes()[0] {
            b'<' => ('>', true),
            b'{' if rest.starts_with("{\\") => ('}', true),
            b'&' => (';', false),
            _ => {
                shown.push_str(&rest[..1]);
                rest = &rest[1..];
                continue;
            }
        };
        // A tag or entity is short; a lone `<` or `&` is text.
        let Some(length) = rest.bytes().take(64).position(|byte| byte == close as u8) else {
            shown.push_str(&rest[..1]);
            rest = &rest[1..];
            continue;
        };
        let whole = &rest[..=length];
        if !skip {
            match entity(whole) {
                Some(decoded) => shown.push_str(decoded),
                None => shown.push_str(whole),
            }
        }
        rest = &rest[length + 1..];
    }
    shown.push_str(rest);
    shown
}

fn entity(text: &str) -> Option<&'static str> {
    Some(match text {
        "&amp;" => "&",
        "&lt;" => "<",
        "&gt;" => ">",
        "&nbsp;" => "\u{a0}",
        "&lrm;" => "\u{200e}",
        "&rlm;" => "\u{200f}",
        "&quot;" => "\"",
        "&apos;" => "'",
        _ => return None,
    })
}

/// Reads a subtitle file found by a path (beside a post, or named by its
/// `subtitles`), within the post-text limit.
fn load(path: &Path, ctx: &ReadContext) -> Result<Subtitles, String> {
    let display = path.display();
    let flavour = Flavour::of(path)
        .ok_or_else(|| format!("subtitles '{display}': expected a .srt or .vtt file"))?;
    let limit = ctx.limits.post_text;
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|file| decode::utf8_reader(BufReader::new(file)))
        .and_then(|reader| reader.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|error| format!("cannot read subtitles '{display}': {error}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "subtitles '{display}': {}",
            over_limit(bytes.len() as u64, "post-text", limit)
        ));
    }
    let text =
        decode::utf8(&bytes, 0, 1).map_err(|error| format!("subtitles '{display}': {error}"))?;
    parse(text, flavour).map_err(|error| format!("subtitles '{display}': {error}"))
}

/// A subtitle file on its own: a video post whose cues are the file's.
pub(super) fn read(
    text: &str,
    path: String,
    flavour: Flavour,
    ctx: &ReadContext,
    on_note: &mut dyn FnMut(String),
) -> Record {
    let origin = Origin { path, ..Origin::default() };
    let Subtitles { cues, notes } =
        parse(text, flavour).map_err(|error| record_error(origin.clone(), error))?;
    for note in notes {
        on_note(format!("{}: {note}", origin.path));
    }
    let no_keys: [(&str, Value, Option<usize>); 0] = [];
    let mut post = fields::build(no_keys, origin, ctx)?;
    post.media.get_or_insert(Media::Video);
    post.subtitles = cues;
    Ok(post)
}

/// The extensions of a post file that a subtitle file beside it belongs to.
const POSTS_WITH_SUBTITLES: [&str; 3] = ["md", "markdown", "json"];

/// The subtitle file with the same stem as a post file (`clip.vtt` or
/// `clip.srt` beside `clip.md` or `clip.json`), when there is one.
pub(super) fn beside(post_file: &Path) -> Option<PathBuf> {
    let extension = post_file.extension()?.to_str()?;
    if !POSTS_WITH_SUBTITLES.iter().any(|known| extension.eq_ignore_ascii_case(known)) {
        return None;
    }
    ["vtt", "srt", "VTT", "SRT"]
        .iter()
        .map(|extension| post_file.with_extension(extension))
        .find(|candidate| candidate.is_file())
}

/// Whether a subtitle file belongs to a post file beside it (and so is not a
/// post of its own).
pub(super) fn has_post_beside(subtitle_file: &Path) -> bool {
    Flavour::of(subtitle_file).is_some()
        && POSTS_WITH_SUBTITLES
            .iter()
            .any(|extension| subtitle_file.with_extension(extension).is_file())
}

/// Gives a post its subtitles: from its `subtitles` path (relative to the
/// file that names it), else from the subtitle file beside its own file.
/// A `subtitles` path that cannot be read makes the post an error record.
pub(super) fn attach(mut post: Post, ctx: &ReadContext, on_note: &mut dyn FnMut(String)) -> Record {
    let named = match post.extra.get("subtitles") {
        Some(Value::String(path)) => {
            let base = Path::new(&post.origin.path).parent().unwrap_or(Path::new(""));
            Some(if post.origin.path == "-" { PathBuf::from(path) } else { base.join(path) })
        }
        _ => None,
    };
    let found = match &named {
        Some(path) => Some(path.clone()),
        None if post.subtitles.is_empty() => beside(Path::new(&post.origin.path)),
        None => None,
    };
    let Some(path) = found else {
        return Ok(post);
    };
    match load(&path, ctx) {
        Ok(Subtitles { cues, notes }) => {
            for note in notes {
                on_note(format!("{}: {note}", path.display()));
            }
            post.extra.remove("subtitles");
            post.subtitles = cues;
            Ok(post)
        }
        Err(message) => {
            Err(RecordError { id: post.id.clone(), ..record_error(post.origin.clone(), message) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(text: &str, flavour: Flavour) -> Vec<(f64, f64, String)> {
        parse(text, flavour)
            .unwrap()
            .cues
            .into_iter()
            .map(|cue| (cue.start, cue.end, cue.text))
            .collect()
    }

    fn notes(text: &str, flavour: Flavour) -> Vec<String> {
        parse(text, flavour).unwrap().notes
    }

    #[test]
    fn a_plain_srt_file() {
        let file = "1\n00:00:01,000 --> 00:00:04,500\nThis video is sponsored\nby Glow Lab.\n\n2\n00:01:12,500 --> 00:01:15,000\n<i>Link below!</i>\n";
        assert_eq!(
            cues(file, Flavour::Srt),
            [
                (1.0, 4.5, "This video is sponsored\nby Glow Lab.".to_owned()),
                (72.5, 75.0, "Link below!".to_owned()),
            ]
        );
        assert!(notes(file, Flavour::Srt).is_empty());
    }

    #[test]
    fn bom_crlf_dot_milliseconds_and_missing_blank_lines_are_read_with_notes() {
        let file = "\u{feff}1\r\n00:00:00.000 --> 00:00:02.000\r\nHi\r\n2\r\n00:00:02,000 --> 00:00:03,000\r\nthere\r\n00:00:03,000 --> 00:00:05,000\r\n#ad\r\n";
        assert_eq!(
            cues(file, Flavour::Srt),
            [(0.0, 2.0, "Hi".into()), (2.0, 3.0, "there".into()), (3.0, 5.0, "#ad".into())]
        );
        let notes = notes(file, Flavour::Srt);
        assert_eq!(
            notes,
            [
                "missing blank line between cues (line 4 and 1 more); read leniently",
                "milliseconds written with the other format's separator (line 2); read leniently",
            ]
        );
    }

    #[test]
    fn overlapping_and_unordered_cues_keep_their_file_order() {
        let file = "1\n00:00:05,000 --> 00:00:08,000\nb\n\n2\n00:00:06,000 --> 00:00:09,000\nc\n\n3\n00:00:01,000 --> 00:00:02,000\na\n";
        let read = cues(file, Flavour::Srt);
        assert_eq!(read.iter().map(|cue| cue.2.as_str()).collect::<Vec<_>>(), ["b", "c", "a"]);
        let notes = notes(file, Flavour::Srt);
        assert!(notes[0].starts_with("cues overlap (line 6)"), "{notes:?}");
        assert!(notes[1].starts_with("cues out of time order (line 10)"), "{notes:?}");
    }

    #[test]
    fn vtt_header_blocks_settings_and_tags() {
        let file = "WEBVTT - Sponsored episode\nKind: captions\n\nSTYLE\n::cue { color: lime }\n\nNOTE written by hand\nover two lines\n\nREGION\nid:fred\n\nintro\n00:01.000 --> 00:04.000 line:0 position:20% align:start\n<v Anna>This video is <c.yellow>sponsored</c> by <b>Glow&nbsp;Lab</b> &amp; co</v>\n\n01:00:00.250 --> 01:00:01.000\n&lt;3 &ampersand\n";
        assert_eq!(
            cues(file, Flavour::Vtt),
            [
                (1.0, 4.0, "This video is sponsored by Glow\u{a0}Lab & co".into()),
                (3600.25, 3601.0, "<3 &ampersand".into()),
            ]
        );
        assert!(notes(file, Flavour::Vtt).is_empty());
    }

    #[test]
    fn youtube_auto_captions_with_word_timing_read_as_words() {
        let file = "WEBVTT\nKind: captions\nLanguage: en\n\n00:00:00.000 --> 00:00:02.350 align:start position:0%\n \nthis<00:00:00.320><c> video</c><00:00:00.640><c> is</c>\n\n00:00:02.350 --> 00:00:02.360 align:start position:0%\nthis video is\n \n\n00:00:02.360 --> 00:00:05.000 align:start position:0%\nthis video is\nsponsored<00:00:02.800><c> by</c><00:00:03.100><c> glow</c><00:00:03.500><c> lab</c>\n";
        let read = cues(file, Flavour::Vtt);
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].2, "this video is");
        assert_eq!(read[2], (2.36, 5.0, "this video is\nsponsored by glow lab".into()));
        assert!(notes(file, Flavour::Vtt).is_empty());
    }

    #[test]
    fn odd_timings_are_skipped_or_fixed_with_a_note() {
        let file = "00:00:05,000 --> 00:00:01,000\nbackwards\n\n00:00:xx --> 00:00:02,000\nbad\n\n00:00:06 --> 00:00:07,5\nshort forms\n";
        let read = cues(file, Flavour::Srt);
        assert_eq!(read, [(5.0, 5.0, "backwards".into()), (6.0, 7.5, "short forms".into())]);
        let notes = notes(file, Flavour::Srt);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[1].starts_with("unreadable timing line, cue skipped (line 4)"), "{notes:?}");
    }

    #[test]
    fn files_without_cues_are_unreadable() {
        for text in ["", "WEBVTT\n\nNOTE nothing here\n", "just some text\nand more"] {
            let error = parse(text, Flavour::Vtt).unwrap_err();
            assert!(error.starts_with("no subtitle cue found"), "{error}");
        }
        let notes = notes("hello\n00:00:01.000 --> 00:00:02.000\nhi\n", Flavour::Vtt);
        assert_eq!(notes, ["no WEBVTT header (line 1); read leniently"]);
    }

    #[test]
    fn a_lone_angle_bracket_or_ampersand_is_text() {
        assert_eq!(clean("a < b & c"), "a < b & c");
        assert_eq!(clean("{\\an8}top <font color=\"red\">red</font>"), "top red");
        assert_eq!(clean("{not a tag}"), "{not a tag}");
        // A tag is looked for in a few bytes, never cut inside a character.
        let long = format!("<{}", "é".repeat(40));
        assert_eq!(clean(&long), long);
    }

    #[test]
    fn timestamps_count_whole_milliseconds() {
        assert_eq!(timestamp("00:00:15,000"), Some((15.0, Some(','))));
        assert_eq!(timestamp("00:14.900"), Some((14.9, Some('.'))));
        assert_eq!(timestamp("1:02:00"), Some((3720.0, None)));
        assert_eq!(timestamp("00:01:00,5"), Some((60.5, Some(','))));
        for bad in ["12", "00:00:01,0000", "a:b", "1:2:3:4", "00:-1:00", ""] {
            assert_eq!(timestamp(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod reading_tests {
    use std::fs;

    use crate::input::tests::read_all;
    use crate::input::{InputFormat, read_stream};
    use crate::post::Media;

    const VTT: &str =
        "WEBVTT\n\n00:00.000 --> 00:03.000\n<v Luna>This video is sponsored by Glow Lab\n";

    #[test]
    fn a_subtitle_file_beside_a_post_file_is_its_subtitles() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("clip.md"), "---\nmedia: reel\n---\nMy routine").unwrap();
        fs::write(dir.path().join("clip.vtt"), VTT).unwrap();
        fs::write(dir.path().join("other.srt"), "1\n00:00:01,000 --> 00:00:02,000\nhi\n").unwrap();
        let (records, notes) = read_all(&[dir.path().to_path_buf()], None);
        assert_eq!(records.len(), 2, "{records:?}");
        let clip = records[0].as_ref().unwrap();
        assert_eq!(clip.text, "My routine");
        assert_eq!(clip.subtitles[0].text, "This video is sponsored by Glow Lab");
        let other = records[1].as_ref().unwrap();
        assert_eq!((other.media, other.subtitles.len()), (Some(Media::Video), 1));
        assert!(notes.iter().any(|note| note.contains("clip.vtt as the subtitles")), "{notes:?}");
        // Naming the post alone picks them up too.
        let (records, _) = read_all(&[dir.path().join("clip.md")], None);
        assert_eq!(records[0].as_ref().unwrap().subtitles.len(), 1);
    }

    #[test]
    fn a_subtitles_path_is_relative_to_the_file_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("subs")).unwrap();
        fs::write(dir.path().join("subs/a.vtt"), VTT).unwrap();
        let posts = r#"[{"text": "a", "subtitles": "subs/a.vtt"}, {"text": "b", "subtitles": "subs/missing.srt"}]"#;
        fs::write(dir.path().join("posts.json"), posts).unwrap();
        fs::write(
            dir.path().join("posts.jsonl"),
            "{\"text\": \"c\", \"subtitles\": \"subs/a.vtt\"}\n",
        )
        .unwrap();
        let (records, _) =
            read_all(&[dir.path().join("posts.json"), dir.path().join("posts.jsonl")], None);
        let first = records[0].as_ref().unwrap();
        assert_eq!(first.subtitles.len(), 1);
        assert!(!first.extra.contains_key("subtitles"));
        let error = records[1].as_ref().unwrap_err();
        assert!(error.message.starts_with("cannot read subtitles '"), "{}", error.message);
        assert!(error.message.contains("missing.srt"), "{}", error.message);
        assert_eq!(records[2].as_ref().unwrap().subtitles.len(), 1);
    }

    #[test]
    fn a_forced_format_reads_subtitles_under_any_name_and_from_a_stream() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("captions.txt");
        fs::write(&file, VTT).unwrap();
        let (records, _) = read_all(&[file], Some(InputFormat::Vtt));
        assert_eq!(records[0].as_ref().unwrap().subtitles[0].start, 0.0);
        let srt = "1\n00:00:01,000 --> 00:00:02,000\n#ad\n";
        let ctx = crate::input::tests::context();
        let posts: Vec<_> =
            read_stream(srt.as_bytes(), "-".into(), Some(InputFormat::Srt), &ctx).collect();
        assert_eq!(posts[0].as_ref().unwrap().subtitles[0].text, "#ad");
    }

    #[test]
    fn an_unreadable_subtitle_file_is_an_error_record_and_reading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.srt"), "not subtitles at all").unwrap();
        fs::write(dir.path().join("b.vtt"), VTT).unwrap();
        let (records, _) = read_all(&[dir.path().to_path_buf()], None);
        let error = records[0].as_ref().unwrap_err();
        assert!(error.origin.path.ends_with("a.srt"));
        assert!(error.message.starts_with("no subtitle cue found"), "{}", error.message);
        assert!(records[1].is_ok());
    }
}
