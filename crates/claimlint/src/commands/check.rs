//! `claimlint check`: lint files in parallel, print in a stable order.
//!
//! Per file: lint → suppression comments → configuration (enable/disable,
//! severities) → baseline → (`--fix`/`--diff`: apply fixes, lint again) →
//! render. Configuration files and rule sets are loaded once, before any
//! file is linted; every file is then linted in parallel and the results are
//! printed in input order.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use super::{report_rule_errors, rule_files_from, use_color, use_color_stderr};
use crate::ExitStatus;
use crate::baseline::{self, Baseline};
use crate::cli::CheckArgs;
use crate::config::{self, Discovery};
use crate::fix;
use crate::render::github;
use crate::render::human::{self, Style};
use crate::walk::{self, Input, ReadProblem, display_path};
use claimlint_core::config::{Config, Policy};
use claimlint_core::diagnostic::{Counts, Diagnostic, Severity};
use claimlint_core::document::{Format, ParseOptions, html::HtmlOptions};
use claimlint_core::error::LocatedError;
use claimlint_core::linter::Linter;
use claimlint_core::render::json;
use claimlint_core::render::{OutputFormat, compact, sarif};
use claimlint_core::rule::RuleSet;
use claimlint_core::rule::compile::{self, RuleFile};
use claimlint_core::scan::Workload;
use claimlint_core::source::SourceFile;
use claimlint_core::suppress;

/// Files linted (in parallel) before their output is written.
const CHUNK: usize = 64;

/// Most `--fix` passes over one file (a fix may uncover another).
const MAX_FIX_PASSES: usize = 4;

/// Findings of one file, rendered for the chosen format.
enum Rendered {
    Text(String),
    /// (severity, annotation, job summary row).
    Github(Vec<(Severity, String, String)>),
    Json(json::Items),
    Sarif(Vec<Value>),
    /// Not rendered: with `--write-baseline` or `--diff` the output is the
    /// baseline or the diff.
    Nothing,
}

/// What linting one input produced.
enum FileResult {
    Linted(Box<Linted>),
    /// Not linted, and that is an error (exit 2).
    Failed {
        path: String,
        message: String,
    },
    /// Not linted, with a warning (too large).
    Skipped {
        path: String,
        message: String,
    },
    /// Not linted, silently (a binary file found by walking).
    Ignored,
}

struct Linted {
    counts: Counts,
    /// Findings at or above the file's `fail-on`.
    failing: usize,
    rendered: Rendered,
    /// For `--write-baseline`.
    entries: Vec<baseline::Entry>,
    baseline_matched: usize,
    baseline_fixed: usize,
    fixes_applied: usize,
    diff: Option<String>,
}

fn problem_result(path: String, problem: ReadProblem, explicit: bool) -> FileResult {
    match problem {
        ReadProblem::Binary if !explicit => FileResult::Ignored,
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

/// Rules and configuration shared by the files that use the same
/// `.claimlint.yaml`.
struct Setting {
    linter: Linter,
    config: Option<Arc<Config>>,
}

/// One input with what applies to it.
struct Job {
    input: Input,
    /// Absolute path (for standard input: the `--stdin-filename` path).
    abs: PathBuf,
    setting: usize,
    policy: Policy,
}

/// Everything the workers share.
struct Run<'a> {
    args: &'a CheckArgs,
    settings: Vec<Setting>,
    format: OutputFormat,
    style: Style,
    baseline: Option<Baseline>,
    write_baseline_dir: Option<PathBuf>,
    fixing: bool,
    fingerprints: bool,
}

/// Loads configurations and rule sets for `inputs`; drops excluded inputs.
struct Loader<'a> {
    args: &'a CheckArgs,
    discovery: Discovery,
    /// Configuration path (None: no configuration) → setting index (None:
    /// it failed to load, and its errors are already recorded).
    by_config: HashMap<Option<PathBuf>, Option<usize>>,
    /// (rule paths, default rules) → compiled rules.
    by_rules: HashMap<(Vec<PathBuf>, bool), Arc<RuleSet>>,
    settings: Vec<Setting>,
    config_errors: Vec<LocatedError>,
    rule_errors: Vec<LocatedError>,
    workload: Workload,
}

/// The compiled rule sets (each a few megabytes of automata and tables in
/// many allocations) are freed on another thread: at the end of a run,
/// freeing them took half a millisecond of a pre-commit hook's 17, and the
/// process exits without waiting for it.
impl Drop for Loader<'_> {
    fn drop(&mut self) {
        let sets = std::mem::take(&mut self.by_rules);
        if !sets.is_empty() {
            std::thread::spawn(move || drop(sets));
        }
    }
}

impl<'a> Loader<'a> {
    fn new(args: &'a CheckArgs, workload: Workload) -> Self {
        Self {
            args,
            workload,
            discovery: Discovery::default(),
            by_config: HashMap::new(),
            by_rules: HashMap::new(),
            settings: Vec::new(),
            config_errors: Vec::new(),
            rule_errors: Vec::new(),
        }
    }

    /// The configuration file for a file in folder `dir` (absolute).
    fn config_path(&mut self, dir: &Path) -> Option<PathBuf> {
        if self.args.isolated {
            return None;
        }
        if let Some(c) = &self.args.config {
            return Some(config::absolute(c));
        }
        self.discovery.find(dir)
    }

    fn rules_for(&mut self, config: Option<&Config>) -> Option<Arc<RuleSet>> {
        let mut paths = self.args.rules.rules.clone();
        if let Some(c) = config {
            paths.extend(c.rules.iter().cloned());
        }
        let defaults = !self.args.rules.no_default_rules
            && config.and_then(|c| c.default_rules).unwrap_or(true);
        let key = (paths, defaults);
        if let Some(r) = self.by_rules.get(&key) {
            return Some(r.clone());
        }
        let mut files: Vec<RuleFile> = compile::builtin_files_precompiled()
            .into_iter()
            .filter(|f| defaults || f.is_lexicon())
            .collect();
        let mut errors = Vec::new();
        let cli_count = self.args.rules.rules.len();
        for (i, path) in key.0.iter().enumerate() {
            match rule_files_from(&relative_to_cwd(path)) {
                Ok(more) => files.extend(more),
                Err(e) => match config {
                    Some(c) if i >= cli_count => {
                        errors.push(c.rule_path_error(i - cli_count, e.message));
                    }
                    _ => errors.push(e),
                },
            }
        }
        if errors.is_empty() {
            super::dedup_rule_files(&mut files);
            match compile::load_for(&files, self.workload) {
                Ok(r) => {
                    let r = Arc::new(r);
                    self.by_rules.insert(key, r.clone());
                    return Some(r);
                }
                Err(e) => errors.extend(e),
            }
        }
        // Report each rule problem once, however many configurations share it.
        for e in errors {
            let seen = self
                .rule_errors
                .iter()
                .any(|x| x.path == e.path && x.span == e.span && x.message == e.message);
            if !seen {
                self.rule_errors.push(e);
            }
        }
        None
    }

    /// The setting index for a file in folder `dir`, loading it if new.
    fn setting_for(&mut self, dir: &Path) -> Option<usize> {
        let path = self.config_path(dir);
        if let Some(&i) = self.by_config.get(&path) {
            return i;
        }
        let index = self.load(path.as_deref());
        self.by_config.insert(path, index);
        index
    }

    fn load(&mut self, path: Option<&Path>) -> Option<usize> {
        let config = match path {
            None => None,
            Some(p) => match config::load(&relative_to_cwd(p)) {
                Ok(c) => Some(Arc::new(c)),
                Err(errors) => {
                    self.config_errors.extend(errors);
                    return None;
                }
            },
        };
        let rules = self.rules_for(config.as_deref())?;
        if let Some(c) = &config {
            let problems = c.validate(&rules);
            if !problems.is_empty() {
                self.config_errors.extend(problems);
                return None;
            }
        }
        self.settings.push(Setting {
            linter: Linter::new(rules),
            config,
        });
        Some(self.settings.len() - 1)
    }
}

/// `abs` relative to the current folder when it is inside it (for display).
fn relative_to_cwd(abs: &Path) -> PathBuf {
    let cwd = config::absolute(Path::new("."));
    match abs.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => abs.to_path_buf(),
    }
}

fn parent_dir(abs: &Path) -> PathBuf {
    abs.parent().map(Path::to_path_buf).unwrap_or_default()
}

impl Run<'_> {
    fn lint(&self, job: &Job, stdin: &Option<Result<String, ReadProblem>>) -> FileResult {
        let (shown, text) = match &job.input {
            Input::Stdin { name } => match stdin {
                Some(Ok(text)) => (name.clone(), text.clone()),
                Some(Err(problem)) => return problem_result(name.clone(), problem.clone(), true),
                None => return FileResult::Ignored,
            },
            Input::File { path, explicit } => {
                let shown = display_path(path);
                match walk::read_file(path, self.args.max_file_size) {
                    Ok(text) => (shown, text),
                    Err(problem) => return problem_result(shown, problem, *explicit),
                }
            }
        };
        let linter = &self.settings[job.setting].linter;
        let format = Format::from_path(&shown);
        let baseline_path = self
            .baseline
            .as_ref()
            .map(|b| baseline::entry_path(b.dir(), &job.abs, &shown));

        let mut current = text.clone();
        let mut fixes_applied = 0;
        let mut pass = 0;
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
            if !self.fixing || pass == MAX_FIX_PASSES {
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
        let mut counts = Counts::default();
        let mut failing = 0;
        for d in &diagnostics {
            counts.add(d.severity);
            if d.severity >= fail_on {
                failing += 1;
            }
        }
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
        let rendered = self.render(&file, &diagnostics, &fingerprints);
        FileResult::Linted(Box::new(Linted {
            counts,
            failing,
            rendered,
            entries,
            baseline_matched: matched,
            baseline_fixed: gone,
            fixes_applied,
            diff,
        }))
    }

    fn render(&self, file: &SourceFile, diagnostics: &[Diagnostic], fps: &[String]) -> Rendered {
        if self.args.write_baseline.is_some() || self.args.diff {
            return Rendered::Nothing;
        }
        match self.format {
            OutputFormat::Human => Rendered::Text(
                diagnostics
                    .iter()
                    .map(|d| human::render(self.style, file, d))
                    .collect(),
            ),
            OutputFormat::Compact => Rendered::Text(
                diagnostics
                    .iter()
                    .map(|d| compact::render(file, d))
                    .collect(),
            ),
            OutputFormat::Github => Rendered::Github(
                diagnostics
                    .iter()
                    .map(|d| {
                        (
                            d.severity,
                            github::render(file, d),
                            github::summary_row(file, d),
                        )
                    })
                    .collect(),
            ),
            OutputFormat::Json => Rendered::Json(json::Items::new(file, diagnostics)),
            OutputFormat::Sarif => Rendered::Sarif(
                diagnostics
                    .iter()
                    .zip(fps)
                    .map(|(d, fp)| sarif::result(file, d, fp))
                    .collect(),
            ),
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

fn usage_error(err: &mut dyn Write, style: Style, message: &str) -> std::io::Result<ExitStatus> {
    err.write_all(human::render_plain_error(style, message).as_bytes())?;
    Ok(ExitStatus::Error)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Inputs of at most this many bytes in all (a few posts at a commit) are a
/// small workload: the rules are built to start fast rather than to scan
/// fast.
const SMALL_WORKLOAD_BYTES: u64 = 256 * 1024;

/// The workload of `inputs`, from their sizes (standard input counts as
/// small; only the first few dozen files are looked at).
fn workload(inputs: &[Input]) -> Workload {
    let mut total = 0u64;
    for (i, input) in inputs.iter().enumerate() {
        if i >= 64 {
            return Workload::Large;
        }
        if let Input::File { path, .. } = input {
            total += std::fs::metadata(path).map_or(0, |m| m.len());
        }
        if total > SMALL_WORKLOAD_BYTES {
            return Workload::Large;
        }
    }
    Workload::Small
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
    let (inputs, walk_errors) = walk::collect(&paths, args.stdin_filename.as_deref());

    // Configuration and rules: loaded once per configuration file, before
    // anything is linted.
    let cwd = config::absolute(Path::new("."));
    let mut loader = Loader::new(args, workload(&inputs));
    let project = loader.setting_for(&cwd);
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let abs = match &input {
            Input::Stdin { name } => cwd.join(name),
            Input::File { path, .. } => config::absolute_from(&cwd, path),
        };
        let Some(setting) = loader.setting_for(&parent_dir(&abs)) else {
            continue;
        };
        let policy = match &loader.settings[setting].config {
            Some(c) => {
                if matches!(input, Input::File { .. }) && c.excludes(&abs) {
                    continue;
                }
                c.policy_for(&abs)
            }
            None => Policy::default(),
        };
        jobs.push(Job {
            input,
            abs,
            setting,
            policy,
        });
    }
    if !loader.config_errors.is_empty() {
        let mut errors = std::mem::take(&mut loader.config_errors);
        errors.extend(std::mem::take(&mut loader.rule_errors));
        for e in &errors {
            err.write_all(human::render_error(style_err, e).as_bytes())?;
        }
        let line = format!(
            "could not load the configuration: {} (nothing was linted)",
            plural(errors.len(), "error", "errors")
        );
        err.write_all(human::render_plain_error(style_err, &line).as_bytes())?;
        return Ok(ExitStatus::Error);
    }
    if !loader.rule_errors.is_empty() {
        report_rule_errors(&loader.rule_errors, err, style_err.color)?;
        return Ok(ExitStatus::Error);
    }
    let project_config = project.and_then(|i| loader.settings[i].config.clone());
    let format = args
        .format
        .or(project_config.as_ref().and_then(|c| c.format))
        .unwrap_or(OutputFormat::Human);

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
        .then(|| read_stdin(args.max_file_size));

    let settings = std::mem::take(&mut loader.settings)
        .into_iter()
        .map(|s| Setting {
            linter: s
                .linter
                .with_parse_options(options.clone())
                .with_require_reason(!args.no_require_reason),
            config: s.config,
        })
        .collect();
    let run = Run {
        args,
        settings,
        format,
        style: style_out,
        baseline,
        write_baseline_dir: args.write_baseline.as_deref().map(Baseline::dir_of),
        fixing: args.fix || args.diff,
        fingerprints: args.baseline.is_some()
            || args.write_baseline.is_some()
            || format == OutputFormat::Sarif,
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            return usage_error(err, style_err, &format!("cannot start worker threads: {e}"));
        }
    };
    let mut failed = walk_errors.len();
    for e in &walk_errors {
        err.write_all(
            human::render_plain_error(style_err, &format!("{}: {}", e.path, e.message)).as_bytes(),
        )?;
    }
    // Text and JSON are written as each chunk of files is done (in input
    // order), so memory does not grow with the number of files or findings.
    let final_output = args.write_baseline.is_none() && !args.diff;
    let stream_text = final_output && matches!(format, OutputFormat::Human | OutputFormat::Compact);
    let mut json_stream = if final_output && format == OutputFormat::Json {
        Some(json::Stream::begin(out)?)
    } else {
        None
    };
    let mut counts = Counts::default();
    let mut files = 0;
    let mut failing = 0;
    let mut matched = 0;
    let mut gone = 0;
    let mut fixes = 0;
    let mut fixed_files = 0;
    let mut entries = Vec::new();
    let mut diffs = String::new();
    let mut text_out = String::new();
    let mut github_out = Vec::new();
    let mut sarif_out = Vec::new();
    let mut handle = |result: FileResult| -> std::io::Result<()> {
        match result {
            FileResult::Linted(l) => {
                let l = *l;
                files += 1;
                counts.merge(l.counts);
                failing += l.failing;
                matched += l.baseline_matched;
                gone += l.baseline_fixed;
                fixes += l.fixes_applied;
                fixed_files += usize::from(l.fixes_applied > 0);
                entries.extend(l.entries);
                if let Some(d) = l.diff {
                    diffs.push_str(&d);
                }
                match l.rendered {
                    Rendered::Text(t) if stream_text => out.write_all(t.as_bytes())?,
                    Rendered::Text(t) => text_out.push_str(&t),
                    Rendered::Github(g) => github_out.extend(g),
                    Rendered::Json(items) => {
                        if let Some(stream) = json_stream.as_mut() {
                            stream.items(out, &items)?;
                        }
                    }
                    Rendered::Sarif(s) => sarif_out.extend(s),
                    Rendered::Nothing => {}
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
        Ok(())
    };
    let lint_chunk = |chunk: &[Job]| -> Vec<FileResult> {
        chunk.par_iter().map(|job| run.lint(job, &stdin)).collect()
    };
    let mut chunks = jobs.chunks(CHUNK);
    let mut ready = chunks
        .next()
        .map(|chunk| pool.install(|| lint_chunk(chunk)));
    while let Some(results) = ready.take() {
        // The workers lint the next chunk while this one is written.
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

    // --write-baseline: record, report, succeed.
    if let Some(path) = &args.write_baseline {
        let n = entries.len();
        if let Err(e) = baseline::write(path, entries) {
            return usage_error(
                err,
                style_err,
                &format!(
                    "{}: cannot write baseline: {}",
                    display_path(path),
                    walk::io_message(&e)
                ),
            );
        }
        if !args.quiet {
            writeln!(
                out,
                "Wrote {} from {} to {}.",
                plural(n, "finding", "findings"),
                plural(files, "file", "files"),
                display_path(path)
            )?;
        }
        out.flush()?;
        return Ok(if failed > 0 {
            ExitStatus::Error
        } else {
            ExitStatus::Clean
        });
    }

    // --diff: the diff is the output; status 1 when there is something to fix.
    if args.diff {
        out.write_all(diffs.as_bytes())?;
        if !args.quiet {
            let line = if fixes == 0 {
                "No fixes to apply.".to_string()
            } else {
                format!(
                    "{} can be applied to {} with --fix.",
                    plural(fixes, "fix", "fixes"),
                    plural(fixed_files, "file", "files")
                )
            };
            writeln!(err, "{line}")?;
        }
        out.flush()?;
        return Ok(if failed > 0 {
            ExitStatus::Error
        } else if fixes > 0 {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        });
    }

    let mut extras = Vec::new();
    if args.fix {
        extras.push(format!(
            "Applied {} in {}.",
            plural(fixes, "fix", "fixes"),
            plural(fixed_files, "file", "files")
        ));
    }
    if args.baseline.is_some() {
        extras.push(format!(
            "Baseline: {} not shown, {} fixed since it was written.",
            plural(matched, "known finding", "known findings"),
            gone
        ));
    }
    let summary = || {
        let mut line = human::summary(&counts, files, failed);
        line.pop();
        for e in &extras {
            line.push(' ');
            line.push_str(e);
        }
        line.push('\n');
        line
    };
    match format {
        OutputFormat::Human | OutputFormat::Compact => {
            if !stream_text {
                out.write_all(text_out.as_bytes())?;
            }
            if !args.quiet {
                out.write_all(summary().as_bytes())?;
            }
        }
        OutputFormat::Github => {
            let total = github_out.len();
            let rows: Vec<String> = github_out.iter().map(|(_, _, r)| r.clone()).collect();
            // Errors first, then warnings, then notices; file order within.
            github_out.sort_by_key(|(s, _, _)| std::cmp::Reverse(*s));
            let shown = total.min(args.max_annotations);
            for (_, line, _) in github_out.iter().take(shown) {
                out.write_all(line.as_bytes())?;
            }
            if shown < total {
                out.write_all(github::cap_notice(shown, total).as_bytes())?;
            }
            if !args.quiet {
                out.write_all(summary().as_bytes())?;
            }
            // The job summary is a courtesy: failing to write it is a
            // warning and never changes the exit status.
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                let text = github::job_summary(&summary(), &rows);
                let written = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .and_then(|mut f| f.write_all(text.as_bytes()));
                if let Err(e) = written {
                    err.write_all(
                        human::render_plain_warning(
                            style_err,
                            &format!("cannot write the job summary: {}", walk::io_message(&e)),
                        )
                        .as_bytes(),
                    )?;
                }
            }
        }
        OutputFormat::Json => {
            let extra = json::SummaryExtra {
                baseline: args.baseline.is_some().then_some(json::BaselineSummary {
                    matched,
                    fixed: gone,
                }),
                fixes_applied: args.fix.then_some(fixes),
            };
            if let Some(stream) = json_stream {
                stream.end(out, &counts, files, extra)?;
            }
        }
        OutputFormat::Sarif => {
            let mut rules: BTreeMap<String, Value> = BTreeMap::new();
            for s in &run.settings {
                for r in &s.linter.rules().rules {
                    rules
                        .entry(r.id.to_string())
                        .or_insert_with(|| sarif::rule_descriptor(r));
                }
            }
            for m in suppress::META_RULES {
                rules
                    .entry(m.id.to_string())
                    .or_insert_with(|| sarif::meta_descriptor(m));
            }
            let text = sarif::render(
                rules.into_values().collect(),
                sarif_out,
                env!("CARGO_PKG_VERSION"),
            );
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitStatus::Error
    } else if failing > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
