//! Optional words and alternatives in word and phrase terms:
//! `i [may |will |][earn|receive|get] a (small) commission` stands for every
//! wording it allows, worked out when the matcher is built (`gated.rs` looks
//! them up where their first words occur).

use std::hash::BuildHasher;

use foldhash::HashSet;

use super::TermError;

/// At most this many wordings and accent spellings per term: each optional
/// word doubles them, and every one is kept in memory.
pub const MAX_SPELLINGS: usize = 512;

/// Whether `term` uses the syntax at all.
pub(super) fn has_syntax(term: &str) -> bool {
    term.contains(['(', ')', '[', ']', '|'])
}

/// Every wording `term` allows, in the order written, without duplicates;
/// the spaces an empty option leaves are collapsed.
pub(super) fn wordings(term: &str) -> Result<Vec<String>, TermError> {
    let pieces = pieces(term)?;
    let count = pieces.iter().fold(1usize, |count, choices| count.saturating_mul(choices.len()));
    if count > MAX_SPELLINGS {
        return Err(TermError::TooManySpellings { term: term.to_string(), count });
    }
    let mut wordings = vec![String::new()];
    for choices in &pieces {
        wordings = wordings
            .iter()
            .flat_map(|start| {
                choices.iter().map(move |choice| {
                    let mut wording = String::with_capacity(start.len() + choice.len());
                    wording.push_str(start);
                    wording.push_str(choice);
                    wording
                })
            })
            .collect();
    }
    // Seen wordings by hash, the wordings compared only when hashes meet:
    // building the matcher expands thousands.
    let hasher = foldhash::fast::FixedState::default();
    let mut seen: HashSet<u64> = HashSet::default();
    let mut distinct: Vec<String> = Vec::with_capacity(wordings.len());
    for wording in wordings {
        let wording = collapse_spaces(&wording);
        if wording.is_empty() {
            return Err(syntax(term, "can match nothing: all of its words are optional"));
        }
        let new = seen.insert(hasher.hash_one(&wording)) || !distinct.contains(&wording);
        if new {
            distinct.push(wording);
        }
    }
    Ok(distinct)
}

/// `text` with its words joined by single spaces, none at either end.
fn collapse_spaces(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

/// The term cut into pieces, each a list of choices: plain text is one
/// choice, `(words)` two (the words or nothing), `[a|b]` one per option.
fn pieces(term: &str) -> Result<Vec<Vec<String>>, TermError> {
    let mut pieces: Vec<Vec<String>> = Vec::new();
    let mut text = String::new();
    let mut chars = term.chars();
    while let Some(c) = chars.next() {
        match c {
            '(' | '[' => {
                let close = if c == '(' { ')' } else { ']' };
                let mut inside = String::new();
                loop {
                    match chars.next() {
                        Some(next) if next == close => break,
                        Some('(' | '[') => {
                            return Err(syntax(
                                term,
                                "has a group inside a group; (optional words) and \
                                 [alternatives] cannot be nested",
                            ));
                        }
                        Some(')' | ']') => {
                            return Err(syntax(
                                term,
                                &format!("has a '{c}' closed by the wrong bracket"),
                            ));
                        }
                        Some(next) => inside.push(next),
                        None => {
                            return Err(syntax(
                                term,
                                &format!("has a '{c}' that is not closed with '{close}'"),
                            ));
                        }
                    }
                }
                pieces.push(vec![std::mem::take(&mut text)]);
                pieces.push(group(term, c, &inside)?);
            }
            ')' | ']' => {
                let open = if c == ')' { '(' } else { '[' };
                return Err(syntax(term, &format!("has a '{c}' with no '{open}' before it")));
            }
            '|' => {
                return Err(syntax(
                    term,
                    "has a '|' outside [ ]; write alternatives as [earn|receive|get]",
                ));
            }
            _ => text.push(c),
        }
    }
    pieces.push(vec![text]);
    Ok(pieces)
}

/// The choices of one `(…)` or `[…]` group.
fn group(term: &str, open: char, inside: &str) -> Result<Vec<String>, TermError> {
    if open == '(' {
        if inside.contains('|') {
            return Err(syntax(
                term,
                "has a '|' inside ( ); write alternatives as [earn|receive|get], \
                 and [a|b|] for a, b or nothing",
            ));
        }
        if inside.trim().is_empty() {
            return Err(syntax(term, "has an empty ( )"));
        }
        return Ok(vec![inside.to_string(), String::new()]);
    }
    let options: Vec<String> = inside.split('|').map(str::to_string).collect();
    if options.len() < 2 {
        return Err(syntax(
            term,
            "has only one alternative in [ ]; separate alternatives with |, \
             or write (words) for optional words",
        ));
    }
    Ok(options)
}

fn syntax(term: &str, problem: &str) -> TermError {
    TermError::Syntax { term: term.to_string(), problem: problem.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_words_and_alternatives_expand_to_every_wording() {
        let all = wordings("i [may |will |][earn|receive|get] a (small) commission").unwrap();
        assert_eq!(all.len(), 18);
        assert_eq!(all[0], "i may earn a small commission");
        assert!(all.contains(&"i earn a commission".to_string()), "empty options leave one space");
        assert!(all.contains(&"i will get a commission".to_string()));
        assert_eq!(
            wordings("[paid|sponsored] by {brand}").unwrap(),
            ["paid by {brand}", "sponsored by {brand}"]
        );
        assert_eq!(wordings("[a|a] b").unwrap(), ["a b"], "duplicates are dropped");
    }

    #[test]
    fn malformed_groups_are_explained() {
        let problem = |term: &str| wordings(term).unwrap_err().to_string();
        assert_eq!(problem("a (b"), "'a (b' has a '(' that is not closed with ')'");
        assert_eq!(problem("a b)"), "'a b)' has a ')' with no '(' before it");
        assert_eq!(problem("a [b|c) d"), "'a [b|c) d' has a '[' closed by the wrong bracket");
        assert!(problem("a|b").contains("'|' outside [ ]"));
        assert!(problem("(a|b) c").contains("'|' inside ( )"));
        assert!(problem("[a (b)|c]").contains("cannot be nested"));
        assert!(problem("[a] b").contains("only one alternative"));
        assert!(problem("() b").contains("empty ( )"));
        assert!(problem("(a) [b|]").contains("can match nothing"));
    }

    #[test]
    fn the_number_of_wordings_is_capped() {
        let ten = "(a) (b) (c) (d) (e) (f) (g) (h) (i) (j) k";
        assert_eq!(
            wordings(ten).unwrap_err(),
            TermError::TooManySpellings { term: ten.to_string(), count: 1024 }
        );
        assert_eq!(wordings("(a) (b) (c) (d) (e) (f) (g) (h) (i) k").unwrap().len(), 512);
    }
}
