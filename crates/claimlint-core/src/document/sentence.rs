//! Sentence splitting and word tokens over normalised segment text.
//!
//! A sentence ends at `.`, `!`, `?` or `…` (plus any closing quotes or
//! brackets) followed by a space and a capital letter, a digit, or an opening
//! quote or bracket. A period does not end a sentence after a known
//! abbreviation ("Dr.", "e.g.", "vs.", "et al."), after a single capital
//! initial ("J. Smith"), or inside a dotted abbreviation ("U.S.") — nor inside
//! numbers ("0.5 mg/kg", "2.1 What is…"), which have no space after the dot.

use std::ops::Range;

/// Lower-case abbreviations (without their final period) after which a period
/// never ends a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "al", "approx",
    "fig", "figs", "inc", "ltd", "co", "corp", "mt", "cf", "ca", "vol", "pp", "ed", "eds", "dept",
    "est", "min", "max", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "ph.d", "m.d", "d.o", "b.s", "m.s", "r.n",
    "a.m", "p.m", "resp", "incl", "govt", "assn", "univ", "mg", "mcg", "ml", "kg", "hr", "hrs",
];

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '}' | '»' | '›')
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '«' | '‹' | '¿' | '¡' | '*' | '_'
    )
}

/// Whether a word-like token (letters, digits, dots) ends right before
/// `dot`, and what it is.
fn token_before(text: &str, dot: usize) -> &str {
    let start = text[..dot]
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &text[start..dot]
}

fn period_is_abbreviation(text: &str, dot: usize) -> bool {
    let token = token_before(text, dot);
    if token.is_empty() {
        return false;
    }
    if listed_abbreviation(token) {
        // "no." only abbreviates "number" before a digit.
        let bare = token.trim_start_matches('-');
        if bare.eq_ignore_ascii_case("no") || bare.eq_ignore_ascii_case("nos") {
            let next = text[dot + 1..].trim_start().chars().next();
            return next.is_some_and(|c| c.is_ascii_digit());
        }
        return true;
    }
    let mut chars = token.chars();
    // A single capital initial: "J. Smith".
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_uppercase()
    {
        return true;
    }
    // Dotted abbreviations such as "U.S" or "e.g" not in the list.
    token.contains('.') && token.split('.').all(|p| p.chars().count() <= 2)
}

/// Whether `token`, lowercased and without leading hyphens, is one of
/// [`ABBREVIATIONS`]. An ASCII token (most) is lowered on the stack, and
/// only when it is short enough to be one.
fn listed_abbreviation(token: &str) -> bool {
    const LONGEST: usize = {
        let (mut longest, mut i) = (0, 0);
        while i < ABBREVIATIONS.len() {
            if ABBREVIATIONS[i].len() > longest {
                longest = ABBREVIATIONS[i].len();
            }
            i += 1;
        }
        longest
    };
    let trimmed = token.trim_start_matches('-');
    if !trimmed.is_ascii() {
        let lower = token.to_lowercase();
        return ABBREVIATIONS.contains(&lower.trim_start_matches('-'));
    }
    if trimmed.len() > LONGEST {
        return false;
    }
    let mut buf = [0u8; LONGEST];
    let lower = &mut buf[..trimmed.len()];
    lower.copy_from_slice(trimmed.as_bytes());
    lower.make_ascii_lowercase();
    ABBREVIATIONS.iter().any(|a| a.as_bytes() == lower)
}

/// Sentence ranges of `text` (normalised segment text), trimmed, in order and
/// covering every non-space character.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let is_terminator = |c: char| matches!(c, '.' | '!' | '?' | '…');
    // Terminators are found bytewise: `.`, `!`, `?`, or the lead byte of
    // `…` (never a continuation byte, so always a character boundary).
    let mut from = 0;
    // The next lead byte of `…` at or after `from` (rare: looked for again
    // only once passed).
    let mut ellipsis = memchr::memchr(0xE2, bytes);
    loop {
        if ellipsis.is_some_and(|e| e < from) {
            ellipsis = memchr::memchr(0xE2, &bytes[from..]).map(|e| from + e);
        }
        let ascii = memchr::memchr3(b'.', b'!', b'?', &bytes[from..]).map(|t| from + t);
        let Some(i) = (match (ascii, ellipsis) {
            (Some(t), Some(e)) => Some(t.min(e)),
            (t, e) => t.or(e),
        }) else {
            break;
        };
        let Some(c) = text[i..].chars().next().filter(|&c| is_terminator(c)) else {
            from = i + 1;
            continue;
        };
        // Extend over repeated terminators and closing quotes/brackets.
        let mut end = i + c.len_utf8();
        while let Some(d) = text[end..].chars().next() {
            if is_terminator(d) || is_closer(d) {
                end += d.len_utf8();
            } else {
                break;
            }
        }
        from = end;
        if end >= text.len() || bytes[end] != b' ' {
            continue;
        }
        let next = text[end + 1..].chars().next();
        let Some(next) = next else { continue };
        if !(next.is_uppercase() || next.is_ascii_digit() || is_opener(next)) {
            continue;
        }
        if c == '.' && end == i + 1 && period_is_abbreviation(text, i) {
            continue;
        }
        push_trimmed(text, start..end, &mut sentences);
        start = end + 1;
    }
    push_trimmed(text, start..text.len(), &mut sentences);
    sentences
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead + trail < slice.len() {
        out.push(range.start + lead..range.end - trail);
    }
}

/// Whether `c` is part of a word for boundary checks.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// How [`words`] reads a byte: a separator, an ASCII word character, an
/// apostrophe or hyphen (inside a word when a word character follows), or
/// the first byte of a character to decode (non-ASCII).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    Separator,
    Word,
    Join,
    Decode,
}

static BYTE_CLASS: [ByteClass; 256] = {
    let mut table = [ByteClass::Separator; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            ByteClass::Decode
        } else if byte.is_ascii_alphanumeric() || byte == b'_' {
            ByteClass::Word
        } else if byte == b'\'' || byte == b'-' {
            ByteClass::Join
        } else {
            ByteClass::Separator
        };
        b += 1;
    }
    table
};

/// Word tokens (letters, digits, apostrophes and hyphens inside a word) with
/// their byte ranges.
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        let start = loop {
            let &b = bytes.get(pos)?;
            match BYTE_CLASS[b as usize] {
                ByteClass::Word => {
                    pos += 1;
                    break pos - 1;
                }
                ByteClass::Decode => {
                    let (word, len) = word_char_at(text, pos);
                    pos += len;
                    if word {
                        break pos - len;
                    }
                }
                ByteClass::Separator | ByteClass::Join => pos += 1,
            }
        };
        while let Some(&b) = bytes.get(pos) {
            match BYTE_CLASS[b as usize] {
                ByteClass::Word => pos += 1,
                ByteClass::Decode => match word_char_at(text, pos) {
                    (true, len) => pos += len,
                    (false, _) => break,
                },
                // Inside a word only if a word character follows.
                ByteClass::Join if pos + 1 < bytes.len() && word_char_at(text, pos + 1).0 => {
                    pos += 1;
                }
                ByteClass::Join | ByteClass::Separator => break,
            }
        }
        Some(start..pos)
    })
}

/// The hash of a word already in lower case, the one [`for_each_word`]
/// computes as it reads: equal words have equal hashes. Folded a byte at a
/// time (the multiply-rotate step of the Fx hash), so that reading a word
/// and hashing it are one loop; the last step mixes the high bits, which
/// the multiplications fill best, into the low ones that hash tables index
/// by.
#[must_use]
pub fn word_hash(lowered: &str) -> u64 {
    finish_hash(lowered.bytes().fold(0, fold_hash))
}

#[inline(always)]
fn fold_hash(hash: u64, byte: u8) -> u64 {
    (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(0x517c_c1b7_2722_0a95)
}

#[inline(always)]
fn finish_hash(hash: u64) -> u64 {
    hash ^ (hash >> 32)
}

/// Calls `each(range, hash)` for every word of `text`, as [`words`] finds
/// them, with the [`word_hash`] of the word in lower case. ASCII text, most
/// of it, is read in one loop that lowers and hashes each byte as it goes;
/// in other text, a word with a non-ASCII character is lowered into `buf`
/// first.
pub fn for_each_word(text: &str, buf: &mut String, mut each: impl FnMut(Range<usize>, u64)) {
    let bytes = text.as_bytes();
    if !bytes.is_ascii() {
        for range in words(text) {
            let word = &text[range.clone()];
            let hash = if word.is_ascii() {
                let lowered = word.bytes().map(|b| b.to_ascii_lowercase());
                finish_hash(lowered.fold(0, fold_hash))
            } else {
                buf.clear();
                buf.extend(word.chars().flat_map(char::to_lowercase));
                word_hash(buf)
            };
            each(range, hash);
        }
        return;
    }
    let is_word = |b: u8| BYTE_CLASS[usize::from(b)] == ByteClass::Word;
    let mut pos = 0;
    while pos < bytes.len() {
        if !is_word(bytes[pos]) {
            pos += 1;
            continue;
        }
        let start = pos;
        let mut hash = 0;
        while let Some(&b) = bytes.get(pos) {
            match BYTE_CLASS[usize::from(b)] {
                ByteClass::Word => {
                    hash = fold_hash(hash, b.to_ascii_lowercase());
                    pos += 1;
                }
                // Inside a word only if a word character follows.
                ByteClass::Join if bytes.get(pos + 1).is_some_and(|&n| is_word(n)) => {
                    hash = fold_hash(hash, b);
                    pos += 1;
                }
                _ => break,
            }
        }
        each(start..pos, finish_hash(hash));
    }
}

/// Whether the character at byte `i` (a char boundary) is a word character,
/// and its length; ASCII without decoding.
#[inline]
fn word_char_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        (b.is_ascii_alphanumeric() || b == b'_', 1)
    } else {
        let c = text[i..].chars().next().unwrap_or(' ');
        (is_word_char(c), c.len_utf8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_plain_sentences() {
        assert_eq!(
            sentences("It helps. It hurts! Does it? Yes."),
            vec!["It helps.", "It hurts!", "Does it?", "Yes."]
        );
    }

    #[test]
    fn survives_abbreviations_and_numbers() {
        let text = "Dr. Lee et al. reported 0.5 mg/kg doses, e.g. in the U.S. trial vs. placebo. \
                    J. Smith agreed. 2.1 What is TRD? It is hard.";
        assert_eq!(
            sentences(text),
            vec![
                "Dr. Lee et al. reported 0.5 mg/kg doses, e.g. in the U.S. trial vs. placebo.",
                "J. Smith agreed.",
                "2.1 What is TRD?",
                "It is hard."
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_the_sentence() {
        assert_eq!(
            sentences("He said \"it works.\" Then he left. (See below.) Done"),
            vec![
                "He said \"it works.\"",
                "Then he left.",
                "(See below.)",
                "Done"
            ]
        );
    }

    #[test]
    fn lowercase_after_period_does_not_split() {
        assert_eq!(
            sentences("approx. ten people. ok"),
            vec!["approx. ten people. ok"]
        );
    }

    #[test]
    fn words_keep_inner_apostrophes_and_hyphens() {
        let text = "isn't non-addictive -- 'quoted' end-";
        let got: Vec<&str> = words(text).map(|r| &text[r]).collect();
        assert_eq!(got, vec!["isn't", "non-addictive", "quoted", "end"]);
        // Non-ASCII letters are word characters, other non-ASCII characters
        // separate words, and a hyphen joins a non-ASCII letter.
        let text = "café—naïve 東京 x-été é_1 «no» -";
        let got: Vec<&str> = words(text).map(|r| &text[r]).collect();
        assert_eq!(got, vec!["café", "naïve", "東京", "x-été", "é_1", "no"]);
    }

    #[test]
    fn ellipses_end_sentences_among_other_terminators() {
        assert_eq!(
            sentences(
                "Wait\u{2026} What? Yes\u{2026}! No \u{2014} maybe. Done\u{2026} \"Ok\u{2026}"
            ),
            vec![
                "Wait\u{2026}",
                "What?",
                "Yes\u{2026}!",
                "No \u{2014} maybe.",
                "Done\u{2026}",
                "\"Ok\u{2026}"
            ]
        );
    }

    /// The stack-lowered lookup agrees with lowering the token as a string.
    #[test]
    fn listed_abbreviations_match_the_lowered_token() {
        let plain = |token: &str| {
            let lower = token.to_lowercase();
            ABBREVIATIONS.contains(&lower.trim_start_matches('-'))
        };
        let mut tokens: Vec<String> = ABBREVIATIONS.iter().map(|a| a.to_uppercase()).collect();
        tokens.extend(ABBREVIATIONS.iter().map(|a| format!("--{a}")));
        tokens.extend(
            [
                "",
                "-",
                "Approx",
                "approxx",
                "treatment",
                "U.S",
                "\u{212a}G",
                "\u{e9}tc",
                "Ph.D",
                "no",
                "NOS",
                "x-dr",
            ]
            .map(String::from),
        );
        let mut listed = 0;
        for token in &tokens {
            assert_eq!(listed_abbreviation(token), plain(token), "{token:?}");
            listed += usize::from(plain(token));
        }
        assert!(listed > ABBREVIATIONS.len(), "{listed}");
    }

    /// The ASCII loop finds the words `words` finds, and flags the ones
    /// with a capital or a non-ASCII character.
    #[test]
    fn for_each_word_finds_what_words_finds() {
        let mut texts = crate::scan::tests::corpus_segments();
        texts.extend(
            [
                "",
                "-",
                "a",
                "isn't non-addictive -- 'quoted' end- x' _y_ 9-5 A-b don'T",
                "Ends-with-join- 'twas -lead MiXeD ALL",
                "café—naïve 東京 x-été É_1 «No» -",
                "Ketamine KETAMINE ketamine İstanbul \u{212a}g ΟΔΟΣ",
            ]
            .map(String::from),
        );
        let mut buf = String::new();
        let mut capitals = 0;
        for text in &texts {
            let mut got = Vec::new();
            for_each_word(text, &mut buf, |r, hash| got.push((r, hash)));
            let want: Vec<(Range<usize>, u64)> = words(text)
                .map(|r| {
                    let w = &text[r.clone()];
                    // Lowered a character at a time, as the repetition
                    // rules' interned words are (no final-sigma rule).
                    let lowered: String = w.chars().flat_map(char::to_lowercase).collect();
                    capitals += usize::from(lowered != w);
                    (r, word_hash(&lowered))
                })
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
        assert!(capitals > 100, "too few words to lower: {capitals}");
    }

    #[test]
    fn word_hashes_tell_words_apart() {
        // Equal words hash alike (above); these differ, and so do their
        // hashes, in the bits hash tables use.
        let words = [
            "a",
            "b",
            "ab",
            "ba",
            "it",
            "its",
            "it's",
            "no",
            "on",
            "non-addictive",
        ];
        for (i, x) in words.iter().enumerate() {
            for y in &words[i + 1..] {
                let (hx, hy) = (word_hash(x), word_hash(y));
                assert_ne!(hx >> 52, hy >> 52, "{x} {y}: top bits");
                assert_ne!(hx & 0xfff, hy & 0xfff, "{x} {y}: low bits");
            }
        }
    }
}
