//! Front matter of Markdown and MDX files: YAML between `---` lines or TOML
//! between `+++` lines, at the very start of the file (after a byte-order
//! mark).
//!
//! `title` is linted as the document title ([`SegmentKind::Title`], so its
//! findings are raised one severity level like a heading's) and
//! `description` as a paragraph, at the exact bytes of their values. Every
//! scalar field is recorded in [`super::Document::meta`] for transparency
//! rules (`author`, `date`, `reviewed_by`…). YAML is read with serde-saphyr
//! and TOML with the `toml` crate; front matter that does not parse is
//! skipped (neither linted nor recorded), as it was before.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{DocumentBuilder, SegmentKind};

/// The front matter keys linted as prose, with their segment kinds.
const PROSE_KEYS: &[(&str, SegmentKind)] = &[
    ("title", SegmentKind::Title),
    ("description", SegmentKind::Paragraph),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Yaml,
    Toml,
}

/// Front matter found at the start of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    flavour: Flavour,
    /// Byte range of the content between the fences.
    pub content: Range<usize>,
    /// Byte offset where the document body starts (after the closing fence
    /// line).
    pub body: usize,
}

/// Lines of `text` from `from`: (start, end without terminator, next start).
fn lines_from(text: &str, from: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let (end, next) = match text[start..].find('\n') {
            Some(i) => (start + i, start + i + 1),
            None => (text.len(), text.len()),
        };
        pos = next;
        let end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some((start, end, next))
    })
}

/// Finds front matter at the start of `text` (after a byte-order mark).
pub fn find(text: &str) -> Option<Block> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = lines_from(text, start);
    let (s, e, content_start) = lines.next()?;
    let first = text[s..e].trim_end();
    let (flavour, closers): (Flavour, &[&str]) = match first {
        "---" => (Flavour::Yaml, &["---", "..."]),
        "+++" => (Flavour::Toml, &["+++"]),
        _ => return None,
    };
    for (s, e, next) in lines {
        if closers.contains(&text[s..e].trim_end()) {
            return Some(Block {
                flavour,
                content: content_start..s,
                body: next,
            });
        }
    }
    None
}

/// Lints and records the front matter of `text`, if any; returns the byte
/// offset where the body starts (after the front matter, or after a
/// byte-order mark).
pub fn parse(text: &str, builder: &mut DocumentBuilder<'_>) -> usize {
    let Some(block) = find(text) else {
        return if text.starts_with('\u{feff}') { 3 } else { 0 };
    };
    let content = &text[block.content.clone()];
    let fields = match block.flavour {
        Flavour::Yaml => yaml_fields(content),
        Flavour::Toml => toml_fields(content),
    };
    let Some(fields) = fields else {
        return block.body;
    };
    let mut prose: Vec<(Range<usize>, SegmentKind, Option<String>)> = Vec::new();
    for (key, value) in &fields {
        for line in flatten(key, value) {
            builder.set_meta(&line.0, &line.1);
        }
        let Some(&(_, kind)) = PROSE_KEYS.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) else {
            continue;
        };
        let Value::Text(decoded) = value else {
            continue;
        };
        let located = match block.flavour {
            Flavour::Yaml => locate_yaml(text, &block, key),
            Flavour::Toml => locate_toml(text, &block, key),
        };
        if let Some((range, exact)) = located {
            prose.push((range, kind, (!exact).then(|| decoded.clone())));
        }
    }
    prose.sort_by_key(|(r, _, _)| r.start);
    for (range, kind, replacement) in prose {
        builder.begin(kind);
        match replacement {
            None => builder.push_source(range),
            Some(text) => builder.push_replacement(&text, range),
        }
        builder.end();
    }
    block.body
}

/// A front matter value, reduced to what claimlint uses.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    List(Vec<Value>),
    Table(BTreeMap<String, Value>),
    Other,
}

/// `(key, value)` lines for [`super::Document::meta`].
fn flatten(key: &str, value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Text(t) => vec![(key.to_string(), t.clone())],
        Value::List(items) => {
            let texts: Vec<&str> = items
                .iter()
                .filter_map(|v| match v {
                    Value::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            if texts.is_empty() {
                Vec::new()
            } else {
                vec![(key.to_string(), texts.join(", "))]
            }
        }
        Value::Table(map) => map
            .iter()
            .flat_map(|(k, v)| flatten(&format!("{key}.{k}"), v))
            .collect(),
        Value::Other => Vec::new(),
    }
}

fn from_json(value: serde_json::Value) -> Value {
    use serde_json::Value as J;
    match value {
        J::String(s) => Value::Text(s),
        J::Number(n) => Value::Text(n.to_string()),
        J::Bool(b) => Value::Text(b.to_string()),
        J::Array(items) => Value::List(items.into_iter().map(from_json).collect()),
        J::Object(map) => Value::Table(map.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
        J::Null => Value::Other,
    }
}

fn from_toml(value: toml::Value) -> Value {
    use toml::Value as T;
    match value {
        T::String(s) => Value::Text(s),
        T::Integer(n) => Value::Text(n.to_string()),
        T::Float(f) => Value::Text(f.to_string()),
        T::Boolean(b) => Value::Text(b.to_string()),
        T::Datetime(d) => Value::Text(d.to_string()),
        T::Array(items) => Value::List(items.into_iter().map(from_toml).collect()),
        T::Table(map) => Value::Table(map.into_iter().map(|(k, v)| (k, from_toml(v))).collect()),
    }
}

fn yaml_fields(content: &str) -> Option<Vec<(String, Value)>> {
    if content.trim().is_empty() {
        return Some(Vec::new());
    }
    // serde-saphyr's default budgets bound nesting, aliases and size.
    let map: serde_json::Map<String, serde_json::Value> = serde_saphyr::from_str(content).ok()?;
    Some(map.into_iter().map(|(k, v)| (k, from_json(v))).collect())
}

fn toml_fields(content: &str) -> Option<Vec<(String, Value)>> {
    let table: toml::Table = toml::from_str(content).ok()?;
    Some(table.into_iter().map(|(k, v)| (k, from_toml(v))).collect())
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Byte range of `key`'s value in YAML front matter, and whether those
/// bytes are the value verbatim (up to whitespace); `None` if not found.
fn locate_yaml(text: &str, block: &Block, key: &str) -> Option<(Range<usize>, bool)> {
    let lines: Vec<(usize, usize, usize)> =
        lines_from(&text[..block.content.end], block.content.start).collect();
    let (index, value_start) = lines.iter().enumerate().find_map(|(i, &(s, e, _))| {
        let line = &text[s..e];
        let rest = line.strip_prefix(key).or_else(|| {
            let n = key.len();
            (line.len() > n && line.is_char_boundary(n) && line[..n].eq_ignore_ascii_case(key))
                .then(|| &line[n..])
        })?;
        let rest = rest.trim_start_matches([' ', '\t']).strip_prefix(':')?;
        Some((i, e - rest.len()))
    })?;
    let (_, line_end, _) = lines[index];
    let first = text[value_start..line_end].trim_start_matches([' ', '\t']);
    let first_start = line_end - first.len();
    // Continuation lines: more indented than the key, or blank.
    let continuation_end = |from: usize| -> usize {
        let mut end = from;
        for &(s, e, _) in &lines[index + 1..] {
            let line = &text[s..e];
            if line.trim().is_empty() {
                continue;
            }
            if indent(line) == 0 {
                break;
            }
            end = s + line.trim_end().len();
        }
        end
    };
    match first.chars().next() {
        None | Some('|' | '>') => {
            let block_start = lines
                .get(index + 1)
                .map(|&(s, e, _)| s + indent(&text[s..e]))?;
            let end = continuation_end(block_start);
            (end > block_start).then_some((block_start..end, true))
        }
        Some(q @ ('"' | '\'')) => {
            let inner_start = first_start + 1;
            let region = &text[inner_start..block.content.end];
            let mut escaped = false;
            let mut close = None;
            let mut chars = region.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if q == '"' && c == '\\' {
                    escaped = true;
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        escaped = true;
                        chars.next();
                    } else {
                        close = Some(i);
                        break;
                    }
                }
            }
            let close = inner_start + close?;
            Some((inner_start..close, !escaped))
        }
        Some(_) => {
            let own = match first.find(" #") {
                Some(i) => &first[..i],
                None => first,
            }
            .trim_end();
            let end = continuation_end(first_start + own.len());
            Some((first_start..end, true))
        }
    }
}

/// Byte range of `key`'s string value in TOML front matter, and whether
/// those bytes are the value verbatim (up to whitespace).
fn locate_toml(text: &str, block: &Block, key: &str) -> Option<(Range<usize>, bool)> {
    let (value_start, line_end) = lines_from(&text[..block.content.end], block.content.start)
        .find_map(|(s, e, _)| {
            let line = &text[s..e];
            let trimmed = line.trim_start();
            let rest = trimmed
                .strip_prefix(key)
                .or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")))?;
            let rest = rest.trim_start().strip_prefix('=')?;
            Some((e - rest.len(), e))
        })?;
    let value = text[value_start..line_end].trim_start();
    let start = line_end - value.len();
    for (quote, raw) in [("\"\"\"", false), ("'''", true), ("\"", false), ("'", true)] {
        if !value.starts_with(quote) {
            continue;
        }
        let inner_start = start + quote.len();
        let multi = quote.len() == 3;
        let region_end = if multi { block.content.end } else { line_end };
        let region = &text[inner_start..region_end];
        let mut close = None;
        let mut escaped = false;
        let mut i = 0;
        while i < region.len() {
            let rest = &region[i..];
            if !raw && rest.starts_with('\\') {
                escaped = true;
                i += 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
                continue;
            }
            if rest.starts_with(quote) {
                close = Some(i);
                break;
            }
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
        let close = inner_start + close?;
        // A multi-line string's first newline is not part of its value.
        let mut inner_start = inner_start;
        if multi {
            if text[inner_start..close].starts_with("\r\n") {
                inner_start += 2;
            } else if text[inner_start..close].starts_with('\n') {
                inner_start += 1;
            }
        }
        return Some((inner_start..close, !escaped));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::document::{Document, Format, SegmentKind};
    use crate::source::SourceFile;

    fn doc(path: &str, text: &str) -> (SourceFile, Document) {
        let file = SourceFile::new(path, text);
        let doc = Document::parse(&file, Format::from_path(path));
        (file, doc)
    }

    fn spans<'a>(file: &'a SourceFile, doc: &Document) -> Vec<(SegmentKind, String, &'a str)> {
        doc.segments
            .iter()
            .map(|s| (s.kind, s.text.clone(), &file.text()[s.file_span()]))
            .collect()
    }

    #[test]
    fn yaml_title_and_description_are_prose_and_fields_are_meta() {
        let text = "\u{feff}---\r\ntitle: The best treatment # comment\r\nauthor: Dr. Jane Roe\r\ndate: 2024-03-01\r\nreviewed_by:\r\n  - Dr. A\r\n  - Dr. B\r\ndescription: >\r\n  Ketamine is\r\n  completely safe.\r\nseo:\r\n  canonical: https://x.example/\r\ntags: [one, two]\r\n---\r\n\r\n# Heading\r\n";
        let (file, doc) = doc("t.md", text);
        let got = spans(&file, &doc);
        assert_eq!(
            got,
            vec![
                (
                    SegmentKind::Title,
                    "The best treatment".into(),
                    "The best treatment"
                ),
                (
                    SegmentKind::Paragraph,
                    "Ketamine is completely safe.".into(),
                    "Ketamine is\r\n  completely safe."
                ),
                (SegmentKind::Heading(1), "Heading".into(), "Heading"),
            ]
        );
        assert_eq!(doc.meta("author"), Some("Dr. Jane Roe"));
        assert_eq!(doc.meta("date"), Some("2024-03-01"));
        assert_eq!(doc.meta("reviewed_by"), Some("Dr. A, Dr. B"));
        assert_eq!(doc.meta("seo.canonical"), Some("https://x.example/"));
        assert_eq!(doc.meta("tags"), Some("one, two"));
    }

    #[test]
    fn yaml_quoted_values_map_exactly_or_as_a_whole() {
        let (file, doc) = doc(
            "t.mdx",
            "---\ntitle: \"Ketamine: a “miracle”\"\ndescription: 'It''s safe'\n---\nBody.\n",
        );
        let got = spans(&file, &doc);
        assert_eq!(got[0].1, "Ketamine: a \"miracle\"");
        assert_eq!(got[0].2, "Ketamine: a “miracle”");
        assert_eq!(got[1].1, "It's safe");
        assert_eq!(got[1].2, "It''s safe");
        assert_eq!(got[2].1, "Body.");
    }

    #[test]
    fn toml_front_matter() {
        let text = "+++\ntitle = \"A cure \\\"for\\\" all\"\ndescription = '''\nSafe and\neffective.'''\ndate = 2024-01-02\nreviewed_by = [\"Dr. A\"]\n+++\n\nText.\n";
        let (file, doc) = doc("t.md", text);
        let got = spans(&file, &doc);
        assert_eq!(got[0].0, SegmentKind::Title);
        assert_eq!(got[0].1, "A cure \"for\" all");
        assert_eq!(got[0].2, "A cure \\\"for\\\" all");
        assert_eq!(got[1].1, "Safe and effective.");
        assert_eq!(got[1].2, "Safe and\neffective.");
        assert_eq!(got[2].1, "Text.");
        assert_eq!(doc.meta("date"), Some("2024-01-02"));
        assert_eq!(doc.meta("reviewed_by"), Some("Dr. A"));
    }

    #[test]
    fn malformed_or_unclosed_front_matter_is_harmless() {
        let (_, d) = doc("t.md", "---\ntitle: [unclosed\n---\nBody.\n");
        assert_eq!(d.segments.len(), 1);
        assert_eq!(d.segments[0].text, "Body.");
        assert!(d.meta.is_empty());
        let (_, d) = doc("t.md", "---\ntitle: x\n");
        assert!(d.meta.is_empty());
        let (_, d) = doc("t.md", "+++\n= broken\n+++\nBody.\n");
        assert_eq!(d.segments[0].text, "Body.");
    }
}
