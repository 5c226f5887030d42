//! Inline SVG bar charts: one stacked bar per label, each segment also
//! written out as a number, so no colour has to be told apart.

use std::fmt::Write as _;

use super::text::Escaped;

/// One kind of segment: its name in the legend and its CSS class.
pub(crate) struct Series {
    pub name: &'static str,
    pub class: &'static str,
}

pub(crate) struct Chart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub series: &'a [Series],
    /// Label and one count per series.
    pub bars: Vec<(String, Vec<usize>)>,
    /// Said under the chart: what was left out or approximated.
    pub note: Option<String>,
}

const LABEL_WIDTH: usize = 240;
const BAR_WIDTH: usize = 360;
const ROW_HEIGHT: usize = 24;
const WIDTH: usize = 960;
/// Characters of a label shown; the whole label is in the bar's tooltip.
const LABEL_CHARS: usize = 30;

pub(crate) fn write_chart(out: &mut String, chart: &Chart) {
    let _ = write!(
        out,
        "<figure class=\"chart\" id=\"{id}\"><figcaption><h3>{title}</h3></figcaption>",
        id = chart.id,
        title = Escaped(chart.title)
    );
    if chart.bars.is_empty() {
        out.push_str("<p>No data.</p></figure>");
        return;
    }
    let largest = chart.bars.iter().map(|(_, counts)| counts.iter().sum::<usize>()).max();
    let largest = largest.unwrap_or(0).max(1);
    let height = chart.bars.len() * ROW_HEIGHT + 4;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-labelledby=\"{id}-t\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"{WIDTH}\" height=\"{height}\"><title id=\"{id}-t\">{title}</title>",
        id = chart.id,
        title = Escaped(chart.title)
    );
    for (row, (label, counts)) in chart.bars.iter().enumerate() {
        let y = row * ROW_HEIGHT + 2;
        let described = describe(chart.series, counts);
        let short: String = if label.chars().count() > LABEL_CHARS {
            label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
        } else {
            label.clone()
        };
        let _ = write!(
            out,
            "<g><title>{label}: {described}</title><text class=\"label\" x=\"{x}\" y=\"{ty}\" \
             text-anchor=\"end\">{short}</text>",
            label = Escaped(label),
            x = LABEL_WIDTH - 8,
            ty = y + 16,
            short = Escaped(&short),
        );
        let mut x = LABEL_WIDTH;
        for (series, &count) in chart.series.iter().zip(counts) {
            let width = count * BAR_WIDTH / largest;
            if count > 0 {
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{h}\"/>",
                    class = series.class,
                    width = width.max(1),
                    h = ROW_HEIGHT - 6,
                );
            }
            x += width;
        }
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{x}\" y=\"{ty}\">{described}</text></g>",
            x = LABEL_WIDTH + BAR_WIDTH + 10,
            ty = y + 16,
        );
    }
    out.push_str("</svg><ul class=\"legend\">");
    for series in chart.series {
        let _ =
            write!(out, "<li><span class=\"swatch {}\"></span>{}</li>", series.class, series.name);
    }
    out.push_str("</ul>");
    if let Some(note) = &chart.note {
        let _ = write!(out, "<p class=\"note\">{}</p>", Escaped(note));
    }
    out.push_str("</figure>");
}

/// "3 fail · 1 needs review": the non-zero counts in words.
fn describe(series: &[Series], counts: &[usize]) -> String {
    let parts: Vec<String> = series
        .iter()
        .zip(counts)
        .filter(|(_, count)| **count > 0)
        .map(|(series, count)| format!("{count} {}", series.name))
        .collect();
    if parts.is_empty() { "0".to_owned() } else { parts.join(" · ") }
}
