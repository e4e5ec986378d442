//! The one way a file becomes findings.
//!
//! A [`Linter`] holds compiled rules and the options of a run. Its
//! [`lint`](Linter::lint) runs the whole per-file pipeline — parse, scan,
//! context checks and document rules, suppression comments, then the
//! configuration's policy — and returns a [`Report`]. `claimlint check`,
//! the language server, `test-rules` and every embedding (the browser
//! playground, the Python package) go through it, so they agree finding
//! for finding.

use std::sync::Arc;

use crate::config::Policy;
use crate::diagnostic::{Counts, Diagnostic};
use crate::document::{Format, ParseOptions};
use crate::engine;
use crate::render::json::{Items, Stream, SummaryExtra};
use crate::rule::RuleSet;
use crate::source::SourceFile;
use crate::suppress;

/// Compiled rules and the options they run with. Cheap to clone (the rules
/// are shared) and safe to share between threads.
#[derive(Debug, Clone)]
pub struct Linter {
    rules: Arc<RuleSet>,
    parse: ParseOptions,
    require_reason: bool,
    every_rule: bool,
}

/// The findings in one file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Report {
    /// The file as linted (its text, for lines, columns and snippets).
    pub file: SourceFile,
    /// The format it was read as.
    pub format: Format,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Findings per severity.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for d in &self.diagnostics {
            counts.add(d.severity);
        }
        counts
    }

    /// The JSON document `claimlint check --format json` writes for this
    /// one file (version, diagnostics, summary): the JSON contract.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        let items = Items::new(&self.file, &self.diagnostics);
        let written = Stream::begin(&mut out)
            .and_then(|mut stream| {
                stream.items(&mut out, &items)?;
                Ok(stream)
            })
            .and_then(|stream| stream.end(&mut out, &self.counts(), 1, SummaryExtra::default()));
        written.expect("writing to memory does not fail");
        String::from_utf8(out).expect("JSON is UTF-8")
    }
}

impl Linter {
    /// A linter for `rules`, with default options: suppression comments
    /// must give a reason, HTML is parsed with the built-in chrome skipped,
    /// and each claim is reported once.
    pub fn new(rules: impl Into<Arc<RuleSet>>) -> Self {
        Self {
            rules: rules.into(),
            parse: ParseOptions::default(),
            require_reason: true,
            every_rule: false,
        }
    }

    /// A linter for the built-in rule pack (the `default-rules` feature).
    #[cfg(feature = "default-rules")]
    pub fn builtin() -> Result<Self, crate::error::Error> {
        crate::default_rules()
            .map(Self::new)
            .map_err(crate::error::Error::Rules)
    }

    /// How documents are parsed (for HTML: extra elements to skip).
    pub fn with_parse_options(mut self, options: ParseOptions) -> Self {
        self.parse = options;
        self
    }

    /// Whether a suppression comment without `-- reason` is itself a
    /// finding (default: yes; a configuration's `require-reason` can also
    /// turn it off for its files).
    pub fn with_require_reason(mut self, require: bool) -> Self {
        self.require_reason = require;
        self
    }

    /// Reports every finding of every rule, without reducing overlapping
    /// findings of one category to one: what a rule's own examples are
    /// checked against.
    pub fn with_every_rule(mut self, every_rule: bool) -> Self {
        self.every_rule = every_rule;
        self
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The rules, shared.
    pub fn shared_rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Lints `text` as a file named `path` (its format from the extension),
    /// with no configuration.
    pub fn lint(&self, path: &str, text: &str) -> Report {
        self.lint_file(
            SourceFile::new(path, text),
            Format::from_path(path),
            &Policy::default(),
        )
    }

    /// Lints `file`, read as `format`, under `policy` (what the
    /// configuration says about this file: rules turned off, severities).
    pub fn lint_file(&self, file: SourceFile, format: Format, policy: &Policy) -> Report {
        let found = engine::run(&self.rules, &file, format, &self.parse, self.every_rule);
        let mut diagnostics = found.diagnostics;
        let require_reason = self.require_reason && policy.require_reason().unwrap_or(true);
        suppress::apply(
            &self.rules,
            &file,
            format,
            &found.comments,
            require_reason,
            &mut diagnostics,
        );
        policy.apply(&mut diagnostics);
        Report {
            file,
            format,
            diagnostics,
        }
    }
}

#[cfg(all(test, feature = "default-rules"))]
mod tests {
    use super::*;
    use crate::error::Error;

    fn linter() -> Linter {
        Linter::builtin().expect("the built-in pack loads")
    }

    #[test]
    fn errors_say_where_and_how_many() {
        let bad = |path: &str, text: &str| crate::rule::compile::RuleFile::new(path, text);
        let Err(errors) = crate::rule::compile::load(&[
            bad(
                "house/a.yaml",
                "id: house.a
severity: loud
",
            ),
            bad(
                "house/b.yaml",
                "id: [
",
            ),
        ]) else {
            panic!("bad rules load");
        };
        let error = Error::Rules(errors);
        let text = error.to_string();
        assert!(text.starts_with("house/a.yaml:2:"), "{text}");
        assert!(text.contains("more in rule files"), "{text}");
        assert!(error.located().len() >= 2);
        let selector = crate::document::html::HtmlOptions::with_skip(&["div p"]).unwrap_err();
        let error = Error::from(selector);
        assert!(
            error.to_string().contains("invalid selector `div p`"),
            "{error}"
        );
        assert!(error.located().is_empty());
    }

    #[test]
    fn suppression_comments_apply() {
        let text = "# Ketamine\n\n<!-- claimlint-disable-next-line cure -- quoted from a patient -->\nKetamine cures depression.\n\nKetamine cures anxiety.\n";
        let report = linter().lint("post.md", text);
        let cures: Vec<usize> = report
            .diagnostics
            .iter()
            .filter(|d| &*d.category == "cure")
            .map(|d| report.file.line_col(d.span.start).line)
            .collect();
        assert_eq!(cures, [6], "{:#?}", report.diagnostics);
    }

    #[test]
    fn a_policy_turns_rules_off_and_sets_severities() {
        use crate::config::Config;
        use crate::diagnostic::Severity;
        let config = Config::parse(
            ".claimlint.yaml",
            Arc::from("disable: [cure]\nseverity:\n  info: [safety]\n"),
            "/site".into(),
        )
        .expect("configuration parses");
        let policy = Arc::new(config).policy_for(std::path::Path::new("/site/post.md"));
        let text = "Ketamine cures depression. It is completely safe.\n";
        let report = linter().lint_file(SourceFile::new("post.txt", text), Format::Plain, &policy);
        assert!(report.diagnostics.iter().all(|d| &*d.category != "cure"));
        let safety: Vec<Severity> = report
            .diagnostics
            .iter()
            .filter(|d| &*d.category == "safety")
            .map(|d| d.severity)
            .collect();
        assert!(!safety.is_empty() && safety.iter().all(|s| *s == Severity::Info));
        let plain = linter().lint("post.txt", text);
        assert!(plain.diagnostics.iter().any(|d| &*d.category == "cure"));
    }

    #[test]
    fn every_rule_keeps_overlapping_findings_of_a_category() {
        let text = "Ketamine is a miracle cure that cures depression for good.\n";
        let one = linter().lint("a.txt", text);
        let all = linter().with_every_rule(true).lint("a.txt", text);
        assert!(all.diagnostics.len() >= one.diagnostics.len());
        assert!(one.counts().total() == one.diagnostics.len());
    }

    #[test]
    fn report_json_is_the_contracts_array() {
        let report = linter().lint("a.txt", "Ketamine cures depression.\n");
        let value: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(value["version"], 1);
        assert_eq!(value["summary"]["files"], 1);
        let diagnostics = value["diagnostics"].as_array().expect("an array");
        assert_eq!(diagnostics.len(), report.diagnostics.len());
        let cure = diagnostics
            .iter()
            .find(|d| d["rule"] == "cure.cure-claim")
            .expect("the cure claim is reported");
        assert_eq!(cure["line"], 1);
        assert_eq!(
            (cure["start"].as_u64(), cure["end"].as_u64()),
            (Some(9), Some(14))
        );
    }
}
