//! The `claimlint` command line: arguments, configuration discovery,
//! walking folders, baselines on disk, terminal and GitHub output, `--fix`
//! writing and the language server, on top of [`claimlint_core`].
//!
//! The library never prints: commands write to the `Write`rs they are given.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![allow(clippy::result_large_err)]

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod encoding;
pub mod fix;
pub mod lsp;
pub mod render;
pub mod since;
pub mod walk;

use std::io::Write;

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
        None => match commands::bare_word(&cli.check.paths, out, err)? {
            Some(status) => Ok(status),
            None => commands::check::run(&cli.check, out, err),
        },
        Some(cli::Command::Check(args)) => commands::check::run(&args, out, err),
        Some(cli::Command::Rules(args)) => commands::rules::list(&args, out, err),
        Some(cli::Command::Explain(args)) => commands::rules::explain(&args, out, err),
        Some(cli::Command::Lexicons(args)) => commands::rules::lexicons(&args, out, err),
        Some(cli::Command::TestRules(args)) => commands::selftest::run(&args, out, err),
        Some(cli::Command::Lsp(args)) => lsp::run(&args, err),
        Some(cli::Command::Init(args)) => commands::init::run(&args, out, err),
        Some(cli::Command::Completions(args)) => commands::completions::run(&args, out),
        Some(cli::Command::Man(args)) => commands::man::run(&args, out, err),
    }
}
