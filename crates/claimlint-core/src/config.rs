//! `.claimlint.yaml`: discovery, parsing and per-file resolution.
//!
//! A configuration file is found by walking up from each linted file's folder;
//! the nearest one wins whole (no merging, like ruff and typos). `--config
//! FILE` uses one file for every input, `--isolated` uses none. Lookups are
//! cached per folder, so a tree of thousands of posts reads each
//! configuration once.
//!
//! Every value keeps its location, so an unknown key, a bad value, a glob
//! that does not compile or a rule id that no loaded rule has is a
//! [`LocatedError`] pointing into the YAML file (exit status 2).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::yaml::span_of;

use crate::diagnostic::{Diagnostic, Severity};
use crate::error::LocatedError;
use crate::render::OutputFormat;
use crate::rule::RuleSet;
use crate::rule::compile::did_you_mean;

/// Largest configuration file read (`.claimlint.yaml`).
pub const MAX_CONFIG_BYTES: usize = 256 * 1024;

type S<T> = Spanned<T>;

/// `severity:` — rule ids or categories per severity.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeveritySpec {
    #[serde(default)]
    error: Vec<S<String>>,
    #[serde(default)]
    warning: Vec<S<String>>,
    #[serde(default)]
    info: Vec<S<String>>,
}

/// One entry of `overrides:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OverrideSpec {
    files: S<Vec<S<String>>>,
    #[serde(default)]
    enable: Vec<S<String>>,
    #[serde(default)]
    disable: Vec<S<String>>,
    #[serde(default)]
    severity: Option<SeveritySpec>,
    #[serde(default)]
    fail_on: Option<S<Severity>>,
}

/// The file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigSpec {
    #[serde(default)]
    rules: Vec<S<String>>,
    #[serde(default)]
    default_rules: Option<bool>,
    #[serde(default)]
    enable: Vec<S<String>>,
    #[serde(default)]
    disable: Vec<S<String>>,
    #[serde(default)]
    severity: Option<SeveritySpec>,
    #[serde(default)]
    include: Vec<S<String>>,
    #[serde(default)]
    exclude: Vec<S<String>>,
    #[serde(default)]
    fail_on: Option<S<Severity>>,
    #[serde(default)]
    format: Option<S<OutputFormat>>,
    #[serde(default)]
    require_reason: Option<bool>,
    #[serde(default)]
    fail_on_skipped: Option<bool>,
    #[serde(default)]
    min_severity: Option<S<Severity>>,
    #[serde(default)]
    overrides: Vec<OverrideSpec>,
}

/// What an `enable`/`disable`/`severity` entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `all`: every rule.
    All,
    /// A whole category (`marketing`).
    Category(String),
    /// One rule (`marketing.hype-terms`).
    Id(String),
}

impl Selector {
    pub fn parse(name: &str) -> Self {
        if name == "all" {
            Selector::All
        } else if name.contains('.') {
            Selector::Id(name.to_string())
        } else {
            Selector::Category(name.to_string())
        }
    }

    /// How specific a match is (higher wins), if `self` names `rule`.
    fn matches(&self, rule: &str, category: &str) -> Option<u8> {
        match self {
            Selector::All => Some(0),
            Selector::Category(c) => (c == category).then_some(1),
            Selector::Id(id) => (id == rule).then_some(2),
        }
    }
}

/// A selector with where it was written.
#[derive(Debug, Clone)]
struct Entry {
    selector: Selector,
    name: String,
    span: Option<Range<usize>>,
}

/// `enable`, `disable`, `severity`, `fail-on` of the top level or of one override.
#[derive(Debug, Clone, Default)]
struct Layer {
    enable: Vec<Entry>,
    disable: Vec<Entry>,
    severity: Vec<(Entry, Severity)>,
    fail_on: Option<Severity>,
}

impl Layer {
    /// `Some(enabled)` if this layer decides whether `rule` runs.
    fn enabled(&self, rule: &str, category: &str) -> Option<bool> {
        let best = |entries: &[Entry]| {
            entries
                .iter()
                .filter_map(|e| e.selector.matches(rule, category))
                .max()
        };
        match (best(&self.enable), best(&self.disable)) {
            (None, None) => None,
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            // The more specific entry wins; a tie cannot pass validation.
            (Some(e), Some(d)) => Some(e > d),
        }
    }

    fn severity(&self, rule: &str, category: &str) -> Option<Severity> {
        self.severity
            .iter()
            .filter_map(|(e, s)| e.selector.matches(rule, category).map(|rank| (rank, *s)))
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, s)| s)
    }
}

/// A loaded `.claimlint.yaml`.
#[derive(Debug)]
pub struct Config {
    /// Display path of the file.
    pub path: String,
    pub text: Arc<str>,
    /// Absolute folder the file is in; globs and rule paths are relative to it.
    pub dir: PathBuf,
    /// Extra rule files and folders (absolute).
    pub rules: Vec<PathBuf>,
    rule_spans: Vec<Option<Range<usize>>>,
    pub default_rules: Option<bool>,
    base: Layer,
    overrides: Vec<(GlobSet, Layer)>,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    pub format: Option<OutputFormat>,
    pub require_reason: Option<bool>,
    /// Files skipped while walking (too large, binary) fail the run.
    pub fail_on_skipped: Option<bool>,
    /// Findings below this severity are not shown.
    pub min_severity: Option<Severity>,
}

/// Parses YAML into `T`, turning a serde error into a located one.
fn parse_yaml<T: serde::de::DeserializeOwned + Default>(
    path: &str,
    text: &Arc<str>,
) -> Result<T, Vec<LocatedError>> {
    // An empty file (or one of comments only) is an empty configuration.
    let has_content = text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && t != "---" && t != "..."
    });
    if !has_content {
        return Ok(T::default());
    }
    crate::yaml::parse(path, text, "configuration", "unknown key")
}

/// Compiles globs relative to a configuration folder. A pattern without a
/// `/` matches at any depth (`drafts` is `**/drafts`); `dir/` matches the
/// folder and everything under it.
fn glob_set(
    path: &str,
    text: &Arc<str>,
    patterns: &[S<String>],
    errors: &mut Vec<LocatedError>,
) -> Option<GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        let raw = p.value.trim();
        let mut pattern = raw.trim_start_matches("./").to_string();
        if pattern.is_empty() {
            errors.push(
                LocatedError::new(path, "empty glob")
                    .in_text(text.clone(), span_of(p))
                    .label("matches nothing"),
            );
            continue;
        }
        if let Some(stripped) = pattern.strip_suffix('/') {
            pattern = format!("{stripped}/**");
        }
        let anchored = pattern.trim_end_matches("/**").contains('/') || pattern.starts_with('/');
        let pattern = pattern.trim_start_matches('/').to_string();
        let full = if anchored {
            pattern
        } else {
            format!("**/{pattern}")
        };
        let built: Result<Glob, _> = GlobBuilder::new(&full).literal_separator(true).build();
        match built {
            Ok(g) => {
                builder.add(g);
                // `dir/**` also matches `dir` itself; a plain name matches a
                // folder's contents too.
                if let Ok(g) = GlobBuilder::new(&format!("{}/**", full.trim_end_matches("/**")))
                    .literal_separator(true)
                    .build()
                {
                    builder.add(g);
                }
            }
            Err(e) => errors.push(
                LocatedError::new(path, format!("invalid glob: {}", e.kind()))
                    .in_text(text.clone(), span_of(p))
                    .label("this glob"),
            ),
        }
    }
    builder.build().ok()
}

fn entries(list: &[S<String>]) -> Vec<Entry> {
    list.iter()
        .map(|s| Entry {
            selector: Selector::parse(s.value.trim()),
            name: s.value.trim().to_string(),
            span: span_of(s),
        })
        .collect()
}

fn severity_entries(spec: &Option<SeveritySpec>) -> Vec<(Entry, Severity)> {
    let Some(spec) = spec else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (list, sev) in [
        (&spec.error, Severity::Error),
        (&spec.warning, Severity::Warning),
        (&spec.info, Severity::Info),
    ] {
        out.extend(entries(list).into_iter().map(|e| (e, sev)));
    }
    out
}

impl Config {
    /// Parses configuration `text` of a file shown as `path` in folder `dir`.
    pub fn parse(path: &str, text: Arc<str>, dir: PathBuf) -> Result<Config, Vec<LocatedError>> {
        let spec: ConfigSpec = parse_yaml(path, &text)?;
        let mut errors = Vec::new();
        let include = glob_set(path, &text, &spec.include, &mut errors);
        let exclude = glob_set(path, &text, &spec.exclude, &mut errors);
        let mut overrides = Vec::new();
        for o in &spec.overrides {
            if o.files.value.is_empty() {
                errors.push(
                    LocatedError::new(path, "an override needs at least one glob in `files`")
                        .in_text(text.clone(), span_of(&o.files))
                        .label("no globs"),
                );
                continue;
            }
            let Some(globs) = glob_set(path, &text, &o.files.value, &mut errors) else {
                continue;
            };
            overrides.push((
                globs,
                Layer {
                    enable: entries(&o.enable),
                    disable: entries(&o.disable),
                    severity: severity_entries(&o.severity),
                    fail_on: o.fail_on.as_ref().map(|s| s.value),
                },
            ));
        }
        for r in &spec.rules {
            if r.value.trim().is_empty() {
                errors.push(
                    LocatedError::new(path, "empty rule path")
                        .in_text(text.clone(), span_of(r))
                        .label("here"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            path: path.to_string(),
            rules: spec
                .rules
                .iter()
                .map(|r| dir.join(r.value.trim()))
                .collect(),
            rule_spans: spec.rules.iter().map(span_of).collect(),
            default_rules: spec.default_rules,
            base: Layer {
                enable: entries(&spec.enable),
                disable: entries(&spec.disable),
                severity: severity_entries(&spec.severity),
                fail_on: spec.fail_on.as_ref().map(|s| s.value),
            },
            overrides,
            include,
            exclude,
            format: spec.format.as_ref().map(|s| s.value),
            require_reason: spec.require_reason,
            fail_on_skipped: spec.fail_on_skipped,
            min_severity: spec.min_severity.as_ref().map(|s| s.value),
            text,
            dir,
        })
    }

    /// Location of the `i`th entry of `rules:` (for errors reading it).
    pub fn rule_path_error(&self, i: usize, message: String) -> LocatedError {
        LocatedError::new(&self.path, message)
            .in_text(self.text.clone(), self.rule_spans.get(i).cloned().flatten())
            .label("this rule path")
    }

    fn layers(&self) -> impl Iterator<Item = &Layer> {
        std::iter::once(&self.base).chain(self.overrides.iter().map(|(_, l)| l))
    }

    /// Checks every selector against the loaded rules: unknown ids and
    /// categories, and the same name both enabled and disabled.
    pub fn validate(&self, rules: &RuleSet) -> Vec<LocatedError> {
        let mut ids: Vec<&str> = rules.rules.iter().map(|r| &*r.id).collect();
        ids.extend(crate::suppress::META_RULES.iter().map(|m| m.id));
        let mut categories: Vec<&str> = rules.rules.iter().map(|r| &*r.category).collect();
        categories.push(crate::suppress::META_CATEGORY);
        categories.sort_unstable();
        categories.dedup();
        let mut errors = Vec::new();
        let mut check = |e: &Entry| {
            let known = match &e.selector {
                Selector::All => true,
                Selector::Id(id) => ids.contains(&id.as_str()),
                Selector::Category(c) => categories.contains(&c.as_str()),
            };
            if !known {
                let what = match e.selector {
                    Selector::Id(_) => "rule id",
                    _ => "rule category",
                };
                let mut err = LocatedError::new(&self.path, format!("unknown {what} `{}`", e.name))
                    .in_text(self.text.clone(), e.span.clone())
                    .label(format!(
                        "no loaded rule has this {}",
                        what.trim_start_matches("rule ")
                    ));
                let near = match e.selector {
                    Selector::Id(_) => did_you_mean(&e.name, ids.iter().copied()),
                    _ => did_you_mean(&e.name, categories.iter().copied()),
                };
                if let Some(near) = near {
                    err = err.note(format!("did you mean `{near}`?"));
                }
                errors.push(err);
            }
        };
        for layer in self.layers() {
            for e in layer.enable.iter().chain(&layer.disable) {
                check(e);
            }
            for (e, _) in &layer.severity {
                check(e);
            }
        }
        for layer in self.layers() {
            for e in &layer.enable {
                if layer.disable.iter().any(|d| d.selector == e.selector) {
                    errors.push(
                        LocatedError::new(
                            &self.path,
                            format!("`{}` is both enabled and disabled", e.name),
                        )
                        .in_text(self.text.clone(), e.span.clone())
                        .label("enabled here"),
                    );
                }
            }
        }
        errors
    }

    /// Path of `file` relative to this configuration's folder, if inside it.
    fn relative(&self, file: &Path) -> Option<PathBuf> {
        file.strip_prefix(&self.dir).ok().map(Path::to_path_buf)
    }

    /// Whether `file` (absolute) is left out by `include`/`exclude`.
    pub fn excludes(&self, file: &Path) -> bool {
        let Some(rel) = self.relative(file) else {
            return false;
        };
        if let Some(ex) = &self.exclude
            && ex.is_match(&rel)
        {
            return true;
        }
        match &self.include {
            Some(inc) => !inc.is_match(&rel),
            None => false,
        }
    }

    /// The policy for `file` (absolute): the top level, then every override
    /// whose `files` match, in order.
    pub fn policy_for(self: &Arc<Self>, file: &Path) -> Policy {
        let rel = self.relative(file);
        let matching = self
            .overrides
            .iter()
            .enumerate()
            .filter(|(_, (globs, _))| rel.as_ref().is_some_and(|r| globs.is_match(r)))
            .map(|(i, _)| i)
            .collect();
        Policy {
            config: Some(self.clone()),
            overrides: matching,
        }
    }
}

/// What the configuration says about one file.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    config: Option<Arc<Config>>,
    overrides: Vec<usize>,
}

impl Policy {
    fn layers(&self) -> Vec<&Layer> {
        match &self.config {
            None => Vec::new(),
            Some(c) => std::iter::once(&c.base)
                .chain(self.overrides.iter().map(|&i| &c.overrides[i].1))
                .collect(),
        }
    }

    /// Whether findings of `rule` are reported (later layers win).
    pub fn enabled(&self, rule: &str, category: &str) -> bool {
        self.layers()
            .iter()
            .filter_map(|l| l.enabled(rule, category))
            .next_back()
            .unwrap_or(true)
    }

    /// The severity configured for `rule`, if any (later layers win).
    pub fn severity(&self, rule: &str, category: &str) -> Option<Severity> {
        self.layers()
            .iter()
            .filter_map(|l| l.severity(rule, category))
            .next_back()
    }

    /// `fail-on` for this file (later layers win).
    pub fn fail_on(&self) -> Option<Severity> {
        self.layers().iter().filter_map(|l| l.fail_on).next_back()
    }

    pub fn require_reason(&self) -> Option<bool> {
        self.config.as_ref().and_then(|c| c.require_reason)
    }

    /// Drops disabled findings and applies severity overrides.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.config.is_none() {
            return;
        }
        diagnostics.retain(|d| self.enabled(&d.rule, &d.category));
        for d in diagnostics.iter_mut() {
            if let Some(s) = self.severity(&d.rule, &d.category) {
                d.severity = s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<LocatedError>> {
        Config::parse(".claimlint.yaml", Arc::from(text), PathBuf::from("/repo"))
    }

    #[test]
    fn layers_resolve_by_specificity_then_order() {
        let c = Arc::new(
            parse(
                "disable: [marketing]\nenable: [marketing.miracle-language]\nseverity:\n  error: [evidence]\n  info: [evidence.vague-authority]\noverrides:\n  - files: [content/blog/**]\n    enable: [marketing]\n    fail-on: warning\n",
            )
            .unwrap(),
        );
        let other = c.policy_for(Path::new("/repo/pages/a.md"));
        assert!(!other.enabled("marketing.hype-terms", "marketing"));
        assert!(other.enabled("marketing.miracle-language", "marketing"));
        assert!(other.enabled("cure.cure-claim", "cure"));
        assert_eq!(
            other.severity("evidence.x", "evidence"),
            Some(Severity::Error)
        );
        assert_eq!(
            other.severity("evidence.vague-authority", "evidence"),
            Some(Severity::Info)
        );
        assert_eq!(other.fail_on(), None);
        let blog = c.policy_for(Path::new("/repo/content/blog/2024/a.md"));
        assert!(blog.enabled("marketing.hype-terms", "marketing"));
        assert_eq!(blog.fail_on(), Some(Severity::Warning));
    }

    #[test]
    fn globs_are_relative_and_unanchored_names_match_anywhere() {
        let c = parse("include: [content/]\nexclude: [drafts, '*.txt']\n").unwrap();
        assert!(!c.excludes(Path::new("/repo/content/a.md")));
        assert!(c.excludes(Path::new("/repo/content/drafts/a.md")));
        assert!(c.excludes(Path::new("/repo/content/a.txt")));
        assert!(c.excludes(Path::new("/repo/other/a.md")));
        assert!(!c.excludes(Path::new("/elsewhere/a.md")));
    }

    #[test]
    fn errors_are_located() {
        let errs = parse("fail-on: fatal\n").unwrap_err();
        assert_eq!(errs[0].location(), ".claimlint.yaml:1:10");
        let errs = parse("disabel: [x]\n").unwrap_err();
        assert_eq!(errs[0].location(), ".claimlint.yaml:1:1");
        assert!(
            errs[0].message.contains("unknown field"),
            "{}",
            errs[0].message
        );
        let errs = parse("overrides:\n  - files: []\n    fail-on: info\n").unwrap_err();
        assert_eq!(errs[0].location(), ".claimlint.yaml:2:12");
        assert!(parse("# only a comment\n").is_ok());
        assert!(parse("").is_ok());
    }
}
