//! Plain text in the shape clinic posts are exported in.
//!
//! Every non-blank line is its own block (paragraphs are separated by blank
//! lines or by single newlines). A short line without closing punctuation is
//! a heading, and so is a numbered line such as `2.1 What is TRD?`; the first
//! heading-like line of the file is the title. `- `, `* ` and `• ` start list
//! items.

use super::{DocumentBuilder, SegmentKind};

/// What every suppression directive starts with.
pub const DIRECTIVE_PREFIX: &str = "claimlint-";

/// Whether a trimmed plain-text line is a suppression directive
/// (`// claimlint-…`), and so not prose.
pub fn is_plain_directive(trimmed_line: &str) -> bool {
    trimmed_line
        .strip_prefix("//")
        .is_some_and(|rest| rest.trim_start().starts_with(DIRECTIVE_PREFIX))
}

/// Longest line (in characters) still taken as a heading.
const MAX_HEADING_CHARS: usize = 100;

fn is_numbered_heading(line: &str) -> bool {
    let digits_and_dots = line
        .char_indices()
        .take_while(|&(_, c)| c.is_ascii_digit() || c == '.')
        .last();
    match digits_and_dots {
        Some((i, _)) => {
            let rest = &line[i + 1..];
            line.as_bytes()[0].is_ascii_digit()
                && rest.starts_with(' ')
                && rest
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
        }
        None => false,
    }
}

fn is_heading_like(line: &str) -> bool {
    let chars = line.chars().count();
    if chars == 0 || chars > MAX_HEADING_CHARS {
        return false;
    }
    if is_numbered_heading(line) {
        return true;
    }
    // A footnote number after the closing mark ("…antidepressants. 2",
    // "…in 2019.3,4", a page's superscripts read as text) ends a sentence.
    let unnoted = line.trim_end_matches(|c: char| c.is_ascii_digit() || c == ',' || c == ' ');
    let noted = unnoted.len() < line.len() && line.len() - unnoted.len() <= 6;
    let line_end = if noted { unnoted } else { line };
    let last = line_end.chars().last().unwrap_or(' ');
    if matches!(
        last,
        '.' | '!' | '?' | ':' | ';' | ',' | '…' | '"' | '\'' | ')' | '”' | '’'
    ) {
        return false;
    }
    // A heading starts with a capital letter or a digit and is not a list item.
    line.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// A non-blank line: its trimmed content range and text.
struct Line<'t> {
    start: usize,
    text: &'t str,
}

/// The lines of `text` that hold prose (`None` for blank lines and
/// suppression comments, which are recorded in `builder`).
fn lines<'t>(text: &'t str, builder: &mut DocumentBuilder<'_>) -> Vec<Option<Line<'t>>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let mut line = raw.trim_end_matches(['\n', '\r']);
        let mut base = line_start;
        // A byte-order mark is not content.
        if line_start == 0
            && let Some(rest) = line.strip_prefix('\u{feff}')
        {
            line = rest;
            base += '\u{feff}'.len_utf8();
        }
        let trimmed = line.trim();
        // Suppression comments (`// claimlint-…` lines) are not prose.
        if trimmed.is_empty() {
            out.push(None);
        } else if is_plain_directive(trimmed) {
            let start = base + (line.len() - line.trim_start().len());
            builder.comment(start..start + trimmed.len());
            out.push(None);
        } else {
            out.push(Some(Line {
                start: base + (line.len() - line.trim_start().len()),
                text: trimmed,
            }));
        }
    }
    out
}

fn list_body(line: &str) -> Option<&str> {
    ["- ", "* ", "• ", "– "]
        .iter()
        .find_map(|m| line.strip_prefix(m))
}

/// Whether `next` continues the paragraph `prev` ends (a hard-wrapped line):
/// `prev` has no closing punctuation and `next` starts in lower case.
fn continues(prev: &str, next: &str) -> bool {
    let open = !prev.ends_with(['.', '!', '?', ':', ';', '"', '\u{201d}', ')']);
    let lower = next
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c == '(');
    open && lower && list_body(next).is_none()
}

/// Parses plain text into `builder`.
pub fn parse(text: &str, builder: &mut DocumentBuilder<'_>) {
    let lines = lines(text, builder);
    let mut seen_title = false;
    let mut i = 0;
    while i < lines.len() {
        let Some(line) = &lines[i] else {
            builder.end();
            i += 1;
            continue;
        };
        let end = line.start + line.text.len();
        let wrapped =
            matches!(lines.get(i + 1), Some(Some(next)) if continues(line.text, next.text));
        let (kind, body_start) = if let Some(rest) = list_body(line.text) {
            (SegmentKind::ListItem, end - rest.len())
        } else if !wrapped && is_heading_like(line.text) {
            if seen_title {
                (SegmentKind::Heading(2), line.start)
            } else {
                seen_title = true;
                (SegmentKind::Title, line.start)
            }
        } else {
            seen_title = true;
            (SegmentKind::Paragraph, line.start)
        };
        builder.begin(kind);
        builder.push_source(body_start..end);
        // Hard-wrapped continuation lines join the block.
        let mut prev = line.text;
        while let Some(Some(next)) = lines.get(i + 1) {
            if !continues(prev, next.text) {
                break;
            }
            builder.push_break(end..next.start);
            builder.push_source(next.start..next.start + next.text.len());
            prev = next.text;
            i += 1;
        }
        builder.end();
        i += 1;
    }
    builder.end();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_directive_lines() {
        assert!(is_plain_directive("// claimlint-disable cure -- reviewed"));
        assert!(is_plain_directive("//claimlint-enable"));
        assert!(!is_plain_directive("// see https://example.org"));
        assert!(!is_plain_directive("claimlint-disable cure"));
    }

    use crate::document::{Document, Format};
    use crate::source::SourceFile;

    #[test]
    fn seed_shape() {
        let text = "\u{feff}Ketamine Today\r\nIt helps some people. It is not a cure.\r\n\r\n2.1 What is TRD?\n- a list item\nShort heading\n";
        let file = SourceFile::new("t.txt", text);
        let doc = Document::parse(&file, Format::Plain);
        let kinds: Vec<_> = doc.segments.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                SegmentKind::Title,
                SegmentKind::Paragraph,
                SegmentKind::Heading(2),
                SegmentKind::ListItem,
                SegmentKind::Heading(2)
            ]
        );
        assert_eq!(&text[doc.segments[0].file_span()], "Ketamine Today");
        assert_eq!(doc.segments[3].text, "a list item");
        assert_eq!(doc.segments[1].sentences.len(), 2);
        assert_eq!(doc.sections.len(), 4);
    }

    #[test]
    fn hard_wrapped_lines_join() {
        let text =
            "Title Here\r\nKetamine is the best\r\ntreatment for anxiety.\r\nNext paragraph.\n";
        let file = SourceFile::new("t.txt", text);
        let doc = Document::parse(&file, Format::Plain);
        assert_eq!(doc.segments.len(), 3);
        let seg = &doc.segments[1];
        assert_eq!(seg.text, "Ketamine is the best treatment for anxiety.");
        let at = seg.text.find("best treatment").unwrap();
        let span = seg.map.span(&(at..at + 14));
        assert_eq!(&text[span], "best\r\ntreatment");
    }

    #[test]
    fn a_footnote_number_after_a_full_stop_ends_a_sentence_not_a_heading() {
        assert!(!is_heading_like("Most patients respond to it. 2"));
        assert!(!is_heading_like("It was approved in 2019.3,4"));
        assert!(is_heading_like("Ketamine in 2024"));
        assert!(is_heading_like("Top 10"));
    }

    #[test]
    fn numbered_headings() {
        assert!(is_numbered_heading(
            "2.1 What is Treatment-Resistant Depression?"
        ));
        assert!(is_numbered_heading("1. Introduction to Ketamine"));
        assert!(!is_numbered_heading("2019 was a year."));
        assert!(!is_heading_like("It works."));
    }
}
