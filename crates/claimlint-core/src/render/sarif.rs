//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other viewers.
//!
//! One run; `tool.driver.rules` lists every loaded rule (id, summary,
//! explanation, first reference as `helpUri`, default level); each result
//! has its region (1-based lines, columns in Unicode code points, as in the
//! JSON output), a `partialFingerprints` entry that does not depend on the
//! line (the baseline fingerprint), and a fix where the rule has one.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;
use crate::source::SourceFile;
use crate::suppress::MetaRule;

/// The key of claimlint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "claimlintFingerprint/v1";

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a relative URI reference (RFC 3986): `/`-separated, other
/// bytes outside the unreserved set percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A rule's `reportingDescriptor`.
pub fn rule_descriptor(rule: &Rule) -> Value {
    let mut d = json!({
        "id": &*rule.id,
        "name": &*rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explain.trim()},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"category": &*rule.category},
    });
    if let Some(uri) = rule.references.first() {
        d["helpUri"] = json!(uri);
    }
    if let Some(help) = &rule.help {
        d["help"] = json!({"text": help});
    }
    d
}

/// A claimlint meta rule's `reportingDescriptor`.
pub fn meta_descriptor(rule: &MetaRule) -> Value {
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explain},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"category": crate::suppress::META_CATEGORY},
    })
}

fn region(file: &SourceFile, span: &std::ops::Range<usize>, snippet: bool) -> Value {
    let start = file.line_col(span.start);
    let end = file.line_col(span.end.max(span.start));
    let mut r = json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    });
    if snippet && let Some(text) = file.text().get(span.clone()) {
        r["snippet"] = json!({"text": text});
    }
    r
}

/// One `result` (its `ruleIndex` is filled in by [`render`]).
pub fn result(file: &SourceFile, d: &Diagnostic, fingerprint: &str) -> Value {
    let location = json!({"uri": uri(file.path())});
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\n\n");
        message.push_str(help);
    }
    let mut r = json!({
        "ruleId": &*d.rule,
        "level": level(d.severity),
        "message": {"text": message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": location,
                "region": region(file, &d.span, true),
            }
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    });
    if !d.related.is_empty() {
        r["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(file.path())},
                        "region": region(file, &rel.span, true),
                    },
                    "message": {"text": rel.label},
                })
            })
            .collect();
    }
    if let Some(fix) = &d.fix {
        r["fixes"] = json!([{
            "description": {"text": format!("Replace with \"{}\"", fix.replacement)},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri(file.path())},
                "replacements": [{
                    "deletedRegion": region(file, &fix.span, false),
                    "insertedContent": {"text": fix.replacement},
                }]
            }]
        }]);
    }
    r
}

/// The whole log. `rules` are descriptors sorted by id; results get their
/// `ruleIndex` from them.
pub fn render(rules: Vec<Value>, mut results: Vec<Value>, version: &str) -> String {
    for r in &mut results {
        let id = r["ruleId"].as_str().unwrap_or_default().to_string();
        if let Some(i) = rules.iter().position(|d| d["id"] == id.as_str()) {
            r["ruleIndex"] = json!(i);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "claimlint",
                "version": version,
                "semanticVersion": version,
                "informationUri": "https://crates.io/crates/claimlint",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_encoded() {
        assert_eq!(super::uri("content/a b/ü.md"), "content/a%20b/%C3%BC.md");
    }
}
