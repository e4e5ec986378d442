//! Output, one reporter per format. Workers render each file's findings
//! with a [`Renderer`] (cheap, shared); the main thread hands the rendered
//! files, in input order, to the run's [`Sink`], which writes them (or
//! keeps them, for formats written whole) and ends the output with a
//! summary. `--write-baseline` and `--diff` are sinks too: their output
//! replaces the findings.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use serde_json::Value;

use super::lint::{Linted, SkipReason};
use super::load::Setting;
use super::plural;
use crate::ExitStatus;
use crate::baseline;
use crate::cli::CheckArgs;
use crate::encoding::OffsetMap;
use crate::render::github;
use crate::render::human::{self, Style};
use crate::walk::{self, display_path};
use claimlint_core::diagnostic::{Counts, Diagnostic, Severity};
use claimlint_core::render::{OutputFormat, compact, json, sarif};
use claimlint_core::source::SourceFile;
use claimlint_core::suppress;

/// Findings of one file, rendered for the chosen format.
pub(super) enum Rendered {
    Text(String),
    /// (severity, annotation, job summary row).
    Github(Vec<(Severity, String, String)>),
    Json(json::Items),
    Sarif(Vec<Value>),
    /// Not rendered: with `--write-baseline` or `--diff` the output is the
    /// baseline or the diff.
    Nothing,
}

/// How workers render a file's findings.
#[derive(Debug, Clone, Copy)]
pub(super) enum Renderer {
    Human(Style),
    Compact,
    Github,
    Json,
    Sarif,
    Nothing,
}

impl Renderer {
    pub(super) fn new(args: &CheckArgs, format: OutputFormat, style: Style) -> Self {
        if args.write_baseline.is_some() || args.diff {
            return Renderer::Nothing;
        }
        match format {
            OutputFormat::Human => Renderer::Human(style),
            OutputFormat::Compact => Renderer::Compact,
            OutputFormat::Github => Renderer::Github,
            OutputFormat::Json => Renderer::Json,
            OutputFormat::Sarif => Renderer::Sarif,
        }
    }

    /// `diagnostics` of `file` (with their fingerprints, for SARIF).
    pub(super) fn render(
        self,
        file: &SourceFile,
        diagnostics: &[Diagnostic],
        fingerprints: &[String],
        offsets: Option<&OffsetMap>,
    ) -> Rendered {
        match self {
            Renderer::Human(style) => Rendered::Text(
                diagnostics
                    .iter()
                    .map(|d| human::render(style, file, d))
                    .collect(),
            ),
            Renderer::Compact => Rendered::Text(
                diagnostics
                    .iter()
                    .map(|d| compact::render(file, d))
                    .collect(),
            ),
            Renderer::Github => Rendered::Github(
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
            Renderer::Json => Rendered::Json(match offsets {
                // JSON offsets index the file as stored.
                Some(map) => json::Items::with_offsets(file, diagnostics, &|o| map.stored(o)),
                None => json::Items::new(file, diagnostics),
            }),
            Renderer::Sarif => Rendered::Sarif(
                diagnostics
                    .iter()
                    .zip(fingerprints)
                    .map(|(d, fp)| sarif::result(file, d, fp))
                    .collect(),
            ),
            Renderer::Nothing => Rendered::Nothing,
        }
    }
}

/// What the run found, over every file.
#[derive(Debug, Default)]
pub(super) struct Totals {
    pub(super) counts: Counts,
    /// Files linted.
    pub(super) files: usize,
    /// Inputs that could not be linted (exit 2).
    pub(super) failed: usize,
    /// Findings at or above their file's `fail-on`.
    pub(super) failing: usize,
    /// Findings the baseline hid, and baseline entries no longer found.
    pub(super) matched: usize,
    pub(super) gone: usize,
    /// Files skipped while walking, with why, in input order.
    pub(super) skipped: Vec<(SkipReason, String)>,
    /// `--fail-on-skipped` (or the configuration's `fail-on-skipped:`).
    pub(super) fail_on_skipped: bool,
    /// Findings below `--min-severity`, not shown.
    pub(super) hidden: usize,
    /// `--min-severity`, when above info.
    pub(super) min_severity: Option<Severity>,
    /// Findings shown, per rule.
    pub(super) by_rule: BTreeMap<std::sync::Arc<str>, usize>,
    /// Findings `--since` hid.
    pub(super) unchanged: usize,
    pub(super) fixes: usize,
    pub(super) fixed_files: usize,
}

impl Totals {
    pub(super) fn add(&mut self, l: &Linted) {
        self.files += 1;
        self.counts.merge(l.counts);
        self.failing += l.failing;
        self.matched += l.baseline_matched;
        self.gone += l.baseline_fixed;
        self.unchanged += l.unchanged;
        self.hidden += l.hidden;
        for (rule, n) in &l.by_rule {
            *self.by_rule.entry(rule.clone()).or_default() += n;
        }
        self.fixes += l.fixes_applied;
        self.fixed_files += usize::from(l.fixes_applied > 0);
    }

    /// Whether skipped files fail the run.
    fn skipped_fail(&self) -> bool {
        self.fail_on_skipped && !self.skipped.is_empty()
    }

    /// The skipped files, for the summary line: " 2 files skipped (too
    /// large: a.md; binary: b.html)." (empty when none was). A few names
    /// per reason are listed.
    fn skipped_note(&self) -> String {
        const NAMES: usize = 3;
        if self.skipped.is_empty() {
            return String::new();
        }
        let mut sorted = self.skipped.clone();
        sorted.sort();
        let mut groups: Vec<String> = Vec::new();
        for chunk in sorted.chunk_by(|a, b| a.0 == b.0) {
            let mut names: Vec<&str> = chunk.iter().take(NAMES).map(|(_, p)| p.as_str()).collect();
            let more = chunk.len().saturating_sub(NAMES);
            let more = format!("and {more} more");
            if chunk.len() > NAMES {
                names.push(&more);
            }
            groups.push(format!("{}: {}", chunk[0].0.label(), names.join(", ")));
        }
        format!(
            " {} skipped ({}){}.",
            plural(self.skipped.len(), "file", "files"),
            groups.join("; "),
            if self.fail_on_skipped {
                ", which fails the run (--fail-on-skipped)"
            } else {
                ""
            }
        )
    }

    /// The exit status for findings: 2 if a file could not be linted, 1 if
    /// a finding fails the run, else 0.
    fn status(&self) -> ExitStatus {
        if self.failed > 0 || self.skipped_fail() {
            ExitStatus::Error
        } else if self.failing > 0 {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        }
    }
}

/// Where the linted files go, in input order.
pub(super) trait Sink {
    /// Takes one linted file.
    fn file(&mut self, out: &mut dyn Write, linted: Linted) -> std::io::Result<()>;

    /// Ends the output; the run's exit status.
    fn finish(
        self: Box<Self>,
        out: &mut dyn Write,
        err: &mut dyn Write,
        totals: &Totals,
    ) -> std::io::Result<ExitStatus>;
}

/// The sink for this run's options and format.
pub(super) fn sink<'a>(
    args: &'a CheckArgs,
    format: OutputFormat,
    settings: &'a [Setting],
    style_err: Style,
    out: &mut dyn Write,
) -> std::io::Result<Box<dyn Sink + 'a>> {
    if let Some(path) = &args.write_baseline {
        return Ok(Box::new(BaselineSink {
            args,
            path: path.clone(),
            entries: Vec::new(),
            style_err,
        }));
    }
    if args.diff {
        return Ok(Box::new(DiffSink { args }));
    }
    let summary = Summary { args };
    Ok(match format {
        OutputFormat::Human => Box::new(TextSink {
            summary,
            by_rule: true,
        }),
        OutputFormat::Compact => Box::new(TextSink {
            summary,
            by_rule: false,
        }),
        OutputFormat::Github => Box::new(GithubSink {
            summary,
            annotations: Vec::new(),
            style_err,
        }),
        OutputFormat::Json => Box::new(JsonSink {
            args,
            stream: json::Stream::begin(out)?,
        }),
        OutputFormat::Sarif => Box::new(SarifSink {
            settings,
            results: Vec::new(),
        }),
    })
}

/// The closing line of the human, compact and GitHub outputs.
struct Summary<'a> {
    args: &'a CheckArgs,
}

impl Summary<'_> {
    fn line(&self, totals: &Totals) -> String {
        let mut line = human::summary(&totals.counts, totals.files, totals.failed);
        line.pop();
        if let Some(min) = totals.min_severity
            && totals.hidden > 0
        {
            line.push_str(&format!(
                " {} below {min} not shown (--min-severity).",
                plural(totals.hidden, "finding", "findings"),
            ));
        }
        line.push_str(&totals.skipped_note());
        if self.args.fix {
            line.push_str(&format!(
                " Applied {} in {}.",
                plural(totals.fixes, "fix", "fixes"),
                plural(totals.fixed_files, "file", "files")
            ));
        }
        if self.args.baseline.is_some() {
            line.push_str(&format!(
                " Baseline: {} not shown, {} fixed since it was written.",
                plural(totals.matched, "known finding", "known findings"),
                totals.gone
            ));
        }
        if let Some(reference) = &self.args.since {
            line.push_str(&format!(
                " Since {reference}: {} on unchanged lines not shown.",
                plural(totals.unchanged, "finding", "findings")
            ));
        }
        line.push('\n');
        line
    }
}

/// Human and compact output: each file's findings as soon as they are
/// ready, so memory does not grow with the number of files.
struct TextSink<'a> {
    summary: Summary<'a>,
    /// Human output: findings per rule before the summary line, and where
    /// to read about a rule after it.
    by_rule: bool,
}

/// Rules listed in the human summary (the most frequent first).
const TOP_RULES: usize = 5;

/// The human summary's findings per rule, the most frequent first: a few
/// lines, then how many rules are not listed.
fn rule_counts(totals: &Totals) -> String {
    let mut rules: Vec<(&str, usize)> = totals.by_rule.iter().map(|(r, n)| (&**r, *n)).collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let width = rules.first().map_or(1, |(_, n)| n.to_string().len());
    let mut text = String::from("Findings by rule:\n");
    for (rule, n) in rules.iter().take(TOP_RULES) {
        text.push_str(&format!("  {n:>width$}  {rule}\n"));
    }
    if rules.len() > TOP_RULES {
        let rest: usize = rules[TOP_RULES..].iter().map(|(_, n)| n).sum();
        text.push_str(&format!(
            "  and {} from {}\n",
            plural(rest, "finding", "findings"),
            plural(rules.len() - TOP_RULES, "more rule", "more rules")
        ));
    }
    text
}

impl Sink for TextSink<'_> {
    fn file(&mut self, out: &mut dyn Write, linted: Linted) -> std::io::Result<()> {
        if let Rendered::Text(text) = linted.rendered {
            out.write_all(text.as_bytes())?;
        }
        Ok(())
    }

    fn finish(
        self: Box<Self>,
        out: &mut dyn Write,
        _err: &mut dyn Write,
        totals: &Totals,
    ) -> std::io::Result<ExitStatus> {
        if !self.summary.args.quiet {
            let listed = self.by_rule && !totals.by_rule.is_empty();
            if listed {
                out.write_all(rule_counts(totals).as_bytes())?;
            }
            out.write_all(self.summary.line(totals).as_bytes())?;
            if listed {
                out.write_all(b"Run `claimlint explain ID` for the evidence behind a rule.\n")?;
            }
        }
        Ok(totals.status())
    }
}

/// GitHub workflow commands: the most severe annotations first, capped,
/// and the job summary.
struct GithubSink<'a> {
    summary: Summary<'a>,
    annotations: Vec<(Severity, String, String)>,
    style_err: Style,
}

impl Sink for GithubSink<'_> {
    fn file(&mut self, _out: &mut dyn Write, linted: Linted) -> std::io::Result<()> {
        if let Rendered::Github(g) = linted.rendered {
            self.annotations.extend(g);
        }
        Ok(())
    }

    fn finish(
        mut self: Box<Self>,
        out: &mut dyn Write,
        err: &mut dyn Write,
        totals: &Totals,
    ) -> std::io::Result<ExitStatus> {
        let args = self.summary.args;
        let total = self.annotations.len();
        let rows: Vec<String> = self.annotations.iter().map(|(_, _, r)| r.clone()).collect();
        // Errors first, then warnings, then notices; file order within.
        self.annotations
            .sort_by_key(|(s, _, _)| std::cmp::Reverse(*s));
        let shown = total.min(args.max_annotations);
        for (_, line, _) in self.annotations.iter().take(shown) {
            out.write_all(line.as_bytes())?;
        }
        if shown < total {
            out.write_all(github::cap_notice(shown, total).as_bytes())?;
        }
        let summary = self.summary.line(totals);
        if !args.quiet {
            out.write_all(summary.as_bytes())?;
        }
        // The job summary is a courtesy: failing to write it is a warning
        // and never changes the exit status.
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            let text = github::job_summary(&summary, &rows);
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .and_then(|mut f| f.write_all(text.as_bytes()));
            if let Err(e) = written {
                err.write_all(
                    human::render_plain_warning(
                        self.style_err,
                        &format!("cannot write the job summary: {}", walk::io_message(&e)),
                    )
                    .as_bytes(),
                )?;
            }
        }
        Ok(totals.status())
    }
}

/// The JSON document, written a file at a time.
struct JsonSink<'a> {
    args: &'a CheckArgs,
    stream: json::Stream,
}

impl Sink for JsonSink<'_> {
    fn file(&mut self, out: &mut dyn Write, linted: Linted) -> std::io::Result<()> {
        if let Rendered::Json(items) = linted.rendered {
            self.stream.items(out, &items)?;
        }
        Ok(())
    }

    fn finish(
        self: Box<Self>,
        out: &mut dyn Write,
        _err: &mut dyn Write,
        totals: &Totals,
    ) -> std::io::Result<ExitStatus> {
        let extra = json::SummaryExtra {
            baseline: self
                .args
                .baseline
                .is_some()
                .then_some(json::BaselineSummary {
                    matched: totals.matched,
                    fixed: totals.gone,
                }),
            fixes_applied: self.args.fix.then_some(totals.fixes),
            skipped: totals.skipped.len(),
            hidden: totals.min_severity.map(|_| totals.hidden),
            since: self.args.since.is_some().then_some(json::SinceSummary {
                unchanged: totals.unchanged,
            }),
        };
        self.stream.end(out, &totals.counts, totals.files, extra)?;
        Ok(totals.status())
    }
}

/// SARIF 2.1.0: one run, every loaded rule described once.
struct SarifSink<'a> {
    settings: &'a [Setting],
    results: Vec<Value>,
}

impl Sink for SarifSink<'_> {
    fn file(&mut self, _out: &mut dyn Write, linted: Linted) -> std::io::Result<()> {
        if let Rendered::Sarif(s) = linted.rendered {
            self.results.extend(s);
        }
        Ok(())
    }

    fn finish(
        self: Box<Self>,
        out: &mut dyn Write,
        _err: &mut dyn Write,
        totals: &Totals,
    ) -> std::io::Result<ExitStatus> {
        let mut rules: BTreeMap<String, Value> = BTreeMap::new();
        for s in self.settings {
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
            self.results,
            env!("CARGO_PKG_VERSION"),
        );
        out.write_all(text.as_bytes())?;
        Ok(totals.status())
    }
}

/// `--write-baseline`: record every finding, report, succeed.
struct BaselineSink<'a> {
    args: &'a CheckArgs,
    path: PathBuf,
    entries: Vec<baseline::Entry>,
    style_err: Style,
}

impl Sink for BaselineSink<'_> {
    fn file(&mut self, _out: &mut dyn Write, linted: Linted) -> std::io::Result<()> {
        self.entries.extend(linted.entries);
        Ok(())
    }

    fn finish(
        self: Box<Self>,
        out: &mut dyn Write,
        err: &mut dyn Write,
        totals: &Totals,
    ) -> std::io::Result<ExitStatus> {
        let n = self.entries.len();
        if let Err(e) = baseline::write(&self.path, self.entries) {
            let message = format!(
                "{}: cannot write baseline: {}",
                display_path(&self.path),
                walk::io_message(&e)
            );
            err.write_all(human::render_plain_error(self.style_err, &message).as_bytes())?;
            return Ok(ExitStatus::Error);
        }
        if !self.args.quiet {
            writeln!(
                out,
                "Wrote {} from {} to {}.",
                plural(n, "finding", "findings"),
                plural(totals.files, "file", "files"),
                display_path(&self.path)
            )?;
        }
        Ok(if totals.failed > 0 || totals.skipped_fail() {
            ExitStatus::Error
        } else {
            ExitStatus::Clean
        })
    }
}

/// `--diff`: the diff is the output; status 1 when there is something to
/// fix.
struct DiffSink<'a> {
    args: &'a CheckArgs,
}

impl Sink for DiffSink<'_> {
    fn file(&mut self, out: &mut dyn Write, linted: Linted) -> std::io::Result<()> {
        if let Some(diff) = linted.diff {
            out.write_all(diff.as_bytes())?;
        }
        Ok(())
    }

    fn finish(
        self: Box<Self>,
        _out: &mut dyn Write,
        err: &mut dyn Write,
        totals: &Totals,
    ) -> std::io::Result<ExitStatus> {
        if !self.args.quiet {
            let line = if totals.fixes == 0 {
                "No fixes to apply.".to_string()
            } else {
                format!(
                    "{} can be applied to {} with --fix.",
                    plural(totals.fixes, "fix", "fixes"),
                    plural(totals.fixed_files, "file", "files")
                )
            };
            writeln!(err, "{line}")?;
        }
        Ok(if totals.failed > 0 || totals.skipped_fail() {
            ExitStatus::Error
        } else if totals.fixes > 0 {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        })
    }
}
