//! Loading what a run needs before anything is linted: the configuration
//! that applies to each input (found upward from its folder), the rules it
//! names (compiled once per distinct set), and the job list.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::plural;
use crate::ExitStatus;
use crate::cli::CheckArgs;
use crate::commands::report_rule_errors;
use crate::commands::{relative_to_cwd, rule_files};
use crate::config::{self, Discovery};
use crate::render::human::{self, Style};
use crate::walk::Input;
use claimlint_core::config::{Config, Policy};
use claimlint_core::error::LocatedError;
use claimlint_core::linter::Linter;
use claimlint_core::rule::RuleSet;
use claimlint_core::rule::compile;
use claimlint_core::rule::compile::Workload;

/// What a run lints, and with what.
pub(super) struct Plan {
    pub(super) settings: Vec<Setting>,
    pub(super) jobs: Vec<Job>,
    /// The configuration of the current folder, for run-wide options
    /// (`format:`).
    pub(super) project: Option<Arc<Config>>,
}

/// Loads the configurations and rules `inputs` need and makes their jobs
/// (excluded inputs are dropped). Problems are written to `err`; then the
/// run ends with the returned status, as nothing can be linted.
pub(super) fn plan(
    args: &CheckArgs,
    inputs: Vec<Input>,
    err: &mut dyn Write,
    style_err: Style,
) -> std::io::Result<Result<Plan, ExitStatus>> {
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
        return Ok(Err(ExitStatus::Error));
    }
    if !loader.rule_errors.is_empty() {
        report_rule_errors(&loader.rule_errors, err, style_err.color)?;
        return Ok(Err(ExitStatus::Error));
    }
    let project = project.and_then(|i| loader.settings[i].config.clone());
    Ok(Ok(Plan {
        settings: std::mem::take(&mut loader.settings),
        jobs,
        project,
    }))
}

/// Rules and configuration shared by the files that use the same
/// `.claimlint.yaml`.
pub(super) struct Setting {
    pub(super) linter: Linter,
    pub(super) config: Option<Arc<Config>>,
}

/// One input with what applies to it.
pub(super) struct Job {
    pub(super) input: Input,
    /// Absolute path (for standard input: the `--stdin-filename` path).
    pub(super) abs: PathBuf,
    pub(super) setting: usize,
    pub(super) policy: Policy,
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
        let loaded = rule_files(
            compile::builtin_files_precompiled(),
            defaults,
            &self.args.rules.rules,
            config,
        )
        .and_then(|files| compile::load_for(&files, self.workload));
        let errors = match loaded {
            Ok(r) => {
                let r = Arc::new(r);
                self.by_rules.insert(key, r.clone());
                return Some(r);
            }
            Err(errors) => errors,
        };
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

fn parent_dir(abs: &Path) -> PathBuf {
    abs.parent().map(Path::to_path_buf).unwrap_or_default()
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
