//! `--format compact`: `path:line:col: severity[id] message`, one finding a
//! line (for editors' error formats and grep).

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// One finding as one line (newline-terminated). Line breaks inside the
/// message are flattened to spaces.
pub fn render(file: &SourceFile, d: &Diagnostic) -> String {
    let at = file.line_col(d.span.start);
    let message = d.message.replace(['\r', '\n'], " ");
    format!(
        "{}:{}:{}: {}[{}] {}\n",
        file.path(),
        at.line,
        at.column,
        d.severity,
        d.rule,
        message
    )
}
