//! Agreement with regulators: every post in `tests/regulators/posts.jsonl`
//! was quoted verbatim in a published ruling or guidance, with the outcome
//! the regulator gave. The checker agrees with a ruling when it flags
//! (warning or error) a post ruled a breach and passes a post ruled
//! acceptable. The figures, and those of a keyword-only check on the same
//! posts, are written in `docs/accuracy.md`; this test fails when they
//! change without the document (rewrite it with `ACCURACY_UPDATE=1`) or
//! fall below the floor.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;

use sponsorlint::input::{InputFormat, ReadContext, read_stream};
use sponsorlint::{Checker, Post, Relationship, Verdict};

const POSTS: &str = "tests/regulators/posts.jsonl";
const DOC: &str = "docs/accuracy.md";
const BEGIN: &str = "<!-- figures: begin (written by tests/regulators.rs) -->";
const END: &str = "<!-- figures: end -->";

/// The lowest overall agreement accepted, and the lowest share of cleared
/// posts kept clean.
const FLOOR: f64 = 0.60;
const CLEARED_FLOOR: f64 = 0.0;

/// The "ten-line keyword script": flag a post unless one of these words or
/// hashtags appears anywhere in it (case-insensitive, as whole words).
const KEYWORDS: &[&str] = &[
    "#ad",
    "ad",
    "#advert",
    "advert",
    "advertisement",
    "advertising",
    "#sponsored",
    "sponsored",
    "paid partnership",
    "#gifted",
    "gifted",
    "#affiliate",
    "affiliate",
    "werbung",
    "anzeige",
    "publicité",
    "publicite",
    "pubblicità",
    "publicidad",
    "reclame",
    "advertentie",
    "gesponsord",
    "reklam",
    "annons",
    "samarbete",
    "광고",
    "협찬",
    "広告",
    "pr",
];

struct Ruled {
    post: Post,
    breach: bool,
    cause: String,
    body: String,
}

fn ruled_posts() -> Vec<Ruled> {
    let file = BufReader::new(File::open(POSTS).expect("the evaluation set"));
    let ctx = ReadContext::default();
    read_stream(file, POSTS.into(), Some(InputFormat::Jsonl), &ctx)
        .map(|record| {
            let post = record.expect("every ruled post reads");
            let key = |name: &str| post.extra[name].as_str().expect(name).to_string();
            let breach = match key("outcome").as_str() {
                "breach" => true,
                "cleared" => false,
                other => panic!("unknown outcome {other}"),
            };
            let (cause, body) = (key("cause"), key("regulator"));
            Ruled { post, breach, cause, body }
        })
        .collect()
}

/// The keyword script's answer: flagged unless a keyword appears.
fn keyword_flags(post: &Post) -> bool {
    let text = format!("{} {}", post.title.as_deref().unwrap_or(""), post.text).to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '#'))
        .filter(|word| !word.is_empty())
        .collect();
    let joined = words.join(" ");
    !KEYWORDS.iter().any(|keyword| {
        if keyword.contains(' ') {
            joined.contains(keyword)
        } else {
            words.iter().any(|word| word == keyword || word.trim_start_matches('#') == *keyword)
        }
    })
}

#[derive(Default, Clone, Copy)]
struct Tally {
    posts: usize,
    checker: usize,
    keywords: usize,
}

impl Tally {
    fn add(&mut self, checker_agrees: bool, keywords_agree: bool) {
        self.posts += 1;
        self.checker += usize::from(checker_agrees);
        self.keywords += usize::from(keywords_agree);
    }

    fn share(count: usize, of: usize) -> f64 {
        if of == 0 { 0.0 } else { count as f64 / of as f64 }
    }

    fn row(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {} ({:.2}) | {} ({:.2}) |",
            self.posts,
            self.checker,
            Tally::share(self.checker, self.posts),
            self.keywords,
            Tally::share(self.keywords, self.posts)
        )
    }
}

fn table(title: &str, rows: &BTreeMap<String, Tally>) -> String {
    let mut out = format!("| {title} | posts | sponsorlint agrees | keywords agree |\n");
    out.push_str("| --- | --- | --- | --- |\n");
    for (name, tally) in rows {
        out.push_str(&tally.row(name));
        out.push('\n');
    }
    out
}

#[test]
fn agreement_with_regulators_is_documented_and_above_the_floor() {
    let checker = Checker::builtin().expect("built-in packs load");
    let mut overall = Tally::default();
    let mut by_outcome: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_market: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_cause: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_relationship: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_regulator: BTreeMap<String, Tally> = BTreeMap::new();
    for ruled in ruled_posts() {
        let result = checker.check(&ruled.post);
        let flagged = matches!(result.verdict, Verdict::Fail | Verdict::Warn);
        let agrees = flagged == ruled.breach;
        let keywords_agree = keyword_flags(&ruled.post) == ruled.breach;
        let market = ruled.post.markets.iter().map(ToString::to_string).collect::<Vec<_>>();
        let stated = if ruled.post.relationship == Relationship::Unknown {
            "unknown (audit)"
        } else {
            "stated in the ruling"
        };
        let outcome = if ruled.breach { "breach" } else { "cleared" };
        overall.add(agrees, keywords_agree);
        for (rows, key) in [
            (&mut by_outcome, outcome.to_string()),
            (&mut by_market, market.join(",")),
            (&mut by_cause, ruled.cause.clone()),
            (&mut by_relationship, stated.to_string()),
            (&mut by_regulator, ruled.body.clone()),
        ] {
            rows.entry(key).or_default().add(agrees, keywords_agree);
        }
    }

    let figures = format!(
        "{BEGIN}\n{}\n{}\n{}\n{}\n{}\n{}{END}",
        table("all posts", &BTreeMap::from([("all".to_string(), overall)])),
        table("outcome", &by_outcome),
        table("relationship", &by_relationship),
        table("market", &by_market),
        table("cause", &by_cause),
        table("regulator", &by_regulator),
    );
    let doc = std::fs::read_to_string(DOC).expect("docs/accuracy.md");
    let (before, rest) = doc.split_once(BEGIN).expect("the figures' begin marker");
    let (_, after) = rest.split_once(END).expect("the figures' end marker");
    let updated = format!("{before}{figures}{after}");
    if std::env::var_os("ACCURACY_UPDATE").is_some() {
        std::fs::write(DOC, &updated).expect("write docs/accuracy.md");
    } else {
        assert!(
            doc == updated,
            "docs/accuracy.md is out of date; rerun with ACCURACY_UPDATE=1. Figures:\n{figures}"
        );
    }

    let agreement = Tally::share(overall.checker, overall.posts);
    assert!(agreement >= FLOOR, "agreement {agreement:.3} is below the floor {FLOOR}");
    let cleared = by_outcome["cleared"];
    let kept = Tally::share(cleared.checker, cleared.posts);
    assert!(kept >= CLEARED_FLOOR, "cleared posts kept {kept:.3} is below {CLEARED_FLOOR}");
}

#[test]
fn the_keyword_baseline_flags_unlabelled_posts_only() {
    let post = |text: &str| Post { text: text.into(), ..Post::default() };
    assert!(keyword_flags(&post("Loving my new serum @glowlab")));
    assert!(!keyword_flags(&post("#AD Loving my new serum")));
    assert!(!keyword_flags(&post("Paid partnership with Glow Lab")));
    assert!(keyword_flags(&post("Adventure time #adventure")));
}
