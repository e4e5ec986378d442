//! Document formats and byte-exact spans: Markdown (front matter, code,
//! links, lists, quotes, tables, alt text), CRLF, BOM, hard-wrapped lines.

mod common;

use common::{claimlint, line_col, root};
use serde_json::Value;

fn lint(path: &str) -> Vec<Value> {
    let out = claimlint()
        .args(["--format", "json", path])
        .output()
        .expect("runs");
    let value: Value = serde_json::from_slice(&out.stdout).expect("json");
    value["diagnostics"].as_array().unwrap().clone()
}

fn check_spans(path: &str, diagnostics: &[Value]) {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    for d in diagnostics {
        let start = d["start"].as_u64().unwrap() as usize;
        let end = d["end"].as_u64().unwrap() as usize;
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        assert_eq!(d["text"].as_str().unwrap(), &text[start..end]);
        let (line, column) = line_col(&text, start);
        assert_eq!(d["line"].as_u64().unwrap() as usize, line);
        assert_eq!(d["column"].as_u64().unwrap() as usize, column);
    }
}

#[test]
fn bom_crlf_and_a_phrase_broken_by_a_line_wrap() {
    let path = "tests/fixtures/docs/bom-crlf.txt";
    let found = lint(path);
    check_spans(path, &found);
    let best = found
        .iter()
        .find(|d| d["rule"] == "absolute.superlative-efficacy")
        .expect("the wrapped phrase is found");
    assert_eq!(best["text"], "best\r\ntreatment");
    assert_eq!(
        (best["line"].as_u64(), best["column"].as_u64()),
        (Some(2), Some(17))
    );
    assert_eq!(
        (best["end_line"].as_u64(), best["end_column"].as_u64()),
        (Some(3), Some(10))
    );
}

#[test]
fn markdown_lints_prose_and_skips_code_html_and_urls() {
    let path = "tests/fixtures/docs/front-matter.md";
    let found = lint(path);
    check_spans(path, &found);
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let rules_at = |needle: &str| common::rules_at(&text, &found, needle);
    // The front matter title is prose, and a headline finding is raised a level.
    let title = found
        .iter()
        .find(|d| d["text"] == "best treatment" && d["line"] == 2)
        .expect("the title is linted");
    assert_eq!(title["rule"], "absolute.superlative-efficacy");
    assert_eq!(title["severity"], "error");
    assert!(rules_at("author: Clinic Staff").is_empty());
    // Fenced code, inline code, raw HTML and link targets are not prose.
    assert!(rules_at("ketamine cures depression\n```").is_empty());
    assert!(rules_at("`ketamine cures depression`").is_empty());
    assert!(rules_at("<div>ketamine cures depression</div>").is_empty());
    assert!(rules_at("miracle-cure)").is_empty());
    // Headings, emphasis across a line break, list items, quotes, tables and alt text are.
    assert!(rules_at("game-changer").contains(&"marketing.hype-terms".to_string()));
    assert!(rules_at("**best\ntreatment**").contains(&"absolute.superlative-efficacy".to_string()));
    assert!(rules_at("- Ketamine cures depression.").contains(&"cure.cure-claim".to_string()));
    assert!(rules_at("- It is not a cure.").is_empty());
    assert!(rules_at("beacon of hope").contains(&"marketing.hype-terms".to_string()));
    assert!(rules_at("completely safe").contains(&"safety.absolute-safe".to_string()));
    assert!(
        rules_at("[Ketamine, the best treatment for anxiety]")
            .contains(&"absolute.superlative-efficacy".to_string())
    );
    // Link text is prose.
    assert!(rules_at("our miracle cure page").contains(&"cure.cure-claim".to_string()));
}

#[test]
fn unicode_around_a_match_keeps_columns_right() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emoji.md");
    let text = "Café ☕ 👩‍⚕️ “quoted” — Ketamine\u{a0}is the best\u{200b}treatment for anxiety.\n";
    std::fs::write(&path, text).unwrap();
    let out = claimlint()
        .args(["--format", "json", path.to_str().unwrap()])
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "absolute.superlative-efficacy")
        .expect("found across a non-breaking and a zero-width space")
        .clone();
    let start = d["start"].as_u64().unwrap() as usize;
    let end = d["end"].as_u64().unwrap() as usize;
    assert_eq!(&text[start..end], "best\u{200b}treatment");
    assert_eq!(
        d["column"].as_u64().unwrap() as usize,
        line_col(text, start).1
    );
}
