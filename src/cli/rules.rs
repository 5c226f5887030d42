//! `sponsorlint rules list` and `sponsorlint rules test`.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::{ConfigArgs, EXIT_ERROR, PackArgs, load_rules, with_config, write_stdout};
use sponsorlint::config::Config;
use sponsorlint::engine::RuleSet;
use sponsorlint::packs::selftest;
use sponsorlint::post::{Market, Platform};
use sponsorlint::rules::{Pack, Rule};

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules that apply to a market and/or platform
    List {
        /// Only rules that apply to this market (ISO code)
        #[arg(long, value_name = "CC")]
        country: Option<String>,
        /// Only rules that apply to this platform
        #[arg(long, value_name = "P", value_parser = super::values::one_of::<Platform>())]
        platform: Option<Platform>,
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Run every rule's own pass/fail examples (built-in packs when no path)
    Test {
        /// Pack files or folders to test
        paths: Vec<PathBuf>,
    },
    /// Print the coverage table (markets × relationships × categories) in Markdown
    Coverage {
        #[command(flatten)]
        packs: PackArgs,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

pub fn run(command: RulesCommand, config: &ConfigArgs) -> u8 {
    match command {
        RulesCommand::List { country, platform, format, packs } => {
            with_config(config, |config| list(country.as_deref(), platform, format, &packs, config))
        }
        // Tests a pack's own examples, whatever a configuration says.
        RulesCommand::Test { paths } => test(&paths),
        RulesCommand::Coverage { packs } => with_config(config, |config| {
            match load_rules(&packs, config, sponsorlint::rules::Examples::Read) {
                Ok(rules) => write_stdout(&sponsorlint::packs::coverage::markdown(&rules)),
                Err(code) => code,
            }
        }),
    }
}

#[derive(Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    pack: &'a str,
    kind: &'static str,
    category: &'static str,
    severity: &'static str,
    status: &'static str,
    markets: Vec<String>,
    platforms: Vec<&'static str>,
    source_url: &'a str,
    examples: ExampleCounts,
}

#[derive(Serialize)]
struct ExampleCounts {
    pass: usize,
    fail: usize,
}

/// A pack applies unless it is scoped to another market or platform than
/// the ones asked for.
fn pack_applies(
    rules: &RuleSet,
    pack: &Pack,
    market: Option<Market>,
    platform: Option<Platform>,
) -> bool {
    let market_ok =
        pack.markets.is_empty() || market.is_none_or(|market| rules.applies_in(pack, market));
    let platform_ok = pack.platforms.is_empty()
        || platform.is_none_or(|platform| pack.platforms.contains(&platform));
    market_ok && platform_ok
}

fn list(
    country: Option<&str>,
    platform: Option<Platform>,
    format: ListFormat,
    packs: &PackArgs,
    config: &Config,
) -> u8 {
    let market = match country.map(Market::parse).transpose() {
        Ok(market) => market,
        Err(error) => {
            eprintln!("error: --country: {error}");
            return EXIT_ERROR;
        }
    };
    let rules = match load_rules(packs, config, sponsorlint::rules::Examples::Read) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let listed: Vec<ListedRule> = rules
        .rules
        .iter()
        .filter(|rule| pack_applies(&rules, rules.pack_of(rule), market, platform))
        .filter(|rule| {
            platform.is_none()
                || rule.when.platform.is_empty()
                || platform.is_some_and(|p| rule.when.platform.contains(&p))
        })
        .map(|rule| listed(&rules, rule))
        .collect();
    let mut out = String::new();
    match format {
        ListFormat::Json => match serde_json::to_string_pretty(&listed) {
            Ok(json) => out = json + "\n",
            Err(error) => {
                eprintln!("error: {error}");
                return EXIT_ERROR;
            }
        },
        ListFormat::Human => {
            if let Some(platform) = platform {
                out += &platform_summary(&rules, platform);
                out.push('\n');
            }
            let width = listed.iter().map(|rule| rule.id.len()).max().unwrap_or(0);
            for rule in &listed {
                let scope = [rule.markets.join(","), rule.platforms.join(",")]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let preview = if rule.status == "preview" { " (preview)" } else { "" };
                out += &format!(
                    "{:width$}  {:7}  {:30}  {}{preview}\n",
                    rule.id,
                    rule.severity,
                    rule.category,
                    if scope.is_empty() { "everywhere" } else { &scope }
                );
            }
            out += &format!("{} rules\n", listed.len());
        }
    }
    write_stdout(&out)
}

/// One line of the platform's facts, with where each figure comes from.
fn platform_summary(rules: &RuleSet, platform: Platform) -> String {
    let Some(facts) = rules.platform_facts(Some(platform)) else {
        return format!("{platform}: no platform facts loaded");
    };
    let basis = |basis: &Option<String>| match basis {
        Some(basis) => format!(" ({basis})"),
        None => String::new(),
    };
    let mut parts = vec![match &facts.label {
        Some(label) => format!("label \"{label}\""),
        None => "no native paid-partnership label".to_string(),
    }];
    parts.push(match &facts.fold {
        Some(fold) => format!(
            "fold {} graphemes{}{}",
            fold.graphemes,
            fold.lines.map(|lines| format!(" / {lines} lines")).unwrap_or_default(),
            basis(&fold.basis)
        ),
        None => "no known fold".to_string(),
    });
    for (name, length) in [("text", &facts.max_length), ("title", &facts.title_max_length)] {
        if let Some(length) = length {
            parts.push(format!("{name} max {}{}", length.characters, basis(&length.basis)));
        }
    }
    let visible = facts.visible_fields;
    if visible.title || visible.subtitles {
        parts.push(format!(
            "always visible: {}",
            [("title", visible.title), ("subtitles", visible.subtitles)]
                .iter()
                .filter(|(_, shown)| *shown)
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    format!("{platform}: {}", parts.join("; "))
}

fn listed<'a>(rules: &'a RuleSet, rule: &'a Rule) -> ListedRule<'a> {
    let pack = rules.pack_of(rule);
    ListedRule {
        id: &rule.id,
        pack: &pack.id,
        kind: rules.check(rule).kind(),
        category: rule.category.as_str(),
        severity: if rule.enabled { rule.severity.as_str() } else { "off" },
        status: match rule.status {
            sponsorlint::rules::Status::Stable => "stable",
            sponsorlint::rules::Status::Preview => "preview",
        },
        markets: if pack.scope_names.is_empty() { Vec::new() } else { pack.scope_names.clone() },
        platforms: pack
            .platforms
            .iter()
            .chain(&rule.when.platform)
            .map(|platform| platform.as_str())
            .collect(),
        source_url: &rule.source.url,
        examples: ExampleCounts { pass: rule.pass_examples.len(), fail: rule.fail_examples.len() },
    }
}

fn test(paths: &[PathBuf]) -> u8 {
    // The given packs load on top of the built-in ones (they may use their
    // term sets); only their own examples run — or the built-in ones' when
    // no path is given.
    let limit = sponsorlint::limits::Limits::default().rule_pack;
    let paths = match super::fetch::remote_packs(paths.to_vec(), &[], limit) {
        Ok(paths) => paths,
        Err(code) => return code,
    };
    let paths = paths.as_slice();
    let rules = match sponsorlint::packs::compile_gathered(true, paths) {
        Ok(rules) => rules,
        Err(errors) => {
            for error in errors {
                super::report_file_error(error);
            }
            return EXIT_ERROR;
        }
    };
    let report = selftest::run(rules, |pack| pack.origin.builtin == paths.is_empty());
    let failed: usize = report.failures.iter().map(|failure| failure.problems.len()).sum();
    for failure in report.failures {
        super::report_file_error(failure);
    }
    println!("{} passed, {} failed ({} rules)", report.examples - failed, failed, report.rules);
    if failed > 0 { EXIT_ERROR } else { 0 }
}
