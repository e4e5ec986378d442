//! `claimlint check`: lint files in parallel, print in a stable order.

use std::io::{Read, Write};

use rayon::prelude::*;

use super::{load_rules, report_rule_errors, use_color, use_color_stderr};
use crate::ExitStatus;
use crate::cli::CheckArgs;
use crate::diagnostic::{Counts, Severity};
use crate::document::{Format, ParseOptions, html::HtmlOptions};
use crate::engine;
use crate::render::OutputFormat;
use crate::render::human::{self, Style};
use crate::render::json::{self, JsonDiagnostic};
use crate::rule::RuleSet;
use crate::source::SourceFile;
use crate::walk::{self, Input, ReadProblem, display_path};

/// What linting one input produced.
enum FileResult {
    Linted {
        counts: Counts,
        human: String,
        json: Vec<JsonDiagnostic>,
    },
    /// Not linted, and that is an error (exit 2).
    Failed { path: String, message: String },
    /// Not linted, with a warning (too large).
    Skipped { path: String, message: String },
    /// Not linted, silently (a binary file found by walking).
    Ignored,
}

fn problem_result(path: String, problem: ReadProblem, explicit: bool) -> FileResult {
    match problem {
        ReadProblem::Binary if !explicit => FileResult::Ignored,
        ReadProblem::Binary => FileResult::Failed {
            path,
            message: "binary file (it contains NUL bytes); claimlint lints text".into(),
        },
        ReadProblem::TooLarge { size, limit } => FileResult::Skipped {
            path,
            message: format!(
                "skipped: {size} bytes is over the {limit}-byte limit (--max-file-size)"
            ),
        },
        ReadProblem::InvalidUtf8 {
            offset,
            line,
            column,
        } => FileResult::Failed {
            path: format!("{path}:{line}:{column}"),
            message: format!(
                "not valid UTF-8 (first invalid byte at offset {offset}); nothing in this file was linted, convert it to UTF-8"
            ),
        },
        ReadProblem::Io(message) => FileResult::Failed { path, message },
    }
}

fn lint_source(
    rules: &RuleSet,
    file: &SourceFile,
    format: OutputFormat,
    style: Style,
    options: &ParseOptions,
) -> FileResult {
    let diagnostics = engine::lint_with(rules, file, Format::from_path(file.path()), options);
    let mut counts = Counts::default();
    let mut human_out = String::new();
    let mut json_out = Vec::new();
    for d in &diagnostics {
        counts.add(d.severity);
        match format {
            OutputFormat::Human => human_out.push_str(&human::render(style, file, d)),
            OutputFormat::Json => json_out.push(JsonDiagnostic::new(file, d)),
        }
    }
    FileResult::Linted {
        counts,
        human: human_out,
        json: json_out,
    }
}

fn lint_input(
    rules: &RuleSet,
    input: &Input,
    stdin: &Option<Result<String, ReadProblem>>,
    args: &CheckArgs,
    style: Style,
    options: &ParseOptions,
) -> FileResult {
    match input {
        Input::Stdin { name } => match stdin {
            Some(Ok(text)) => {
                let file = SourceFile::new(name.clone(), text.clone());
                lint_source(rules, &file, args.format, style, options)
            }
            Some(Err(problem)) => problem_result(name.clone(), problem.clone(), true),
            None => FileResult::Ignored,
        },
        Input::File { path, explicit } => {
            let shown = display_path(path);
            match walk::read_file(path, args.max_file_size) {
                Ok(text) => {
                    let file = SourceFile::new(shown, text);
                    lint_source(rules, &file, args.format, style, options)
                }
                Err(problem) => problem_result(shown, problem, *explicit),
            }
        }
    }
}

fn read_stdin(limit: u64) -> Result<String, ReadProblem> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadProblem::Io(walk::io_message(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(ReadProblem::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    walk::decode(bytes)
}

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
    let rules = match load_rules(&args.rules) {
        Ok(r) => r,
        Err(errors) => {
            report_rule_errors(&errors, err, style_err.color)?;
            return Ok(ExitStatus::Error);
        }
    };
    let options = match HtmlOptions::with_skip(&args.html_skip) {
        Ok(html) => ParseOptions { html },
        Err(message) => {
            err.write_all(
                human::render_plain_error(style_err, &format!("--html-skip: {message}")).as_bytes(),
            )?;
            return Ok(ExitStatus::Error);
        }
    };
    let paths: Vec<String> = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths.clone()
    };
    if paths.iter().filter(|p| p.as_str() == "-").count() > 1 {
        err.write_all(
            human::render_plain_error(style_err, "`-` (standard input) can be given only once")
                .as_bytes(),
        )?;
        return Ok(ExitStatus::Error);
    }
    let (inputs, walk_errors) = walk::collect(&paths, args.stdin_filename.as_deref());
    let stdin = inputs
        .iter()
        .any(|i| matches!(i, Input::Stdin { .. }))
        .then(|| read_stdin(args.max_file_size));

    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            err.write_all(
                human::render_plain_error(style_err, &format!("cannot start worker threads: {e}"))
                    .as_bytes(),
            )?;
            return Ok(ExitStatus::Error);
        }
    };
    let results: Vec<FileResult> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| lint_input(&rules, input, &stdin, args, style_out, &options))
            .collect()
    });

    let mut failed = walk_errors.len();
    for e in &walk_errors {
        err.write_all(
            human::render_plain_error(style_err, &format!("{}: {}", e.path, e.message)).as_bytes(),
        )?;
    }
    let mut counts = Counts::default();
    let mut files = 0;
    let mut json_all = Vec::new();
    for result in results {
        match result {
            FileResult::Linted {
                counts: c,
                human: h,
                json: j,
            } => {
                files += 1;
                counts.merge(c);
                if args.format == OutputFormat::Human {
                    out.write_all(h.as_bytes())?;
                } else {
                    json_all.extend(j);
                }
            }
            FileResult::Failed { path, message } => {
                failed += 1;
                err.write_all(
                    human::render_plain_error(style_err, &format!("{path}: {message}")).as_bytes(),
                )?;
            }
            FileResult::Skipped { path, message } => {
                err.write_all(
                    human::render_plain_warning(style_err, &format!("{path}: {message}"))
                        .as_bytes(),
                )?;
            }
            FileResult::Ignored => {}
        }
    }
    match args.format {
        OutputFormat::Human => {
            if !args.quiet {
                out.write_all(human::summary(&counts, files, failed).as_bytes())?;
            }
        }
        OutputFormat::Json => out.write_all(json::render(&json_all, &counts, files).as_bytes())?,
    }
    out.flush()?;
    let fail_on: Severity = args.fail_on.into();
    Ok(if failed > 0 {
        ExitStatus::Error
    } else if counts.at_or_above(fail_on) > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
