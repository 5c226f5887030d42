//! The engine's phases on the seeded corpus, in process: no start-up, no
//! JSON in or out. `cargo bench --bench engine` prints the median time per
//! post of each phase over several rounds, next to a baseline measured in the
//! same run on the same posts: one case-insensitive aho-corasick pass over
//! the raw captions for every literal term of the built-in packs, the least
//! any keyword checker does.
//!
//! The posts come from `bench/data/posts-2000.jsonl` (or the file named by
//! `SPONSORLINT_BENCH_CORPUS`), which `bench/gen_corpus.py` writes when it is
//! missing. The whole-program benchmark against `rg` and Python is
//! `bench/run.py`; see BENCHMARKS.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aho_corasick::AhoCorasick;
use sponsorlint::engine::Engine;
use sponsorlint::engine::language;
use sponsorlint::engine::matcher::ScannedField;
use sponsorlint::engine::normalize::Normalized;
use sponsorlint::engine::scan::PostScan;
use sponsorlint::finding::Field;
use sponsorlint::input::{ReadContext, read_inputs};
use sponsorlint::packs;
use sponsorlint::post::Post;

const ROUNDS: usize = 7;

fn main() {
    let corpus = corpus();
    let posts = read_posts(&corpus);
    let rules = packs::load(true, &[]).expect("the built-in packs load");
    let engine = Engine::new(rules.clone());
    let matcher = rules.matcher(None);
    let literals: Vec<&str> = rules
        .term_sets
        .iter()
        .filter(|set| matches!(set.mode.as_str(), "word" | "phrase" | "hashtag"))
        .flat_map(|set| &set.terms)
        .map(String::as_str)
        .filter(|term| !term.contains("{brand}"))
        .collect();
    let baseline = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&literals)
        .expect("the literal terms build an automaton");
    let normalized: Vec<String> =
        posts.iter().map(|post| Normalized::new(&post.text).text).collect();

    println!("{} posts from {}, median of {ROUNDS} rounds\n", posts.len(), corpus.display());
    let base = time_per_item(&posts, |post| {
        black_box(baseline.find_overlapping_iter(&post.text).count());
    });
    let phases: [(&str, Duration); 5] = [
        ("normalise the text", time_per_item(&posts, |post| drop(Normalized::new(&post.text)))),
        (
            "normalise + find hashtags, mentions, links",
            time_per_item(&posts, |post| drop(ScannedField::new(Field::Text, &post.text))),
        ),
        (
            "scan: all fields, every term set",
            time_per_item(&posts, |post| drop(PostScan::new(post, &matcher))),
        ),
        ("check: scan, plans, rules, findings (post cloned)", {
            time_per_item(&posts, |post| drop(engine.check(post.clone())))
        }),
        (
            "language detection (on normalised text)",
            time_per_item(&normalized, |text| drop(black_box(language::detect(text)))),
        ),
    ];
    println!("| phase | µs per post | × baseline |");
    println!("| --- | --- | --- |");
    println!(
        "| baseline: aho-corasick over the raw text, {} terms | {} | 1.0 |",
        literals.len(),
        micros(base)
    );
    for (name, per_post) in phases {
        let ratio = per_post.as_secs_f64() / base.as_secs_f64();
        println!("| {name} | {} | {ratio:.1} |", micros(per_post));
    }
}

/// The median time per item of `ROUNDS` passes of `phase` over `items`.
fn time_per_item<T>(items: &[T], phase: impl Fn(&T)) -> Duration {
    let rounds: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            items.iter().for_each(&phase);
            start.elapsed()
        })
        .collect();
    median(rounds) / u32::try_from(items.len()).unwrap_or(u32::MAX).max(1)
}

fn median(mut rounds: Vec<Duration>) -> Duration {
    rounds.sort();
    rounds[rounds.len() / 2]
}

fn micros(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1e6)
}

fn corpus() -> PathBuf {
    if let Some(path) = std::env::var_os("SPONSORLINT_BENCH_CORPUS") {
        return PathBuf::from(path);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("bench/data/posts-2000.jsonl");
    if !path.exists() {
        let generated = Command::new("python3")
            .arg(root.join("bench/gen_corpus.py"))
            .args(["--posts", "2000", "--out"])
            .arg(root.join("bench/data/posts-2000"))
            .status();
        assert!(
            generated.is_ok_and(|status| status.success()),
            "could not run bench/gen_corpus.py; set SPONSORLINT_BENCH_CORPUS to a JSONL file"
        );
    }
    path
}

fn read_posts(corpus: &Path) -> Vec<Post> {
    let context = ReadContext::default();
    let mut ignore_note = |_: String| {};
    let paths = [corpus.to_path_buf()];
    let posts: Vec<Post> = read_inputs(&paths, None, &context, &mut ignore_note)
        .filter_map(|raw| raw.parse(&context).ok())
        .collect();
    assert!(!posts.is_empty(), "no posts in {}", corpus.display());
    posts
}
