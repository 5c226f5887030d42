//! The unit of checking: a [`Post`] and the closed vocabularies that describe
//! it (platform, relationship, media, market).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Where a post came from, so diagnostics point at the real place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// File path as given on the command line (or `-` for stdin).
    pub path: String,
    /// Sheet of a spreadsheet (XLSX/ODS) the row is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based line of the record (JSONL), of the text (txt/md), or the row
    /// of a CSV file or sheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column of the text cell (CSV, sheets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// 0-based index of the post in a JSON array.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Byte offset in the file where the post's text starts (for JSON: the
    /// opening quote of the string literal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_offset: Option<usize>,
    /// The text is the file's own bytes from `text_offset` (a `.txt` file,
    /// a Markdown body), not a decoded JSON string or CSV cell, so
    /// positions in it are positions in the file.
    #[serde(skip)]
    pub verbatim: bool,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(sheet) = &self.sheet {
            write!(f, "[{sheet}]")?;
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(index) = self.index {
            write!(f, "[{index}]")?;
        }
        Ok(())
    }
}

/// Generates a closed, string-named enum with parsing that names the allowed
/// values in its error.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(value: &str) -> Result<Self, UnknownValue> {
                let wanted = value.trim();
                $(if wanted.eq_ignore_ascii_case($text) { return Ok($name::$variant); })+
                Err(UnknownValue {
                    what: $what,
                    value: value.to_string(),
                    allowed: vec![$($text),+].join(", "),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary!(
    /// The platform a post is published on.
    Platform, "platform" {
        Instagram => "instagram",
        Tiktok => "tiktok",
        Youtube => "youtube",
        Facebook => "facebook",
        X => "x",
        Linkedin => "linkedin",
        Pinterest => "pinterest",
        Snapchat => "snapchat",
        Twitch => "twitch",
        Blog => "blog",
        Generic => "generic",
    }
);

vocabulary!(
    /// What ties the creator to the brand.
    Relationship, "relationship" {
        Paid => "paid",
        Gifted => "gifted",
        Affiliate => "affiliate",
        Ambassador => "ambassador",
        Employee => "employee",
        OwnBrand => "own_brand",
        Event => "event",
        None => "none",
        Unknown => "unknown",
    }
);

vocabulary!(
    /// The post's media type.
    Media, "media" {
        Image => "image",
        Carousel => "carousel",
        Video => "video",
        Reel => "reel",
        Short => "short",
        Story => "story",
        Live => "live",
        Text => "text",
    }
);

vocabulary!(
    /// A post flag that a `require-label` rule may ask a label for.
    Flag, "flag" {
        Retouched => "retouched",
        AiGenerated => "ai_generated",
    }
);

/// A value outside a closed vocabulary; the message lists the allowed ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}'; expected one of: {allowed}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub allowed: String,
}

/// A country (ISO 3166-1 alpha-2, upper case) whose rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Market([u8; 2]);

impl Market {
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Parses one ISO 3166-1 alpha-2 code (any case). Group aliases such as
    /// `EU` are expanded by the rule registry, not here.
    pub fn parse(code: &str) -> Result<Market, UnknownValue> {
        let trimmed = code.trim();
        // Read as a number, not a `String`: every post names its markets.
        if let &[first, second] = trimmed.as_bytes() {
            let upper = [first.to_ascii_uppercase(), second.to_ascii_uppercase()];
            let key = |code: &&str| u16::from_be_bytes([code.as_bytes()[0], code.as_bytes()[1]]);
            if ISO_3166_ALPHA2.binary_search_by_key(&u16::from_be_bytes(upper), key).is_ok() {
                return Ok(Market(upper));
            }
        }
        let allowed = if trimmed.eq_ignore_ascii_case("UK") {
            "GB (ISO 3166-1 uses GB for the United Kingdom)".to_string()
        } else {
            "an ISO 3166-1 alpha-2 country code such as US, GB, FR, DE, IT, or a market group such as EU".to_string()
        };
        Err(UnknownValue { what: "country", value: code.to_string(), allowed })
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Market {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Named market groups (`EU`, `EEA`) and their members; the data lives in
/// `rules/markets.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketGroups(pub std::collections::BTreeMap<String, Vec<Market>>);

impl MarketGroups {
    /// Resolves a country code or a group name (any case) to markets.
    pub fn resolve(&self, code: &str) -> Result<Resolved<'_>, UnknownValue> {
        let trimmed = code.trim();
        // Group names are few: compared as they are rather than upper-cased
        // into a new string for a look-up, since every post names markets.
        let group = self.0.iter().find(|(name, _)| name.eq_ignore_ascii_case(trimmed));
        if let Some((_, members)) = group {
            return Ok(Resolved::Group(members));
        }
        Market::parse(code).map(Resolved::Country)
    }
}

/// The markets a country code or a group name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved<'a> {
    Group(&'a [Market]),
    Country(Market),
}

impl std::ops::Deref for Resolved<'_> {
    type Target = [Market];

    fn deref(&self) -> &[Market] {
        match self {
            Resolved::Group(members) => members,
            Resolved::Country(market) => std::slice::from_ref(market),
        }
    }
}

/// Every officially assigned ISO 3166-1 alpha-2 code, sorted (for a binary
/// search: markets are parsed once per post).
#[rustfmt::skip]
const ISO_3166_ALPHA2: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// One timed subtitle cue, in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

/// One unit to check.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Post {
    /// Where the post was read: file, line, sheet row.
    pub origin: Origin,
    /// The post's own id, when it has one.
    pub id: Option<String>,
    /// The caption, description or body.
    pub text: String,
    /// A title shown with the post (YouTube).
    pub title: Option<String>,
    /// Timed subtitle cues of a video.
    pub subtitles: Vec<Cue>,
    /// `None` means generic: no platform pack applies.
    pub platform: Option<Platform>,
    /// The countries whose rules apply.
    pub markets: Vec<Market>,
    /// BCP 47 tag as given; detected by the engine when absent.
    pub language: Option<String>,
    /// What ties creator and brand; `unknown` lets the text decide.
    pub relationship: Relationship,
    /// The brands the post is about.
    pub brands: Vec<String>,
    /// Image, video, story…
    pub media: Option<Media>,
    /// The platform's own paid tag, e.g. `paid_partnership`.
    pub platform_label: Option<String>,
    /// The image was retouched (some markets require a label).
    pub retouched: bool,
    /// The image or video was made with AI (some markets require a label).
    pub ai_generated: bool,
    /// A video's length in seconds.
    pub duration_s: Option<f64>,
    /// Keys we do not interpret (url, author, …), echoed in JSON output.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

// Not derivable: the variants come from `vocabulary!`, shared by enums that
// have no default.
#[allow(clippy::derivable_impls)]
impl Default for Relationship {
    fn default() -> Self {
        Relationship::Unknown
    }
}

impl Post {
    /// A post with just a text, as from a `.txt` file.
    pub fn from_text(origin: Origin, text: impl Into<String>) -> Post {
        Post { origin, text: text.into(), ..Post::default() }
    }

    pub fn flag(&self, flag: Flag) -> bool {
        match flag {
            Flag::Retouched => self.retouched,
            Flag::AiGenerated => self.ai_generated,
        }
    }

    /// Its relationship is not given and it is not its brand's own account:
    /// its text may show a relationship it does not declare.
    pub fn may_hide_relationship(&self) -> bool {
        self.relationship == Relationship::Unknown && !self.by_its_brand()
    }

    /// The post's `author` is one of its brands (`@GlowLab` for "Glow Lab"):
    /// the brand's own account, whose posts are plainly its advertising
    /// rather than a creator's endorsement.
    pub fn by_its_brand(&self) -> bool {
        let compact = |name: &str| -> String {
            name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
        };
        let Some(author) = self.extra.get("author").and_then(|author| author.as_str()) else {
            return false;
        };
        let author = compact(author);
        !author.is_empty() && self.brands.iter().any(|brand| compact(brand) == author)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_by_its_brand_is_told_by_its_author() {
        let mut post = Post::from_text(Origin::default(), "New serum out now");
        post.brands = vec!["Glow Lab".into()];
        assert!(!post.by_its_brand(), "no author");
        post.extra.insert("author".into(), "@GlowLab".into());
        assert!(post.by_its_brand());
        post.extra.insert("author".into(), "@luna".into());
        assert!(!post.by_its_brand());
    }

    #[test]
    fn vocabulary_parse_is_case_insensitive_and_names_allowed_values() {
        assert_eq!("TikTok".parse::<Platform>(), Ok(Platform::Tiktok));
        let err = "tiktoc".parse::<Platform>().unwrap_err();
        let message = err.to_string();
        assert!(message.contains("'tiktoc'"), "{message}");
        assert!(message.contains("instagram, tiktok"), "{message}");
        assert_eq!("own_brand".parse::<Relationship>(), Ok(Relationship::OwnBrand));
    }

    #[test]
    fn market_accepts_iso_codes_and_explains_uk() {
        assert_eq!(Market::parse("fr").unwrap().as_str(), "FR");
        assert!(Market::parse("XX").is_err());
        let err = Market::parse("UK").unwrap_err();
        assert!(err.to_string().contains("GB"), "{err}");
    }

    #[test]
    fn every_listed_country_code_parses() {
        // The binary search in `Market::parse` needs a strictly sorted
        // table of two-letter codes.
        assert!(ISO_3166_ALPHA2.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(ISO_3166_ALPHA2.iter().all(|code| code.len() == 2));
        for code in ISO_3166_ALPHA2 {
            assert_eq!(Market::parse(&code.to_lowercase()).unwrap().as_str(), code);
        }
    }
}
