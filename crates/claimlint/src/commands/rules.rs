//! `claimlint rules` and `claimlint explain`.

use std::collections::BTreeSet;
use std::io::Write;

use serde::Serialize;

use super::{load_rules, report_rule_errors, use_color_stderr};
use crate::ExitStatus;
use crate::cli::ListFormat;
use crate::cli::{ColorChoice, ExplainArgs, LexiconsArgs, RulesArgs};
use crate::render::human::{self, Style};
use claimlint_core::rule::{Rule, RuleSet};
use claimlint_core::suppress::{META_CATEGORY, META_RULES};

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    category: &'a str,
    severity: &'a str,
    kind: &'a str,
    summary: &'a str,
    references: &'a [String],
    source: &'a str,
}

fn load_or_report(
    args: &crate::cli::RuleArgs,
    err: &mut dyn Write,
) -> std::io::Result<Option<RuleSet>> {
    match load_rules(args) {
        Ok(r) => Ok(Some(r)),
        Err(errors) => {
            report_rule_errors(&errors, err, use_color_stderr(ColorChoice::Auto))?;
            Ok(None)
        }
    }
}

pub fn list(
    args: &RulesArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let Some(rules) = load_or_report(&args.rules, err)? else {
        return Ok(ExitStatus::Error);
    };
    if args.export_phrases {
        let mut phrases: BTreeSet<String> = rules
            .rules
            .iter()
            .flat_map(|r| r.phrases.iter().cloned())
            .collect();
        if args.with_context {
            phrases.extend(rules.searched_phrases().map(str::to_lowercase));
        }
        for p in phrases {
            writeln!(out, "{p}")?;
        }
        return Ok(ExitStatus::Clean);
    }
    match args.format {
        ListFormat::Json => {
            let rows: Vec<RuleRow<'_>> = rules
                .rules
                .iter()
                .map(|r| RuleRow {
                    id: &r.id,
                    category: &r.category,
                    severity: r.severity.as_str(),
                    kind: r.kind.name(),
                    summary: &r.summary,
                    references: &r.references,
                    source: &r.origin.path,
                })
                .collect();
            let text = serde_json::to_string_pretty(&rows).map_err(std::io::Error::other)?;
            writeln!(out, "{text}")?;
        }
        ListFormat::Human => {
            let width = rules.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut sorted: Vec<&Rule> = rules.rules.iter().collect();
            sorted.sort_by(|a, b| a.id.cmp(&b.id));
            for r in sorted {
                writeln!(
                    out,
                    "{:width$}  {:7}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.summary,
                    width = width
                )?;
            }
            let claimlint_core::rule::PatternStats {
                literals,
                regexes,
                anchored,
                gated,
                in_set,
                ..
            } = rules.pattern_stats();
            writeln!(
                out,
                "\n{} rules, {} lexicons ({} phrases and {} regexes in one scan: {} regexes \
                 run anchored where their first literals occur, {} search only segments \
                 where a literal they need occurs, {} in the regex set)",
                rules.rules.len(),
                rules.lexicons.len(),
                literals,
                regexes,
                anchored,
                gated,
                in_set
            )?;
        }
    }
    Ok(ExitStatus::Clean)
}

/// Up to three rule ids close to `id`.
fn similar<'a>(rules: &'a RuleSet, id: &str) -> Vec<&'a str> {
    let limit = (id.len() / 3).max(3);
    let mut scored: Vec<(usize, &str)> = rules
        .rules
        .iter()
        .map(|r| (claimlint_core::rule::compile::distance(id, &r.id), &*r.id))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

pub fn explain(
    args: &ExplainArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let Some(rules) = load_or_report(&args.rules, err)? else {
        return Ok(ExitStatus::Error);
    };
    if rules.rule(&args.id).is_none() {
        if let Some(meta) = META_RULES.iter().find(|m| m.id == args.id) {
            writeln!(
                out,
                "{} ({}, category `{META_CATEGORY}`): {}\n\n{}\n\nclaimlint reports it about suppression comments; it can be disabled or re-graded in `.claimlint.yaml` like any rule.",
                meta.id, meta.severity, meta.summary, meta.explain
            )?;
            return Ok(ExitStatus::Clean);
        }
        let mut members: Vec<(&str, &str, &str)> = rules
            .rules
            .iter()
            .filter(|r| *r.category == *args.id)
            .map(|r| (&*r.id, r.severity.as_str(), &*r.summary))
            .collect();
        if args.id == META_CATEGORY {
            members.extend(
                META_RULES
                    .iter()
                    .map(|m| (m.id, m.severity.as_str(), m.summary)),
            );
        }
        if !members.is_empty() {
            members.sort();
            let width = members.iter().map(|m| m.0.len()).max().unwrap_or(0);
            writeln!(
                out,
                "Category `{}`: {}\n",
                args.id,
                if members.len() == 1 {
                    "1 rule".to_string()
                } else {
                    format!("{} rules", members.len())
                }
            )?;
            for (id, severity, summary) in &members {
                writeln!(out, "  {id:width$}  {severity:7}  {summary}")?;
            }
            writeln!(
                out,
                "\nRun `claimlint explain ID` for the evidence behind a rule."
            )?;
            return Ok(ExitStatus::Clean);
        }
    }
    let Some(rule) = rules.rule(&args.id) else {
        let mut message = format!("no rule or category `{}`", args.id);
        let near = similar(&rules, &args.id);
        if !near.is_empty() {
            message.push_str(&format!("; did you mean: {}?", near.join(", ")));
        } else {
            message.push_str("; `claimlint rules` lists them");
        }
        err.write_all(
            human::render_plain_error(
                Style {
                    color: use_color_stderr(ColorChoice::Auto),
                },
                &message,
            )
            .as_bytes(),
        )?;
        return Ok(ExitStatus::Error);
    };
    out.write_all(rules.explain(rule).as_bytes())?;
    Ok(ExitStatus::Clean)
}

#[derive(Serialize)]
struct LexiconRow<'a> {
    name: &'a str,
    description: &'a str,
    phrases: &'a [String],
    regexes: &'a [String],
    /// Lexicons whose terms count as this one's too.
    includes: Vec<&'a str>,
    references: &'a [String],
    source: &'a str,
}

/// `claimlint lexicons`: every loaded lexicon with its terms.
pub fn lexicons(
    args: &LexiconsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let Some(rules) = load_or_report(&args.rules, err)? else {
        return Ok(ExitStatus::Error);
    };
    let mut rows: Vec<LexiconRow<'_>> = rules
        .lexicons
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut includes: Vec<&str> = rules
                .lexicons
                .iter()
                .enumerate()
                .filter(|(j, other)| *j != i && other.reports_to.contains(&i))
                .map(|(_, other)| other.name.as_str())
                .collect();
            includes.sort_unstable();
            LexiconRow {
                name: &l.name,
                description: &l.description,
                phrases: &l.raw.phrases,
                regexes: &l.raw.regexes,
                includes,
                references: &l.references,
                source: &l.origin.path,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(b.name));
    match args.format {
        ListFormat::Json => {
            let text = serde_json::to_string_pretty(&rows).map_err(std::io::Error::other)?;
            writeln!(out, "{text}")?;
        }
        ListFormat::Human => {
            for row in &rows {
                let mut counts = vec![plural(row.phrases.len(), "phrase", "phrases")];
                if !row.regexes.is_empty() {
                    counts.push(plural(row.regexes.len(), "regex", "regexes"));
                }
                writeln!(out, "{} ({})", row.name, counts.join(", "))?;
                let description = row.description.trim();
                if !description.is_empty() {
                    writeln!(out, "  {}", description.replace('\n', "\n  "))?;
                }
                if !row.includes.is_empty() {
                    writeln!(out, "  includes: {}", row.includes.join(", "))?;
                }
                if !row.phrases.is_empty() {
                    writeln!(out, "  phrases: {}", row.phrases.join(", "))?;
                }
                for regex in row.regexes {
                    writeln!(out, "  regex: {regex}")?;
                }
                writeln!(out)?;
            }
            writeln!(out, "{}", plural(rows.len(), "lexicon", "lexicons"))?;
        }
    }
    Ok(ExitStatus::Clean)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
