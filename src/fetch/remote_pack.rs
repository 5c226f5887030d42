//! Rule packs from the web, pinned by digest: `https://…/pack.yaml#sha256=HEX`.
//! A pack is downloaded once, checked against its digest, and kept in the
//! user's cache folder under that digest, so later runs (CI) need no network.

use std::io::Write;
use std::path::{Path, PathBuf};

use reqwest::Url;
use sha2::{Digest, Sha256};

use super::client::{Client, HttpError};

/// A pack's address and the SHA-256 its content must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePack {
    pub url: Url,
    /// 64 lowercase hex digits.
    pub sha256: String,
}

impl RemotePack {
    /// Whether a `--rules` value names a web address rather than a file.
    pub fn is_address(text: &str) -> bool {
        text.starts_with("https://") || text.starts_with("http://")
    }

    /// `https://…/pack.yaml#sha256=HEX`.
    pub fn parse(spec: &str) -> Result<RemotePack, String> {
        let (address, fragment) = spec.split_once('#').unwrap_or((spec, ""));
        let Some(digest) = fragment.strip_prefix("sha256=") else {
            return Err(format!(
                "the rule pack {address} has no digest: pin it as {address}#sha256=HEX (the SHA-256 of the file, e.g. from `sha256sum`)"
            ));
        };
        RemotePack::new(address, digest)
    }

    /// A pack from its address and expected digest.
    pub fn new(address: &str, digest: &str) -> Result<RemotePack, String> {
        let url =
            Url::parse(address).map_err(|error| format!("the rule pack {address}: {error}"))?;
        super::client::allowed(&url)?;
        let sha256 = digest.trim().to_ascii_lowercase();
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "the rule pack {address}: sha256 must be 64 hexadecimal digits, not '{digest}'"
            ));
        }
        Ok(RemotePack { url, sha256 })
    }

    /// The verified pack file: from the cache when it holds it, else
    /// downloaded (at most `max_bytes`), verified and cached. A pack whose
    /// content does not have the pinned digest is not used at all.
    pub fn fetch(&self, client: &Client, cache: &Path, max_bytes: u64) -> Result<PathBuf, String> {
        let cached = cache.join(format!("{}.yaml", self.sha256));
        if std::fs::read(&cached).is_ok_and(|bytes| sha256_hex(&bytes) == self.sha256) {
            return Ok(cached);
        }
        let body = match client.get(&self.url) {
            Ok(reply) => reply.body,
            Err(HttpError::Status { status, .. }) => {
                return Err(format!(
                    "cannot download the rule pack {}: the server answered {status}",
                    self.url
                ));
            }
            Err(HttpError::Failed(message)) => {
                return Err(format!("cannot download the rule pack {}: {message}", self.url));
            }
        };
        if body.len() as u64 > max_bytes {
            return Err(format!(
                "the rule pack {} is larger than the rule-pack limit of {}; raise it with --limit rule-pack=SIZE",
                self.url,
                crate::limits::display_size(max_bytes)
            ));
        }
        let actual = sha256_hex(&body);
        if actual != self.sha256 {
            return Err(format!(
                "the rule pack {} has sha256 {actual}, but {} was pinned; it was not used (check the address, or update the pin if the pack changed on purpose)",
                self.url, self.sha256
            ));
        }
        store(cache, &cached, &body).map_err(|error| {
            format!("cannot keep the rule pack {} in {}: {error}", self.url, cache.display())
        })?;
        Ok(cached)
    }
}

/// The cache folder of remote packs: `$SPONSORLINT_CACHE_DIR/packs`, else
/// `$XDG_CACHE_HOME/sponsorlint/packs`, else `~/.cache/sponsorlint/packs`.
pub fn cache_dir() -> Option<PathBuf> {
    let var =
        |name: &str| std::env::var_os(name).filter(|value| !value.is_empty()).map(PathBuf::from);
    let root = var("SPONSORLINT_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|cache| cache.join("sponsorlint")))
        .or_else(|| var("HOME").map(|home| home.join(".cache").join("sponsorlint")))?;
    Some(root.join("packs"))
}

/// Writes the pack through a temporary file renamed into place, so a
/// reader never sees half a pack.
fn store(cache: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(cache)?;
    let mut file = tempfile::NamedTempFile::new_in(cache)?;
    file.write_all(bytes)?;
    file.persist(target).map_err(|error| error.error)?;
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_pack_needs_a_well_formed_digest_and_https() {
        let digest = "A".repeat(64);
        let pack =
            RemotePack::parse(&format!("https://example.com/p.yaml#sha256={digest}")).unwrap();
        assert_eq!(pack.sha256, "a".repeat(64));
        assert_eq!(pack.url.as_str(), "https://example.com/p.yaml");
        let missing = RemotePack::parse("https://example.com/p.yaml").unwrap_err();
        assert!(missing.contains("#sha256=HEX"), "{missing}");
        assert!(RemotePack::parse("https://example.com/p.yaml#sha256=abc").is_err());
        let plain =
            RemotePack::parse(&format!("http://example.com/p.yaml#sha256={digest}")).unwrap_err();
        assert!(plain.contains("plain http://"), "{plain}");
    }

    #[test]
    fn the_digest_is_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
