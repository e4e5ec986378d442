//! `claimlint completions SHELL`: a completion script generated from the
//! command-line definition, so it always knows every subcommand and flag.

use std::io::Write;

use clap::CommandFactory;

use crate::ExitStatus;
use crate::cli::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "claimlint", out);
    Ok(ExitStatus::Clean)
}
