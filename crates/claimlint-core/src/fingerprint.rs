//! The fingerprint that baselines and SARIF use to recognise a finding.
//!
//! A finding's fingerprint hashes its rule, the matched text and the
//! sentence around it, whitespace-normalised — never its line or offset — so
//! adding or removing text above a finding does not make it new.

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// 64-bit FNV-1a, written out: stable across Rust versions and platforms.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sentence of the file around `span`: back to the previous sentence
/// end (`.` `!` `?` followed by whitespace) or blank line, forward to the
/// next one.
pub fn sentence_around<'t>(text: &'t str, span: &std::ops::Range<usize>) -> &'t str {
    let bytes = text.as_bytes();
    let start_at = span.start.min(text.len());
    let end_at = span.end.clamp(start_at, text.len());
    let is_end_punct = |b: u8| matches!(b, b'.' | b'!' | b'?');
    let blank_line_before = |i: usize| {
        // bytes[i] is '\n' and the previous line holds only whitespace.
        let mut j = i;
        while j > 0 {
            j -= 1;
            match bytes[j] {
                b'\n' => return true,
                b' ' | b'\t' | b'\r' => continue,
                _ => return false,
            }
        }
        false
    };
    let mut start = start_at;
    while start > 0 {
        let b = bytes[start - 1];
        if b.is_ascii_whitespace() && start >= 2 && is_end_punct(bytes[start - 2]) {
            break;
        }
        if b == b'\n' && blank_line_before(start - 1) {
            break;
        }
        start -= 1;
    }
    let mut end = end_at;
    while end < bytes.len() {
        let b = bytes[end];
        if is_end_punct(b) && bytes.get(end + 1).is_none_or(|n| n.is_ascii_whitespace()) {
            end += 1;
            break;
        }
        if b == b'\n' && end > 0 && blank_line_before(end) {
            break;
        }
        end += 1;
    }
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}

/// The location-independent fingerprint of `d` in `file`.
pub fn fingerprint(file: &SourceFile, d: &Diagnostic) -> String {
    let text = file.text();
    let matched = text.get(d.span.clone()).unwrap_or("");
    let sentence = sentence_around(text, &d.span);
    format!(
        "{:016x}",
        fnv1a(&[&d.rule, &normalise(matched), &normalise(sentence)])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_bounds() {
        let t = "First one. Ketamine cures depression fast! Next.\n\nOther para.";
        let at = t.find("cures").unwrap();
        assert_eq!(
            sentence_around(t, &(at..at + 5)),
            "Ketamine cures depression fast!"
        );
        let at = t.find("Other").unwrap();
        assert_eq!(sentence_around(t, &(at..at + 5)), "Other para.");
    }

    #[test]
    fn fingerprint_ignores_position_and_wrapping() {
        let a = SourceFile::new("a.md", "Intro.\n\nKetamine cures depression.\n");
        let b = SourceFile::new(
            "a.md",
            "New intro.\n\nMore.\n\nKetamine cures\ndepression.\n",
        );
        let diag = |f: &SourceFile| Diagnostic {
            rule: "cure.cure-claim".into(),
            category: "cure".into(),
            severity: crate::Severity::Error,
            message: String::new(),
            span: {
                let at = f.text().find("cures").unwrap();
                at..at + 5
            },
            label: String::new(),
            suggestion: None,
            fix: None,
            help: None,
            notes: vec![],
            related: vec![],
        };
        assert_eq!(fingerprint(&a, &diag(&a)), fingerprint(&b, &diag(&b)));
        let c = SourceFile::new("a.md", "Ketamine cures anxiety.\n");
        assert_ne!(fingerprint(&a, &diag(&a)), fingerprint(&c, &diag(&c)));
    }
}
