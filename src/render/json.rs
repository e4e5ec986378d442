//! JSON output, version 1 (a contract: other tools parse it).
//!
//! ```json
//! {"version": 1,
//!  "diagnostics": [
//!    {"path": "seeds/002.txt", "rule": "absolute.best-treatment", "category": "absolute",
//!     "severity": "error", "message": "…", "start": 4711, "end": 4725,
//!     "line": 38, "column": 54, "end_line": 38, "end_column": 68,
//!     "text": "best treatment", "suggestion": null, "help": "…"}],
//!  "summary": {"files": 5, "errors": 3, "warnings": 7, "infos": 2}}
//! ```
//!
//! `start`/`end` are byte offsets into the file as read from disk (BOM and
//! CRLF included), `end` exclusive; lines and columns are 1-based, columns in
//! Unicode scalar values (a leading BOM is not counted). Diagnostics are
//! sorted by path, then start, then rule.

use serde::Serialize;

use crate::diagnostic::{Counts, Diagnostic};
use crate::source::SourceFile;

/// One diagnostic as serialised.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic {
    pub path: String,
    pub rule: String,
    pub category: String,
    pub severity: String,
    pub message: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: String,
    pub suggestion: Option<String>,
    pub help: Option<String>,
}

impl JsonDiagnostic {
    pub fn new(file: &SourceFile, d: &Diagnostic) -> Self {
        let start = file.line_col(d.span.start);
        let end = file.line_col(d.span.end);
        Self {
            path: file.path().to_string(),
            rule: d.rule.to_string(),
            category: d.category.to_string(),
            severity: d.severity.as_str().to_string(),
            message: d.message.clone(),
            start: d.span.start,
            end: d.span.end,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            text: file.text().get(d.span.clone()).unwrap_or("").to_string(),
            suggestion: d.suggestion.clone(),
            help: d.help.clone(),
        }
    }
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes_applied: Option<usize>,
}

impl Summary {
    fn new(counts: &Counts, files: usize, extra: SummaryExtra) -> Self {
        Self {
            files,
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
            baseline: extra.baseline,
            fixes_applied: extra.fixes_applied,
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
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: &'a [JsonDiagnostic],
    summary: Summary,
}

/// The whole JSON document (pretty-printed, newline-terminated).
pub fn render(diagnostics: &[JsonDiagnostic], counts: &Counts, files: usize) -> String {
    render_with(diagnostics, counts, files, SummaryExtra::default())
}

/// [`render`] with the optional summary fields.
pub fn render_with(
    diagnostics: &[JsonDiagnostic],
    counts: &Counts,
    files: usize,
    extra: SummaryExtra,
) -> String {
    let report = Report {
        version: 1,
        diagnostics,
        summary: Summary::new(counts, files, extra),
    };
    let mut out = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|e| format!("{{\"version\": 1, \"error\": {:?}}}", e.to_string()));
    out.push('\n');
    out
}

/// Writes the same document as [`render_with`], one diagnostic at a time, so
/// memory does not grow with the number of findings.
pub struct Stream {
    written: usize,
    /// One diagnostic's JSON, reused from one to the next.
    buf: Vec<u8>,
}

impl Stream {
    /// Writes the opening of the document.
    pub fn begin(out: &mut dyn std::io::Write) -> std::io::Result<Self> {
        out.write_all(b"{\n  \"version\": 1,\n  \"diagnostics\": [")?;
        Ok(Self {
            written: 0,
            buf: Vec::new(),
        })
    }

    /// Writes one diagnostic (in the contract's order).
    pub fn item(
        &mut self,
        out: &mut dyn std::io::Write,
        d: &JsonDiagnostic,
    ) -> std::io::Result<()> {
        self.buf.clear();
        serde_json::to_writer_pretty(&mut self.buf, d).map_err(std::io::Error::other)?;
        out.write_all(if self.written == 0 { b"\n" } else { b",\n" })?;
        // Indented by four spaces: the diagnostic is inside the array.
        for (i, line) in self.buf.split(|&b| b == b'\n').enumerate() {
            out.write_all(if i == 0 { b"    " } else { b"\n    " })?;
            out.write_all(line)?;
        }
        self.written += 1;
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

    fn sample(i: usize) -> JsonDiagnostic {
        JsonDiagnostic {
            path: format!("p{i}.md"),
            rule: "cure.cure-claim".into(),
            category: "cure".into(),
            severity: "error".into(),
            message: "“cures” claims a cure".into(),
            start: i,
            end: i + 5,
            line: 1,
            column: i + 1,
            end_line: 1,
            end_column: i + 6,
            text: "cures".into(),
            suggestion: None,
            help: Some("say \"may help\"".into()),
        }
    }

    #[test]
    fn streaming_writes_the_same_document() {
        let counts = Counts {
            errors: 2,
            warnings: 0,
            infos: 0,
        };
        for n in [0, 1, 3] {
            let items: Vec<JsonDiagnostic> = (0..n).map(sample).collect();
            let extra = SummaryExtra {
                baseline: Some(BaselineSummary {
                    matched: 1,
                    fixed: 2,
                }),
                fixes_applied: None,
            };
            let whole = render_with(&items, &counts, 7, extra);
            let mut streamed = Vec::new();
            let mut s = Stream::begin(&mut streamed).unwrap();
            for d in &items {
                s.item(&mut streamed, d).unwrap();
            }
            s.end(&mut streamed, &counts, 7, extra).unwrap();
            assert_eq!(String::from_utf8(streamed).unwrap(), whole, "{n} items");
        }
    }
}
