//! The bytes a JSON string holds only escaped — a quote, a backslash and
//! the control characters — found eight at a time: the reader of JSON
//! posts stops at them to decode, the writer of JSONL reports to escape.
//! Most keys and values are shorter than a `memchr` call is worth.

/// `0x0101…01`: a byte value times this is that byte in every lane.
const EVERY_BYTE: u64 = u64::from_le_bytes([1; 8]);
const HIGH_BITS: u64 = EVERY_BYTE * 0x80;

/// Whether a JSON string holds `byte` only escaped (serde_json's `ESCAPE`
/// table: DEL and non-ASCII bytes are held as they are).
pub fn is_escaped(byte: u8) -> bool {
    matches!(byte, b'"' | b'\\' | ..b' ')
}

/// Where in `word` (eight bytes, little-endian) the first byte that
/// [`is_escaped`] is.
pub fn first_escaped(word: u64) -> Option<usize> {
    let escaped = bytes_below(word, b' ') | bytes_equal(word, b'"') | bytes_equal(word, b'\\');
    (escaped != 0).then(|| escaped.trailing_zeros() as usize / 8)
}

/// The high bit of each byte of `word` below `limit` (at most `0x80`). Only
/// the lowest bit set is sure to be right: the borrow out of that byte may
/// set the next one's too, so only the first match is used.
fn bytes_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(EVERY_BYTE * u64::from(limit)) & !word & HIGH_BITS
}

/// The high bit of each byte of `word` equal to `byte`, sure for the lowest.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    bytes_below(word ^ (EVERY_BYTE * u64::from(byte)), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte at every place of a word, among bytes that are not
    /// escaped and after an escaped one (whose borrow must not hide it):
    /// the first found eight at a time is the first found one by one.
    #[test]
    fn the_first_escaped_byte_of_a_word_is_found_as_byte_by_byte() {
        for filler in [b'a', b' ', 0x7f, 0xC3, b'"'] {
            for byte in 0..=u8::MAX {
                for at in 0..8 {
                    let mut bytes = [filler; 8];
                    bytes[at] = byte;
                    let expected = bytes.iter().position(|&byte| is_escaped(byte));
                    assert_eq!(first_escaped(u64::from_le_bytes(bytes)), expected, "{bytes:?}");
                }
            }
        }
    }
}
