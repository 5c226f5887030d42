//! What reporters may know about rules: plain data the CLI copies out of the
//! loaded rule set, so no reporter depends on the rule engine's types.

use std::collections::HashMap;

use crate::finding::{Category, Severity};

/// One rule as reporters describe it (SARIF `tool.driver.rules`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    /// The rule's message as written in its pack, before a finding adds
    /// what it found.
    pub message: String,
    pub help: String,
    pub category: Category,
    pub severity: Severity,
    /// The rule kind (`require-term`, …) and what that kind checks.
    pub kind: String,
    pub kind_description: String,
    /// The pack the rule comes from and the markets (or groups, as written)
    /// and platforms that pack applies to.
    pub pack: String,
    pub markets: Vec<String>,
    pub platforms: Vec<String>,
    /// The law or code behind the rule.
    pub source_title: String,
    pub source_url: String,
    /// A rule whose facts are not yet confirmed.
    pub preview: bool,
}

/// Every loaded rule, by id.
#[derive(Debug, Clone, Default)]
pub struct RuleCatalogue {
    rules: HashMap<String, RuleInfo>,
}

impl RuleCatalogue {
    pub fn get(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.get(id)
    }
}

impl FromIterator<RuleInfo> for RuleCatalogue {
    fn from_iter<I: IntoIterator<Item = RuleInfo>>(rules: I) -> Self {
        RuleCatalogue { rules: rules.into_iter().map(|rule| (rule.id.clone(), rule)).collect() }
    }
}
