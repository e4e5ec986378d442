//! The one finding type every rule produces and every renderer reads.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// One level lower (`Info` stays `Info`).
    pub fn downgraded(self) -> Self {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Info => Severity::Info,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A machine-applicable edit: replace `span` of the file with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Range<usize>,
    pub replacement: String,
}

/// A secondary location shown with a finding (e.g. where a duplicate was
/// first seen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Range<usize>,
    pub label: String,
}

/// One finding, positioned by byte offsets into the file as read from disk.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Diagnostic {
    pub rule: Arc<str>,
    pub category: Arc<str>,
    pub severity: Severity,
    pub message: String,
    /// Byte span into the original file; `end` exclusive.
    pub span: Range<usize>,
    /// Short label under the underlined span.
    pub label: String,
    /// Replacement text the writer may use.
    pub suggestion: Option<String>,
    /// Edit that `--fix` may apply (only for safe, mechanical rules).
    pub fix: Option<Fix>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// Sort key of the JSON contract: start, then rule (path is per file).
    pub fn sort_key(&self) -> (usize, &str, usize) {
        (self.span.start, &self.rule, self.span.end)
    }
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn merge(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
    }

    /// Findings at or above `threshold`.
    pub fn at_or_above(&self, threshold: Severity) -> usize {
        match threshold {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Info => self.errors + self.warnings + self.infos,
        }
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}
