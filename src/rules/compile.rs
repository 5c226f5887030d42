//! Validates raw packs and compiles them into a [`RuleSet`]: term sets into
//! the one matcher, rules into typed checks. Every problem of a file is
//! collected with its location before giving up on that file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::raw::{RawMarkets, RawPack, RawRule};
use super::{
    Example, FileError, FixAt, FixSpec, Length, Pack, PackSource, PlatformFacts, Rule, RuleSet,
    Source, Status, TermSet, When,
};
use crate::diag::Problems;
use crate::diag::yaml::{self, Spanned, span_of};
use crate::engine::checks::Check;
use crate::engine::checks::ambiguous_only::AmbiguousOnly;
use crate::engine::checks::commercial_signals::CommercialSignals;
use crate::engine::checks::forbid_term::ForbidTerm;
use crate::engine::checks::not_buried::NotBuried;
use crate::engine::checks::obfuscated_term::ObfuscatedTerm;
use crate::engine::checks::platform_label::{PlatformLabel, Stance};
use crate::engine::checks::require_label::RequireLabel;
use crate::engine::checks::require_term::{Fields, RequireTerm};
use crate::engine::checks::same_language::SameLanguage;
use crate::engine::checks::within_fold::{Fold, WithinFold};
use crate::engine::checks::within_hashtags::WithinHashtags;
use crate::engine::matcher::{MatchMode, MatcherBuilder, SetId};
use crate::finding::{Category, Severity};
use crate::post::{Flag, Market, MarketGroups, Media, Platform, Relationship, UnknownValue};

const CATEGORIES: &str = "missing-disclosure, ambiguous-disclosure, disclosure-below-fold, disclosure-buried, wrong-language, missing-label, prohibited-promotion, video-disclosure, platform-label-only, undisclosed-commercial-signals, obfuscated-disclosure";

/// Parses `rules/markets.yaml`.
pub fn market_groups(name: &str, source: &str) -> Result<MarketGroups, FileError> {
    let mut problems = Problems::new(name, source);
    let mut groups = MarketGroups::default();
    match yaml::parse::<RawMarkets>(source) {
        Ok(raw) => {
            for (group, members) in raw.groups {
                let mut markets = Vec::new();
                for member in members {
                    match Market::parse(&member.value) {
                        Ok(market) => markets.push(market),
                        Err(error) => problems.add(
                            span_of(source, &member),
                            error.to_string(),
                            "not a country code",
                            None,
                        ),
                    }
                }
                groups.0.insert(group.to_ascii_uppercase(), markets);
            }
        }
        Err(error) => problems.add(error.span, error.message, "here", None),
    }
    problems.into_result().map(|()| groups)
}

/// Compiles packs. Packs are validated independently; all failing files are
/// returned together.
pub fn compile(sources: Vec<PackSource>, groups: MarketGroups) -> Result<RuleSet, Vec<FileError>> {
    let mut errors = Vec::new();
    let mut parsed: Vec<(PackSource, RawPack)> = Vec::new();
    for source in sources {
        match yaml::parse::<RawPack>(&source.text) {
            Ok(raw) => parsed.push((source, raw)),
            Err(error) => {
                let mut problems = Problems::new(&source.name, &source.text);
                problems.add(error.span, error.message, "here", None);
                errors.extend(problems.into_result().err());
            }
        }
    }

    let mut compiler = Compiler { groups, ..Compiler::default() };
    // Term sets first, so rules of any pack may use sets of any other.
    let mut pack_ids = HashSet::new();
    let mut accepted = Vec::new();
    for (source, raw) in parsed {
        let mut problems = Problems::new(&source.name, &source.text);
        if !pack_ids.insert(raw.pack.value.clone()) {
            problems.add(
                span_of(&source.text, &raw.pack),
                format!("pack '{}' is loaded twice", raw.pack.value),
                "duplicate pack id",
                None,
            );
        }
        compiler.register_term_sets(&raw, &source.text, &mut problems);
        let earlier = problems.list;
        accepted.push((source, raw, earlier));
    }
    let mut rule_ids = HashSet::new();
    for (source, raw, earlier) in accepted {
        let mut problems = Problems::new(&source.name, &source.text);
        problems.list = earlier;
        compiler.compile_pack(source.clone(), raw, &mut rule_ids, &mut problems);
        errors.extend(problems.into_result().err());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RuleSet {
        packs: compiler.packs,
        rules: compiler.rules,
        term_sets: compiler.term_sets,
        matcher: compiler.matcher.build(),
        groups: compiler.groups,
        platforms: compiler.platforms,
    })
}

#[derive(Default)]
struct Compiler {
    groups: MarketGroups,
    matcher: MatcherBuilder,
    term_sets: Vec<TermSet>,
    set_ids: HashMap<String, SetId>,
    packs: Vec<Pack>,
    rules: Vec<Rule>,
    platforms: Vec<(Platform, PlatformFacts)>,
}

impl Compiler {
    fn register_term_sets(&mut self, raw: &RawPack, source: &str, problems: &mut Problems) {
        for (name, set) in &raw.terms {
            let qualified = format!("{}/{name}", raw.pack.value);
            let id = self.term_sets.len() as SetId;
            let mode = match set.value.mode.value.parse::<MatchMode>() {
                Ok(mode) => mode,
                Err(message) => {
                    problems.add(
                        span_of(source, &set.value.mode),
                        message,
                        "unknown match mode",
                        None,
                    );
                    continue;
                }
            };
            for term in &set.value.any {
                if let Err(message) = self.matcher.add(id, mode, &term.value) {
                    problems.add(
                        span_of(source, term),
                        format!("term set '{name}': {message}"),
                        "bad term",
                        None,
                    );
                }
            }
            self.set_ids.insert(qualified.clone(), id);
            self.term_sets.push(TermSet {
                name: qualified,
                language: set.value.language.as_ref().map(|language| language.to_ascii_lowercase()),
                mode: set.value.mode.value.clone(),
                terms: set.value.any.iter().map(|term| term.value.clone()).collect(),
            });
        }
    }

    fn compile_pack(
        &mut self,
        origin: PackSource,
        raw: RawPack,
        rule_ids: &mut HashSet<String>,
        problems: &mut Problems,
    ) {
        let source = origin.text.clone();
        let source = source.as_str();
        if let Some(version) = &raw.schema_version
            && version.value != 1
        {
            problems.add(
                span_of(source, version),
                format!("unsupported schema_version {}; this sponsorlint reads 1", version.value),
                "unsupported",
                None,
            );
        }
        if !is_semver(&raw.version.value) {
            problems.add(
                span_of(source, &raw.version),
                format!("version '{}' is not semver (x.y.z)", raw.version.value),
                "not x.y.z",
                None,
            );
        }
        if let Some(effective) = &raw.effective
            && !is_date(&effective.value)
        {
            problems.add(
                span_of(source, effective),
                format!("effective '{}' is not a date (YYYY-MM-DD)", effective.value),
                "not a date",
                None,
            );
        }
        let mut markets = Vec::new();
        for country in &raw.applies_to.countries {
            match self.groups.resolve(&country.value) {
                Ok(found) => markets.extend(found),
                Err(error) => problems.add(
                    span_of(source, country),
                    error.to_string(),
                    "unknown country",
                    None,
                ),
            }
        }
        markets.sort();
        markets.dedup();
        let platforms = parse_list::<Platform>(&raw.applies_to.platforms, source, problems);
        let mut sources = Vec::new();
        for entry in &raw.sources {
            if !entry.url.value.starts_with("https://") && !entry.url.value.starts_with("http://") {
                problems.add(
                    span_of(source, &entry.url),
                    "source url must start with https:// or http://",
                    "not a URL",
                    None,
                );
            }
            sources.push(Source {
                id: entry.id.value.clone(),
                title: entry.title.clone(),
                url: entry.url.value.clone(),
            });
        }
        let pack_index = self.packs.len();
        if let Some(facts) = &raw.platform {
            if platforms.is_empty() {
                problems.add(
                    span_of(source, &raw.pack),
                    "a pack with `platform:` facts needs applies_to.platforms",
                    "no platform",
                    None,
                );
            }
            let facts = PlatformFacts {
                fold: facts.fold.as_ref().map(Fold::from),
                max_length: facts.max_length.as_ref().map(Length::from),
                title_max_length: facts.title_max_length.as_ref().map(Length::from),
                label: facts.label.clone(),
                visible_fields: parse_fields(&facts.visible_fields, source, problems),
            };
            for platform in &platforms {
                self.platforms.retain(|(known, _)| known != platform);
                self.platforms.push((*platform, facts.clone()));
            }
        }
        let pack_id = raw.pack.value.clone();
        for rule in raw.rules {
            if let Some(rule) = self.compile_rule(
                &pack_id, pack_index, rule.value, &sources, source, rule_ids, problems,
            ) {
                self.rules.push(rule);
            }
        }
        self.packs.push(Pack {
            id: pack_id,
            title: raw.title,
            version: raw.version.value,
            effective: raw.effective.map(|effective| effective.value),
            markets,
            scope_names: raw
                .applies_to
                .countries
                .iter()
                .map(|country| country.value.to_ascii_uppercase())
                .collect(),
            platforms,
            fallback: raw.applies_to.fallback,
            sources,
            origin,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn compile_rule(
        &self,
        pack_id: &str,
        pack_index: usize,
        raw: RawRule,
        sources: &[Source],
        source: &str,
        rule_ids: &mut HashSet<String>,
        problems: &mut Problems,
    ) -> Option<Rule> {
        let before = problems.list.len();
        let id = raw.id.value.clone();
        if !id.starts_with(&format!("{pack_id}/")) || id.len() <= pack_id.len() + 1 {
            problems.add(
                span_of(source, &raw.id),
                format!("rule id '{id}' must start with '{pack_id}/'"),
                "wrong namespace",
                None,
            );
        }
        if !rule_ids.insert(id.clone()) {
            problems.add(
                span_of(source, &raw.id),
                format!("duplicate rule id '{id}'"),
                "duplicate",
                None,
            );
        }
        let category = serde_json::from_value::<Category>(serde_json::Value::String(
            raw.category.value.clone(),
        ))
        .map_err(|_| {
            problems.add(
                span_of(source, &raw.category),
                format!("unknown category '{}'; expected one of: {CATEGORIES}", raw.category.value),
                "unknown category",
                None,
            )
        })
        .ok();
        let severity = raw
            .severity
            .value
            .parse::<Severity>()
            .map_err(|error| {
                problems.add(
                    span_of(source, &raw.severity),
                    error.to_string(),
                    "unknown severity",
                    None,
                )
            })
            .ok();
        let status = match raw.status.as_ref().map(|status| status.value.as_str()) {
            None | Some("stable") => Status::Stable,
            Some("preview") => Status::Preview,
            Some(other) => {
                problems.add(
                    raw.status.as_ref().and_then(|s| span_of(source, s)),
                    format!("unknown status '{other}'; expected stable or preview"),
                    "unknown status",
                    None,
                );
                Status::Stable
            }
        };
        if status == Status::Preview && severity == Some(Severity::Error) {
            problems.add(
                span_of(source, &raw.severity),
                "a preview rule (facts not yet confirmed) cannot have severity error",
                "use warning or info",
                None,
            );
        }
        let rule_source = sources.iter().find(|known| known.id == raw.source.value).cloned();
        if rule_source.is_none() {
            let known: Vec<&str> = sources.iter().map(|known| known.id.as_str()).collect();
            problems.add(
                span_of(source, &raw.source),
                format!(
                    "unknown source '{}'; this pack's sources: {}",
                    raw.source.value,
                    known.join(", ")
                ),
                "unknown source",
                None,
            );
        }
        let when = When {
            relationship: parse_list::<Relationship>(&raw.when.relationship, source, problems),
            media: parse_list::<Media>(&raw.when.media, source, problems),
            platform: parse_list::<Platform>(&raw.when.platform, source, problems),
        };
        let fix = raw.fix.as_ref().map(|fix| FixSpec {
            insert: fix.insert.clone(),
            at: match fix.at.as_ref().map(|at| at.value.as_str()) {
                None | Some("start") => FixAt::Start,
                Some("end") => FixAt::End,
                Some(other) => {
                    problems.add(
                        fix.at.as_ref().and_then(|at| span_of(source, at)),
                        format!("unknown fix position '{other}'; expected start or end"),
                        "start or end",
                        None,
                    );
                    FixAt::Start
                }
            },
        });
        let check = Params { raw: &raw, pack_id, source, compiler: self }.build(problems);
        // A `sufficient` platform label only makes the label count: the rule
        // itself never fires, so it can have pass examples only.
        let never_fires = check.as_ref().is_some_and(Check::never_fires);
        if never_fires && !raw.examples.fail.is_empty() {
            problems.add(
                span_of(source, &raw.id),
                format!("rule '{id}' has stance `sufficient`, never fires, and so cannot have fail examples"),
                "fail examples of a rule that never fires",
                Some("give pass examples: posts with the label and no caption disclosure".into()),
            );
        } else if raw.examples.pass.is_empty() || (raw.examples.fail.is_empty() && !never_fires) {
            problems.add(
                span_of(source, &raw.id),
                format!("rule '{id}' needs at least one pass and one fail example"),
                "no examples",
                None,
            );
        }
        let examples = |list: &[Spanned<super::raw::RawExample>]| {
            list.iter()
                .map(|example| Example {
                    post: example.value.clone(),
                    span: span_of(source, example),
                })
                .collect()
        };
        if problems.list.len() > before {
            return None;
        }
        let rule_source = rule_source?;
        Some(Rule {
            id,
            pack: pack_index,
            check: check?,
            category: category?,
            severity: severity?,
            enabled: true,
            status,
            when,
            message: raw.message.clone(),
            help: raw.help.clone(),
            fix,
            source: rule_source,
            replaced_by: raw.replaced_by.clone(),
            pass_examples: examples(&raw.examples.pass),
            fail_examples: examples(&raw.examples.fail),
        })
    }
}

/// Reads a rule's kind parameters, rejecting the ones its kind does not use.
struct Params<'a> {
    raw: &'a RawRule,
    pack_id: &'a str,
    source: &'a str,
    compiler: &'a Compiler,
}

impl Params<'_> {
    fn build(&self, problems: &mut Problems) -> Option<Check> {
        let kind = self.raw.kind.value.as_str();
        let allowed: &[&str] = match kind {
            "require-term" => &["terms", "fields"],
            "within-fold" => &["terms", "fold"],
            "not-buried" => &["terms", "min_tags"],
            "ambiguous-only" => &["ambiguous", "terms"],
            "same-language" => &["terms", "required"],
            "platform-label" => &["stance", "terms", "label"],
            "commercial-signals" => &["signals", "terms", "implies"],
            "obfuscated-term" => &["terms"],
            "within-hashtags" => &["terms", "first"],
            "require-label" => &["flag", "terms"],
            "forbid-term" => &["terms", "unless"],
            other => {
                problems.add(
                    span_of(self.source, &self.raw.kind),
                    format!(
                        "unknown rule kind '{other}'; expected one of: {}",
                        Check::KINDS.join(", ")
                    ),
                    "unknown kind",
                    None,
                );
                return None;
            }
        };
        for (name, span) in self.present() {
            if !allowed.contains(&name) {
                problems.add(
                    span,
                    format!(
                        "parameter `{name}` is not used by kind `{kind}` (it takes: {})",
                        allowed.join(", ")
                    ),
                    "not a parameter of this kind",
                    None,
                );
            }
        }
        let before = problems.list.len();
        let check = match kind {
            "require-term" => Check::RequireTerm(RequireTerm {
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
                fields: self
                    .raw
                    .fields
                    .as_ref()
                    .map_or(Fields::ALL, |fields| parse_fields(fields, self.source, problems)),
            }),
            "within-fold" => Check::WithinFold(WithinFold {
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
                fold: self.raw.fold.as_ref().map(|spanned| Fold::from(&spanned.value)),
            }),
            "not-buried" => Check::NotBuried(NotBuried {
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
                min_tags: self
                    .raw
                    .min_tags
                    .as_ref()
                    .map_or(NotBuried::DEFAULT_MIN_TAGS, |min| min.value),
            }),
            "ambiguous-only" => Check::AmbiguousOnly(AmbiguousOnly {
                ambiguous: self.sets("ambiguous", self.raw.ambiguous.as_ref(), problems),
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
            }),
            "same-language" => Check::SameLanguage(SameLanguage {
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
                required: self.optional_sets(self.raw.required.as_ref(), problems),
            }),
            "platform-label" => Check::PlatformLabel(PlatformLabel {
                stance: self.stance(problems)?,
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
                label: self
                    .raw
                    .label
                    .as_ref()
                    .map_or(PlatformLabel::DEFAULT_LABEL.to_string(), |label| label.value.clone()),
            }),
            "commercial-signals" => Check::CommercialSignals(CommercialSignals {
                signals: self.sets("signals", self.raw.signals.as_ref(), problems),
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
                implies: self.implies(problems),
            }),
            "obfuscated-term" => Check::ObfuscatedTerm(ObfuscatedTerm {
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
            }),
            "within-hashtags" => Check::WithinHashtags(WithinHashtags {
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
                first: self.first(problems),
            }),
            "require-label" => Check::RequireLabel(RequireLabel {
                flag: self.flag(problems)?,
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
            }),
            _ => Check::ForbidTerm(ForbidTerm {
                terms: self.sets("terms", self.raw.terms.as_ref(), problems),
                unless: self.optional_sets(self.raw.unless.as_ref(), problems),
            }),
        };
        (problems.list.len() == before).then_some(check)
    }

    fn present(&self) -> Vec<(&'static str, Option<Range<usize>>)> {
        let raw = self.raw;
        let source = self.source;
        let list = |name: &'static str, value: &Option<Vec<Spanned<String>>>| {
            value.as_ref().map(|items| (name, items.first().and_then(|item| span_of(source, item))))
        };
        [
            list("terms", &raw.terms),
            list("fields", &raw.fields),
            list("ambiguous", &raw.ambiguous),
            list("required", &raw.required),
            list("signals", &raw.signals),
            list("unless", &raw.unless),
            raw.implies.as_ref().map(|value| ("implies", span_of(source, value))),
            raw.stance.as_ref().map(|value| ("stance", span_of(source, value))),
            raw.label.as_ref().map(|value| ("label", span_of(source, value))),
            raw.min_tags.as_ref().map(|value| ("min_tags", span_of(source, value))),
            raw.fold.as_ref().map(|value| ("fold", span_of(source, value))),
            raw.first.as_ref().map(|value| ("first", span_of(source, value))),
            raw.flag.as_ref().map(|value| ("flag", span_of(source, value))),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn sets(
        &self,
        name: &str,
        value: Option<&Vec<Spanned<String>>>,
        problems: &mut Problems,
    ) -> Vec<SetId> {
        match value {
            Some(names) if !names.is_empty() => self.optional_sets(Some(names), problems),
            _ => {
                problems.add(
                    span_of(self.source, &self.raw.kind),
                    format!("kind `{}` needs `{name}`: a list of term sets", self.raw.kind.value),
                    "missing parameter",
                    None,
                );
                Vec::new()
            }
        }
    }

    fn optional_sets(
        &self,
        value: Option<&Vec<Spanned<String>>>,
        problems: &mut Problems,
    ) -> Vec<SetId> {
        let mut ids = Vec::new();
        for name in value.into_iter().flatten() {
            let qualified = if name.value.contains('/') {
                name.value.clone()
            } else {
                format!("{}/{}", self.pack_id, name.value)
            };
            match self.compiler.set_ids.get(&qualified) {
                Some(id) => ids.push(*id),
                None => {
                    let prefix = format!("{}/", self.pack_id);
                    let known: Vec<&str> = self
                        .compiler
                        .set_ids
                        .keys()
                        .filter_map(|key| key.strip_prefix(&prefix))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    problems.add(
                        span_of(self.source, name),
                        format!("unknown term set '{}'", name.value),
                        "unknown term set",
                        Some(format!(
                            "sets of this pack: {}; sets of other packs are written pack/set",
                            known.join(", ")
                        )),
                    );
                }
            }
        }
        ids
    }

    fn first(&self, problems: &mut Problems) -> u32 {
        let Some(first) = &self.raw.first else {
            return WithinHashtags::DEFAULT_FIRST;
        };
        if first.value == 0 {
            problems.add(
                span_of(self.source, first),
                "`first` must be at least 1",
                "zero hashtags",
                None,
            );
        }
        first.value
    }

    fn flag(&self, problems: &mut Problems) -> Option<Flag> {
        let Some(flag) = &self.raw.flag else {
            problems.add(
                span_of(self.source, &self.raw.kind),
                format!(
                    "kind `require-label` needs `flag`: one of {}",
                    Flag::ALL.iter().map(|flag| flag.as_str()).collect::<Vec<_>>().join(", ")
                ),
                "missing parameter",
                None,
            );
            return None;
        };
        flag.value
            .parse()
            .map_err(|error: UnknownValue| {
                problems.add(span_of(self.source, flag), error.to_string(), "unknown flag", None)
            })
            .ok()
    }

    fn stance(&self, problems: &mut Problems) -> Option<Stance> {
        let Some(stance) = &self.raw.stance else {
            problems.add(
                span_of(self.source, &self.raw.kind),
                "kind `platform-label` needs `stance`: sufficient, warn or insufficient",
                "missing parameter",
                None,
            );
            return None;
        };
        Stance::parse(&stance.value)
            .map_err(|message| {
                problems.add(span_of(self.source, stance), message, "unknown stance", None)
            })
            .ok()
    }

    fn implies(&self, problems: &mut Problems) -> Relationship {
        let Some(implies) = &self.raw.implies else { return Relationship::Paid };
        match implies.value.parse::<Relationship>() {
            Ok(relationship)
                if !matches!(relationship, Relationship::Unknown | Relationship::None) =>
            {
                relationship
            }
            Ok(_) => {
                problems.add(
                    span_of(self.source, implies),
                    "`implies` must be a commercial relationship",
                    "not commercial",
                    None,
                );
                Relationship::Paid
            }
            Err(error) => {
                problems.add(
                    span_of(self.source, implies),
                    error.to_string(),
                    "unknown relationship",
                    None,
                );
                Relationship::Paid
            }
        }
    }
}

fn parse_fields(names: &[Spanned<String>], source: &str, problems: &mut Problems) -> Fields {
    let mut fields = Fields { text: false, title: false, subtitles: false };
    for name in names {
        match name.value.as_str() {
            "text" => fields.text = true,
            "title" => fields.title = true,
            "subtitles" => fields.subtitles = true,
            other => problems.add(
                span_of(source, name),
                format!("unknown field '{other}'; expected text, title or subtitles"),
                "unknown field",
                None,
            ),
        }
    }
    fields
}

fn parse_list<T: std::str::FromStr<Err = crate::post::UnknownValue>>(
    values: &[Spanned<String>],
    source: &str,
    problems: &mut Problems,
) -> Vec<T> {
    let mut parsed = Vec::new();
    for value in values {
        match value.value.parse::<T>() {
            Ok(item) => parsed.push(item),
            Err(error) => {
                problems.add(span_of(source, value), error.to_string(), "unknown value", None)
            }
        }
    }
    parsed
}

fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
}

fn is_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && parts.iter().all(|part| part.chars().all(|c| c.is_ascii_digit())))
}
