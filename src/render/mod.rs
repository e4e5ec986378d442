//! Output formats. Renderers turn diagnostics into text; they ask the
//! [`SourceFile`](crate::source::SourceFile) for lines and columns and never
//! compute positions themselves.

pub mod human;
pub mod json;

use clap::ValueEnum;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Annotated snippets in the style of rustc.
    Human,
    /// The versioned JSON document (see README, "JSON output").
    Json,
}
