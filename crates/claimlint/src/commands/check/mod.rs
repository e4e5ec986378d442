//! `claimlint check`: lint files in parallel, print in a stable order.
//!
//! Per file: lint (the core's `Linter`: engine, suppression comments,
//! configuration) → baseline → (`--fix`/`--diff`: apply fixes, lint again)
//! → render. Configuration files and rule sets are loaded once, before any
//! file is linted ([`load`]); every file is then linted in parallel
//! ([`lint`]) and the results are written in input order by the format's
//! reporter ([`report`]).

mod lint;
mod load;
mod report;

use std::io::Write;

use rayon::prelude::*;

use super::{use_color, use_color_stderr};
use crate::ExitStatus;
use crate::baseline::Baseline;
use crate::cli::CheckArgs;
use crate::render::human::{self, Style};
use crate::since::Since;
use crate::walk::{self, Input, display_path};
use claimlint_core::diagnostic::Severity;
use claimlint_core::document::{ParseOptions, html::HtmlOptions};
use claimlint_core::render::OutputFormat;
use lint::{FileResult, Run};
use load::{Plan, Setting};
use report::{Renderer, Totals};

/// Files linted (in parallel) before their output is written.
const CHUNK: usize = 64;

fn usage_error(err: &mut dyn Write, style: Style, message: &str) -> std::io::Result<ExitStatus> {
    err.write_all(human::render_plain_error(style, message).as_bytes())?;
    Ok(ExitStatus::Error)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Runs `claimlint check`.
pub fn run(
    args: &CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let style_out = Style {
        color: use_color(args.color),
    };
    let style_err = Style {
        color: use_color_stderr(args.color),
    };
    let paths: Vec<String> = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths.clone()
    };
    if paths.iter().filter(|p| p.as_str() == "-").count() > 1 {
        return usage_error(
            err,
            style_err,
            "`-` (standard input) can be given only once",
        );
    }
    if args.fix && paths.iter().any(|p| p == "-") {
        return usage_error(
            err,
            style_err,
            "--fix cannot write to standard input; use --diff to see the fixes",
        );
    }
    let options = match HtmlOptions::with_skip(&args.html_skip) {
        Ok(html) => ParseOptions { html },
        Err(message) => return usage_error(err, style_err, &format!("--html-skip: {message}")),
    };
    let since = match &args.since {
        Some(reference) => match Since::load(std::path::Path::new("."), reference) {
            Ok(since) => Some(since),
            Err(message) => return usage_error(err, style_err, &message),
        },
        None => None,
    };
    let (inputs, walk_errors) = walk::collect(&paths, args.stdin_filename.as_deref());

    // Configuration and rules: loaded once per configuration file, before
    // anything is linted.
    let Plan {
        settings,
        jobs,
        project,
    } = match load::plan(args, inputs, err, style_err)? {
        Ok(plan) => plan,
        Err(status) => return Ok(status),
    };
    let format = args
        .format
        .or(project.as_ref().and_then(|c| c.format))
        .unwrap_or(OutputFormat::Human);
    let min_severity = args
        .min_severity
        .map(Severity::from)
        .or(project.as_ref().and_then(|c| c.min_severity))
        .unwrap_or(Severity::Info);
    let baseline = match &args.baseline {
        Some(path) => match Baseline::load(path) {
            Ok(b) => Some(b),
            Err(message) => {
                return usage_error(
                    err,
                    style_err,
                    &format!("{}: {message}", display_path(path)),
                );
            }
        },
        None => None,
    };
    let stdin = jobs
        .iter()
        .any(|j| matches!(j.input, Input::Stdin { .. }))
        .then(|| lint::read_stdin(args.max_file_size, args.encoding));
    let settings: Vec<Setting> = settings
        .into_iter()
        .map(|s| Setting {
            linter: s
                .linter
                .with_parse_options(options.clone())
                .with_require_reason(!args.no_require_reason),
            config: s.config,
        })
        .collect();
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            return usage_error(err, style_err, &format!("cannot start worker threads: {e}"));
        }
    };
    let mut totals = Totals {
        failed: walk_errors.len(),
        fail_on_skipped: args.fail_on_skipped
            || project
                .as_ref()
                .and_then(|c| c.fail_on_skipped)
                .unwrap_or(false),
        ..Totals::default()
    };
    for e in &walk_errors {
        err.write_all(
            human::render_plain_error(style_err, &format!("{}: {}", e.path, e.message)).as_bytes(),
        )?;
    }

    let run = Run {
        args,
        settings: &settings,
        renderer: Renderer::new(args, format, style_out),
        baseline,
        write_baseline_dir: args.write_baseline.as_deref().map(Baseline::dir_of),
        fixing: args.fix || args.diff,
        fingerprints: args.baseline.is_some()
            || args.write_baseline.is_some()
            || format == OutputFormat::Sarif,
        since,
        min_severity,
    };
    totals.min_severity = (min_severity > Severity::Info).then_some(min_severity);
    let mut sink = report::sink(args, format, &settings, style_err, out)?;
    let mut handle = |result: FileResult| -> std::io::Result<()> {
        match result {
            FileResult::Linted(linted) => {
                if let Some(note) = &linted.note {
                    err.write_all(human::render_plain_note(style_err, note).as_bytes())?;
                }
                totals.add(&linted);
                sink.file(out, *linted)?;
            }
            FileResult::Failed { path, message } => {
                totals.failed += 1;
                err.write_all(
                    human::render_plain_error(style_err, &format!("{path}: {message}")).as_bytes(),
                )?;
            }
            FileResult::Skipped {
                path,
                reason,
                warning,
            } => {
                if let Some(message) = warning {
                    err.write_all(
                        human::render_plain_warning(style_err, &format!("{path}: {message}"))
                            .as_bytes(),
                    )?;
                }
                totals.skipped.push((reason, path));
            }
            FileResult::Ignored => {}
        }
        Ok(())
    };
    // Files are linted a chunk at a time, in parallel; the workers lint the
    // next chunk while this one is written, in input order.
    let lint_chunk = |chunk: &[load::Job]| -> Vec<FileResult> {
        chunk.par_iter().map(|job| run.lint(job, &stdin)).collect()
    };
    let mut chunks = jobs.chunks(CHUNK);
    let mut ready = chunks
        .next()
        .map(|chunk| pool.install(|| lint_chunk(chunk)));
    while let Some(results) = ready.take() {
        let upcoming = chunks.next();
        let written = pool.in_place_scope(|scope| {
            if let Some(chunk) = upcoming {
                let (ready, lint_chunk) = (&mut ready, &lint_chunk);
                scope.spawn(move |_| *ready = Some(lint_chunk(chunk)));
            }
            results.into_iter().try_for_each(&mut handle)
        });
        written?;
    }
    let status = sink.finish(out, err, &totals)?;
    out.flush()?;
    Ok(status)
}
