//! Output formats. Renderers turn diagnostics into text; they ask the
//! [`SourceFile`](crate::source::SourceFile) for lines and columns and never
//! compute positions themselves. The human (terminal) and GitHub renderers
//! live with the command line; these are the ones an embedding needs.

pub mod compact;
pub mod json;
pub mod sarif;

use serde::Deserialize;

/// `--format` (and `format:` in `.claimlint.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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

impl OutputFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [OutputFormat; 5] = [
        OutputFormat::Human,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Compact,
    ];

    /// The name used on the command line and in configuration.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Human => "human",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Compact => "compact",
        }
    }

    /// One line describing the format, for help texts.
    pub fn description(self) -> &'static str {
        match self {
            OutputFormat::Human => "Annotated snippets in the style of rustc",
            OutputFormat::Json => "The versioned JSON document (see README, \"JSON output\")",
            OutputFormat::Sarif => "SARIF 2.1.0 (GitHub code scanning and other SARIF viewers)",
            OutputFormat::Github => "GitHub Actions workflow commands (annotations), capped",
            OutputFormat::Compact => "`path:line:col: severity[id] message`, one line each",
        }
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| format!("unknown output format `{s}`"))
    }
}
