//! The binary form in which build.rs hands a check a built-in pack's YAML
//! document, already read: a text of every key and scalar, written once
//! each, and a tree of values. Each value is a tag byte; a number or a
//! text then has the offset and length of its text in the texts; a list
//! or a map has its item count, its body's length in bytes (so a reader
//! steps over it without reading it) and its body — a map's is key, value,
//! key, value…, each key a text. Counts, offsets and lengths are little-endian `u32`s: read in a step,
//! where a variable-length number took a loop.
//! The texts are embedded as a `&str`, so a reader borrows them without
//! checking them again. build.rs includes this file: one definition of the
//! form for its writer and `prebuilt.rs`, its reader.

pub const NULL: u8 = 0;
pub const FALSE: u8 = 1;
pub const TRUE: u8 = 2;
/// A number as YAML's core schema types it, in decimal text.
pub const NUMBER: u8 = 3;
pub const TEXT: u8 = 4;
pub const LIST: u8 = 5;
pub const MAP: u8 = 6;
/// Text that YAML 1.1 reads as a boolean (`no`, `Off`): read as text where
/// text is expected, and left to the YAML reader anywhere else. Only a
/// pack read at run time has it.
pub const WORD: u8 = 7;
/// Set on a tag when its value has a place: a number follows the tag, the
/// index of the value's place in the document's list of places. Only a
/// pack read from YAML at run time has places (`read_once.rs`); build.rs
/// never sets it.
pub const LOCATED: u8 = 0x80;

/// Appends `number`, which build.rs knows fits a `u32` (a pack is at most
/// a few megabytes).
#[cfg_attr(not(test), allow(dead_code, reason = "build.rs writes packs; a check only reads them"))]
pub fn write_number(out: &mut Vec<u8>, number: usize) {
    let number = u32::try_from(number).expect("a pack's texts and tree are under 4 GiB");
    out.extend_from_slice(&number.to_le_bytes());
}

/// Takes a number written by [`write_number`] off the front of `bytes`;
/// `None` when the bytes end first.
pub fn read_number(bytes: &mut &[u8]) -> Option<usize> {
    let (number, rest) = bytes.split_first_chunk::<4>()?;
    *bytes = rest;
    usize::try_from(u32::from_le_bytes(*number)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_as_written_and_cut_ones_are_refused() {
        for number in [0, 1, 255, 256, 70_000, u32::MAX as usize] {
            let mut out = Vec::new();
            write_number(&mut out, number);
            let mut bytes = out.as_slice();
            assert_eq!(read_number(&mut bytes), Some(number));
            assert!(bytes.is_empty());
            assert_eq!(read_number(&mut &out[..out.len() - 1]), None, "{number} cut short");
        }
    }
}
