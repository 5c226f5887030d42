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
use sponsorlint::{Checker, Market, Platform, Post, Relationship, Verdict};

const POSTS: &str = "tests/regulators/posts.jsonl";
const DOC: &str = "docs/accuracy.md";
const YOUTUBE: &str = "tests/regulators/youtube_sentences.jsonl";
const INSTAGRAM: &str = "tests/regulators/instagram_captions.jsonl";

/// The lowest overall agreement accepted, and the lowest share of cleared
/// posts kept clean.
const FLOOR: f64 = 0.70;
const CLEARED_FLOOR: f64 = 0.48;

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
        let agrees = flagged(&checker, &ruled.post) == ruled.breach;
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

    let figures = [
        table("all posts", &BTreeMap::from([("all".to_string(), overall)])),
        table("outcome", &by_outcome),
        table("relationship", &by_relationship),
        table("market", &by_market),
        table("cause", &by_cause),
        table("regulator", &by_regulator),
    ]
    .join("\n");
    documented("rulings", &figures);

    let agreement = Tally::share(overall.checker, overall.posts);
    assert!(agreement >= FLOOR, "agreement {agreement:.3} is below the floor {FLOOR}");
    let cleared = by_outcome["cleared"];
    let kept = Tally::share(cleared.checker, cleared.posts);
    assert!(kept >= CLEARED_FLOOR, "cleared posts kept {kept:.3} is below {CLEARED_FLOOR}");
}

/// Checks that `docs/accuracy.md` holds `figures` between the markers of
/// block `name`, or writes them there with `ACCURACY_UPDATE=1`.
fn documented(name: &str, figures: &str) {
    let (begin, end) = (
        format!("<!-- {name}: begin (written by tests/regulators.rs) -->"),
        format!("<!-- {name}: end -->"),
    );
    let doc = std::fs::read_to_string(DOC).expect("docs/accuracy.md");
    let (before, rest) = doc.split_once(&begin).expect("the figures' begin marker");
    let (_, after) = rest.split_once(&end).expect("the figures' end marker");
    let updated = format!("{before}{begin}\n{figures}{end}{after}");
    if std::env::var_os("ACCURACY_UPDATE").is_some() {
        std::fs::write(DOC, &updated).expect("write docs/accuracy.md");
    } else {
        assert!(
            doc == updated,
            "docs/accuracy.md is out of date; rerun with ACCURACY_UPDATE=1. Figures:\n{figures}"
        );
    }
}

fn records(path: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("the evaluation set")
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

fn post(text: &str, platform: Platform, relationship: Relationship) -> Post {
    Post {
        text: text.into(),
        markets: vec![Market::parse("US").unwrap()],
        platform: Some(platform),
        relationship,
        ..Post::default()
    }
}

fn flagged(checker: &Checker, post: &Post) -> bool {
    matches!(checker.check(post).verdict, Verdict::Fail | Verdict::Warn)
}

/// One row: how many of `posts` the check gets right, as the target asks.
struct Rate {
    what: &'static str,
    target: &'static str,
    right: usize,
    posts: usize,
    keywords: usize,
}

impl Rate {
    fn row(&self) -> String {
        format!(
            "| {} | {} | {} of {} ({:.2}) | {} of {} ({:.2}) |\n",
            self.what,
            self.target,
            self.right,
            self.posts,
            Tally::share(self.right, self.posts),
            self.keywords,
            self.posts,
            Tally::share(self.keywords, self.posts)
        )
    }
}

/// Real YouTube description sentences and Instagram captions, each checked
/// for a US audience as the targets describe: a disclosure sentence
/// alone on an affiliate post should pass; a denial next to an affiliate
/// link, a promo-code line (relationship unknown) and a plain product line
/// (affiliate post) should be flagged; Instagram captions with the label
/// removed (relationship unknown) should be flagged, and captions that were
/// not sponsored should not.
#[test]
fn sentence_sets_are_documented() {
    let checker = Checker::builtin().expect("built-in packs load");
    let youtube = records(YOUTUBE);
    let rate = |what, target, wanted: bool, texts: Vec<(String, Relationship, Platform)>| {
        let mut rate = Rate { what, target, right: 0, posts: texts.len(), keywords: 0 };
        for (text, relationship, platform) in texts {
            let post = post(&text, platform, relationship);
            rate.right += usize::from(flagged(&checker, &post) == wanted);
            rate.keywords += usize::from(keyword_flags(&post) == wanted);
        }
        rate
    };
    // Affiliate disclosures in three kinds: the dataset marks those that only
    // say buying "supports the channel"; of the others, those that say what
    // the creator gets (the FTC's explanation) are told apart from bare
    // "affiliate link" labels by the words below.
    let says_what_creator_gets = |text: &str| {
        let text = text.to_lowercase();
        ["commission", "earn", "paid", "payment", "compensat", "percentage", "kickback", "revenue"]
            .iter()
            .any(|word| text.contains(word))
    };
    #[derive(PartialEq)]
    enum Kind {
        Explains,
        Labels,
        SupportsChannel,
    }
    let group = |name: &str, kind: Option<Kind>| -> Vec<String> {
        youtube
            .iter()
            .filter(|record| record["group"] == name)
            .map(|record| {
                let text = record["text"].as_str().unwrap().to_string();
                let of = if record["notes"].as_str().unwrap_or("").contains("Implicit wording") {
                    Kind::SupportsChannel
                } else if says_what_creator_gets(&text) {
                    Kind::Explains
                } else {
                    Kind::Labels
                };
                (text, of)
            })
            .filter(|(_, of)| kind.as_ref().is_none_or(|kind| kind == of))
            .map(|(text, _)| text)
            .collect()
    };
    let with = |texts: Vec<String>, relationship| {
        texts.into_iter().map(|text| (text, relationship, Platform::Youtube)).collect::<Vec<_>>()
    };
    let link = "https://amzn.to/3xYzQ12";
    let denials = group("denial", None).into_iter().map(|text| format!("{text} {link}")).collect();
    let instagram = records(INSTAGRAM);
    let captions = |sponsored: bool| {
        instagram
            .iter()
            .filter(|record| record["sponsored"] == sponsored)
            .map(|record| {
                let text = record["text"].as_str().unwrap().to_string();
                (text, Relationship::Unknown, Platform::Instagram)
            })
            .collect::<Vec<_>>()
    };
    let rates = [
        rate(
            "YouTube: explanatory affiliate disclosures accepted",
            ">= 0.90",
            false,
            with(group("affiliate-disclosure", Some(Kind::Explains)), Relationship::Affiliate),
        ),
        rate(
            "YouTube: bare \"affiliate link\" labels accepted",
            "(none)",
            false,
            with(group("affiliate-disclosure", Some(Kind::Labels)), Relationship::Affiliate),
        ),
        rate(
            "YouTube: \"support the channel\" wordings accepted",
            "(none)",
            false,
            with(
                group("affiliate-disclosure", Some(Kind::SupportsChannel)),
                Relationship::Affiliate,
            ),
        ),
        rate(
            "YouTube: \"not sponsored\" denials next to an affiliate link flagged",
            ">= 0.90",
            true,
            with(denials, Relationship::Unknown),
        ),
        rate(
            "YouTube: promo-code lines flagged (relationship unknown)",
            ">= 0.90",
            true,
            with(group("promo-code", None), Relationship::Unknown),
        ),
        rate(
            "YouTube: plain product lines not accepted as a disclosure",
            "1.00",
            true,
            with(group("plain-product", None), Relationship::Affiliate),
        ),
        rate("Instagram: sponsored, label removed, flagged", ">= 0.40", true, captions(true)),
        rate("Instagram: not sponsored, left alone", ">= 0.85", false, captions(false)),
    ];
    let mut figures =
        String::from("| set | target | sponsorlint | keywords |\n| --- | --- | --- | --- |\n");
    for rate in &rates {
        figures.push_str(&rate.row());
    }
    documented("sentences", &figures);
    // Floors a little under today's figures: a change that loses ground
    // fails here, in the order of the table.
    let floors = [0.90, 0.0, 0.0, 0.90, 0.95, 1.0, 0.38, 0.90];
    assert_eq!(floors.len(), rates.len(), "a floor per row");
    for (rate, floor) in rates.iter().zip(floors) {
        let share = Tally::share(rate.right, rate.posts);
        assert!(share >= floor, "{}: {share:.2} is below the floor {floor}", rate.what);
    }
}

#[test]
fn the_keyword_baseline_flags_unlabelled_posts_only() {
    let post = |text: &str| Post { text: text.into(), ..Post::default() };
    assert!(keyword_flags(&post("Loving my new serum @glowlab")));
    assert!(!keyword_flags(&post("#AD Loving my new serum")));
    assert!(!keyword_flags(&post("Paid partnership with Glow Lab")));
    assert!(keyword_flags(&post("Adventure time #adventure")));
}
