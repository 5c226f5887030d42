//! `video-timing`: a video's subtitles hold a disclosure early enough, long
//! enough, or over enough of the video, by duration band, and again and
//! again in a live stream.
//!
//! A cue that holds an accepted term is a disclosure on screen (or said)
//! from its start to its end; overlapping cues count once. The video lasts
//! its `duration_s`, else until its last cue ends. A post without subtitles
//! is not judged: nothing says what its video shows.

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;
use crate::finding::{Field, Span, clock};
use crate::post::{Media, Post};

/// Times are whole milliseconds; half of one absorbs rounding.
const TOLERANCE_S: f64 = 0.0005;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// The accepted disclosure terms.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// What the disclosure must do, by the video's duration.
    #[serde(default)]
    bands: Option<Spanned<Vec<Spanned<RawBand>>>>,
    /// In a live stream, the longest stretch without a disclosure.
    #[serde(default)]
    repeat_live_s: Option<Spanned<f64>>,
    /// A disclosure in the title meets the rule (Korea: title or start).
    #[serde(default)]
    title_counts: Option<bool>,
}

/// One duration band as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    /// Videos up to and including this many seconds; the last band may
    /// leave it out (every longer video).
    #[serde(default)]
    up_to_s: Option<f64>,
    #[serde(default)]
    within_s: Option<f64>,
    #[serde(default)]
    min_duration_s: Option<f64>,
    #[serde(default)]
    share: Option<f64>,
    #[serde(default)]
    brand_cues: bool,
}

/// What a disclosure must do in videos of one band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub up_to_s: Option<f64>,
    /// The first disclosure starts by then.
    pub within_s: Option<f64>,
    /// Disclosure cues last at least this long in all.
    pub min_duration_s: Option<f64>,
    /// Disclosure cues cover at least this share of the video (0 to 1).
    pub share: Option<f64>,
    /// Every cue that names one of the post's brands is covered by a
    /// disclosure (said in it, or shown at the same time).
    pub brand_cues: bool,
}

#[derive(Debug, Clone)]
pub struct VideoTiming {
    pub terms: Sets,
    pub bands: Vec<Band>,
    pub repeat_live_s: Option<f64>,
    pub title_counts: bool,
}

impl Kind for VideoTiming {
    const NAME: &'static str = "video-timing";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let terms = context.sets("terms", params.terms);
        let bands = match params.bands {
            Some(bands) if !bands.value.is_empty() => compile_bands(&bands, context),
            Some(bands) => {
                context.problem(&bands, "`bands` is empty: give at least one band", "no band");
                Vec::new()
            }
            None => {
                context.missing("kind `video-timing` needs `bands`: what the disclosure must do, by the video's duration");
                Vec::new()
            }
        };
        let repeat_live_s = params.repeat_live_s.and_then(|seconds| {
            if seconds.value > 0.0 && seconds.value.is_finite() {
                Some(seconds.value)
            } else {
                context.problem(&seconds, "`repeat_live_s` must be a positive number of seconds", "not positive");
                None
            }
        });
        Some(VideoTiming { terms, bands, repeat_live_s, title_counts: params.title_counts.unwrap_or(false) })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        None
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        let mut parts: Vec<String> = self.bands.iter().map(Band::describe).collect();
        if let Some(seconds) = self.repeat_live_s {
            parts.push(format!("in a live stream, again at least every {seconds} s"));
        }
        let title = if self.title_counts { " (a disclosure in the title also counts)" } else { "" };
        format!("Requires a disclosure in the video's subtitles: {}{title}.", parts.join("; "))
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        let post = ctx.post;
        let first_cue = first_by_time(post, 0..post.subtitles.len())?;
        if self.title_counts && ctx.scan.hits_of(&self.terms).any(|hit| hit.field == Field::Title) {
            return None;
        }
        let duration = post.duration_s.unwrap_or_else(|| {
            post.subtitles.iter().map(|cue| cue.end).fold(0.0, f64::max)
        });
        let disclosures = Disclosures::of(self, ctx);
        let at_cue = |cue: usize| Span { start: 0, end: 0, field: Field::Subtitle(cue) };
        let Some(first) = disclosures.first else {
            let note = format!("no disclosure in the subtitles of this {} video", seconds(duration));
            return Some(detection(at_cue(first_cue), note));
        };
        let in_band = |band: &&Band| band.up_to_s.is_none_or(|up_to| duration <= up_to + TOLERANCE_S);
        if let Some(band) = self.bands.iter().find(in_band)
            && let Some(breach) = band.breach(post, ctx.label_counts, &disclosures, duration)
        {
            let span = breach.cue.map_or(first, at_cue);
            return Some(detection(span, breach.text));
        }
        let limit = self.repeat_live_s.filter(|_| post.media == Some(Media::Live))?;
        let (from, to) = longest_gap(&disclosures.covered, duration);
        (to - from > limit + TOLERANCE_S).then(|| {
            let note = format!(
                "no disclosure from {} to {} of the live stream; repeat it at least every {limit} s",
                clock(from),
                clock(to)
            );
            detection(first, note)
        })
    }
}

fn detection(span: Span, note: String) -> Detection {
    Detection { span, related: Vec::new(), note: Some(note), severity: None }
}

fn seconds(value: f64) -> String {
    format!("{} s", (value * 1000.0).round() / 1000.0)
}

fn compile_bands(bands: &Spanned<Vec<Spanned<RawBand>>>, context: &mut CompileContext) -> Vec<Band> {
    let mut compiled = Vec::new();
    let mut previous_up_to = None;
    let last = bands.value.len() - 1;
    for (index, raw) in bands.value.iter().enumerate() {
        let RawBand { up_to_s, within_s, min_duration_s, share, brand_cues } = raw.value.clone();
        let mut problem = |message: String| context.problem(raw, message, "band");
        let numbers = [up_to_s, within_s, min_duration_s];
        if numbers.iter().flatten().any(|seconds| !seconds.is_finite() || *seconds < 0.0) {
            problem("band times must be seconds, zero or more".into());
        }
        if share.is_some_and(|share| !(share > 0.0 && share <= 1.0)) {
            problem("`share` must be more than 0 and at most 1 (1 is the whole video)".into());
        }
        if within_s.is_none() && min_duration_s.is_none() && share.is_none() && !brand_cues {
            problem("a band needs within_s, min_duration_s, share or brand_cues".into());
        }
        match (up_to_s, previous_up_to) {
            (None, _) if index != last => problem("only the last band may leave out `up_to_s`".into()),
            (Some(up_to), Some(previous)) if up_to <= previous => {
                problem(format!("`up_to_s` must grow from band to band ({up_to} after {previous})"))
            }
            _ => {}
        }
        previous_up_to = up_to_s.or(previous_up_to);
        compiled.push(Band { up_to_s, within_s, min_duration_s, share, brand_cues });
    }
    compiled
}

/// The cues that hold a disclosure and the time they cover.
struct Disclosures {
    /// Whether each cue holds a disclosure.
    holds: Vec<bool>,
    /// The primary span: the first hit in the earliest disclosure cue.
    first: Option<Span>,
    /// The earliest disclosure cue's index.
    first_cue: Option<usize>,
    /// Merged `(start, end)` stretches, in time order.
    covered: Vec<(f64, f64)>,
}

impl Disclosures {
    fn of(rule: &VideoTiming, ctx: &Ctx) -> Disclosures {
        let post = ctx.post;
        let mut holds = vec![false; post.subtitles.len()];
        let mut first_hit: Vec<Option<Span>> = vec![None; post.subtitles.len()];
        for hit in ctx.scan.hits_of(&rule.terms) {
            if let Field::Subtitle(index) = hit.field
                && let Some(slot) = holds.get_mut(index)
            {
                *slot = true;
                first_hit[index].get_or_insert(hit.span());
            }
        }
        let first_cue = first_by_time(post, (0..holds.len()).filter(|index| holds[*index]));
        let mut stretches: Vec<(f64, f64)> = (0..holds.len())
            .filter(|index| holds[*index])
            .map(|index| (post.subtitles[index].start, post.subtitles[index].end))
            .collect();
        stretches.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut covered: Vec<(f64, f64)> = Vec::with_capacity(stretches.len());
        for (start, end) in stretches {
            match covered.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => covered.push((start, end)),
            }
        }
        Disclosures { holds, first: first_cue.and_then(|cue| first_hit[cue]), first_cue, covered }
    }

    /// Seconds of `0..duration` the disclosures cover.
    fn total(&self, duration: f64) -> f64 {
        self.covered.iter().map(|(start, end)| (end.min(duration) - start.max(0.0)).max(0.0)).sum()
    }

    /// Whether a disclosure is on screen at some moment of `start..=end`.
    fn overlaps(&self, start: f64, end: f64) -> bool {
        // The stretches are sorted and disjoint: the last one starting by
        // `end` is the only one that may reach back to `start`.
        let after = self.covered.partition_point(|stretch| stretch.0 <= end);
        after > 0 && self.covered[after - 1].1 >= start
    }
}

/// Why a band is not met, and the cue to point at when it is not the
/// first disclosure.
struct Breach {
    text: String,
    cue: Option<usize>,
}

impl Band {
    fn describe(&self) -> String {
        let mut needs = Vec::new();
        if let Some(seconds) = self.within_s {
            needs.push(format!("starting within {seconds} s"));
        }
        if let Some(seconds) = self.min_duration_s {
            needs.push(format!("lasting at least {seconds} s"));
        }
        if let Some(share) = self.share {
            needs.push(format!("covering at least {} of the video", percent(share)));
        }
        if self.brand_cues {
            needs.push("covering every cue that names the brand".to_owned());
        }
        let videos = match self.up_to_s {
            Some(seconds) => format!("videos up to {seconds} s"),
            None => "longer videos".to_owned(),
        };
        format!("{videos}: {}", needs.join(", "))
    }

    fn breach(&self, post: &Post, label_counts: bool, found: &Disclosures, duration: f64) -> Option<Breach> {
        let first_cue = found.first_cue?;
        let starts = post.subtitles[first_cue].start;
        // A platform's own notice (YouTube's "Includes paid promotion") is
        // shown at the start of the video: it meets `within_s`, not more.
        if let Some(within) = self.within_s.filter(|_| !label_counts)
            && starts > within + TOLERANCE_S
        {
            let text = format!("the first disclosure is at {}; it must start within {within} s", clock(starts));
            return Some(Breach { text, cue: None });
        }
        let total = found.total(duration);
        if let Some(least) = self.min_duration_s
            && total + TOLERANCE_S < least
        {
            let text = format!(
                "disclosure cues last {} in this {} video; they must last at least {least} s",
                seconds(total),
                seconds(duration)
            );
            return Some(Breach { text, cue: None });
        }
        if let Some(share) = self.share
            && total + TOLERANCE_S < share * duration
        {
            let text = format!(
                "disclosure cues cover {} of this {} video ({}); they must cover at least {}",
                seconds(total),
                seconds(duration),
                percent(total / duration),
                percent(share)
            );
            return Some(Breach { text, cue: None });
        }
        if self.brand_cues {
            let uncovered = (0..post.subtitles.len()).filter(|cue| !found.holds[*cue]).find(|cue| {
                let cue_ref = &post.subtitles[*cue];
                names_a_brand(&cue_ref.text, &post.brands) && !found.overlaps(cue_ref.start, cue_ref.end)
            });
            if let Some(cue) = uncovered {
                let text = format!(
                    "the cue at {} names the brand without a disclosure at the same time",
                    clock(post.subtitles[cue].start)
                );
                return Some(Breach { text, cue: Some(cue) });
            }
        }
        None
    }
}

fn percent(share: f64) -> String {
    format!("{}%", (share * 1000.0).round() / 10.0)
}

/// The cue among `cues` that starts first (file order breaks ties).
fn first_by_time(post: &Post, cues: impl Iterator<Item = usize>) -> Option<usize> {
    cues.min_by(|a, b| post.subtitles[*a].start.total_cmp(&post.subtitles[*b].start).then(a.cmp(b)))
}

/// Whether a cue's words name one of the brands ("Glow Lab" in "thanks to
/// glow lab", "GlowLab" in "glow-lab"): letters and digits compared alone.
fn names_a_brand(text: &str, brands: &[String]) -> bool {
    let compact = |text: &str| -> String {
        text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
    };
    let words = compact(text);
    brands.iter().map(|brand| compact(brand)).any(|brand| !brand.is_empty() && words.contains(&brand))
}

/// The longest stretch of `0..duration` without a disclosure.
fn longest_gap(covered: &[(f64, f64)], duration: f64) -> (f64, f64) {
    let mut longest = (0.0, 0.0);
    let mut from = 0.0;
    for &(start, end) in covered.iter().chain([(duration, duration)].iter()) {
        if start - from > longest.1 - longest.0 {
            longest = (from, start);
        }
        from = f64::max(from, end);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::fixture;
    use crate::engine::matcher::MatchMode;
    use crate::post::Cue;

    const SETS: &[(MatchMode, &str, &[&str])] =
        &[(MatchMode::Phrase, "en", &["sponsored by", "ad", "paid partnership"])];

    /// The ASCI bands.
    fn india() -> VideoTiming {
        let band = |up_to_s, min_duration_s, share, brand_cues| Band {
            up_to_s,
            within_s: None,
            min_duration_s,
            share,
            brand_cues,
        };
        VideoTiming {
            terms: vec![0].into(),
            bands: vec![
                band(Some(15.0), Some(3.0), None, false),
                band(Some(120.0), None, Some(1.0 / 3.0), false),
                band(None, None, None, true),
            ],
            repeat_live_s: None,
            title_counts: false,
        }
    }

    fn video(duration: f64, cues: &[(f64, f64, &str)]) -> Post {
        Post {
            subtitles: cues.iter().map(|(start, end, text)| Cue { start: *start, end: *end, text: text.to_string() }).collect(),
            duration_s: Some(duration),
            brands: vec!["Glow Lab".into()],
            media: Some(Media::Video),
            ..Post::default()
        }
    }

    fn run(rule: &VideoTiming, post: Post) -> Option<Detection> {
        rule.run(&fixture(post, SETS).ctx())
    }

    fn note(rule: &VideoTiming, post: Post) -> Option<String> {
        run(rule, post).map(|detection| detection.note.unwrap())
    }

    #[test]
    fn band_edges_of_india() {
        let rule = india();
        let ad = |end: f64| (0.0, end, "This video is sponsored by Glow Lab");
        // Up to and including 15 s: 3 s of disclosure.
        for duration in [14.9, 15.0] {
            assert_eq!(note(&rule, video(duration, &[ad(3.0), (3.0, duration, "so good")])), None, "{duration}");
            let short = note(&rule, video(duration, &[ad(2.999), (3.0, duration, "so good")])).unwrap();
            assert!(short.contains("they must last at least 3 s"), "{duration}: {short}");
        }
        // Over 15 s up to and including 2 min: a third of the video.
        let just_over = video(15.001, &[ad(3.0), (3.0, 15.001, "so good")]);
        assert!(note(&rule, just_over).unwrap().contains("at least 33.3%"));
        assert_eq!(note(&rule, video(120.0, &[ad(40.0), (40.0, 120.0, "so good")])), None);
        let short = note(&rule, video(120.0, &[ad(39.9), (40.0, 120.0, "so good")])).unwrap();
        assert_eq!(short, "disclosure cues cover 39.9 s of this 120 s video (33.2%); they must cover at least 33.3%");
        // Longer: every cue that names the brand is covered.
        let long = |second: &'static str| {
            video(121.0, &[ad(3.0), (3.0, 60.0, "anyway"), (60.0, 64.0, second), (64.0, 121.0, "bye")])
        };
        assert_eq!(note(&rule, long("the Glow Lab serum, an ad")), None);
        let detection = run(&rule, long("I love the glow lab serum")).unwrap();
        assert_eq!(detection.span.field, Field::Subtitle(2));
        assert_eq!(
            detection.note.unwrap(),
            "the cue at 00:01:00.000 names the brand without a disclosure at the same time"
        );
        // The 121 s video passes the middle band's share, so only the band decides.
        assert!(note(&rule, video(121.0, &[ad(3.0), (3.0, 121.0, "so good")])).is_none());
    }

    #[test]
    fn a_disclosure_shown_over_a_brand_cue_covers_it() {
        let post = video(200.0, &[(0.0, 200.0, "Paid partnership"), (100.0, 104.0, "Glow Lab is great")]);
        assert_eq!(note(&india(), post), None);
    }

    #[test]
    fn no_disclosure_points_at_the_first_cue_in_time() {
        let detection = run(&india(), video(10.0, &[(5.0, 9.0, "later"), (0.5, 4.0, "hello")])).unwrap();
        assert_eq!(detection.span, Span { start: 0, end: 0, field: Field::Subtitle(1) });
        assert_eq!(detection.note.unwrap(), "no disclosure in the subtitles of this 10 s video");
        // Without subtitles there is nothing to judge.
        assert!(run(&india(), video(10.0, &[])).is_none());
    }

    #[test]
    fn duration_defaults_to_the_last_cue_end_and_overlaps_count_once() {
        let mut post = video(0.0, &[(0.0, 2.0, "ad"), (1.0, 2.5, "an ad again"), (2.5, 14.0, "words")]);
        post.duration_s = None;
        let text = note(&india(), post).unwrap();
        assert_eq!(text, "disclosure cues last 2.5 s in this 14 s video; they must last at least 3 s");
    }

    #[test]
    fn within_the_start_title_and_platform_label() {
        let rule = VideoTiming {
            terms: vec![0].into(),
            bands: vec![Band { up_to_s: None, within_s: Some(5.0), min_duration_s: None, share: None, brand_cues: false }],
            repeat_live_s: None,
            title_counts: true,
        };
        let late = video(60.0, &[(0.0, 6.0, "hi"), (6.0, 9.0, "sponsored by Glow Lab")]);
        let detection = run(&rule, late.clone()).unwrap();
        assert_eq!(detection.span, Span { start: 0, end: 12, field: Field::Subtitle(1) });
        assert_eq!(detection.note.unwrap(), "the first disclosure is at 00:00:06.000; it must start within 5 s");
        let mut titled = late.clone();
        titled.title = Some("Ad: my routine".into());
        assert!(run(&rule, titled).is_none());
        let mut fixture = fixture(late, SETS);
        fixture.label_counts = true;
        assert!(rule.run(&fixture.ctx()).is_none());
    }

    #[test]
    fn live_streams_repeat_the_disclosure() {
        let rule = VideoTiming { repeat_live_s: Some(600.0), ..india() };
        let cues = [(0.0, 5.0, "sponsored by Glow Lab"), (300.0, 305.0, "an ad"), (1000.0, 1005.0, "ad"), (1500.0, 1800.0, "bye")];
        let mut post = video(1800.0, &cues);
        // Not live: the long-video band alone (no brand cue uncovered).
        assert!(run(&rule, post.clone()).is_none());
        post.media = Some(Media::Live);
        let text = note(&rule, post).unwrap();
        assert_eq!(text, "no disclosure from 00:16:45.000 to 00:30:00.000 of the live stream; repeat it at least every 600 s");
    }

    #[test]
    fn bad_bands_are_located_problems() {
        use crate::engine::ruleset::tests::{BOTH, compile, rule};
        let problems = |params: &str| compile(&rule("video-timing", params, BOTH)).map(|_| ()).unwrap_err();
        let good = "    terms: [ad]\n    bands: [{ up_to_s: 15, min_duration_s: 3 }, { share: 0.5 }]\n";
        assert!(compile(&rule("video-timing", good, BOTH)).is_ok());
        let cases = [
            ("    terms: [ad]\n", "needs `bands`"),
            ("    terms: [ad]\n    bands: []\n", "`bands` is empty"),
            ("    terms: [ad]\n    bands: [{ share: 1.5 }]\n", "`share` must be more than 0"),
            ("    terms: [ad]\n    bands: [{ up_to_s: 15 }]\n", "a band needs within_s"),
            ("    terms: [ad]\n    bands: [{ within_s: 3 }, { up_to_s: 9, within_s: 1 }]\n", "only the last band"),
            ("    terms: [ad]\n    bands: [{ up_to_s: 9, within_s: 1 }, { up_to_s: 9, share: 1 }]\n", "must grow"),
            ("    terms: [ad]\n    bands: [{ within_s: -1 }]\n", "zero or more"),
            ("    terms: [ad]\n    bands: [{ within_s: 1 }]\n    repeat_live_s: 0\n", "`repeat_live_s` must be a positive"),
            ("    terms: [ad]\n    bands: [{ within: 1 }]\n", "within"),
        ];
        for (params, expected) in cases {
            let problems = problems(params);
            assert!(problems.iter().any(|problem| problem.contains(expected)), "{params}: {problems:?}");
            assert!(problems.iter().all(|problem| problem.starts_with("house.yaml:")), "{problems:?}");
        }
    }

    #[test]
    fn longest_gap_includes_the_start_and_the_end() {
        assert_eq!(longest_gap(&[(10.0, 20.0)], 25.0), (0.0, 10.0));
        assert_eq!(longest_gap(&[(0.0, 5.0)], 25.0), (5.0, 25.0));
        assert_eq!(longest_gap(&[], 25.0), (0.0, 25.0));
    }
}
