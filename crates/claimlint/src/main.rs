//! The `claimlint` binary: parse arguments, run, map the outcome to an exit
//! status (0 clean, 1 findings, 2 errors). A closed stdout is not an error.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = claimlint::cli::Cli::parse();
    // The language server owns stdout (framed JSON-RPC): run it before
    // stdout is locked for the other commands.
    if let Some(claimlint::cli::Command::Lsp(args)) = &cli.command {
        let mut err = std::io::stderr().lock();
        return match claimlint::lsp::run(args, &mut err) {
            Ok(status) => ExitCode::from(status as u8),
            Err(_) => ExitCode::from(claimlint::ExitStatus::Error as u8),
        };
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr().lock();
    let result = claimlint::run(cli, &mut out, &mut err).and_then(|status| {
        out.flush()?;
        Ok(status)
    });
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(claimlint::ExitStatus::Error as u8)
        }
    }
}
