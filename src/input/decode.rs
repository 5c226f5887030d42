//! Text encodings. Every reader reads UTF-8; a file or stream that starts
//! with a UTF-16 byte-order mark (Excel's "Unicode text", Windows tools) is
//! transcoded to UTF-8 on the fly, so it streams as UTF-8 does. Bytes that
//! are neither are reported by [`NotUtf8`], naming the first bad byte and
//! where it is.

use std::io::{self, BufRead, Read};

/// Bytes that are not UTF-8: the first bad one, its line, and its offset in
/// the file when the reader knows it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not UTF-8 (byte {byte:#04X} at line {line}{}); save the file as UTF-8", offset.map(|at| format!(", byte offset {at}")).unwrap_or_default())]
pub(super) struct NotUtf8 {
    pub byte: u8,
    pub line: u64,
    pub offset: Option<usize>,
}

/// `bytes` as text when they are UTF-8, checked with SIMD instructions
/// (std's check was a twelfth of the time of checking a JSONL post); the
/// error, which says where the first bad byte is, from std's.
pub(super) fn str_from_utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(bytes),
    }
}

/// Decodes `bytes`, which start at byte `offset` and on `line` of their
/// file; the error names the first invalid byte.
pub(super) fn utf8(bytes: &[u8], offset: usize, line: u64) -> Result<&str, NotUtf8> {
    str_from_utf8(bytes).map_err(|error| {
        let bad = error.valid_up_to();
        NotUtf8 {
            byte: bytes[bad],
            line: line + bytes[..bad].iter().filter(|byte| **byte == b'\n').count() as u64,
            offset: Some(offset + bad),
        }
    })
}

/// A UTF-16 stream that is not valid UTF-16, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not UTF-16 ({problem} at line {line}, byte offset {offset}); save the file as UTF-8")]
struct NotUtf16 {
    problem: String,
    line: u64,
    offset: u64,
}

/// The stream as UTF-8: transcoded (and without its byte-order mark) when
/// it starts with a UTF-16 one, else as it is.
pub(super) fn utf8_reader<'a>(reader: impl BufRead + 'a) -> io::Result<Box<dyn BufRead + 'a>> {
    let mut reader: Box<dyn BufRead + 'a> = Box::new(reader);
    if (1..3).contains(&reader.fill_buf()?.len()) {
        // A stream that hands out its first bytes one by one: gather three
        // (a whole UTF-8 byte-order mark, which readers look for at once).
        let mut head = Vec::with_capacity(3);
        while head.len() < 3 {
            let buffer = reader.fill_buf()?;
            if buffer.is_empty() {
                break;
            }
            let take = buffer.len().min(3 - head.len());
            head.extend_from_slice(&buffer[..take]);
            reader.consume(take);
        }
        reader = Box::new(io::Cursor::new(head).chain(reader));
    }
    let big_endian = match reader.fill_buf()? {
        [0xFF, 0xFE, ..] => false,
        [0xFE, 0xFF, ..] => true,
        _ => return Ok(reader),
    };
    reader.consume(2);
    Ok(Box::new(Utf16 {
        inner: reader,
        big_endian,
        out: Vec::new(),
        position: 0,
        odd: None,
        high: None,
        offset: 2,
        line: 1,
    }))
}

/// UTF-16 → UTF-8, a buffer at a time.
struct Utf16<R> {
    inner: R,
    big_endian: bool,
    /// Decoded bytes not handed out yet.
    out: Vec<u8>,
    position: usize,
    /// A byte of a code unit whose other byte is in the next buffer.
    odd: Option<u8>,
    /// A high surrogate waiting for its low one, and its offset.
    high: Option<(u16, u64)>,
    /// Offset in the file of the next code unit, and its line.
    offset: u64,
    line: u64,
}

impl<R: BufRead> Utf16<R> {
    fn invalid(&self, problem: String, offset: u64) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, NotUtf16 { problem, line: self.line, offset })
    }

    /// Decodes the next buffer of the inner reader into `out`; leaves `out`
    /// empty at the end.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.position = 0;
        while self.out.is_empty() {
            let buffer = self.inner.fill_buf()?;
            if buffer.is_empty() {
                if self.odd.is_some() {
                    let problem = "a last byte without its pair".to_owned();
                    return Err(self.invalid(problem, self.offset));
                }
                if let Some((unit, at)) = self.high {
                    return Err(self.invalid(format!("an unpaired surrogate {unit:#06X}"), at));
                }
                return Ok(());
            }
            let mut bytes = Vec::with_capacity(buffer.len() + 1);
            bytes.extend(self.odd.take());
            bytes.extend_from_slice(buffer);
            let length = buffer.len();
            self.inner.consume(length);
            let mut units = bytes.chunks_exact(2);
            for pair in &mut units {
                let pair = [pair[0], pair[1]];
                let unit = if self.big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                };
                self.unit(unit)?;
                self.offset += 2;
            }
            self.odd = units.remainder().first().copied();
        }
        Ok(())
    }

    fn unit(&mut self, unit: u16) -> io::Result<()> {
        let decoded = match (self.high.take(), unit) {
            (None, 0xD800..=0xDBFF) => {
                self.high = Some((unit, self.offset));
                return Ok(());
            }
            (Some((high, _)), 0xDC00..=0xDFFF) => {
                let code =
                    0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                char::from_u32(code)
            }
            (Some((high, at)), _) => {
                return Err(self.invalid(format!("an unpaired surrogate {high:#06X}"), at));
            }
            (None, 0xDC00..=0xDFFF) => {
                return Err(self.invalid(format!("an unpaired surrogate {unit:#06X}"), self.offset));
            }
            (None, _) => char::from_u32(u32::from(unit)),
        };
        let Some(decoded) = decoded else {
            return Err(self.invalid(format!("the code unit {unit:#06X}"), self.offset));
        };
        if decoded == '\n' {
            self.line += 1;
        }
        let mut encoded = [0; 4];
        self.out.extend_from_slice(decoded.encode_utf8(&mut encoded).as_bytes());
        Ok(())
    }
}

impl<R: BufRead> Read for Utf16<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, buffer)
    }
}

/// `Read` for a reader whose own work is in `BufRead`: copies what its
/// buffer holds.
pub(super) fn read_buffered(reader: &mut impl BufRead, buffer: &mut [u8]) -> io::Result<usize> {
    let available = reader.fill_buf()?;
    let length = available.len().min(buffer.len());
    buffer[..length].copy_from_slice(&available[..length]);
    reader.consume(length);
    Ok(length)
}

impl<R: BufRead> BufRead for Utf16<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.position >= self.out.len() {
            self.refill()?;
        }
        Ok(&self.out[self.position..])
    }

    fn consume(&mut self, amount: usize) {
        self.position = (self.position + amount).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use super::*;

    /// Every sequence of up to four pieces of good and bad UTF-8 (a lone
    /// continuation byte, a cut-off character, an overlong form, a
    /// surrogate), and each behind 64 bytes of ASCII, where SIMD checks
    /// whole blocks: the SIMD check takes and refuses what std's does, with
    /// std's error.
    #[test]
    fn the_simd_check_agrees_with_std() {
        let pieces: [&[u8]; 9] = [
            b"a",
            b"\xC3\xA9",
            b"\xE5\x91\x8A",
            b"\xF0\x9F\x98\x80",
            b"\x80",
            b"\xC3",
            b"\xC0\xAF",
            b"\xED\xA0\x80",
            b"\xF4\x90\x80\x80",
        ];
        let texts = crate::engine::every_byte_text(&pieces, 4);
        let mut refused = 0;
        for text in &texts {
            for bytes in [text.clone(), [[b'x'; 64].as_slice(), text].concat()] {
                assert_eq!(str_from_utf8(&bytes), std::str::from_utf8(&bytes), "{bytes:?}");
                refused += usize::from(str_from_utf8(&bytes).is_err());
            }
        }
        assert!(refused > 5_000, "{refused}");
    }

    /// `text` in UTF-16 with its byte-order mark.
    pub(crate) fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in text.encode_utf16() {
            let pair = if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    fn decode(bytes: &[u8], capacity: usize) -> io::Result<String> {
        let mut reader = utf8_reader(BufReader::with_capacity(capacity, bytes))?;
        let mut text = String::new();
        reader.read_to_string(&mut text)?;
        Ok(text)
    }

    #[test]
    fn utf16_with_a_byte_order_mark_reads_as_utf8_whatever_the_buffer_size() {
        let text = "id\ttext\r\n1\t#ad Crème 👍🏽 ✨\r\n";
        for big_endian in [false, true] {
            for capacity in [1, 3, 8192] {
                assert_eq!(decode(&utf16(text, big_endian), capacity).unwrap(), text);
            }
        }
    }

    #[test]
    fn a_utf8_byte_order_mark_comes_out_whole_in_the_first_buffer() {
        for capacity in [1, 2, 8192] {
            let mut reader =
                utf8_reader(BufReader::with_capacity(capacity, &b"\xef\xbb\xbfid"[..])).unwrap();
            assert!(reader.fill_buf().unwrap().starts_with(b"\xef\xbb\xbf"));
        }
    }

    #[test]
    fn other_bytes_pass_through() {
        for bytes in [&b""[..], b"x", b"\xef\xbb\xbfhi", b"\xff", b"caf\xe9"] {
            let mut reader = utf8_reader(BufReader::with_capacity(1, bytes)).unwrap();
            let mut out = Vec::new();
            reader.read_to_end(&mut out).unwrap();
            assert_eq!(out, bytes);
        }
    }

    #[test]
    fn broken_utf16_names_the_problem_and_where() {
        let mut bytes = utf16("a\nb", false);
        bytes.extend_from_slice(&0xD800u16.to_le_bytes());
        bytes.extend_from_slice(&u16::from(b'c').to_le_bytes());
        let error = decode(&bytes, 4).unwrap_err();
        assert_eq!(
            error.to_string(),
            "not UTF-16 (an unpaired surrogate 0xD800 at line 2, byte offset 8); save the file as UTF-8"
        );
        let mut odd = utf16("ab", true);
        odd.push(0);
        let error = decode(&odd, 8192).unwrap_err();
        assert!(error.to_string().starts_with("not UTF-16 (a last byte without its pair"));
    }

    #[test]
    fn not_utf8_names_the_byte_its_line_and_offset() {
        let error = utf8(b"ok\nfine\ncaf\xe9", 0, 1).unwrap_err();
        assert_eq!(
            error.to_string(),
            "not UTF-8 (byte 0xE9 at line 3, byte offset 11); save the file as UTF-8"
        );
        let error = NotUtf8 { byte: 0xFF, line: 4, offset: None };
        assert_eq!(error.to_string(), "not UTF-8 (byte 0xFF at line 4); save the file as UTF-8");
    }
}
