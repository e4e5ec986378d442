//! `claimlint init`: write a commented starter `.claimlint.yaml`.

use std::io::Write;
use std::path::PathBuf;

use super::use_color_stderr;
use crate::ExitStatus;
use crate::cli::{ColorChoice, InitArgs};
use crate::config::STARTER;
use crate::render::human::{self, Style};
use crate::walk::{display_path, io_message};

pub fn run(
    args: &InitArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let style = Style {
        color: use_color_stderr(ColorChoice::Auto),
    };
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let path = dir.join(".claimlint.yaml");
    let shown = display_path(&path);
    if path.exists() && !args.force {
        err.write_all(
            human::render_plain_error(
                style,
                &format!("{shown} already exists (use --force to overwrite it)"),
            )
            .as_bytes(),
        )?;
        return Ok(ExitStatus::Error);
    }
    if let Err(e) = crate::fix::write_atomic_new(&path, STARTER) {
        err.write_all(
            human::render_plain_error(style, &format!("{shown}: {}", io_message(&e))).as_bytes(),
        )?;
        return Ok(ExitStatus::Error);
    }
    writeln!(out, "Wrote {shown}; edit it, then run `claimlint`.")?;
    Ok(ExitStatus::Clean)
}
