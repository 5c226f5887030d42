//! `notice`: fires on every post its `when` selects — a note about how the
//! post was checked rather than about its text, such as `global/no-market`
//! (no country's law could be applied).

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets};
use crate::engine::matcher::SetId;

/// A notice has no parameters of its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {}

#[derive(Debug, Clone)]
pub struct Notice;

impl Kind for Notice {
    const NAME: &'static str = "notice";
    type Params = Params;

    fn compile(_: Params, _: &mut CompileContext) -> Option<Self> {
        Some(Notice)
    }

    fn trigger(&self) -> Option<&[SetId]> {
        None
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        Vec::new()
    }

    fn describe(&self) -> String {
        "Notes something about every post its `when` selects (no text is read).".into()
    }

    fn run(&self, _: &Ctx) -> Option<Detection> {
        Some(Detection::at_start(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};

    #[test]
    fn fires_on_any_text() {
        for text in ["", "#ad Loving it", "Sunday walk"] {
            let fixture = fixture(text_post(text), &[]);
            let detection = Notice.run(&fixture.ctx()).unwrap();
            assert_eq!(fixture.flagged(&detection), "");
        }
    }
}
