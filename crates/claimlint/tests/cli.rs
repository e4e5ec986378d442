//! The command line: exit statuses, formats, stdin, colours, rule loading
//! errors, `rules`, `explain` and `test-rules`.

mod common;

use common::{claimlint, root};
use predicates::prelude::*;
use serde_json::Value;

const BAD_POST: &str = "Ketamine cures depression and is completely safe.\n";
const MILD_POST: &str = "Ketamine therapy is a beacon of hope.\n";

#[test]
fn exit_status_follows_fail_on() {
    // An error-level finding fails by default.
    claimlint()
        .args(["-", "--stdin-filename", "post.md"])
        .write_stdin(BAD_POST)
        .assert()
        .code(1);
    // Only an info-level finding (plus document warnings): passes by default…
    let out = claimlint()
        .args(["-", "--stdin-filename", "post.md", "--format", "json"])
        .write_stdin(MILD_POST)
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["summary"]["errors"], 0);
    assert_eq!(out.status.code(), Some(0));
    // …and fails when infos count.
    claimlint()
        .args(["-", "--stdin-filename", "post.md", "--fail-on", "info"])
        .write_stdin(MILD_POST)
        .assert()
        .code(1);
    // Clean text passes.
    claimlint()
        .args(["-", "--fail-on", "info"])
        .write_stdin("The clinic opens at nine.\n")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No findings in 1 file."));
}

#[test]
fn json_contract_version_1() {
    let out = claimlint()
        .args(["--format", "json", "-", "--stdin-filename", "draft.md"])
        .write_stdin(BAD_POST)
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["version"], 1);
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["diagnostics", "summary", "version"]);
    let d = &value["diagnostics"][0];
    let mut fields: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "category",
            "column",
            "end",
            "end_column",
            "end_line",
            "help",
            "line",
            "message",
            "path",
            "rule",
            "severity",
            "start",
            "suggestion",
            "text"
        ]
    );
    assert_eq!(d["path"], "draft.md");
    assert_eq!(value["summary"]["files"], 1);
    let cure = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "cure.cure-claim")
        .unwrap();
    assert_eq!(cure["text"], "cures");
    assert_eq!(cure["category"], "cure");
    assert_eq!(cure["severity"], "error");
    assert_eq!(
        (cure["start"].as_u64(), cure["end"].as_u64()),
        (Some(9), Some(14))
    );
    assert_eq!(
        (cure["line"].as_u64(), cure["column"].as_u64()),
        (Some(1), Some(10))
    );
}

#[test]
fn human_output_is_annotated() {
    let out = claimlint()
        .args(["-", "--stdin-filename", "draft.md", "--color", "never"])
        .write_stdin(BAD_POST)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("human_stdin", stdout);
}

#[test]
fn colours_follow_the_flag_and_no_color() {
    let colored = claimlint()
        .args(["-", "--color", "always"])
        .write_stdin(BAD_POST)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&colored.stdout).contains("\x1b["));
    // NO_COLOR is set by the harness; auto must not colour (stdout is a pipe anyway).
    let plain = claimlint().arg("-").write_stdin(BAD_POST).output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\x1b["));
}

#[test]
fn check_subcommand_is_the_default() {
    let a = claimlint()
        .args(["--format", "json", common::SEEDS])
        .output()
        .unwrap();
    let b = claimlint()
        .args(["check", "--format", "json", common::SEEDS])
        .output()
        .unwrap();
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.status.code(), b.status.code());
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let one = claimlint()
        .args(["--format", "json", "-j", "1", common::SEEDS, "tests/"])
        .output()
        .unwrap();
    let many = claimlint()
        .args(["--format", "json", "-j", "4", common::SEEDS, "tests/"])
        .output()
        .unwrap();
    assert_eq!(one.stdout, many.stdout);
    let human1 = claimlint()
        .args(["-j", "1", common::SEEDS])
        .output()
        .unwrap();
    let human4 = claimlint()
        .args(["-j", "4", common::SEEDS])
        .output()
        .unwrap();
    assert_eq!(human1.stdout, human4.stdout);
}

/// Files are linted in chunks, the next chunk while the last is written:
/// over many chunks, the output is still in path order and the same for
/// any number of threads.
#[test]
fn output_over_many_chunks_is_in_path_order_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut sources: Vec<std::path::PathBuf> = common::seeds();
    for entry in std::fs::read_dir(root().join("../claimlint-core/tests/corpus")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            sources.push(path);
        }
    }
    sources.sort();
    let n = 300;
    for i in 0..n {
        let source = &sources[i % sources.len()];
        std::fs::copy(source, dir.path().join(format!("post-{i:03}.md"))).unwrap();
    }
    let run = |args: &[&str]| claimlint().args(args).arg(dir.path()).output().unwrap();
    let one = run(&["--format", "json", "-j", "1"]);
    let value: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(value["summary"]["files"], n);
    let paths: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    let distinct: std::collections::BTreeSet<&str> = paths.iter().copied().collect();
    assert!(
        distinct.len() > n / 2,
        "only {} files have findings",
        distinct.len()
    );
    assert!(paths.windows(2).all(|w| w[0] <= w[1]), "not in path order");
    for threads in ["2", "3"] {
        assert_eq!(run(&["--format", "json", "-j", threads]).stdout, one.stdout);
    }
    assert_eq!(run(&["-j", "1"]).stdout, run(&["-j", "3"]).stdout);
}

#[test]
fn walking_respects_ignore_files_and_hidden_files_and_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("post.md"), BAD_POST).unwrap();
    std::fs::write(d.join("notes.txt"), BAD_POST).unwrap();
    std::fs::write(d.join("script.py"), BAD_POST).unwrap();
    std::fs::write(d.join(".hidden.md"), BAD_POST).unwrap();
    std::fs::create_dir(d.join("drafts")).unwrap();
    std::fs::write(d.join("drafts/old.md"), BAD_POST).unwrap();
    std::fs::write(d.join(".gitignore"), "drafts/\n").unwrap();
    std::fs::write(d.join("image.md"), b"\x89PNG\r\n\x1a\n\0\0\0binary").unwrap();
    let out = claimlint()
        .args(["--format", "json"])
        .arg(d)
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut paths: Vec<String> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    paths.dedup();
    assert_eq!(paths, ["notes.txt", "post.md"]);
    assert_eq!(value["summary"]["files"], 2, "binary file skipped silently");
    assert_eq!(out.status.code(), Some(1));
    // A file named explicitly is linted whatever its extension.
    claimlint()
        .arg(d.join("script.py"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("cure.cure-claim"));
}

#[test]
fn io_problems_exit_2_and_name_the_path() {
    claimlint()
        .args(["does/not/exist.md", common::SEEDS])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "does/not/exist.md: no such file or directory",
        ))
        // The other files are still linted.
        .stdout(predicate::str::contains("seeds/004_413a6a7efb22f0d7.txt"));
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("image.md");
    std::fs::write(&bin, b"\0\0\0").unwrap();
    claimlint()
        .arg(&bin)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("binary file"));
    // Not UTF-8: read as UTF-8 only (`--encoding utf-8`), an error saying
    // where; undecodable in the encoding given, an error too.
    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"Ketamine caf\xe9 cures depression.\n").unwrap();
    claimlint()
        .args(["--encoding", "utf-8"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not valid UTF-8 (first invalid byte at offset 12)",
        ));
    let sjis = dir.path().join("sjis.txt");
    std::fs::write(&sjis, b"Ketamine \x81 cures depression.\n").unwrap();
    claimlint()
        .args(["--encoding", "shift_jis"])
        .arg(&sjis)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not valid Shift_JIS (--encoding); nothing in this file was linted",
        ));
    claimlint()
        .args(["--encoding", "klingon"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown encoding `klingon`"));
}

/// A post saved by Word in Windows-1252: curly quotes and an em dash (one
/// byte each as stored, three in UTF-8) before a claim.
const CP1252_POST: &[u8] =
    b"# \x93Miracle\x94 care\r\n\r\nOur clinic \x97 the best in town \x97 says ketamine cures depression.\r\n";

#[test]
fn windows_1252_files_are_detected_and_offsets_index_the_stored_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("word.md");
    std::fs::write(&path, CP1252_POST).unwrap();
    let lint = |args: &[&str]| {
        let out = claimlint()
            .args(["--format", "json"])
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        (
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
            out.status.code(),
        )
    };
    for (args, detected) in [
        (&[][..], true),
        (&["--encoding", "windows-1252"][..], false),
    ] {
        let (v, stderr, code) = lint(args);
        assert_eq!(code, Some(1), "{stderr}");
        let note = format!(
            "note: {}: not valid UTF-8; read as windows-1252{}",
            path.display(),
            if detected { " (detected)" } else { "" }
        );
        assert!(stderr.contains(&note), "{stderr}");
        let cure = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["text"] == "cures")
            .expect("the cure claim is found");
        let (start, end) = (
            cure["start"].as_u64().unwrap() as usize,
            cure["end"].as_u64().unwrap() as usize,
        );
        // Offsets into the file as stored; the column counts characters.
        assert_eq!(&CP1252_POST[start..end], b"cures");
        assert_eq!(
            (cure["line"].as_u64(), cure["column"].as_u64()),
            (Some(3), Some(47))
        );
        // Every finding's offsets delimit its text in the stored bytes.
        for d in v["diagnostics"].as_array().unwrap() {
            let (s, e) = (
                d["start"].as_u64().unwrap() as usize,
                d["end"].as_u64().unwrap() as usize,
            );
            let (stored, _, _) = encoding_rs::WINDOWS_1252.encode(d["text"].as_str().unwrap());
            assert_eq!(&CP1252_POST[s..e], &*stored, "{d:#}");
        }
    }
    // A file in another encoding is never rewritten as UTF-8 by --fix.
    claimlint()
        .args(["--fix", "--quiet"])
        .arg(&path)
        .assert()
        .stderr(predicate::str::contains("fixes are not applied to it"));
    assert_eq!(std::fs::read(&path).unwrap(), CP1252_POST);
}

fn rule_error(fixture: &str, extra: &[&str]) -> String {
    let out = claimlint()
        .args(extra)
        .args([
            "--rules",
            &format!("tests/fixtures/bad-rules/{fixture}.yaml"),
            common::SEEDS,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{fixture} should be a load error"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing is linted when rules fail to load"
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn rule_loading_errors_point_into_the_yaml() {
    for fixture in [
        "unknown-field",
        "wrong-type",
        "bad-severity",
        "bad-regex",
        "empty-regex",
        "unknown-lexicon",
        "unknown-placeholder",
        "malformed",
        "misplaced-field",
        "bad-tokens",
        "bad-context",
    ] {
        let stderr = rule_error(fixture, &["--no-default-rules"]);
        assert!(
            stderr.contains(&format!("tests/fixtures/bad-rules/{fixture}.yaml:")),
            "{fixture}: no file:line:col in\n{stderr}"
        );
        insta::assert_snapshot!(format!("rule_error_{fixture}"), stderr);
    }
    // Every mistake in a word families file, each located.
    let stderr = rule_error("lexicon/families", &[]);
    for (line, what) in [
        (3, "a family lists at least two words"),
        (5, "`growing` already belongs to the family of `grow`"),
        (6, "`side effects` is not one word"),
    ] {
        assert!(
            stderr.contains(what)
                && stderr.contains(&format!(
                    "tests/fixtures/bad-rules/lexicon/families.yaml:{line}:"
                )),
            "{what} at line {line}:\n{stderr}"
        );
    }
    insta::assert_snapshot!("rule_error_families", stderr);
    // A duplicate of a built-in id.
    let stderr = rule_error("duplicate-id", &[]);
    assert!(stderr.contains("first defined at <builtin>/rules/cure/cure-claim.yaml:1:5"));
    insta::assert_snapshot!("rule_error_duplicate-id", stderr);
}

/// The rule ids of a JSON report's diagnostics, in order.
fn fired(value: &Value) -> Vec<&str> {
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect()
}

#[test]
fn extra_rules_and_no_default_rules() {
    let house = "tests/fixtures/good-rules/house-style.yaml";
    let out = claimlint()
        .args([
            "--no-default-rules",
            "--rules",
            house,
            "--format",
            "json",
            "-",
        ])
        .write_stdin("Welcome to Bright Path, the clinic that cures depression.\n")
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = fired(&value);
    assert_eq!(rules, ["house.clinic-name"]);
    assert_eq!(value["diagnostics"][0]["suggestion"], "BrightPath");
    // With the default pack, both.
    let out = claimlint()
        .args(["--rules", house, "--format", "json", "-"])
        .write_stdin("Welcome to Bright Path, the clinic that cures depression.\n")
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = fired(&value);
    assert!(rules.contains(&"house.clinic-name") && rules.contains(&"cure.cure-claim"));
}

#[test]
fn rules_lists_and_exports() {
    claimlint()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("safety.not-addictive"))
        .stdout(predicate::str::contains("in one scan"));
    let out = claimlint()
        .args(["rules", "--export-phrases"])
        .output()
        .unwrap();
    let phrases = String::from_utf8(out.stdout).unwrap();
    assert!(phrases.lines().any(|l| l == "beacon of hope"));
    assert!(
        phrases
            .lines()
            .all(|l| l == l.to_lowercase() && !l.is_empty())
    );
    // With the context vocabulary: a superset, adding lexicon terms
    // (`not` is a negator, `no doubt` a term that cancels one) that no
    // rule's trigger holds, still sorted and without repeats.
    let out = claimlint()
        .args(["rules", "--export-phrases", "--with-context"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let vocabulary = String::from_utf8(out.stdout).unwrap();
    let vocabulary: Vec<&str> = vocabulary.lines().collect();
    assert!(phrases.lines().all(|p| vocabulary.contains(&p)));
    for term in ["not", "no doubt"] {
        assert!(!phrases.lines().any(|l| l == term), "{term} is a trigger");
        assert!(vocabulary.contains(&term), "{term} missing");
    }
    // A regex's gate literal is a fragment, not a phrase.
    assert!(!vocabulary.contains(&"one in 0"));
    assert!(vocabulary.windows(2).all(|w| w[0] < w[1]));
    assert!(
        vocabulary
            .iter()
            .all(|l| *l == l.to_lowercase() && !l.is_empty())
    );
    claimlint()
        .args(["rules", "--with-context"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--export-phrases"));
    let out = claimlint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(value.as_array().unwrap().len() >= 11);
}

#[test]
fn explain_prints_the_evidence() {
    claimlint()
        .args(["explain", "safety.not-addictive"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Schedule III"))
        .stdout(predicate::str::contains("References:"))
        .stdout(predicate::str::contains("https://"))
        .stdout(predicate::str::contains("Not flagged:"));
    claimlint()
        .args(["explain", "safety.not-addicted"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean: safety.not-addictive",
        ));
}

#[test]
fn explain_reads_token_patterns_in_words() {
    claimlint()
        .args(["explain", "mechanism.neuroplasticity"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Token patterns:"))
        .stdout(predicate::str::contains("  - neurogenesis\n"))
        .stdout(predicate::str::contains(
            "a form of “grow” (grew, grown, growth, regrow, regrew, regrown, regrowth, regrowing)",
        ))
        .stdout(predicate::str::contains(
            "a term from lexicon `neural-structure`",
        ));
}

#[test]
fn test_rules_reports_failing_examples() {
    claimlint()
        .arg("test-rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 failed"));
    claimlint()
        .args(["test-rules", "tests/fixtures/good-rules/"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAIL house.failing-example: valid example was flagged",
        ))
        .stdout(predicate::str::contains("\"Another miracle.\""))
        .stdout(predicate::str::contains(
            "tests/fixtures/good-rules/failing-example.yaml:10:11",
        ));
}

#[test]
fn usage_errors_exit_2() {
    claimlint().arg("--format=xml").assert().code(2);
    claimlint()
        .args(["-", "-"])
        .write_stdin("x")
        .assert()
        .code(2);
}

#[test]
fn help_reads_well() {
    claimlint()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit status: 0"))
        .stdout(predicate::str::contains("--fail-on"))
        .stdout(predicate::str::contains("test-rules"));
    assert!(common::repo().join("README.md").exists());
}

#[test]
fn explain_lists_a_category_and_explains_claimlints_own_findings() {
    let out = claimlint().args(["explain", "safety"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Category `safety`: "), "{text}");
    assert!(text.contains("  safety.not-addictive "), "{text}");
    assert!(text.ends_with("Run `claimlint explain ID` for the evidence behind a rule.\n"));
    // Every listed rule is in the category.
    let listed = text.lines().filter(|l| l.starts_with("  ")).count();
    assert!(listed >= 2, "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("  safety.")).count(),
        listed
    );

    claimlint()
        .args(["explain", "claimlint.unused-suppression"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "claimlint.unused-suppression (warning, category `claimlint`): Suppression comment that suppresses nothing",
        ))
        .stdout(predicate::str::contains("matched no finding"));
    claimlint()
        .args(["explain", "claimlint"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("claimlint.invalid-suppression"))
        .stdout(predicate::str::contains("claimlint.unused-suppression"));
    claimlint()
        .args(["explain", "safetyy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule or category `safetyy`"));
}

#[test]
fn subcommand_typos_and_help_are_not_taken_for_paths() {
    let dir = tempfile::tempdir().unwrap();
    claimlint()
        .current_dir(dir.path())
        .arg("chek")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "`chek` is neither a file nor a subcommand; did you mean `claimlint check`?",
        ));
    claimlint()
        .current_dir(dir.path())
        .args(["explian", "safety.not-addictive"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `claimlint explain`?",
        ));
    claimlint()
        .current_dir(dir.path())
        .arg("help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Usage: claimlint"))
        .stdout(predicate::str::contains("test-rules"));
    claimlint()
        .current_dir(dir.path())
        .args(["help", "explain"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Usage: claimlint explain"));
    // A word far from every subcommand is a path, as before.
    claimlint()
        .current_dir(dir.path())
        .arg("content")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "content: no such file or directory",
        ));
    // An existing file or folder of that name is linted.
    std::fs::create_dir(dir.path().join("chek")).unwrap();
    std::fs::write(dir.path().join("chek/post.md"), BAD_POST).unwrap();
    claimlint()
        .current_dir(dir.path())
        .args(["chek", "--format", "compact"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("chek/post.md:1:"));
}

#[test]
fn lexicons_lists_every_lexicon_with_its_terms() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lexicon")).unwrap();
    std::fs::write(
        dir.path().join("lexicon/house.yaml"),
        "lexicon: house-words\ndescription: Words of the house.\ninclude: [side-effect]\nphrases: [drip bar, glow]\nregex: ['\\bvitamin [a-z]\\b']\n",
    )
    .unwrap();
    let rules = dir.path().join("lexicon/house.yaml");
    let out = claimlint()
        .arg("lexicons")
        .arg("--rules")
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let block = &text[text.find("house-words (").expect("listed")..];
    let block = &block[..block.find("\n\n").unwrap()];
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(lines[0], "house-words (2 phrases, 1 regex)");
    assert_eq!(lines[1], "  Words of the house.");
    assert_eq!(lines[2], "  includes: side-effect");
    assert_eq!(lines[3], "  phrases: drip bar, glow");
    assert!(
        lines[4].starts_with("  regex: ") && lines[4].contains("vitamin"),
        "{block}"
    );
    // The built-in lexicons are listed too, with the count at the end.
    assert!(text.contains("\nside-effect ("), "{text}");
    let count: usize = text
        .lines()
        .last()
        .unwrap()
        .strip_suffix(" lexicons")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| !l.starts_with(' ') && l.ends_with(')'))
            .count(),
        count
    );

    let out = claimlint()
        .args(["lexicons", "--format", "json", "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), count);
    let house = rows.iter().find(|r| r["name"] == "house-words").unwrap();
    assert_eq!(house["phrases"], serde_json::json!(["drip bar", "glow"]));
    assert_eq!(house["includes"], serde_json::json!(["side-effect"]));
    assert_eq!(house["description"], "Words of the house.");
    assert_eq!(house["regexes"].as_array().unwrap().len(), 1);
}

/// Without the built-in rules, the pack's lexicons and facts stay
/// available to a user's rules, in `check` as in `rules` and `test-rules`.
#[test]
fn user_rules_may_use_the_packs_facts_without_its_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rule = dir.path().join("crisis.yaml");
    std::fs::write(
        &rule,
        "id: house.crisis\nseverity: error\nsummary: s\nmessage: \"“{match}”: give {fact.crisis_line_us}\"\n\
         phrases: [hopeless]\ncontext:\n  requires: [treatment]\nexplain: e\nreferences: [\"https://example.org/\"]\n\
         examples:\n  invalid: [\"Ketamine for people who feel hopeless.\"]\n  valid: [\"Ketamine for depression.\"]\n",
    )
    .unwrap();
    let post = dir.path().join("post.txt");
    std::fs::write(&post, "Ketamine for people who feel hopeless.\n").unwrap();
    let rule = rule.to_str().unwrap();
    let out = claimlint()
        .args([
            "--isolated",
            "--no-default-rules",
            "--format",
            "json",
            "--rules",
            rule,
        ])
        .arg(&post)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fired(&value), ["house.crisis"]);
    for sub in [&["rules"][..], &["test-rules"]] {
        claimlint()
            .args(sub)
            .args(["--no-default-rules", "--rules", rule])
            .assert()
            .success();
    }
}
