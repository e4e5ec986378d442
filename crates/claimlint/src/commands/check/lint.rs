//! Linting one input on a worker: read it, run the [`Linter`](claimlint_core::linter::Linter) (again after
//! each round of fixes), drop what the baseline knows, count what fails
//! the run, and render the findings for the chosen format.

use std::io::Read;
use std::path::PathBuf;

use super::load::{Job, Setting};
use super::report::{Rendered, Renderer};
use crate::baseline::{self, Baseline};
use crate::cli::CheckArgs;
use crate::encoding::EncodingChoice;
use crate::fix;
use crate::since::Since;
use crate::walk::{self, Input, ReadProblem, display_path};
use claimlint_core::diagnostic::{Counts, Severity};
use claimlint_core::document::Format;
use claimlint_core::source::SourceFile;

/// Most `--fix` passes over one file (a fix may uncover another).
const MAX_FIX_PASSES: usize = 4;

/// What linting one input produced.
pub(super) enum FileResult {
    Linted(Box<Linted>),
    /// Not linted, and that is an error (exit 2).
    Failed {
        path: String,
        message: String,
    },
    /// Not linted while walking a folder (too large, binary): listed in
    /// the summary, and a failure with `--fail-on-skipped`.
    Skipped {
        path: String,
        reason: SkipReason,
        /// Printed as a warning as the file is reached.
        warning: Option<String>,
    },
    /// Not linted, and nothing to say (standard input that was not read).
    Ignored,
}

/// Why a file found by walking was not linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SkipReason {
    TooLarge,
    Binary,
}

impl SkipReason {
    pub(super) fn label(self) -> &'static str {
        match self {
            SkipReason::TooLarge => "too large",
            SkipReason::Binary => "binary",
        }
    }
}

pub(super) struct Linted {
    pub(super) counts: Counts,
    /// Findings at or above the file's `fail-on`.
    pub(super) failing: usize,
    pub(super) rendered: Rendered,
    /// For `--write-baseline`.
    pub(super) entries: Vec<baseline::Entry>,
    pub(super) baseline_matched: usize,
    pub(super) baseline_fixed: usize,
    /// Findings not shown (below `--min-severity`); they still count
    /// towards `failing`.
    pub(super) hidden: usize,
    /// Findings shown, per rule.
    pub(super) by_rule: Vec<(std::sync::Arc<str>, usize)>,
    /// Findings hidden by `--since` (not on a changed line).
    pub(super) unchanged: usize,
    pub(super) fixes_applied: usize,
    pub(super) diff: Option<String>,
    /// Said on standard error as the file is reached (how a file that is
    /// not UTF-8 was read).
    pub(super) note: Option<String>,
}

fn problem_result(path: String, problem: ReadProblem, explicit: bool) -> FileResult {
    match problem {
        ReadProblem::Binary if !explicit => FileResult::Skipped {
            path,
            reason: SkipReason::Binary,
            warning: None,
        },
        ReadProblem::Binary => FileResult::Failed {
            path,
            message: "binary file (it contains NUL bytes); claimlint lints text".into(),
        },
        // A file named on the command line that cannot be linted is never
        // counted as clean.
        ReadProblem::TooLarge { size, limit } if explicit => FileResult::Failed {
            path,
            message: format!(
                "{size} bytes is over the {limit}-byte limit (--max-file-size); nothing in this file was linted"
            ),
        },
        ReadProblem::TooLarge { size, limit } => FileResult::Skipped {
            path,
            reason: SkipReason::TooLarge,
            warning: Some(format!(
                "skipped: {size} bytes is over the {limit}-byte limit (--max-file-size)"
            )),
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
        ReadProblem::Undecodable(encoding) => FileResult::Failed {
            path,
            message: format!("not valid {encoding} (--encoding); nothing in this file was linted"),
        },
        ReadProblem::Io(message) => FileResult::Failed { path, message },
    }
}

/// Everything the workers share.
pub(super) struct Run<'a> {
    pub(super) args: &'a CheckArgs,
    pub(super) settings: &'a [Setting],
    /// Renders each file's findings on the worker that linted it.
    pub(super) renderer: Renderer,
    pub(super) baseline: Option<Baseline>,
    pub(super) write_baseline_dir: Option<PathBuf>,
    pub(super) fixing: bool,
    pub(super) fingerprints: bool,
    /// Findings below this severity are not shown (`--min-severity`).
    pub(super) min_severity: Severity,
    /// `--since`: the lines changed since the revision.
    pub(super) since: Option<Since>,
}

impl Run<'_> {
    /// Lints one input: read, lint (and fix, with `--fix` or `--diff`),
    /// filter by the baseline, count and render.
    pub(super) fn lint(
        &self,
        job: &Job,
        stdin: &Option<Result<walk::Text, ReadProblem>>,
    ) -> FileResult {
        let (shown, read) = match &job.input {
            Input::Stdin { name } => match stdin {
                Some(Ok(text)) => (name.clone(), text.clone()),
                Some(Err(problem)) => return problem_result(name.clone(), problem.clone(), true),
                None => return FileResult::Ignored,
            },
            Input::File { path, explicit } => {
                let shown = display_path(path);
                match walk::read_file(path, self.args.max_file_size, self.args.encoding) {
                    Ok(text) => (shown, text),
                    Err(problem) => return problem_result(shown, problem, *explicit),
                }
            }
        };
        let walk::Text { text, transcoded } = read;
        let linter = &self.settings[job.setting].linter;
        let format = Format::from_path(&shown);
        let baseline_path = self
            .baseline
            .as_ref()
            .map(|b| baseline::entry_path(b.dir(), &job.abs, &shown));

        let changes = self.since.as_ref().map(|s| s.changes(&job.abs));
        let mut current = text.clone();
        let mut fixes_applied = 0;
        let mut pass = 0;
        let mut unchanged = 0;
        let (file, diagnostics, fingerprints, matched, gone) = loop {
            let report = linter.lint_file(
                SourceFile::new(shown.clone(), current.clone()),
                format,
                &job.policy,
            );
            let (file, mut diagnostics) = (report.file, report.diagnostics);
            // Fingerprints only for what uses them (baselines, SARIF).
            let mut fingerprints: Vec<String> = if self.fingerprints {
                diagnostics
                    .iter()
                    .map(|d| claimlint_core::fingerprint::fingerprint(&file, d))
                    .collect()
            } else {
                Vec::new()
            };
            let (mut matched, mut gone) = (0, 0);
            if let (Some(b), Some(path)) = (&self.baseline, &baseline_path) {
                let found: Vec<(&str, String)> = diagnostics
                    .iter()
                    .zip(&fingerprints)
                    .map(|(d, fp)| (&*d.rule, fp.clone()))
                    .collect();
                let (keep, m, g) = b.filter(path, &found);
                (matched, gone) = (m, g);
                let mut k = keep.iter();
                diagnostics.retain(|_| *k.next().unwrap_or(&true));
                let mut k = keep.iter();
                fingerprints.retain(|_| *k.next().unwrap_or(&true));
            }
            if let Some(changes) = &changes {
                let keep: Vec<bool> = diagnostics
                    .iter()
                    .map(|d| changes.keeps(linter.rules(), &file, d))
                    .collect();
                unchanged = keep.iter().filter(|k| !**k).count();
                let mut k = keep.iter();
                diagnostics.retain(|_| *k.next().unwrap_or(&true));
                if !fingerprints.is_empty() {
                    let mut k = keep.iter();
                    fingerprints.retain(|_| *k.next().unwrap_or(&true));
                }
            }
            // Fixes are written as UTF-8: a file in another encoding is
            // not fixed.
            if !self.fixing || transcoded.is_some() || pass == MAX_FIX_PASSES {
                break (file, diagnostics, fingerprints, matched, gone);
            }
            let (fixed, n) = claimlint_core::fix::apply(&current, &diagnostics);
            if n == 0 {
                break (file, diagnostics, fingerprints, matched, gone);
            }
            fixes_applied += n;
            current = fixed;
            pass += 1;
        };

        let mut diff = None;
        if fixes_applied > 0 {
            if self.args.diff {
                diff = Some(fix::unified_diff(&shown, &text, &current));
            } else if let Input::File { path, .. } = &job.input {
                match fix::write_fixed(path, &text, &current) {
                    Ok(()) => {}
                    Err(fix::WriteError::Changed) => {
                        return FileResult::Failed {
                            path: shown,
                            message: "changed while claimlint was fixing it; nothing was written (run again)".into(),
                        };
                    }
                    Err(fix::WriteError::Io(e)) => {
                        return FileResult::Failed {
                            path: shown,
                            message: format!("cannot write fixes: {}", walk::io_message(&e)),
                        };
                    }
                }
            }
        }

        let fail_on: Severity = match self.args.fail_on {
            Some(f) => f.into(),
            None => job.policy.fail_on().unwrap_or(Severity::Error),
        };
        // What fails the run is counted before `--min-severity` hides anything.
        let failing = diagnostics.iter().filter(|d| d.severity >= fail_on).count();
        let entries = match &self.write_baseline_dir {
            Some(dir) => {
                let path = baseline::entry_path(dir, &job.abs, &shown);
                diagnostics
                    .iter()
                    .zip(&fingerprints)
                    .map(|(d, fp)| baseline::Entry {
                        path: path.clone(),
                        rule: d.rule.to_string(),
                        fingerprint: fp.clone(),
                        text: file.text().get(d.span.clone()).unwrap_or("").to_string(),
                        line: file.line_col(d.span.start).line,
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let (mut diagnostics, mut fingerprints) = (diagnostics, fingerprints);
        let before = diagnostics.len();
        if self.min_severity > Severity::Info {
            let keep: Vec<bool> = diagnostics
                .iter()
                .map(|d| d.severity >= self.min_severity)
                .collect();
            let mut k = keep.iter();
            diagnostics.retain(|_| *k.next().unwrap_or(&true));
            if !fingerprints.is_empty() {
                let mut k = keep.iter();
                fingerprints.retain(|_| *k.next().unwrap_or(&true));
            }
        }
        let hidden = before - diagnostics.len();
        let mut counts = Counts::default();
        let mut by_rule: Vec<(std::sync::Arc<str>, usize)> = Vec::new();
        for d in &diagnostics {
            counts.add(d.severity);
            match by_rule.iter_mut().find(|(r, _)| *r == d.rule) {
                Some((_, n)) => *n += 1,
                None => by_rule.push((d.rule.clone(), 1)),
            }
        }
        let offsets = transcoded.as_ref().map(|t| &t.map);
        let rendered = self
            .renderer
            .render(&file, &diagnostics, &fingerprints, offsets);
        let note = transcoded.as_ref().map(|t| {
            format!(
                "{shown}: not valid UTF-8; read as {}{}{}",
                t.encoding.name(),
                if t.detected { " (detected)" } else { "" },
                if self.fixing {
                    "; fixes are not applied to it"
                } else {
                    ""
                }
            )
        });
        FileResult::Linted(Box::new(Linted {
            counts,
            failing,
            rendered,
            entries,
            baseline_matched: matched,
            baseline_fixed: gone,
            unchanged,
            hidden,
            by_rule,
            fixes_applied,
            diff,
            note,
        }))
    }
}

/// Standard input, read once, up to `limit` bytes.
pub(super) fn read_stdin(limit: u64, choice: EncodingChoice) -> Result<walk::Text, ReadProblem> {
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
    walk::decode(bytes, choice)
}
