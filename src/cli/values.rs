//! The values a flag offers to `--help` and to the completion scripts.
//!
//! Closed vocabularies (`--format`, `--fail-on`, `--platform`, …) are
//! parsed by the library's own `FromStr` — case-insensitive, with its
//! aliases and its message naming the allowed values — and their names come
//! from the library's own lists, so there is no second list here. Rule ids
//! are offered but never restricted: a user's pack may define any id.

use std::ffi::OsStr;
use std::marker::PhantomData;
use std::str::FromStr;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};

use sponsorlint::finding::{Category, Severity};
use sponsorlint::input::InputFormat;
use sponsorlint::post::{Media, Platform, Relationship, UnknownValue};
use sponsorlint::report::Format;

/// A closed vocabulary of the library: its values' names, as parsed.
pub(super) trait Vocabulary:
    FromStr<Err = UnknownValue> + Clone + Send + Sync + 'static
{
    fn names() -> Vec<&'static str>;
}

impl Vocabulary for Format {
    fn names() -> Vec<&'static str> {
        Format::ALL.iter().map(|format| format.as_str()).collect()
    }
}

impl Vocabulary for Severity {
    fn names() -> Vec<&'static str> {
        Severity::ALL.iter().map(|severity| severity.as_str()).collect()
    }
}

impl Vocabulary for InputFormat {
    fn names() -> Vec<&'static str> {
        InputFormat::NAMES.to_vec()
    }
}

/// The vocabularies of `post`, which share one shape.
macro_rules! post_vocabulary {
    ($($name:ident),+) => {$(
        impl Vocabulary for $name {
            fn names() -> Vec<&'static str> {
                $name::ALL.iter().map(|value| value.as_str()).collect()
            }
        }
    )+};
}
post_vocabulary!(Platform, Relationship, Media);

/// The parser of a flag that takes one of a [`Vocabulary`]'s values.
#[derive(Clone)]
pub(super) struct OneOf<T>(PhantomData<fn() -> T>);

pub(super) fn one_of<T: Vocabulary>() -> OneOf<T> {
    OneOf(PhantomData)
}

impl<T: Vocabulary> TypedValueParser for OneOf<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        // clap's own error: "invalid value 'x' for '--flag': <the library's message>".
        StringValueParser::new().try_map(|text| text.parse::<T>()).parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(T::names().into_iter().map(PossibleValue::new)))
    }
}

/// The parser of a rule id (`explain`), or of a rule id or category
/// (`--select`, `--ignore`): any text, with the built-in rule ids offered
/// to completion. The flag should hide them from `--help`: there are
/// hundreds.
#[derive(Clone, Copy)]
pub(super) struct RuleIds {
    pub categories: bool,
}

impl TypedValueParser for RuleIds {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    /// clap asks only for help, errors and completion scripts, so a plain
    /// run never loads the catalogue for this.
    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let categories = match self.categories {
            true => Category::ALL.iter().map(|category| category.as_str()).collect(),
            false => Vec::new(),
        };
        let ids = builtin_rule_ids();
        Some(Box::new(
            categories
                .into_iter()
                .map(PossibleValue::new)
                .chain(ids.into_iter().map(PossibleValue::new)),
        ))
    }
}

/// The ids of the built-in rules; none if they cannot be loaded (they are
/// compiled in and tested, so only in a broken build).
fn builtin_rule_ids() -> Vec<String> {
    let limits = sponsorlint::limits::Limits::default();
    match sponsorlint::packs::load_with(
        true,
        sponsorlint::rules::Examples::Skip,
        &[],
        &limits,
        None,
        |_| Ok(()),
    ) {
        Ok(rules) => rules.rules.iter().map(|rule| rule.id.clone()).collect(),
        Err(_) => Vec::new(),
    }
}
