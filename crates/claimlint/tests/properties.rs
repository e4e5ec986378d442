//! Property tests on generated documents and rule files: no panic, spans on
//! character boundaries inside the file, lines and columns that agree with
//! the bytes, deterministic output for any thread count.

mod common;

use std::sync::OnceLock;

use claimlint_core::SourceFile;
use claimlint_core::linter::Linter;
use claimlint_core::render::json::JsonDiagnostic;
use claimlint_core::rule::compile::{RuleFile, load};
use common::{claimlint, line_col};
use proptest::prelude::*;

fn rules() -> &'static Linter {
    static RULES: OnceLock<Linter> = OnceLock::new();
    RULES.get_or_init(|| Linter::new(claimlint_core::default_rules().expect("built-in pack loads")))
}

/// Fragments that exercise the matcher, the normaliser and the parsers.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        // Claims and honest text.
        Just("Ketamine cures depression.".to_string()),
        Just("ketamine is not addictive".to_string()),
        Just("It is the best treatment for anxiety".to_string()),
        Just("no side effects".to_string()),
        Just("Ketamine is not without side effects.".to_string()),
        Just("What are the Side Affects?".to_string()),
        Just("a beacon of hope".to_string()),
        Just("Studies show 80% of patients improve.".to_string()),
        Just("suicidal thoughts".to_string()),
        Just("FDA-approved ketamine for PTSD".to_string()),
        // Whitespace and line endings.
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\n\n".to_string()),
        Just("\t".to_string()),
        // Unicode next to matches.
        Just("\u{a0}".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{ad}".to_string()),
        Just("e\u{301}".to_string()),
        Just("👩‍⚕️".to_string()),
        Just("“quoted”".to_string()),
        Just("isn’t".to_string()),
        Just("—".to_string()),
        Just("\u{feff}".to_string()),
        // Markdown syntax.
        Just("# ".to_string()),
        Just("- ".to_string()),
        Just("> ".to_string()),
        Just("**".to_string()),
        Just("_".to_string()),
        Just("`".to_string()),
        Just("```\n".to_string()),
        Just("---\n".to_string()),
        Just("<!-- x -->".to_string()),
        Just("<div>".to_string()),
        Just("&amp;".to_string()),
        Just("&#39;".to_string()),
        Just("[link](https://pubmed.ncbi.nlm.nih.gov/1/)".to_string()),
        Just("![alt text](x.png)".to_string()),
        Just("| a | b |\n|---|---|\n| c | d |\n".to_string()),
        Just("[^1]".to_string()),
        Just("\\*".to_string()),
        // Anything at all.
        "\\PC{0,12}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|parts| parts.concat())
}

fn check_spans(path: &str, text: &str) -> Result<(), TestCaseError> {
    let found = rules().lint(path, text).diagnostics;
    let again = rules().lint(path, text).diagnostics;
    prop_assert_eq!(&found, &again, "not deterministic");
    let file = SourceFile::new(path, text);
    for d in &found {
        prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
        prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
        let json = JsonDiagnostic::new(&file, d);
        prop_assert_eq!((json.line, json.column), line_col(text, d.span.start));
        prop_assert_eq!((json.end_line, json.end_column), line_col(text, d.span.end));
        prop_assert_eq!(json.text, &text[d.span.clone()]);
        if let Some(fix) = &d.fix {
            prop_assert!(fix.span.end <= text.len() && text.is_char_boundary(fix.span.start));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn markdown_spans_are_exact(text in document()) {
        check_spans("doc.md", &text)?;
    }

    #[test]
    fn plain_text_spans_are_exact(text in document()) {
        check_spans("doc.txt", &text)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_spans("doc.md", &text)?;
        check_spans("doc.txt", &text)?;
    }

    /// Rule files made of real keys with junk values, and junk: the loader
    /// returns rules or located errors, never panics.
    #[test]
    fn rule_loading_never_panics(
        key in prop::sample::select(vec!["id", "severity", "kind", "summary", "message", "phrases", "regex", "context", "swap", "when", "require", "detect", "ngram", "examples", "unless", "scope"]),
        value in prop_oneof![
            Just("[".to_string()),
            Just("{a: [1, {b: ".to_string()),
            Just("'(?:x)*'".to_string()),
            Just("['\\\\b(']".to_string()),
            Just("&a [*a, *a]".to_string()),
            Just("!!binary AAAA".to_string()),
            "\\PC{0,20}",
        ],
        tail in "\\PC{0,40}",
    ) {
        let text = format!(
            "id: house.x\nseverity: warning\nsummary: s\nmessage: \"{{match}}\"\nphrases: [x]\nexplain: e\n{key}: {value}\n{tail}"
        );
        let file = RuleFile { path: "r.yaml".into(), text: text.into(), builtin: false, precompiled: None };
        match load(&[file]) {
            Ok(set) => prop_assert!(set.rules.len() <= 1),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    if let (Some(t), Some(s)) = (&e.text, &e.span) {
                        prop_assert!(s.end <= t.len() && t.is_char_boundary(s.start));
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// The whole program gives byte-identical output with 1 and 3 threads.
    #[test]
    fn output_is_identical_for_any_thread_count(docs in prop::collection::vec(document(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        for (i, doc) in docs.iter().enumerate() {
            let ext = if i % 2 == 0 { "md" } else { "txt" };
            std::fs::write(dir.path().join(format!("doc{i:02}.{ext}")), doc).unwrap();
        }
        let run = |threads: &str| {
            claimlint()
                .args(["--format", "json", "-j", threads])
                .arg(dir.path())
                .output()
                .unwrap()
        };
        let one = run("1");
        let three = run("3");
        prop_assert_eq!(one.status.code(), three.status.code());
        prop_assert_eq!(one.stdout, three.stdout);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `--fix` changes only the fixed spans, each into its rule's
    /// replacement, and a second pass finds nothing left to fix.
    #[test]
    fn fixes_touch_only_their_spans_and_are_idempotent(
        parts in prop::collection::vec(prop_oneof![
            fragment(),
            Just("side affects".to_string()),
            Just("Side Affects".to_string()),
            Just("SIDE AFFECTS".to_string()),
            Just("the affects of".to_string()),
            Just("eskatamine".to_string()),
            Just("disassociation".to_string()),
            Just("side\naffects".to_string()),
        ], 0..30),
        md in any::<bool>(),
    ) {
        let text = parts.concat();
        let path = if md { "doc.md" } else { "doc.txt" };
        let diagnostics = rules().lint(path, &text).diagnostics;
        let (fixed, applied) = claimlint_core::fix::apply(&text, &diagnostics);
        // Splice the fixes independently and compare.
        let mut fixes: Vec<(&str, &claimlint_core::diagnostic::Fix)> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref().map(|f| (&*d.rule, f)))
            .collect();
        fixes.sort_by_key(|(_, f)| (f.span.start, f.span.end));
        let mut expected = String::new();
        let mut at = 0;
        let mut count = 0;
        for (rule, f) in fixes {
            if f.span.start < at || text[f.span.clone()] == *f.replacement {
                continue;
            }
            // A fix replaces an entry of its rule's swap table with that
            // entry's replacement (case adapted), on one line.
            let found = &text[f.span.clone()];
            prop_assert!(!found.contains('\n'));
            let Some(claimlint_core::rule::RuleKind::Substitution(sub)) =
                rules().rules().rule(rule).map(|r| &r.kind)
            else {
                return Err(TestCaseError::fail(format!("{rule} has a fix but is not a substitution")));
            };
            prop_assert!(
                sub.swaps.iter().any(|(from, to)| from.eq_ignore_ascii_case(found)
                    && to.eq_ignore_ascii_case(&f.replacement)),
                "{} -> {} is not in {}'s swap table", found, f.replacement, rule
            );
            expected.push_str(&text[at..f.span.start]);
            expected.push_str(&f.replacement);
            at = f.span.end;
            count += 1;
        }
        expected.push_str(&text[at..]);
        prop_assert_eq!(&fixed, &expected);
        prop_assert_eq!(applied, count);
        // Idempotent: nothing left to fix in the fixed text.
        let again = rules().lint(path, &fixed).diagnostics;
        let (twice, more) = claimlint_core::fix::apply(&fixed, &again);
        prop_assert_eq!(more, 0, "left to fix in {:?}", fixed);
        prop_assert_eq!(twice, fixed);
    }
}
