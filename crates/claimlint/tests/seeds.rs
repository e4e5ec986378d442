//! The five real articles claimlint was made for: snapshots of the human and
//! JSON output, and the findings each must (and must not) have.

mod common;

use common::{claimlint_in, line_col, rel, repo, seeds};
use serde_json::Value;

fn json_for(path: &str) -> Value {
    let out = claimlint_in(&repo())
        .args(["--format", "json", path])
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn human_output_snapshots() {
    for seed in seeds() {
        let path = rel(&seed);
        let out = claimlint_in(&repo())
            .args(["--color", "never", &path])
            .output()
            .expect("runs");
        let name = seed.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(
            format!("human_{name}"),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn json_output_snapshots() {
    for seed in seeds() {
        let path = rel(&seed);
        let name = seed.file_stem().unwrap().to_string_lossy().to_string();
        let value = json_for(&path);
        insta::assert_snapshot!(
            format!("json_{name}"),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}

/// Every span's text, line and column agree with the file's bytes.
#[test]
fn json_spans_are_exact() {
    let value = json_for("seeds/");
    let diagnostics = value["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    let mut last: Option<(String, u64, String)> = None;
    for d in diagnostics {
        let path = d["path"].as_str().unwrap();
        let text = std::fs::read_to_string(repo().join(path)).unwrap();
        let start = d["start"].as_u64().unwrap() as usize;
        let end = d["end"].as_u64().unwrap() as usize;
        assert_eq!(d["text"].as_str().unwrap(), &text[start..end]);
        assert_eq!(
            (
                d["line"].as_u64().unwrap() as usize,
                d["column"].as_u64().unwrap() as usize
            ),
            line_col(&text, start)
        );
        assert_eq!(
            (
                d["end_line"].as_u64().unwrap() as usize,
                d["end_column"].as_u64().unwrap() as usize
            ),
            line_col(&text, end)
        );
        let key = (
            path.to_string(),
            start as u64,
            d["rule"].as_str().unwrap().to_string(),
        );
        if let Some(prev) = &last {
            assert!(prev <= &key, "not sorted: {prev:?} before {key:?}");
        }
        last = Some(key);
    }
}

fn findings(value: &Value, seed: &str) -> Vec<(String, String)> {
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().contains(seed))
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_flagged(found: &[(String, String)], rule_prefix: &str, text: &str) {
    assert!(
        found
            .iter()
            .any(|(r, t)| r.starts_with(rule_prefix)
                && t.to_lowercase().contains(&text.to_lowercase())),
        "expected {rule_prefix} on {text:?}; found {found:#?}"
    );
}

#[test]
fn seeds_flag_what_a_reviewer_would() {
    let value = json_for("seeds/");
    let s000 = findings(&value, "000_");
    let s001 = findings(&value, "001_");
    let s002 = findings(&value, "002_");
    let s003 = findings(&value, "003_");
    let s004 = findings(&value, "004_");

    assert_flagged(&s002, "absolute.", "best treatment");
    for found in [&s000, &s002] {
        assert_flagged(found, "marketing.", "game-changer");
        assert_flagged(found, "marketing.", "beacon of hope");
    }
    assert_flagged(&s003, "mechanism.", "neurogenesis");
    assert_flagged(
        &s003,
        "safety.",
        "risk of developing an addiction is minimal",
    );
    assert_flagged(&s003, "integrity.affect-effect", "Side Affects");
    assert_flagged(
        &s004,
        "integrity.duplicate-paragraph",
        "Once known primarily",
    );
    assert_flagged(
        &s001,
        "integrity.keyword-stuffing",
        "Ketamine as a Treatment for Depression",
    );
    assert!(
        s004.iter().any(|(r, _)| r.starts_with("risk.")),
        "004 praises ketamine and names no side effect: {s004:#?}"
    );

    // The misspelling comes with the correction.
    let side = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "integrity.affect-effect")
        .unwrap();
    assert_eq!(side["suggestion"], "Side Effects");

    // The duplicate covers the whole second copy, not one paragraph.
    let dup = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "integrity.duplicate-paragraph")
        .unwrap();
    assert!(dup["end_line"].as_u64().unwrap() - dup["line"].as_u64().unwrap() >= 15);
}

#[test]
fn seeds_leave_honest_text_alone() {
    let value = json_for("seeds/");
    for d in value["diagnostics"].as_array().unwrap() {
        let path = d["path"].as_str().unwrap();
        let text = std::fs::read_to_string(repo().join(path)).unwrap();
        let start = d["start"].as_u64().unwrap() as usize;
        let end = d["end"].as_u64().unwrap() as usize;
        for honest in [
            "Ketamine is not without side effects.",
            "ketamine therapy is not devoid of side effects",
            "lack of consensus on the most effective dosing",
        ] {
            if let Some(at) = text.find(honest) {
                let overlaps = start < at + honest.len() && at < end;
                // Document-level findings may span the whole post; only
                // sentence-level findings must stay off honest sentences.
                let document_level = d["rule"]
                    .as_str()
                    .unwrap()
                    .starts_with("integrity.duplicate");
                assert!(
                    !overlaps || document_level,
                    "{} flagged honest text {honest:?} in {path}",
                    d["rule"]
                );
            }
        }
    }
}
