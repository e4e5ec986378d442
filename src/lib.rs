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

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod error;
pub mod fix;
pub mod lsp;
pub mod render;
pub mod rule;
pub mod rx;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod walk;
pub mod yaml;

use std::io::Write;

pub use diagnostic::{Diagnostic, Severity};
pub use document::Format;
pub use rule::RuleSet;
pub use source::SourceFile;

/// How a run ended; the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the failing severity.
    Clean = 0,
    /// Findings at or above the failing severity (or failed rule examples).
    Findings = 1,
    /// Usage, configuration, rule or I/O error.
    Error = 2,
}

/// Runs the command line `cli`, writing results to `out` and problems to
/// `err`. An error writing to `out` (such as a closed pipe) is returned.
pub fn run(cli: cli::Cli, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<ExitStatus> {
    match cli.command {
        None => commands::check::run(&cli.check, out, err),
        Some(cli::Command::Check(args)) => commands::check::run(&args, out, err),
        Some(cli::Command::Rules(args)) => commands::rules::list(&args, out, err),
        Some(cli::Command::Explain(args)) => commands::rules::explain(&args, out, err),
        Some(cli::Command::TestRules(args)) => commands::selftest::run(&args, out, err),
        Some(cli::Command::Lsp(args)) => lsp::run(&args, err),
        Some(cli::Command::Init(args)) => commands::init::run(&args, out, err),
    }
}

/// Lints `text` as a file at `path` (its format from the extension) with
/// `rules`. The convenience entry point for tests and embedding.
pub fn lint_text(rules: &RuleSet, path: &str, text: &str) -> Vec<Diagnostic> {
    let source = SourceFile::new(path, text);
    engine::lint(rules, &source, Format::from_path(path))
}

/// The built-in rule pack, compiled. Panics only if the embedded pack is
/// broken, which the test suite rules out.
pub fn default_rules() -> Result<RuleSet, Vec<error::LocatedError>> {
    rule::compile::load(&rule::compile::builtin_files())
}
