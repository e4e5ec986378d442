//! claimlint: a fast, rule-based linter for misleading claims in health
//! content.
//!
//! Data flows one way:
//!
//! ```text
//! paths ─walk─▶ SourceFile ─document─▶ Document (segments, sentences, offset maps)
//!       ─scan─▶ hits (one Aho-Corasick + one RegexSet pass per segment)
//!       ─engine─▶ context checks, document rules ─▶ sorted Diagnostics
//!       ─suppress─▶ comments ─config─▶ enable/disable, severities ─baseline─▶ new findings
//!       ─fix─▶ (--fix/--diff) ─render─▶ human | json | sarif | github | compact ─▶ exit status
//! ```
//!
//! The library never prints: commands write to the `Write`rs they are given.

#![warn(clippy::print_stdout, clippy::print_stderr)]
// Located errors carry a snippet's worth of context; they are built on the
// cold path (loading rules), so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod diagnostic;
pub mod document;
pub(crate) mod engine;
pub mod error;
pub mod examples;
pub mod fingerprint;
pub mod fix;
pub mod linter;
pub mod render;
pub mod rule;
pub(crate) mod rx;
pub(crate) mod scan;
pub mod source;
pub mod suppress;
pub(crate) mod yaml;

/// Entry points into the engine's stages for `benches/engine.rs`; not part
/// of the API.
#[doc(hidden)]
pub mod bench {
    use crate::{Format, RuleSet, SourceFile};

    /// Scanner hits in `text` (one segment).
    pub fn scan_hits(rules: &RuleSet, text: &str) -> usize {
        rules.scanner.scan(text).len()
    }

    /// Findings of the engine alone (no suppressions, no policy).
    pub fn engine_findings(rules: &RuleSet, file: &SourceFile, format: Format) -> usize {
        crate::engine::lint(rules, file, format).len()
    }
}

pub use diagnostic::{Diagnostic, Severity};
pub use document::Format;
pub use rule::RuleSet;
pub use source::SourceFile;

/// The built-in rule pack, compiled (the `default-rules` feature). An error
/// only if the embedded pack is broken, which the test suite rules out.
#[cfg(feature = "default-rules")]
pub fn default_rules() -> Result<RuleSet, Vec<error::LocatedError>> {
    rule::compile::load(&rule::compile::builtin_files())
}
