//! Text that is not UTF-8 (`--encoding`): files from Word in
//! Windows-1252, Latin-1 exports. They are decoded to UTF-8 for linting,
//! and an [`OffsetMap`] takes byte offsets in the decoded text back to the
//! file as stored, so that the JSON output's `start`/`end` index the
//! stored bytes.

use encoding_rs::Encoding;

/// How input that is not UTF-8 is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    /// UTF-8; a file that is not is decoded in the encoding detected in it
    /// (with a note), or is an error when that fails.
    #[default]
    Auto,
    /// Every file in this encoding.
    Fixed(&'static Encoding),
}

impl EncodingChoice {
    /// `auto` or an encoding label (`utf-8`, `windows-1252`, `latin1`…).
    pub fn parse(label: &str) -> Result<Self, String> {
        if label.eq_ignore_ascii_case("auto") {
            return Ok(EncodingChoice::Auto);
        }
        match Encoding::for_label(label.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 || e.is_single_byte() || supported_multibyte(e) => {
                Ok(EncodingChoice::Fixed(e))
            }
            Some(e) => Err(format!(
                "encoding `{}` is not supported (it is not ASCII-compatible)",
                e.name()
            )),
            None => Err(format!(
                "unknown encoding `{label}` (try auto, utf-8, windows-1252 or iso-8859-1)"
            )),
        }
    }
}

/// Multi-byte encodings whose characters are encoded one at a time
/// (ASCII-compatible and stateless), so offsets can be mapped back.
fn supported_multibyte(e: &'static Encoding) -> bool {
    e.is_ascii_compatible() && e != encoding_rs::ISO_2022_JP
}

/// Decoded offsets back to offsets in the bytes as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// (decoded offset, stored offset) just after each character whose
    /// decoded length differs from its stored length; between two of them
    /// both advance together.
    points: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The map for `text`, decoded from `encoding`.
    fn new(text: &str, encoding: &'static Encoding) -> Self {
        let mut points = Vec::new();
        let mut stored = 0usize;
        let mut buf = [0u8; 4];
        for (at, c) in text.char_indices() {
            let decoded_len = c.len_utf8();
            let stored_len = if c.is_ascii() || encoding.is_single_byte() {
                1
            } else {
                let (bytes, _, _) = encoding.encode(c.encode_utf8(&mut buf));
                bytes.len()
            };
            stored += stored_len;
            if stored_len != decoded_len {
                points.push((at + decoded_len, stored));
            }
        }
        OffsetMap { points }
    }

    /// The stored offset of decoded offset `offset` (on a character
    /// boundary).
    pub fn stored(&self, offset: usize) -> usize {
        let i = self.points.partition_point(|&(d, _)| d <= offset);
        match i {
            0 => offset,
            _ => {
                let (d, s) = self.points[i - 1];
                s + (offset - d)
            }
        }
    }
}

/// Text decoded from another encoding.
#[derive(Debug, Clone)]
pub struct Transcoded {
    pub encoding: &'static Encoding,
    /// Whether the encoding was detected (not given with `--encoding`).
    pub detected: bool,
    pub map: OffsetMap,
}

/// `bytes` (not UTF-8, or not to be read as UTF-8) decoded with `choice`:
/// the text and how it was decoded, or the encoding that failed (`None`
/// when none could be told).
pub fn decode(
    bytes: &[u8],
    choice: EncodingChoice,
) -> Result<(String, Transcoded), Option<&'static Encoding>> {
    let (encoding, detected) = match choice {
        EncodingChoice::Fixed(e) => (e, false),
        EncodingChoice::Auto => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
            if !(guess.is_single_byte() || supported_multibyte(guess)) {
                return Err(None);
            }
            (guess, true)
        }
    };
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or(Some(encoding))?
        .into_owned();
    let map = OffsetMap::new(&text, encoding);
    Ok((
        text,
        Transcoded {
            encoding,
            detected,
            map,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_to_the_stored_bytes() {
        // “Quoted” — then a claim, in Windows-1252: curly quotes and the
        // dash are one byte stored and three decoded.
        let stored = b"\x93Quoted\x94 \x97 it cures caf\xe9.";
        let (text, t) = decode(stored, EncodingChoice::Fixed(encoding_rs::WINDOWS_1252)).unwrap();
        assert_eq!(text, "\u{201c}Quoted\u{201d} \u{2014} it cures caf\u{e9}.");
        let cures = text.find("cures").unwrap();
        let at = t.map.stored(cures);
        assert_eq!(&stored[at..at + 5], b"cures");
        assert_eq!(t.map.stored(0), 0);
        assert_eq!(t.map.stored(text.len()), stored.len());
        let e = text.find('\u{e9}').unwrap();
        assert_eq!(stored[t.map.stored(e)], 0xe9);
        // Multi-byte: Shift_JIS, two bytes stored for three decoded.
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("日本 cures");
        let (text, t) = decode(&sjis, EncodingChoice::Fixed(encoding_rs::SHIFT_JIS)).unwrap();
        let at = t.map.stored(text.find("cures").unwrap());
        assert_eq!(&sjis[at..at + 5], b"cures");
    }

    #[test]
    fn labels_and_undecodable_input() {
        assert_eq!(EncodingChoice::parse("auto"), Ok(EncodingChoice::Auto));
        assert_eq!(
            EncodingChoice::parse("cp1252"),
            Ok(EncodingChoice::Fixed(encoding_rs::WINDOWS_1252))
        );
        assert!(EncodingChoice::parse("utf-16le").is_err());
        assert!(EncodingChoice::parse("klingon").is_err());
        // Not valid Shift_JIS: a lead byte then a space.
        assert_eq!(
            decode(b"ok \x81 ", EncodingChoice::Fixed(encoding_rs::SHIFT_JIS)).unwrap_err(),
            Some(encoding_rs::SHIFT_JIS)
        );
    }
}
