//! `claimlint test-rules`: every rule's own examples must hold.
//!
//! An `invalid` example must raise the rule; a `valid` one must not. Examples
//! are linted as plain text with every loaded rule and lexicon, exactly as a
//! file would be.

use std::io::Write;

use super::{load_rules, report_rule_errors, use_color, use_color_stderr};
use crate::ExitStatus;
use crate::cli::{RuleArgs, TestRulesArgs};
use crate::document::Format;
use crate::engine;
use crate::rule::{Rule, RuleSet};
use crate::source::SourceFile;
use crate::walk::display_path;

/// One example that did not behave.
#[derive(Debug, Clone)]
pub struct ExampleFailure {
    pub rule: String,
    /// `path:line:col` of the example in the rule file.
    pub location: String,
    pub valid: bool,
    pub text: String,
    /// Rules that did fire on the example.
    pub fired: Vec<String>,
}

fn location(rule: &Rule, span: &std::ops::Range<usize>) -> String {
    let file = SourceFile::new(rule.origin.path.clone(), rule.origin.text.to_string());
    let lc = file.line_col(span.start);
    format!("{}:{}:{}", rule.origin.path, lc.line, lc.column)
}

/// Runs the examples of the rules for which `select` is true.
pub fn check_examples(
    rules: &RuleSet,
    select: impl Fn(&Rule) -> bool,
) -> (usize, Vec<ExampleFailure>) {
    let mut count = 0;
    let mut failures = Vec::new();
    for rule in rules.rules.iter().filter(|r| select(r)) {
        let cases = rule
            .examples
            .invalid
            .iter()
            .map(|e| (false, e))
            .chain(rule.examples.valid.iter().map(|e| (true, e)));
        for (valid, (text, span)) in cases {
            count += 1;
            // An example that opens with front matter is Markdown.
            let markdown = text.starts_with("---\n") || text.starts_with("+++\n");
            let (name, format) = if markdown {
                ("example.md", Format::Markdown)
            } else {
                ("example.txt", Format::Plain)
            };
            let source = SourceFile::new(name, text.clone());
            let found = engine::lint_every_rule(rules, &source, format);
            let fired_self = found.iter().any(|d| d.rule == rule.id);
            if fired_self == valid {
                let mut fired: Vec<String> = found.iter().map(|d| d.rule.to_string()).collect();
                fired.dedup();
                failures.push(ExampleFailure {
                    rule: rule.id.to_string(),
                    location: location(rule, span),
                    valid,
                    text: text.clone(),
                    fired,
                });
            }
        }
    }
    (count, failures)
}

pub fn run(
    args: &TestRulesArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let mut rule_args: RuleArgs = args.rules.clone();
    rule_args.rules.extend(args.paths.iter().cloned());
    let rules = match load_rules(&rule_args) {
        Ok(r) => r,
        Err(errors) => {
            report_rule_errors(&errors, err, use_color_stderr(args.color))?;
            return Ok(ExitStatus::Error);
        }
    };
    let prefixes: Vec<String> = args.paths.iter().map(|p| display_path(p)).collect();
    let select = |r: &Rule| {
        prefixes.is_empty()
            || prefixes
                .iter()
                .any(|p| r.origin.path.starts_with(p.as_str()))
    };
    let tested = rules.rules.iter().filter(|r| select(r)).count();
    let (count, failures) = check_examples(&rules, select);
    let color = use_color(args.color);
    let (red, green, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    for f in &failures {
        let expectation = if f.valid {
            "valid example was flagged"
        } else {
            "invalid example was not flagged"
        };
        writeln!(out, "{red}FAIL{reset} {}: {expectation}", f.rule)?;
        writeln!(out, "  --> {}", f.location)?;
        writeln!(out, "  example: {:?}", f.text.trim())?;
        if f.fired.is_empty() {
            writeln!(out, "  rules that fired: none")?;
        } else {
            writeln!(out, "  rules that fired: {}", f.fired.join(", "))?;
        }
        writeln!(out)?;
    }
    let status = if failures.is_empty() {
        format!("{green}ok{reset}")
    } else {
        format!("{red}FAILED{reset}")
    };
    writeln!(
        out,
        "test-rules: {status}. {} rules, {count} examples: {} passed, {} failed",
        tested,
        count - failures.len(),
        failures.len()
    )?;
    Ok(if failures.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}
