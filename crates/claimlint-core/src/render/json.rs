//! JSON output, version 1 (a contract: other tools parse it).
//!
//! ```json
//! {"version": 1,
//!  "diagnostics": [
//!    {"path": "seeds/002.txt", "rule": "absolute.best-treatment", "category": "absolute",
//!     "severity": "error", "message": "…", "start": 4711, "end": 4725,
//!     "line": 38, "column": 54, "end_line": 38, "end_column": 68,
//!     "text": "best treatment", "suggestion": null, "help": "…"}],
//!  "summary": {"files": 5, "errors": 3, "warnings": 7, "infos": 2, "skipped": 0}}
//! ```
//!
//! `start`/`end` are byte offsets into the file as read from disk (BOM and
//! CRLF included), `end` exclusive; lines and columns are 1-based, columns in
//! Unicode scalar values (a leading BOM is not counted). Diagnostics are
//! sorted by path, then start, then rule.

use serde::Serialize;

use crate::diagnostic::{Counts, Diagnostic};
use crate::source::SourceFile;

/// One diagnostic as serialised (borrowing from the diagnostic and its
/// file: nothing is copied).
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub path: &'a str,
    pub rule: &'a str,
    pub category: &'a str,
    pub severity: &'static str,
    pub message: &'a str,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: &'a str,
    pub suggestion: Option<&'a str>,
    pub help: Option<&'a str>,
    /// Other places the finding is about (present when there are any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonRelated<'a>>,
}

/// A related location of a diagnostic (the first copy of a repeated
/// block, each repeat of a stuffed phrase), positioned like the diagnostic.
#[derive(Debug, Clone, Serialize)]
pub struct JsonRelated<'a> {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: &'a str,
    pub message: &'a str,
}

impl<'a> JsonRelated<'a> {
    pub fn new(file: &'a SourceFile, r: &'a crate::diagnostic::Related) -> Self {
        let start = file.line_col(r.span.start);
        let end = file.line_col(r.span.end);
        Self {
            start: r.span.start,
            end: r.span.end,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            text: file.text().get(r.span.clone()).unwrap_or(""),
            message: &r.label,
        }
    }
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(file: &'a SourceFile, d: &'a Diagnostic) -> Self {
        let start = file.line_col(d.span.start);
        let end = file.line_col(d.span.end);
        Self {
            path: file.path(),
            rule: &d.rule,
            category: &d.category,
            severity: d.severity.as_str(),
            message: &d.message,
            start: d.span.start,
            end: d.span.end,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            text: file.text().get(d.span.clone()).unwrap_or(""),
            suggestion: d.suggestion.as_deref(),
            help: d.help.as_deref(),
            related: d
                .related
                .iter()
                .map(|r| JsonRelated::new(file, r))
                .collect(),
        }
    }
}

impl JsonDiagnostic<'_> {
    /// Appends the diagnostic as an item of the document's array: as
    /// serde_json pretty-prints it, indented by four more spaces. `path`
    /// is the path written as a JSON string (once per file).
    fn write_item(&self, path: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(b"    {\n      \"path\": ");
        out.extend_from_slice(path);
        let strings = [
            (&b",\n      \"rule\": "[..], self.rule),
            (b",\n      \"category\": ", self.category),
            (b",\n      \"severity\": ", self.severity),
            (b",\n      \"message\": ", self.message),
        ];
        for (key, value) in strings {
            out.extend_from_slice(key);
            push_str(out, value);
        }
        let numbers = [
            (&b",\n      \"start\": "[..], self.start),
            (b",\n      \"end\": ", self.end),
            (b",\n      \"line\": ", self.line),
            (b",\n      \"column\": ", self.column),
            (b",\n      \"end_line\": ", self.end_line),
            (b",\n      \"end_column\": ", self.end_column),
        ];
        let mut digits = itoa::Buffer::new();
        for (key, value) in numbers {
            out.extend_from_slice(key);
            out.extend_from_slice(digits.format(value).as_bytes());
        }
        out.extend_from_slice(b",\n      \"text\": ");
        push_str(out, self.text);
        let optional = [
            (&b",\n      \"suggestion\": "[..], self.suggestion),
            (b",\n      \"help\": ", self.help),
        ];
        for (key, value) in optional {
            out.extend_from_slice(key);
            match value {
                Some(value) => push_str(out, value),
                None => out.extend_from_slice(b"null"),
            }
        }
        if !self.related.is_empty() {
            // Rare (repetition findings): serialised by serde_json and
            // indented to the item's depth.
            out.extend_from_slice(b",\n      \"related\": ");
            let text = serde_json::to_string_pretty(&self.related).unwrap_or_else(|_| "[]".into());
            for (i, line) in text.lines().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b"\n      ");
                }
                out.extend_from_slice(line.as_bytes());
            }
        }
        out.extend_from_slice(b"\n    }");
    }
}

/// Appends `value` as a JSON string, escaped as serde_json escapes it
/// (control characters, `"` and `\\`; nothing else).
fn push_str(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Clean runs are copied whole. Sixteen bytes are tested at a time
    // (a fixed-size test that vectorises); only a chunk holding something
    // to escape is read byte by byte.
    let mut clean = 0;
    let mut chunks = bytes.chunks_exact(16);
    let mut at = 0;
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |any, &b| any | escaped(b)) {
            for (i, &b) in chunk.iter().enumerate() {
                if escaped(b) {
                    out.extend_from_slice(&bytes[clean..at + i]);
                    push_escape(out, b);
                    clean = at + i + 1;
                }
            }
        }
        at += 16;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if escaped(b) {
            out.extend_from_slice(&bytes[clean..at + i]);
            push_escape(out, b);
            clean = at + i + 1;
        }
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
}

/// Whether JSON (as serde_json writes it) escapes byte `b`.
#[inline]
fn escaped(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// The escape of `b` (one [`escaped`] says yes to), as serde_json writes
/// it: a short form where JSON has one, `\u00XX` otherwise.
fn push_escape(out: &mut Vec<u8>, b: u8) {
    let short = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
            return;
        }
    };
    out.push(b'\\');
    out.push(short);
}

/// The diagnostics of one file, serialised as items of the document's
/// array (indented, separated by commas): made on the thread that linted
/// the file, written by [`Stream::items`].
#[derive(Debug, Clone)]
pub struct Items {
    json: Vec<u8>,
    count: usize,
}

impl Items {
    /// `diagnostics` of `file`, in the contract's field order.
    pub fn new(file: &SourceFile, diagnostics: &[Diagnostic]) -> Self {
        Self::with_offsets(file, diagnostics, &|offset| offset)
    }

    /// As [`Items::new`], with `start`/`end` (and those of related
    /// locations) passed through `offset`: for a file decoded from another
    /// encoding, offsets into the bytes as stored.
    pub fn with_offsets(
        file: &SourceFile,
        diagnostics: &[Diagnostic],
        offset: &dyn Fn(usize) -> usize,
    ) -> Self {
        // About 650 bytes each with the default pack.
        let mut json = Vec::with_capacity(diagnostics.len() * 704);
        let mut path = Vec::new();
        push_str(&mut path, file.path());
        for (i, d) in diagnostics.iter().enumerate() {
            if i > 0 {
                json.extend_from_slice(b",\n");
            }
            let mut item = JsonDiagnostic::new(file, d);
            item.start = offset(item.start);
            item.end = offset(item.end);
            for r in &mut item.related {
                r.start = offset(r.start);
                r.end = offset(r.end);
            }
            item.write_item(&path, &mut json);
        }
        Items {
            json,
            count: diagnostics.len(),
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    skipped: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes_applied: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<SinceSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hidden: Option<usize>,
}

impl Summary {
    fn new(counts: &Counts, files: usize, extra: SummaryExtra) -> Self {
        Self {
            files,
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
            skipped: extra.skipped,
            baseline: extra.baseline,
            fixes_applied: extra.fixes_applied,
            since: extra.since,
            hidden: extra.hidden,
        }
    }
}

/// `summary.baseline` (only with `--baseline`): findings hidden because the
/// baseline has them, and baseline entries no longer found.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BaselineSummary {
    pub matched: usize,
    pub fixed: usize,
}

/// Summary fields that appear only with the options that produce them.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryExtra {
    pub baseline: Option<BaselineSummary>,
    /// Only with `--fix`.
    pub fixes_applied: Option<usize>,
    /// Files found by walking and not linted (too large, binary).
    pub skipped: usize,
    /// Only with `--since`.
    pub since: Option<SinceSummary>,
    /// Only with `--min-severity` above info: findings not shown (they
    /// still count towards the exit status).
    pub hidden: Option<usize>,
}

/// `summary.since` (only with `--since`): findings not shown because no
/// line they are about changed since the revision.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SinceSummary {
    pub unchanged: usize,
}

/// Writes the JSON document a file at a time, so memory does not grow with
/// the number of files or findings.
pub struct Stream {
    written: usize,
}

impl Stream {
    /// Writes the opening of the document.
    pub fn begin(out: &mut dyn std::io::Write) -> std::io::Result<Self> {
        out.write_all(b"{\n  \"version\": 1,\n  \"diagnostics\": [")?;
        Ok(Self { written: 0 })
    }

    /// Writes the diagnostics of one file.
    pub fn items(&mut self, out: &mut dyn std::io::Write, items: &Items) -> std::io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        out.write_all(if self.written == 0 { b"\n" } else { b",\n" })?;
        out.write_all(&items.json)?;
        self.written += items.count;
        Ok(())
    }

    /// Writes the summary and closes the document.
    pub fn end(
        self,
        out: &mut dyn std::io::Write,
        counts: &Counts,
        files: usize,
        extra: SummaryExtra,
    ) -> std::io::Result<()> {
        if self.written == 0 {
            out.write_all(b"],\n")?;
        } else {
            out.write_all(b"\n  ],\n")?;
        }
        let summary = Summary::new(counts, files, extra);
        let text = serde_json::to_string_pretty(&summary).map_err(std::io::Error::other)?;
        out.write_all(b"  \"summary\": ")?;
        // The summary's own lines are indented by two more spaces.
        let mut lines = text.lines();
        if let Some(first) = lines.next() {
            out.write_all(first.as_bytes())?;
        }
        for line in lines {
            out.write_all(b"\n  ")?;
            out.write_all(line.as_bytes())?;
        }
        out.write_all(b"\n}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn diagnostic(start: usize, help: Option<&str>) -> Diagnostic {
        Diagnostic {
            rule: "cure.cure-claim".into(),
            category: "cure".into(),
            severity: Severity::Error,
            message: "\u{201c}cures\u{201d} claims a cure".into(),
            span: start..start + 5,
            label: String::new(),
            suggestion: None,
            fix: None,
            help: help.map(String::from),
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// The whole document in one piece, as serde_json pretty-prints it.
    fn whole(
        files: &[(SourceFile, Vec<Diagnostic>)],
        counts: &Counts,
        extra: SummaryExtra,
    ) -> String {
        #[derive(Serialize)]
        struct Report<'a> {
            version: u32,
            diagnostics: Vec<JsonDiagnostic<'a>>,
            summary: Summary,
        }
        let report = Report {
            version: 1,
            diagnostics: files
                .iter()
                .flat_map(|(f, ds)| ds.iter().map(move |d| JsonDiagnostic::new(f, d)))
                .collect(),
            summary: Summary::new(counts, files.len(), extra),
        };
        serde_json::to_string_pretty(&report).unwrap() + "\n"
    }

    /// Every character below 0x80 (and a few above), alone and in text.
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut cases: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        cases.extend(
            [
                "",
                "plain text",
                "caf\u{e9} \u{2028}\u{1F600}",
                "a\"b\\c\u{1}d\u{7f}",
            ]
            .map(String::from),
        );
        cases.push(cases.concat());
        // Every escape at every offset of a text longer than the
        // sixteen-byte chunks, and next to another escape.
        for b in (0u8..0x20).chain([b'"', b'\\']) {
            let c = char::from(b);
            for at in 0..40 {
                let mut text: String = "abcdefghijklmnopqrstuvwxyz0123456789ABCD".into();
                text.insert(at, c);
                cases.push(text.clone());
                text.insert(at, '"');
                cases.push(text);
            }
        }
        for case in cases {
            let mut got = Vec::new();
            push_str(&mut got, &case);
            assert_eq!(
                String::from_utf8(got).unwrap(),
                serde_json::to_string(&case).unwrap()
            );
        }
    }

    #[test]
    fn streaming_writes_the_same_document_as_one_serialisation() {
        let counts = Counts {
            errors: 2,
            warnings: 0,
            infos: 0,
        };
        let extra = SummaryExtra {
            baseline: Some(BaselineSummary {
                matched: 1,
                fixed: 2,
            }),
            fixes_applied: None,
            skipped: 1,
            since: Some(SinceSummary { unchanged: 3 }),
            hidden: Some(4),
        };
        let text = "It cures \"all\"\r\nand cures\tmore: cures.\n";
        let file = |name: &str| SourceFile::new(name, text);
        // Escapes in every string field, a suggestion, a warning.
        let odd = Diagnostic {
            rule: "a\"b".into(),
            category: "c\\d".into(),
            severity: Severity::Warning,
            message: "tab\t, newline\n, \u{1}, \u{7f}, caf\u{e9} \u{1F600} </".into(),
            suggestion: Some("\"may\" help\r\n".into()),
            related: vec![
                crate::diagnostic::Related {
                    span: 10..14,
                    label: "first \"copy\"".into(),
                },
                crate::diagnostic::Related {
                    span: 22..27,
                    label: "repeated here".into(),
                },
            ],
            ..diagnostic(0, Some("\u{2028}"))
        };
        // No files, files without findings, and findings spread over files.
        let cases = vec![
            vec![],
            vec![(file("a.md"), vec![])],
            vec![(file("a.md"), vec![diagnostic(3, Some("say \"may help\""))])],
            vec![
                (
                    file("a.md"),
                    vec![diagnostic(3, None), diagnostic(21, Some("x"))],
                ),
                (file("b.md"), vec![]),
                (file("c\\d.md"), vec![diagnostic(33, None), odd]),
            ],
        ];
        for files in cases {
            let mut streamed = Vec::new();
            let mut s = Stream::begin(&mut streamed).unwrap();
            for (f, ds) in &files {
                let items = Items::new(f, ds);
                assert_eq!(items.len(), ds.len());
                s.items(&mut streamed, &items).unwrap();
            }
            s.end(&mut streamed, &counts, files.len(), extra).unwrap();
            let streamed = String::from_utf8(streamed).unwrap();
            assert_eq!(streamed, whole(&files, &counts, extra));
            serde_json::from_str::<serde_json::Value>(&streamed).unwrap();
        }
    }
}
