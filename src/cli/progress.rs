//! The progress bar of `check`: on stderr, only on a terminal, and only once
//! a run has taken about a second (short runs never flash a bar).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use sponsorlint::finding::Checked;

/// The bar when the input's size or position is unknown.
const SPINNER: &str = "{spinner} {msg}";

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: bool,
    posts: u64,
    /// Input files and sizes, when known (not for stdin): the bar then
    /// measures bytes, which gives a percentage and an ETA.
    sizes: Option<HashMap<String, u64>>,
    /// Bytes of the files already finished, and the file being read.
    done_bytes: u64,
    current: Option<String>,
}

impl Progress {
    /// A bar, or `None` when it must never show (not a terminal, `--quiet`,
    /// `--no-progress`).
    pub fn new(
        enabled: bool,
        sizes: impl FnOnce() -> Option<Vec<(String, u64)>>,
    ) -> Option<Progress> {
        if !enabled || !std::io::stderr().is_terminal() {
            return None;
        }
        let sizes = sizes();
        let total: Option<u64> =
            sizes.as_ref().map(|sizes| sizes.iter().map(|(_, size)| size).sum());
        let bar = match total {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
                .with_style(style("{msg} [{bar:30}] {percent:>3}% · ETA {eta}")),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
                .with_style(style(SPINNER)),
        };
        Some(Progress {
            bar,
            started: Instant::now(),
            shown: false,
            posts: 0,
            sizes: sizes.map(|sizes| sizes.into_iter().collect()),
            done_bytes: 0,
            current: None,
        })
    }

    /// Counts one result and moves the bar.
    pub fn advance(&mut self, checked: &Checked) {
        self.posts += 1;
        let origin = checked.origin();
        if self.current.as_deref() != Some(origin.path.as_str()) {
            let finished = self.current.replace(origin.path.clone());
            self.done_bytes += finished.and_then(|path| self.size_of(&path)).unwrap_or(0);
        }
        // Every 64 posts is plenty for the eye and keeps the bar cheap.
        if !self.posts.is_multiple_of(64) {
            return;
        }
        if !self.shown && self.started.elapsed() >= DELAY {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        match origin.text_offset {
            Some(within_file) => self.bar.set_position(self.done_bytes + within_file as u64),
            // Rows of CSV files and sheets carry no byte offset: rather than
            // a percentage stuck until the file ends, show posts and rate.
            None if self.sizes.take().is_some() => {
                self.bar.set_style(style(SPINNER));
                self.bar.set_length(0);
            }
            None => {}
        }
        let rate = self.posts as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        self.bar.set_message(format!("{} posts · {rate:.0}/s", self.posts));
    }

    fn size_of(&self, path: &str) -> Option<u64> {
        self.sizes.as_ref()?.get(path).copied()
    }

    /// Clears the bar so the report's last lines stay clean.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_on_a_non_terminal_or_when_disabled() {
        // Test runners capture stderr, so it is not a terminal here.
        assert!(!std::io::stderr().is_terminal());
        let mut asked = false;
        assert!(
            Progress::new(true, || {
                asked = true;
                None
            })
            .is_none()
        );
        assert!(!asked, "input sizes are not even computed");
        assert!(Progress::new(false, || None).is_none());
    }
}
