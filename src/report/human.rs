//! `human`: one rustc-style miette diagnostic per finding, then a summary line.

use std::fmt::Write as _;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
    SourceSpan,
};
use unicode_segmentation::UnicodeSegmentation;

use super::{HumanOptions, Reporter, Summary};
use crate::finding::{Checked, CheckedPost, Field, Finding, Severity, Span};

pub struct HumanReporter {
    out: Box<dyn Write>,
    quiet: bool,
    handler: GraphicalReportHandler,
}

impl HumanReporter {
    pub fn new(out: Box<dyn Write>, options: HumanOptions) -> Self {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // Links off: terminal hyperlinks are escape codes that make output
        // depend on the terminal; the source URL goes into the help instead.
        let handler =
            GraphicalReportHandler::new_themed(theme).with_width(options.width).with_links(false);
        HumanReporter { out, quiet: options.quiet, handler }
    }

    /// Renders one finding: the diagnostic on the field of its primary span,
    /// then, for related spans in other fields, one note per field (a miette
    /// diagnostic has a single source).
    fn render(&self, checked: &CheckedPost, finding: &Finding) -> io::Result<String> {
        let mut fields = vec![finding.span.field];
        for span in &finding.related {
            if !fields.contains(&span.field) {
                fields.push(span.field);
            }
        }
        let mut rendered = String::new();
        for (position, field) in fields.into_iter().enumerate() {
            let text = field.text_in(&checked.post).unwrap_or_default();
            let label = Some(finding.category.to_string());
            let primary = (position == 0).then(|| {
                LabeledSpan::new_primary_with_span(label.clone(), source_span(text, finding.span))
            });
            let related =
                finding.related.iter().filter(|span| span.field == field).map(|span| {
                    LabeledSpan::new_with_span(label.clone(), source_span(text, *span))
                });
            let labels = primary.into_iter().chain(related);
            let diagnostic = if position == 0 {
                let mut diagnostic = MietteDiagnostic::new(&finding.message)
                    .with_severity(severity(finding.severity));
                diagnostic.help = help(finding);
                diagnostic
            } else {
                MietteDiagnostic::new("related").with_severity(miette::Severity::Advice)
            };
            let diagnostic = diagnostic.with_code(&finding.rule).with_labels(labels);
            let source = NamedSource::new(source_name(checked, field, text), text.to_string());
            let report = Report::new(diagnostic).with_source_code(source);
            self.handler.render_report(&mut rendered, report.as_ref()).map_err(io::Error::other)?;
            rendered.push('\n');
        }
        Ok(rendered)
    }
}

impl Reporter for HumanReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        match checked {
            Checked::Post(post) => {
                for finding in &post.findings {
                    let rendered = self.render(post, finding)?;
                    self.out.write_all(rendered.as_bytes())?;
                }
                Ok(())
            }
            Checked::Error(error) => {
                writeln!(self.out, "error: {}: {}\n", error.origin, error.message)
            }
        }
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let Summary { posts, pass, warn, fail, error, suppressed, baselined, .. } = summary;
        write!(
            self.out,
            "checked {posts} posts: {pass} pass, {warn} warn, {fail} fail, {error} error"
        )?;
        // Hidden findings are counted so a quiet run is not mistaken for a clean one.
        let hidden: Vec<String> = [(*suppressed, "suppressed"), (*baselined, "in the baseline")]
            .into_iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, why)| format!("{count} {why}"))
            .collect();
        if !hidden.is_empty() {
            write!(self.out, "; findings hidden: {}", hidden.join(", "))?;
        }
        writeln!(self.out)?;
        self.out.flush()
    }
}

fn severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The finding's help with its source on a line of its own, if either exists.
fn help(finding: &Finding) -> Option<String> {
    let source =
        (!finding.source_url.is_empty()).then(|| format!("source: {}", finding.source_url));
    let help = (!finding.help.is_empty()).then(|| finding.help.clone());
    match (help, source) {
        (Some(help), Some(source)) => Some(format!("{help}\n{source}")),
        (help, source) => help.or(source),
    }
}

/// `drafts/a.md:3 · post p17 · FR · text`.
fn source_name(checked: &CheckedPost, field: Field, text: &str) -> String {
    let post = &checked.post;
    let mut name = post.origin.to_string();
    if let Some(id) = &post.id {
        let _ = write!(name, " · post {id}");
    }
    if !post.markets.is_empty() {
        let markets: Vec<&str> = post.markets.iter().map(|market| market.as_str()).collect();
        let _ = write!(name, " · {}", markets.join(","));
    }
    // Always name the field: miette appends line:column within it, which
    // must not read as a position in the file after `path:line`.
    match field {
        Field::Text => name.push_str(" · text"),
        Field::Title => name.push_str(" · title"),
        Field::Subtitle(index) => {
            let _ = write!(name, " · subtitle cue {}", index + 1);
            if let Some(cue) = post.subtitles.get(index) {
                let _ = write!(name, " ({}s)", cue.start);
            }
        }
    }
    // An empty field has no line for miette to draw a label on.
    if text.is_empty() {
        name.push_str(" (empty)");
    }
    name
}

/// The span as miette wants it, kept inside `text` and on char boundaries so
/// a stray offset can never make rendering fail.
fn source_span(text: &str, span: Span) -> SourceSpan {
    let start = text.floor_char_boundary(span.start);
    let end = text.floor_char_boundary(span.end).max(start);
    // miette draws an empty label as a caret, except at the very end of the
    // text, where it draws nothing: point at the last grapheme there.
    if start == text.len()
        && let Some((last, _)) = text.grapheme_indices(true).next_back()
    {
        return (last..end).into();
    }
    (start..end).into()
}

#[cfg(test)]
mod tests {
    use super::super::{Format, render, sample_results};
    use super::*;

    const OPTIONS: HumanOptions = HumanOptions { color: false, quiet: false, width: 100 };

    #[test]
    fn human_snapshot() {
        insta::assert_snapshot!(render(Format::Human, OPTIONS, &sample_results()));
    }

    #[test]
    fn spans_stay_inside_the_text_and_empty_ones_stay_visible() {
        let span = |start, end| Span::text(start, end);
        let range = |text, span| {
            let span = source_span(text, span);
            span.offset()..span.offset() + span.len()
        };
        assert_eq!(range("Hi 👍🏽", span(3, 3)), 3..3, "miette draws a caret");
        assert_eq!(range("Hi 👍🏽", span(11, 11)), 3..11, "the whole last grapheme");
        assert_eq!(range("Hi\r\n", span(4, 4)), 2..4);
        assert_eq!(range("", span(0, 0)), 0..0);
        assert_eq!(range("é", span(1, 9)), 0..2, "floored to char boundaries, then widened");
    }

    #[test]
    fn color_is_optional() {
        let colored =
            render(Format::Human, HumanOptions { color: true, ..OPTIONS }, &sample_results());
        assert!(colored.contains('\u{1b}'));
        assert!(!render(Format::Human, OPTIONS, &sample_results()).contains('\u{1b}'));
    }

    #[test]
    fn quiet_prints_only_the_summary() {
        let options = HumanOptions { quiet: true, ..OPTIONS };
        assert_eq!(
            render(Format::Human, options, &sample_results()),
            "checked 5 posts: 1 pass, 1 warn, 2 fail, 1 error\n"
        );
    }
}
