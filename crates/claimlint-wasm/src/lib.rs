//! claimlint in the browser: what the web playground (`web/`) calls.
//!
//! [`Playground`] holds the built-in rules, compiled once when the page
//! loads, and answers the page's questions — lint this draft, explain this
//! rule, apply this fix — with JSON or text. It goes through the core's
//! public [`Linter`] only, so a draft gets exactly the findings
//! `claimlint --format json` reports for the same text under the same file
//! name. [`exports`] puts it behind a handful of plain WebAssembly functions
//! that `web/claimlint.js` binds by hand (no generated glue).

use std::collections::BTreeSet;
use std::fmt;

use claimlint_core::diagnostic::{Counts, Diagnostic};
use claimlint_core::linter::{Linter, Report};
use serde::Serialize;

pub mod exports;

/// The largest draft linted, in bytes of UTF-8. A clinic post is about
/// 10 KB; a paste a hundred times larger is almost certainly not a draft,
/// and refusing it keeps the tab responsive.
pub const MAX_DRAFT_BYTES: usize = 1 << 20;

/// Most fix passes of [`Playground::fix_all`], as `claimlint --fix` does
/// (a fix may uncover another).
pub const MAX_FIX_PASSES: usize = 4;

/// How the draft is read: the format `claimlint` infers from a file's
/// extension, so the page names the draft `draft.md`, `draft.txt`…
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftFormat {
    Markdown,
    Plain,
    Html,
    Mdx,
}

impl DraftFormat {
    /// The number the page passes for each format.
    pub fn from_code(code: u32) -> Option<Self> {
        Some(match code {
            0 => Self::Markdown,
            1 => Self::Plain,
            2 => Self::Html,
            3 => Self::Mdx,
            _ => return None,
        })
    }

    /// The file name the draft is linted as (and that the JSON report's
    /// `path` shows).
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Markdown => "draft.md",
            Self::Plain => "draft.txt",
            Self::Html => "draft.html",
            Self::Mdx => "draft.mdx",
        }
    }
}

/// Why a draft was not linted. The page shows the message as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftError {
    TooLarge { bytes: usize },
    Binary { offset: usize },
    InvalidUtf8 { offset: usize },
}

impl fmt::Display for DraftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DraftError::TooLarge { bytes } => write!(
                f,
                "This text is {} KB; the playground lints drafts up to {} KB. Lint a file this large with the claimlint command instead.",
                bytes.div_ceil(1024),
                MAX_DRAFT_BYTES / 1024
            ),
            DraftError::Binary { offset } => write!(
                f,
                "This looks like binary data, not a draft (it holds a NUL character at byte {offset}); claimlint lints text."
            ),
            DraftError::InvalidUtf8 { offset } => write!(
                f,
                "This text is not valid UTF-8 (first invalid byte at {offset}); claimlint lints UTF-8 text."
            ),
        }
    }
}

/// Checks that `bytes` is a draft the page lints: UTF-8, no NUL, not too
/// large. The page checks size and NUL before it copies a paste; this is
/// the same rule, kept in one place.
pub fn check_draft(bytes: &[u8]) -> Result<&str, DraftError> {
    if bytes.len() > MAX_DRAFT_BYTES {
        return Err(DraftError::TooLarge { bytes: bytes.len() });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(DraftError::Binary { offset });
    }
    std::str::from_utf8(bytes).map_err(|e| DraftError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })
}

/// The compiled rules and the writer's choice of categories.
pub struct Playground {
    linter: Linter,
    /// Categories switched off in the page.
    disabled: BTreeSet<String>,
}

#[derive(Serialize)]
struct CatalogRule<'a> {
    id: &'a str,
    category: &'a str,
    severity: &'static str,
    summary: &'a str,
}

#[derive(Serialize)]
struct Catalog<'a> {
    version: &'static str,
    max_draft_bytes: usize,
    categories: Vec<&'a str>,
    rules: Vec<CatalogRule<'a>>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    start: usize,
    end: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    start: usize,
    end: usize,
    label: &'a str,
}

/// One finding as the page shows it: what the JSON contract has, plus the
/// label, notes, related spans and the fix.
#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    category: &'a str,
    severity: &'static str,
    message: &'a str,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    label: &'a str,
    suggestion: Option<&'a str>,
    help: Option<&'a str>,
    notes: &'a [String],
    related: Vec<RelatedOut<'a>>,
    fix: Option<FixOut<'a>>,
}

/// What [`Playground::lint_answer`] gives the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintAnswer {
    /// The JSON document of `claimlint --format json` (what "copy report"
    /// copies).
    pub report: String,
    /// `{"findings": [...], "counts": {...}}`: each finding with what the
    /// report has plus its label, notes, related spans and fix.
    pub findings: String,
}

#[derive(Serialize)]
struct LintOut<'a> {
    findings: Vec<FindingOut<'a>>,
    counts: Counts,
}

impl Playground {
    /// Compiles the built-in rule pack.
    pub fn new() -> Result<Self, String> {
        let rules = claimlint_core::default_rules().map_err(|errors| {
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        Ok(Self {
            linter: Linter::new(rules),
            disabled: BTreeSet::new(),
        })
    }

    /// The rules and their categories (in the pack's order), as JSON.
    pub fn catalog_json(&self) -> String {
        let rules = self.linter.rules();
        let mut categories: Vec<&str> = Vec::new();
        for rule in &rules.rules {
            if !categories.contains(&&*rule.category) {
                categories.push(&rule.category);
            }
        }
        let catalog = Catalog {
            version: env!("CARGO_PKG_VERSION"),
            max_draft_bytes: MAX_DRAFT_BYTES,
            categories,
            rules: rules
                .rules
                .iter()
                .map(|r| CatalogRule {
                    id: &r.id,
                    category: &r.category,
                    severity: r.severity.as_str(),
                    summary: &r.summary,
                })
                .collect(),
        };
        serde_json::to_string(&catalog).expect("the catalog serializes")
    }

    /// Switches categories off (every other category on). Names that are
    /// no category of the pack are kept and match nothing.
    pub fn set_disabled<'a>(&mut self, categories: impl IntoIterator<Item = &'a str>) {
        self.disabled = categories
            .into_iter()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
    }

    /// The categories switched off.
    pub fn disabled(&self) -> impl Iterator<Item = &str> {
        self.disabled.iter().map(String::as_str)
    }

    /// Lints `text` as `format`, without the categories switched off (as
    /// `disable: [CATEGORY]` in a `.claimlint.yaml` does).
    pub fn lint(&self, format: DraftFormat, text: &str) -> Report {
        let mut report = self.linter.lint(format.file_name(), text);
        if !self.disabled.is_empty() {
            report
                .diagnostics
                .retain(|d| !self.disabled.contains(&*d.category));
        }
        report
    }

    /// The page's answer for a draft: the JSON document `claimlint
    /// --format json` prints for the same text and file name, and the
    /// findings as the page shows them.
    pub fn lint_answer(&self, format: DraftFormat, text: &str) -> LintAnswer {
        let report = self.lint(format, text);
        let findings = LintOut {
            findings: report
                .diagnostics
                .iter()
                .map(|d| finding(&report, d))
                .collect(),
            counts: report.counts(),
        };
        LintAnswer {
            findings: serde_json::to_string(&findings).expect("findings serialize"),
            report: report.to_json(),
        }
    }

    /// Applies the fix of the finding spanning `start..end` (the one the
    /// writer clicked). `None` if no finding there has a fix any more.
    pub fn fix_one(
        &self,
        format: DraftFormat,
        text: &str,
        start: usize,
        end: usize,
    ) -> Option<String> {
        let report = self.lint(format, text);
        let target = report
            .diagnostics
            .into_iter()
            .find(|d| d.fix.is_some() && d.span == (start..end))?;
        let (fixed, applied) = claimlint_core::fix::apply(text, std::slice::from_ref(&target));
        (applied > 0).then_some(fixed)
    }

    /// Applies every fix, in passes as `claimlint --fix` does. Returns the
    /// new text and how many fixes were applied.
    pub fn fix_all(&self, format: DraftFormat, text: &str) -> (String, usize) {
        let mut current = text.to_owned();
        let mut total = 0;
        for _ in 0..MAX_FIX_PASSES {
            let report = self.lint(format, &current);
            let (fixed, applied) = claimlint_core::fix::apply(&current, &report.diagnostics);
            if applied == 0 {
                break;
            }
            total += applied;
            current = fixed;
        }
        (current, total)
    }

    /// What `claimlint explain ID` prints, or `None` for an unknown id.
    pub fn explain(&self, id: &str) -> Option<String> {
        let rules = self.linter.rules();
        rules.rule(id).map(|rule| rules.explain(rule))
    }
}

fn finding<'a>(report: &'a Report, d: &'a Diagnostic) -> FindingOut<'a> {
    let at = report.file.line_col(d.span.start);
    FindingOut {
        rule: &d.rule,
        category: &d.category,
        severity: d.severity.as_str(),
        message: &d.message,
        start: d.span.start,
        end: d.span.end,
        line: at.line,
        column: at.column,
        label: &d.label,
        suggestion: d.suggestion.as_deref(),
        help: d.help.as_deref(),
        notes: &d.notes,
        related: d
            .related
            .iter()
            .map(|r| RelatedOut {
                start: r.span.start,
                end: r.span.end,
                label: &r.label,
            })
            .collect(),
        fix: d.fix.as_ref().map(|f| FixOut {
            start: f.span.start,
            end: f.span.end,
            replacement: &f.replacement,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HYPE: &str = include_str!("../../../web/src/examples/hype.md");
    const HONEST: &str = include_str!("../../../web/src/examples/honest.md");

    fn playground() -> Playground {
        Playground::new().expect("the built-in pack compiles")
    }

    fn findings(answer: &LintAnswer) -> Vec<serde_json::Value> {
        let value: serde_json::Value = serde_json::from_str(&answer.findings).unwrap();
        value["findings"].as_array().unwrap().clone()
    }

    #[test]
    fn the_report_is_the_linters_and_the_findings_follow_it() {
        let p = playground();
        for format in [DraftFormat::Markdown, DraftFormat::Plain, DraftFormat::Html] {
            let answer = p.lint_answer(format, HYPE);
            let core = Linter::new(claimlint_core::default_rules().unwrap())
                .lint(format.file_name(), HYPE);
            assert_eq!(answer.report, core.to_json());
            let report: serde_json::Value = serde_json::from_str(&answer.report).unwrap();
            let diagnostics = report["diagnostics"].as_array().unwrap();
            let findings = findings(&answer);
            assert_eq!(findings.len(), diagnostics.len());
            assert!(!findings.is_empty());
            for (f, d) in findings.iter().zip(diagnostics) {
                for key in [
                    "rule",
                    "category",
                    "severity",
                    "message",
                    "start",
                    "end",
                    "line",
                    "column",
                    "help",
                    "suggestion",
                ] {
                    assert_eq!(f[key], d[key], "{key} of {}", d["rule"]);
                }
                assert_eq!(d["path"], format.file_name());
            }
            let counts: serde_json::Value = serde_json::from_str(&answer.findings).unwrap();
            assert_eq!(counts["counts"]["errors"], report["summary"]["errors"]);
            assert_eq!(counts["counts"]["infos"], report["summary"]["infos"]);
        }
    }

    #[test]
    fn substitutions_carry_their_fix() {
        let answer = playground().lint_answer(DraftFormat::Markdown, HYPE);
        let fixes: Vec<_> = findings(&answer)
            .into_iter()
            .filter(|f| !f["fix"].is_null())
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["fix"]["replacement"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            fixes,
            [
                (
                    "integrity.affect-effect".to_owned(),
                    "Side effects".to_owned()
                ),
                (
                    "integrity.drug-name-misspelling".to_owned(),
                    "dissociation".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn the_honest_example_is_clean() {
        let answer = playground().lint_answer(DraftFormat::Markdown, HONEST);
        assert!(findings(&answer).is_empty(), "{}", answer.report);
    }

    #[test]
    fn categories_switched_off_are_not_reported() {
        let mut p = playground();
        let all = p.lint(DraftFormat::Markdown, HYPE).diagnostics;
        assert!(all.iter().any(|d| &*d.category == "cure"));
        p.set_disabled(["cure", " safety ", ""]);
        assert_eq!(p.disabled().collect::<Vec<_>>(), ["cure", "safety"]);
        let some = p.lint(DraftFormat::Markdown, HYPE).diagnostics;
        let want: Vec<_> = all
            .into_iter()
            .filter(|d| &*d.category != "cure" && &*d.category != "safety")
            .collect();
        assert_eq!(some, want);
        let report: serde_json::Value =
            serde_json::from_str(&p.lint_answer(DraftFormat::Markdown, HYPE).report).unwrap();
        assert_eq!(report["diagnostics"].as_array().unwrap().len(), want.len());
        p.set_disabled([]);
        assert!(p.lint(DraftFormat::Markdown, HYPE).diagnostics.len() > want.len());
    }

    #[test]
    fn one_fix_at_a_time_or_all_of_them() {
        let p = playground();
        let start = HYPE.find("Side affects").unwrap();
        let fixed = p
            .fix_one(
                DraftFormat::Markdown,
                HYPE,
                start,
                start + "Side affects".len(),
            )
            .expect("a fix there");
        assert_eq!(fixed, HYPE.replacen("Side affects", "Side effects", 1));
        // A claim has no fix; a span with nothing in it neither.
        let claim = HYPE.find("completely safe").unwrap();
        assert_eq!(
            p.fix_one(DraftFormat::Markdown, HYPE, claim, claim + 15),
            None
        );
        assert_eq!(p.fix_one(DraftFormat::Markdown, HYPE, 0, 1), None);

        let (all, applied) = p.fix_all(DraftFormat::Markdown, HYPE);
        assert_eq!(applied, 2);
        assert_eq!(
            all,
            HYPE.replacen("Side affects", "Side effects", 1).replacen(
                "disassociation",
                "dissociation",
                1
            )
        );
        assert!(
            p.lint(DraftFormat::Markdown, &all)
                .diagnostics
                .iter()
                .all(|d| d.fix.is_none())
        );
        assert_eq!(p.fix_all(DraftFormat::Markdown, &all), (all.clone(), 0));
    }

    #[test]
    fn explain_is_the_commands_text() {
        let p = playground();
        let rules = claimlint_core::default_rules().unwrap();
        let rule = rules.rule("safety.not-addictive").unwrap();
        assert_eq!(
            p.explain("safety.not-addictive").unwrap(),
            rules.explain(rule)
        );
        assert_eq!(p.explain("no.such-rule"), None);
    }

    #[test]
    fn the_catalog_lists_every_rule_and_category() {
        let p = playground();
        let catalog: serde_json::Value = serde_json::from_str(&p.catalog_json()).unwrap();
        let rules = claimlint_core::default_rules().unwrap();
        assert_eq!(
            catalog["rules"].as_array().unwrap().len(),
            rules.rules.len()
        );
        let categories: BTreeSet<&str> = rules.rules.iter().map(|r| &*r.category).collect();
        let listed: BTreeSet<&str> = catalog["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(listed, categories);
        assert_eq!(catalog["max_draft_bytes"], MAX_DRAFT_BYTES);
        assert_eq!(catalog["version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn drafts_that_are_not_text_or_too_large_are_refused() {
        assert_eq!(check_draft("plain".as_bytes()), Ok("plain"));
        assert_eq!(check_draft(b"ab\0c"), Err(DraftError::Binary { offset: 2 }));
        assert_eq!(
            check_draft(b"ok \xff"),
            Err(DraftError::InvalidUtf8 { offset: 3 })
        );
        let huge = vec![b'a'; MAX_DRAFT_BYTES + 1];
        let error = check_draft(&huge).unwrap_err();
        assert_eq!(
            error,
            DraftError::TooLarge {
                bytes: MAX_DRAFT_BYTES + 1
            }
        );
        assert_eq!(
            error.to_string(),
            "This text is 1025 KB; the playground lints drafts up to 1024 KB. Lint a file this large with the claimlint command instead."
        );
        assert!(check_draft(&huge[1..]).is_ok());
        assert!(
            DraftError::Binary { offset: 2 }
                .to_string()
                .contains("binary data")
        );
    }

    #[test]
    fn format_codes() {
        let names: Vec<_> = (0..5)
            .map(|c| DraftFormat::from_code(c).map(DraftFormat::file_name))
            .collect();
        assert_eq!(
            names,
            [
                Some("draft.md"),
                Some("draft.txt"),
                Some("draft.html"),
                Some("draft.mdx"),
                None
            ]
        );
    }
}
