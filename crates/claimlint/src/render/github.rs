//! `--format github`: GitHub Actions workflow commands, one annotation a
//! finding (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=ID::…`).
//!
//! GitHub shows a limited number of annotations per step and job, and
//! reporters that hit the limit have failed jobs that had no error. So the
//! annotations are capped (`--max-annotations`, errors first), a notice says
//! how many were left out, and the cap never changes the exit status.

use claimlint_core::diagnostic::{Diagnostic, Severity};
use claimlint_core::source::SourceFile;

/// Default `--max-annotations`.
pub const DEFAULT_MAX_ANNOTATIONS: usize = 50;

/// Escapes a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One annotation (newline-terminated).
pub fn render(file: &SourceFile, d: &Diagnostic) -> String {
    let start = file.line_col(d.span.start);
    let end = file.line_col(d.span.end.max(d.span.start));
    let mut message = d.message.clone();
    if let Some(s) = &d.suggestion {
        message.push_str(&format!(" (write instead: \"{s}\")"));
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        command(d.severity),
        escape_property(file.path()),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(&d.rule),
        escape_data(&message)
    )
}

/// Rows of the job summary table at most (GitHub limits a step's summary
/// to 1 MiB).
pub const MAX_SUMMARY_ROWS: usize = 1000;

fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// One finding as a row of the job summary's Markdown table.
pub fn summary_row(file: &SourceFile, d: &Diagnostic) -> String {
    let at = file.line_col(d.span.start);
    format!(
        "| {} | `{}:{}:{}` | `{}` | {} |\n",
        d.severity,
        escape_cell(file.path()).replace('`', "'"),
        at.line,
        at.column,
        d.rule,
        escape_cell(&d.message)
    )
}

/// The job summary (`$GITHUB_STEP_SUMMARY`): the summary line and every
/// finding, annotated or not (up to [`MAX_SUMMARY_ROWS`]).
pub fn job_summary(summary_line: &str, rows: &[String]) -> String {
    let mut out = format!("\n### claimlint\n\n{}\n", summary_line.trim_end());
    if rows.is_empty() {
        return out;
    }
    out.push_str("\n| severity | where | rule | message |\n|---|---|---|---|\n");
    for row in rows.iter().take(MAX_SUMMARY_ROWS) {
        out.push_str(row);
    }
    if rows.len() > MAX_SUMMARY_ROWS {
        out.push_str(&format!(
            "\n…and {} more; run claimlint locally or use --format sarif.\n",
            rows.len() - MAX_SUMMARY_ROWS
        ));
    }
    out
}

/// The notice printed when annotations were left out.
pub fn cap_notice(shown: usize, total: usize) -> String {
    format!(
        "::notice title=claimlint::{}\n",
        escape_data(&format!(
            "{} more findings were not annotated (the first {shown} of {total} are, errors first; --max-annotations). Run claimlint locally or upload --format sarif for all of them.",
            total - shown
        ))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
