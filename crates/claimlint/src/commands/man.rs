//! `claimlint man`: the manual page, generated from the command-line
//! definition: printed as roff, or written with one page per subcommand.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use super::use_color_stderr;
use crate::ExitStatus;
use crate::cli::{Cli, ColorChoice, ManArgs};
use crate::render::human::{self, Style};
use crate::walk::{display_path, io_message};

pub fn run(
    args: &ManArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let mut cmd = Cli::command();
    cmd.build();
    let Some(dir) = &args.out else {
        clap_mangen::Man::new(cmd).render(out)?;
        return Ok(ExitStatus::Clean);
    };
    let mut written = Vec::new();
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| write_pages(&cmd, dir, &mut written))
    {
        let style = Style {
            color: use_color_stderr(ColorChoice::Auto),
        };
        let message = format!(
            "cannot write man pages to {}: {}",
            display_path(dir),
            io_message(&e)
        );
        err.write_all(human::render_plain_error(style, &message).as_bytes())?;
        return Ok(ExitStatus::Error);
    }
    for path in written {
        writeln!(out, "Wrote {}", display_path(&path))?;
    }
    Ok(ExitStatus::Clean)
}

/// `claimlint.1`, then `claimlint-SUBCOMMAND.1` for each subcommand.
fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> std::io::Result<()> {
    written.push(clap_mangen::Man::new(cmd.clone()).generate_to(dir)?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}
