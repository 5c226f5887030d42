//! `url` terms: a link whose host, optional path prefix and optional query
//! parameter match (`rstyle.me`, `amazon.*?tag`, `7eer.net/c/`).

use foldhash::HashMap;

use super::{SetId, TermError};
use crate::engine::tokens::Link;

/// Every `url` term, by the first label of its host, so that a link is
/// compared only with the terms whose host can start at one of its labels
/// (`www.amazon.de` with `amazon.*?tag` and `de…` terms, not all of them).
#[derive(Debug, Default)]
pub(super) struct UrlPatterns {
    patterns: Vec<(UrlPattern, SetId)>,
    by_first_label: HashMap<String, Vec<usize>>,
    /// Terms whose host starts with `*`.
    any_first_label: Vec<usize>,
}

impl UrlPatterns {
    pub(super) fn add(&mut self, pattern: UrlPattern, set: SetId) {
        let index = self.patterns.len();
        match pattern.host.first().filter(|label| *label != "*") {
            Some(label) => self.by_first_label.entry(label.clone()).or_default().push(index),
            None => self.any_first_label.push(index),
        }
        self.patterns.push((pattern, set));
    }

    /// Calls `found` with the set of each term `link` matches, once per term.
    pub(super) fn scan(&self, text: &str, link: &Link, mut found: impl FnMut(SetId)) {
        if self.patterns.is_empty() {
            return;
        }
        let labels: Vec<&str> = text[link.host.clone()].trim_end_matches('.').split('.').collect();
        let mut matched = Vec::new();
        for start in 0..labels.len() {
            let named = self.by_first_label.get(labels[start]).into_iter().flatten();
            for &index in named.chain(&self.any_first_label) {
                if self.patterns[index].0.matches(text, link, &labels[start..]) {
                    matched.push(index);
                }
            }
        }
        matched.sort_unstable();
        matched.dedup();
        for index in matched {
            found(self.patterns[index].1);
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct UrlPattern {
    /// Host labels; `*` is one label, or all the remaining ones at the end.
    host: Vec<String>,
    path_prefix: String,
    /// Query parameter name, and an optional value prefix.
    param: Option<(String, String)>,
}

impl UrlPattern {
    pub(super) fn parse(term: &str) -> Result<UrlPattern, TermError> {
        let term = term.trim().to_ascii_lowercase();
        let term = term.trim_start_matches("https://").trim_start_matches("http://");
        let (location, param) = match term.split_once('?') {
            Some((location, param)) => (location, Some(param)),
            None => (term, None),
        };
        let (host, path) = match location.find('/') {
            Some(at) => (&location[..at], &location[at..]),
            None => (location, ""),
        };
        if host.is_empty() || host.split('.').any(str::is_empty) {
            return Err(TermError::NoHost(term.to_string()));
        }
        let param = param.map(|param| match param.split_once('=') {
            Some((name, value)) => (name.to_string(), value.to_string()),
            None => (param.to_string(), String::new()),
        });
        Ok(UrlPattern {
            host: host.split('.').map(str::to_string).collect(),
            path_prefix: path.to_string(),
            param,
        })
    }

    /// Whether `link` matches with the host's labels from `labels` on.
    fn matches(&self, text: &str, link: &Link, labels: &[&str]) -> bool {
        self.host_matches_from(labels)
            && text[link.path.clone()].starts_with(&self.path_prefix)
            && self.param.as_ref().is_none_or(|(name, value_prefix)| {
                text[link.query.clone()].split('&').any(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    key == name && value.starts_with(value_prefix.as_str())
                })
            })
    }

    fn host_matches_from(&self, labels: &[&str]) -> bool {
        let last = self.host.len() - 1;
        for (index, pattern) in self.host.iter().enumerate() {
            if index == last && pattern == "*" {
                return labels.len() > index;
            }
            match labels.get(index) {
                Some(label) if pattern == "*" || pattern == label => {}
                _ => return false,
            }
        }
        labels.len() == self.host.len()
    }
}
