//! Shared by `read_srt` and `read_vtt`: any bytes read as subtitles give a
//! video post or an error record, never a panic; every cue's times are
//! finite with the start no later than the end; checking the post in the
//! markets with timing rules gives findings whose cue and span lie in the
//! post's subtitles.

use std::sync::{Arc, OnceLock};

use sponsorlint::engine::{Engine, RuleSet};
use sponsorlint::finding::Field;
use sponsorlint::input::{InputFormat, ReadContext, read_stream};
use sponsorlint::{Market, Media, Relationship};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let rules: Arc<RuleSet> = sponsorlint::packs::load(true, &[]).expect("built-in packs");
        Engine::new(rules)
    })
}

const MARKETS: [&str; 5] = ["IN", "FR", "KR", "GB", "US"];
const MEDIA: [Media; 3] = [Media::Video, Media::Short, Media::Live];

pub fn run(data: &[u8], format: InputFormat) {
    let Some((&choice, bytes)) = data.split_first() else { return };
    let ctx = ReadContext::default();
    for record in read_stream(bytes, "fuzz".into(), Some(format), &ctx) {
        let Ok(mut post) = record else { continue };
        for cue in &post.subtitles {
            assert!(cue.start.is_finite() && cue.end.is_finite(), "{cue:?}");
            assert!(0.0 <= cue.start && cue.start <= cue.end, "{cue:?}");
        }
        post.markets = vec![Market::parse(MARKETS[usize::from(choice) % MARKETS.len()]).unwrap()];
        post.media = Some(MEDIA[usize::from(choice / 8) % MEDIA.len()]);
        post.relationship = Relationship::Paid;
        post.brands = vec!["Glow Lab".into()];
        let checked = engine().check(post);
        for finding in &checked.findings {
            let Field::Subtitle(index) = finding.span.field else { continue };
            let cue = finding.cue.expect("a finding in subtitles carries its cue");
            assert_eq!(cue.index, index);
            let text = &checked.post.subtitles[index].text;
            assert!(text.get(finding.span.start..finding.span.end).is_some(), "{finding:?}");
        }
    }
}
