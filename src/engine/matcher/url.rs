//! `url` terms: a link whose host, optional path prefix and optional query
//! parameter match (`rstyle.me`, `amazon.*?tag`, `7eer.net/c/`).

use super::TermError;
use crate::engine::tokens::Link;

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

    /// `labels` are the link's host labels, split once for all patterns.
    pub(super) fn matches(&self, text: &str, link: &Link, labels: &[&str]) -> bool {
        let host_ok = (0..labels.len()).any(|start| self.host_matches_from(&labels[start..]));
        host_ok
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
