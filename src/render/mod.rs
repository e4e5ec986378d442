//! Output formats. Renderers turn diagnostics into text; they ask the
//! [`SourceFile`](crate::source::SourceFile) for lines and columns and never
//! compute positions themselves.

pub mod compact;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use clap::ValueEnum;
use serde::Deserialize;

/// `--format` (and `format:` in `.claimlint.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Annotated snippets in the style of rustc.
    Human,
    /// The versioned JSON document (see README, "JSON output").
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (annotations), capped.
    Github,
    /// `path:line:col: severity[id] message`, one line each.
    Compact,
}
