//! The matcher's tests: every match mode, brand terms and spellings.

use super::spelling::{join_words, without_accent};
use super::*;

fn matcher(terms: &[(MatchMode, &str)]) -> Matcher {
    let mut builder = MatcherBuilder::default();
    for (set, (mode, term)) in terms.iter().enumerate() {
        builder.add(set as SetId, *mode, term).unwrap();
    }
    builder.build()
}

/// The original text of every hit, with its set.
fn hits(matcher: &Matcher, text: &str, brands: &[&str]) -> Vec<(SetId, String)> {
    let scanned = ScannedField::new(Field::Text, text);
    let brands: Vec<Rc<Brand>> = brands.iter().filter_map(|brand| Brand::recent(brand)).collect();
    let mut found = Vec::new();
    matcher.scan(&scanned, text, &brands, None, &mut found);
    found.iter().map(|hit| (hit.set, text[hit.original.clone()].to_string())).collect()
}

#[test]
fn hashtag_mode_is_exact_and_case_insensitive() {
    let m = matcher(&[(MatchMode::Hashtag, "#ad")]);
    assert_eq!(hits(&m, "#AD love", &[]), vec![(0, "#AD".into())]);
    assert_eq!(hits(&m, "＃ａｄ", &[]), vec![(0, "＃ａｄ".into())]);
    assert_eq!(hits(&m, "#𝗔𝗗", &[]), vec![(0, "#𝗔𝗗".into())]);
    assert!(hits(&m, "#adventure x#ad https://a.com/#ad", &[]).is_empty());
}

#[test]
fn hashtag_prefix_needs_more_after_the_prefix() {
    let m = matcher(&[(MatchMode::HashtagPrefix, "#SuppliedBy")]);
    assert_eq!(hits(&m, "#SuppliedByAcme", &[]).len(), 1);
    assert!(hits(&m, "#SuppliedBy", &[]).is_empty());
}

#[test]
fn words_and_phrases_are_bounded_and_whitespace_insensitive() {
    let m = matcher(&[(MatchMode::Word, "ad"), (MatchMode::Phrase, "paid partnership")]);
    assert_eq!(hits(&m, "Ad: new serum", &[]), vec![(0, "Ad".into())]);
    assert!(hits(&m, "adorable bad", &[]).is_empty());
    assert!(hits(&m, "finally ad-free, pre-ad and ad-hoc", &[]).is_empty(), "compounds");
    assert_eq!(hits(&m, "Ad - new serum", &[]), vec![(0, "Ad".into())]);
    assert_eq!(hits(&m, "new serum -ad", &[]), vec![(0, "ad".into())]);
    assert_eq!(
        hits(&m, "Paid\n  Partnership with x", &[]),
        vec![(1, "Paid\n  Partnership".into())]
    );
    assert!(hits(&m, "see https://x.com/ad/page", &[]).is_empty(), "not inside links");
}

#[test]
fn words_need_no_boundary_in_scripts_written_without_spaces() {
    let m =
        matcher(&[(MatchMode::Word, "広告"), (MatchMode::Word, "pr"), (MatchMode::Word, "광고")]);
    assert_eq!(hits(&m, "【広告です】新しい美容液", &[]), vec![(0, "広告".into())]);
    assert_eq!(hits(&m, "PR案件です", &[]), vec![(1, "PR".into())]);
    assert_eq!(hits(&m, "광고입니다 오늘 소개할 제품", &[]), vec![(2, "광고".into())]);
    assert!(hits(&m, "april prices", &[]).is_empty(), "Latin words keep their boundaries");
}

#[test]
fn url_patterns_match_host_path_and_parameter() {
    let m = matcher(&[
        (MatchMode::Url, "amazon.*?tag"),
        (MatchMode::Url, "7eer.net/c/"),
        (MatchMode::Url, "rstyle.me"),
    ]);
    assert_eq!(hits(&m, "https://www.amazon.co.uk/dp/1?tag=x-21", &[]).len(), 1);
    assert!(hits(&m, "https://www.amazon.com/dp/1", &[]).is_empty(), "no tag");
    assert_eq!(hits(&m, "go 7eer.net/c/123/abc", &[]).len(), 1);
    assert!(hits(&m, "go 7eer.net/d/123", &[]).is_empty());
    assert_eq!(hits(&m, "https://rstyle.me/+abc", &[]).len(), 1);
    assert!(hits(&m, "https://notrstyle.me/x", &[]).is_empty());
}

#[test]
fn url_hosts_starting_with_a_wildcard_or_matching_twice_give_one_hit() {
    let m = matcher(&[(MatchMode::Url, "*.myshopify.com/discount/"), (MatchMode::Url, "a.*")]);
    assert_eq!(hits(&m, "https://luna.myshopify.com/discount/X", &[]).len(), 1);
    assert!(hits(&m, "https://myshopify.com/discount/X", &[]).is_empty(), "no shop label");
    // `a.*` matches from the first and from the third label: one hit.
    assert_eq!(hits(&m, "https://a.b.a.example/x", &[]).len(), 1);
}

#[test]
fn regex_terms_run_on_normalised_text() {
    let m = matcher(&[(MatchMode::Regex, r"\buse (?:my )?code [a-z0-9]{3,}")]);
    assert_eq!(hits(&m, "USE MY CODE LUNA15 ✨", &[]), vec![(0, "USE MY CODE LUNA15".into())]);
}

/// A regex with no leading literal runs over every field, beside the
/// gated ones, and only for the sets asked for.
#[test]
fn regexes_without_gates_run_everywhere_and_only_when_asked() {
    let m =
        matcher(&[(MatchMode::Regex, r"\d+ ?% off"), (MatchMode::Regex, r"\bcode [a-z]+[0-9]+")]);
    assert_eq!(m.ungated, [0], "a leading \\d has too many literals to list");
    let text = "20% off with code luna15, then 5 % off";
    let expected: Vec<(SetId, String)> =
        [(0, "20% off"), (0, "5 % off"), (1, "code luna15")].map(|(s, h)| (s, h.into())).into();
    let mut found = hits(&m, text, &[]);
    found.sort();
    assert_eq!(found, expected);
    let scanned = ScannedField::new(Field::Text, text);
    let only_codes = |set: SetId| set == 1;
    let mut asked = Vec::new();
    m.scan(&scanned, text, &[], Some(&only_codes), &mut asked);
    assert_eq!(asked.iter().map(|hit| hit.set).collect::<Vec<_>>(), [1]);
}

/// Literals are looked for only where a word may start, but for a regex
/// that may match inside a word, its gates are looked for everywhere.
#[test]
fn a_regex_that_may_start_inside_a_word_is_found_there() {
    let m = matcher(&[
        (MatchMode::Word, "ad"),
        (MatchMode::Regex, r"ad[0-9]"),
        (MatchMode::Regex, r"\bad[0-9]"),
    ]);
    let expected: Vec<(SetId, String)> =
        [(0, "ad"), (1, "ad1"), (1, "ad2"), (2, "ad2")].map(|(set, hit)| (set, hit.into())).into();
    // Looked up directly first, then by the automata.
    for _ in 0..2 {
        assert_eq!(hits(&m, "road1 ad ad2", &[]), expected);
    }
}

#[test]
fn brand_terms_expand_per_post() {
    let m = matcher(&[
        (MatchMode::Hashtag, "#GiftedBy{brand}"),
        (MatchMode::Phrase, "thanks to {brand} for the free"),
    ]);
    assert_eq!(hits(&m, "#GiftedByGlowLab", &["Glow Lab"]).len(), 1);
    assert_eq!(hits(&m, "#giftedbyglowlab", &["Glow Lab"]).len(), 1);
    assert!(hits(&m, "#GiftedByOtherCo", &["Glow Lab"]).is_empty());
    assert!(hits(&m, "#GiftedByGlowLab", &[]).is_empty(), "no brand, no match");
    assert_eq!(hits(&m, "Thanks to Glow Lab for the free serum", &["Glow Lab"]).len(), 1);
    assert_eq!(hits(&m, "thanks to @glowlab for the free serum", &["Glow Lab"]).len(), 1);
}

/// Word and phrase brand terms are held as one term (compared once at a
/// place): written alike in either mode, they find the same places.
#[test]
fn a_brand_word_and_a_brand_phrase_find_the_same_places() {
    let mut builder = MatcherBuilder::default();
    for (set, mode) in [(0, MatchMode::Word), (1, MatchMode::Phrase)] {
        for term in ["{brand}", "thanks to {brand}", "{brand} partner"] {
            builder.add(set, mode, term).unwrap();
        }
    }
    let m = builder.build();
    let mut places = 0;
    for text in [
        "Glow Lab",
        "@glowlab!",
        "#glowlab",
        "thanks to Glow Lab",
        "Glow Lab partner",
        "xGlow Lab",
        "Glow Labs",
        "glow-lab",
        "Glow Lab-y",
        "(Glow Lab) thanks to @glowlab",
    ] {
        let found = hits(&m, text, &["Glow Lab"]);
        let of =
            |set| found.iter().filter(|(of, _)| *of == set).map(|(_, hit)| hit).collect::<Vec<_>>();
        assert_eq!(of(0), of(1), "{text}");
        places += of(0).len();
    }
    assert!(places >= 8, "{places}");
}

#[test]
fn zero_width_matches_are_marked_obfuscated() {
    let m = matcher(&[(MatchMode::Hashtag, "#ad")]);
    let text = "#a\u{200B}d";
    let scanned = ScannedField::new(Field::Text, text);
    let mut found = Vec::new();
    m.scan(&scanned, text, &[], None, &mut found);
    assert_eq!(found.len(), 1);
    assert!(found[0].obfuscated);
}

fn matcher_with(mode: MatchMode, options: TermOptions, terms: &[&str]) -> Matcher {
    let mut builder = MatcherBuilder::default();
    for term in terms {
        builder.add_with(0, mode, options, term).unwrap();
    }
    builder.build()
}

const ACCENTS: TermOptions = TermOptions { accents_optional: true, spaces_optional: false };
const SPACES: TermOptions = TermOptions { accents_optional: false, spaces_optional: true };
const BOTH: TermOptions = TermOptions { accents_optional: true, spaces_optional: true };

fn matched(matcher: &Matcher, text: &str, brands: &[&str]) -> Vec<String> {
    hits(matcher, text, brands).into_iter().map(|(_, found)| found).collect()
}

#[test]
fn optional_accents_may_each_be_left_out() {
    let m = matcher_with(MatchMode::Phrase, ACCENTS, &["Publicité", "partenariat rémunéré"]);
    for text in ["Publicité", "Publicite", "PUBLICITE", "PUBLICITÉ", "publicite\u{0301}"] {
        assert_eq!(matched(&m, text, &[]), [text], "{text}");
    }
    for text in ["partenariat remunere", "partenariat rémuneré", "Partenariat Remunéré"] {
        assert_eq!(matched(&m, text, &[]).len(), 1, "{text}");
    }
    assert!(matched(&m, "publicitè publicitéé", &[]).is_empty(), "another accent is no match");
    let plain = matcher_with(MatchMode::Phrase, ACCENTS, &["publicite"]);
    assert!(matched(&plain, "publicité", &[]).is_empty(), "an unaccented term stays so");
}

#[test]
fn optional_accents_in_hashtags_and_brand_terms() {
    let m = matcher_with(MatchMode::Hashtag, ACCENTS, &["#commandité", "#produitreçu"]);
    assert_eq!(matched(&m, "#commandite #Commandité #produitrecu", &[]).len(), 3);
    let prefix = matcher_with(MatchMode::HashtagPrefix, ACCENTS, &["#offertpar"]);
    assert_eq!(matched(&prefix, "#offertparGlowLab", &[]).len(), 1);
    let brand = matcher_with(MatchMode::Phrase, ACCENTS, &["envoyée par {brand}"]);
    assert_eq!(matched(&brand, "envoyee par @glowlab", &["Glow Lab"]).len(), 1);
    assert_eq!(matched(&brand, "Envoyée par Glow Lab", &["Glow Lab"]).len(), 1);
}

#[test]
fn optional_accents_leave_letters_of_their_own_alone() {
    assert_eq!(without_accent('é'), Some('e'));
    assert_eq!(without_accent('ç'), Some('c'));
    assert_eq!(without_accent('ă'), Some('a'));
    assert_eq!(without_accent('ά'), Some('α'));
    for own in ['ß', 'ø', 'ł', 'æ', 'a', '広', 'が', '광'] {
        assert_eq!(without_accent(own), None, "{own}");
    }
    let m = matcher_with(MatchMode::Word, ACCENTS, &["広告"]);
    assert_eq!(matched(&m, "広告です", &[]).len(), 1);
}

#[test]
fn optional_spaces_match_words_run_together_or_joined_by_underscores() {
    let m = matcher_with(MatchMode::Phrase, SPACES, &["paid partnership"]);
    for text in [
        "paid partnership",
        "Paid\npartnership",
        "#PaidPartnership",
        "#paid_partnership",
        "paidpartnership",
    ] {
        assert_eq!(matched(&m, text, &[]).len(), 1, "{text}");
    }
    assert!(matched(&m, "paid-partnership #paidpartnerships", &[]).is_empty());
    assert!(matched(&m, "https://x.com/paidpartnership", &[]).is_empty());
}

#[test]
fn optional_spaces_keep_the_space_next_to_the_brand() {
    let m = matcher_with(MatchMode::Phrase, SPACES, &["prodotto fornito da {brand}"]);
    assert_eq!(matched(&m, "#prodottofornitoda @glowlab", &["Glow Lab"]).len(), 1);
    assert_eq!(matched(&m, "prodotto fornito da Glow Lab", &["Glow Lab"]).len(), 1);
    assert!(matched(&m, "#prodottofornitodaglowlab", &["Glow Lab"]).is_empty());
    assert_eq!(join_words("thanks to {brand} for the free", ""), "thanksto {brand} forthefree");
}

#[test]
fn both_options_combine() {
    let m = matcher_with(MatchMode::Phrase, BOTH, &["colaboración pagada"]);
    for text in [
        "Colaboración pagada",
        "colaboracion pagada",
        "#ColaboracionPagada",
        "#colaboraciónpagada",
        "#colaboracion_pagada",
    ] {
        assert_eq!(matched(&m, text, &[]).len(), 1, "{text}");
    }
    assert_eq!(spellings("Colaboración pagada", BOTH).unwrap().len(), 6);
}

#[test]
fn options_are_refused_where_they_mean_nothing() {
    let mut builder = MatcherBuilder::default();
    assert!(builder.add_with(0, MatchMode::Regex, ACCENTS, "publicit[eé]").is_err());
    assert!(builder.add_with(0, MatchMode::Url, ACCENTS, "rstyle.me").is_err());
    assert!(builder.add_with(0, MatchMode::Hashtag, SPACES, "#ad").is_err());
    let many = "éééééééééé";
    assert!(
        builder
            .add_with(0, MatchMode::Word, ACCENTS, many)
            .unwrap_err()
            .to_string()
            .contains("at most 8")
    );
}

#[test]
fn bad_terms_are_explained() {
    let mut builder = MatcherBuilder::default();
    assert!(
        builder.add(0, MatchMode::Regex, "(").unwrap_err().to_string().contains("invalid regex")
    );
    assert!(builder.add(0, MatchMode::Hashtag, "two words").is_err());
    assert!(builder.add(0, MatchMode::Url, "?tag").is_err());
    assert!(builder.add(0, MatchMode::Regex, "{brand}x").is_err());
}

/// A slot written `{brand` or `{Brand}` used to load and never match.
#[test]
fn a_broken_brand_slot_is_refused() {
    let mut builder = MatcherBuilder::default();
    for term in ["#GiftedBy{brand", "thanks {Brand} for", "brand} partner", "{brand}{brand}"] {
        let error = builder.add(0, MatchMode::Phrase, term).unwrap_err();
        assert!(
            matches!(error, TermError::BrokenBrandSlot(_) | TermError::BrandTwice),
            "{term}: {error}"
        );
    }
    assert_eq!(
        builder.add(0, MatchMode::Phrase, "thanks {Brand} for").unwrap_err().to_string(),
        "'thanks {Brand} for' has a brace that is not part of {brand}; write the slot as {brand}"
    );
    assert!(builder.add(0, MatchMode::Regex, r"code [A-Z]{4,12}").is_ok(), "regex braces");
    assert!(builder.add(0, MatchMode::Hashtag, "#GiftedBy{brand}").is_ok());
}

#[test]
fn hashtag_suffix_needs_more_before_the_suffix() {
    let m = matcher(&[
        (MatchMode::HashtagSuffix, "partner"),
        (MatchMode::HashtagSuffix, "#Ambassador"),
    ]);
    assert_eq!(
        hits(&m, "#AcmePartner #acme_partner #GlowLabAmbassador", &[]),
        vec![
            (0, "#AcmePartner".into()),
            (0, "#acme_partner".into()),
            (1, "#GlowLabAmbassador".into())
        ]
    );
    assert!(hits(&m, "#partner #partnership #ambassadors partner", &[]).is_empty());
    assert_eq!("hashtag-suffix".parse::<MatchMode>(), Ok(MatchMode::HashtagSuffix));
    assert!(
        "hashtag-sufix".parse::<MatchMode>().unwrap_err().to_string().contains("hashtag-suffix")
    );
}

#[test]
fn hashtag_suffix_with_accents_and_brands() {
    let accents =
        matcher_with(MatchMode::HashtagSuffix, ACCENTS, &["partenaireofficiel", "#associé"]);
    assert_eq!(matched(&accents, "#GlowLabAssocie #acmeassocié", &[]).len(), 2);
    let brand =
        matcher_with(MatchMode::HashtagSuffix, TermOptions::default(), &["#{brand}partner"]);
    assert_eq!(matched(&brand, "#TeamGlowLabPartner", &["Glow Lab"]), ["#TeamGlowLabPartner"]);
    assert!(matched(&brand, "#GlowLabPartner #TeamAcmePartner", &["Glow Lab"]).is_empty());
}

#[test]
fn optional_words_and_alternatives_match_each_wording() {
    let m =
        matcher(&[(MatchMode::Phrase, "i [may |will |][earn|receive|get] a (small) commission")]);
    for text in
        ["I earn a commission", "I may receive a small commission", "I will get a commission"]
    {
        assert_eq!(matched(&m, text, &[]), [text], "{text}");
    }
    assert!(matched(&m, "I may a commission", &[]).is_empty(), "an alternative is needed");
    assert!(matched(&m, "I earn a big commission", &[]).is_empty());
}

#[test]
fn optional_words_combine_with_options_and_brands() {
    let m = matcher_with(MatchMode::Phrase, BOTH, &["(produit) [offert|envoyé] par {brand}"]);
    for text in ["produit offert par Glow Lab", "envoye par @glowlab", "#produitoffertpar @glowlab"]
    {
        assert!(!matched(&m, text, &["Glow Lab"]).is_empty(), "{text}");
    }
    assert!(matched(&m, "produit par Glow Lab, offert", &["Glow Lab"]).is_empty());
    let words = matcher_with(MatchMode::Word, SPACES, &["[paid|sponsored] (post)"]);
    let found = matched(&words, "#SponsoredPost #paid_post", &[]);
    assert!(found.contains(&"SponsoredPost".to_string()), "{found:?}");
    assert!(found.contains(&"paid_post".to_string()), "{found:?}");
}

#[test]
fn optional_words_are_checked_when_added() {
    let mut builder = MatcherBuilder::default();
    let error = builder.add(0, MatchMode::Phrase, "i (may earn").unwrap_err();
    assert_eq!(error.to_string(), "'i (may earn' has a '(' that is not closed with ')'");
    let error = builder.add(0, MatchMode::Hashtag, "#[ad|pub]").unwrap_err();
    assert!(matches!(error, TermError::SyntaxMode(_)), "{error}");
    assert!(builder.add(0, MatchMode::Regex, r"(?:a|b)\[x\]").is_ok(), "regex keeps its syntax");
    // Nine optional words are 512 wordings; each accent doubles them.
    let nine = "(a) (b) (c) (d) (e) (f) (g) (h) (i) publicité";
    assert!(builder.add(0, MatchMode::Phrase, nine).is_ok());
    assert_eq!(
        builder.add_with(0, MatchMode::Phrase, ACCENTS, nine).unwrap_err().to_string(),
        format!(
            "'{nine}' stands for 1024 spellings (its optional words and alternatives, times the \
             accents left out); a term may stand for at most 512"
        )
    );
}

/// Sets at the edges of their words (0, 63, 64, 127), alone and together,
/// come back in id order, each once, and only those inserted.
#[test]
fn set_bits_give_back_the_sets_inserted_in_id_order() {
    let candidates: [SetId; 8] = [0, 1, 62, 63, 64, 127, 128, 2047];
    for chosen in 0u32..(1 << candidates.len()) {
        let mut expected: Vec<SetId> = (0..candidates.len())
            .filter(|i| chosen & (1 << i) != 0)
            .map(|i| candidates[i])
            .collect();
        let mut bits = SetBits::default();
        for &set in expected.iter().rev() {
            bits.insert(set);
        }
        expected.sort_unstable();
        assert_eq!(bits.iter().collect::<Vec<_>>(), expected);
        assert!(expected.iter().all(|&set| bits.contains(set)));
    }
}

/// A brand met again on a thread is the one built before; the names kept
/// stay bounded, and a brand built anew after they are dropped finds the
/// same places.
#[test]
fn recent_brands_are_built_once_and_stay_bounded() {
    let first = Brand::recent("Glow Lab").unwrap();
    assert!(Rc::ptr_eq(&first, &Brand::recent("Glow Lab").unwrap()));
    assert!(Brand::recent("✨ —").is_none(), "no letter or digit");
    assert!(Brand::recent("✨ —").is_none(), "and none when met again");
    for index in 0..200 {
        Brand::recent(&format!("brand {index}")).unwrap();
        let kept = super::brand::recent_brands_kept();
        assert!(kept <= 64, "{kept} names kept");
    }
    let again = Brand::recent("Glow Lab").unwrap();
    assert!(!Rc::ptr_eq(&first, &again), "dropped when the names kept filled up");
    let long = "Glow Lab ".repeat(40);
    let long_brand = Brand::recent(&long).unwrap();
    assert!(!Rc::ptr_eq(&long_brand, &Brand::recent(&long).unwrap()), "a long name is not kept");
    assert!(super::brand::recent_brands_kept() <= 64);
    let matcher = matcher(&[(MatchMode::Phrase, "thanks {brand}")]);
    let text = "thanks glow lab, thanks @glowlab";
    let scanned = ScannedField::new(Field::Text, text);
    let (mut with_first, mut with_again) = (Vec::new(), Vec::new());
    matcher.scan(&scanned, text, &[first], None, &mut with_first);
    matcher.scan(&scanned, text, &[again], None, &mut with_again);
    assert_eq!(with_first.len(), 2);
    assert_eq!(with_first, with_again);
}

/// Word bounds read from the bytes where the edges are ASCII agree with
/// the bounds read from characters, for every range of every text of up to
/// five pieces: letters, digits, hyphens, spaces, an accented letter, a
/// kanji, an emoji and a combining accent.
#[test]
fn word_bounds_from_bytes_agree_with_characters() {
    let pieces = ["a", "7", "-", " ", "é", "広", "✨", "\u{301}", "#"];
    let mut ranges = 0;
    for text in crate::engine::every_text(&pieces, 5) {
        let places: Vec<usize> = (0..=text.len()).filter(|&at| text.is_char_boundary(at)).collect();
        for (index, &start) in places.iter().enumerate() {
            for &end in &places[index + 1..] {
                let range = start..end;
                assert_eq!(
                    word_bounded(&text, &range),
                    word_bounded_by_characters(&text, &range),
                    "{text:?} {range:?}"
                );
                ranges += 1;
            }
        }
    }
    assert!(ranges > 900_000, "{ranges}");
}
