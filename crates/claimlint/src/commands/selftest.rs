//! `claimlint test-rules`: every rule's own examples must hold.
//!
//! An `invalid` example must raise the rule; a `valid` one must not. Examples
//! are linted as plain text with every loaded rule and lexicon, exactly as a
//! file would be.

use std::io::Write;

use super::{load_rules, report_rule_errors, use_color, use_color_stderr};
use crate::ExitStatus;
use crate::cli::{RuleArgs, TestRulesArgs};
use crate::walk::display_path;
use claimlint_core::examples::check_examples;
use claimlint_core::linter::Linter;
use claimlint_core::rule::Rule;

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
    let (count, failures) = check_examples(&Linter::new(rules), select);
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
