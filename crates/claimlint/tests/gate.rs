//! Gating real content, end to end: configuration files, suppression
//! comments, SARIF / GitHub / compact output, baselines, `--fix` and
//! `--diff`, `claimlint init`. Every test builds a throw-away repository.
//!
//! Most tests use the small rule set in `tests/fixtures/gate/rules` (with
//! `--no-default-rules`), so that snapshots do not move when the built-in
//! pack is tuned.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{claimlint, root};
use predicates::prelude::*;
use serde_json::Value;

/// A temporary repository.
struct Repo {
    dir: tempfile::TempDir,
}

fn house_rules() -> PathBuf {
    root().join("tests/fixtures/gate/rules")
}

impl Repo {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    /// `claimlint` in the repository with only the test rules.
    fn cmd(&self) -> Command {
        let mut c = claimlint();
        c.current_dir(self.path())
            .arg("--no-default-rules")
            .arg("--rules")
            .arg(house_rules());
        c
    }

    /// stdout of `cmd` with `args`, and the exit status.
    fn run(&self, args: &[&str]) -> (String, String, i32) {
        let out = self.cmd().args(args).output().unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
            out.status.code().unwrap_or(-1),
        )
    }
}

const POST: &str = "# Ketamine\n\nKetamine cures depression. It is completely safe.\n\nA true game-changer with few side affects.\n";

fn rules_of(compact: &str) -> Vec<String> {
    compact
        .lines()
        .filter_map(|l| {
            let start = l.find('[')? + 1;
            let end = l[start..].find(']')? + start;
            Some(format!("{}:{}", &l[..l.find(':')?], &l[start..end]))
        })
        .collect()
}

// ---------------------------------------------------------------- config

#[test]
fn nearest_config_wins_and_config_and_isolated_override() {
    let repo = Repo::new();
    repo.write(".claimlint.yaml", "disable: [house.cure]\n")
        .write("a.md", POST)
        .write("sub/.claimlint.yaml", "disable: [style]\n")
        .write("sub/b.md", POST)
        .write("sub/deeper/c.md", POST);
    let (out, _, code) = repo.run(&["--format", "compact", "-q"]);
    assert_eq!(
        rules_of(&out),
        [
            "a.md:house.safe",
            "a.md:style.hype",
            "a.md:style.affect-effect",
            "sub/b.md:house.cure",
            "sub/b.md:house.safe",
            "sub/deeper/c.md:house.cure",
            "sub/deeper/c.md:house.safe",
        ]
    );
    assert_eq!(code, 1, "house.cure is an error in sub/");
    // A file named from inside a folder finds the same configuration.
    let (out, _, _) = repo.run(&["--format", "compact", "-q", "sub/deeper/c.md"]);
    assert_eq!(out.lines().count(), 2);
    // --isolated: no configuration at all.
    let (out, _, _) = repo.run(&["--format", "compact", "-q", "--isolated", "sub/b.md"]);
    assert_eq!(out.lines().count(), 4);
    // --config: one file for every input.
    let (out, _, code) = repo.run(&[
        "--format",
        "compact",
        "-q",
        "--config",
        ".claimlint.yaml",
        "sub",
    ]);
    assert!(!out.contains("house.cure"), "{out}");
    assert!(out.contains("style.hype"));
    assert_eq!(code, 0);
}

#[test]
fn config_keys_select_severity_globs_fail_on_and_format() {
    let repo = Repo::new();
    repo.write(
        ".claimlint.yaml",
        "disable: [all]\nenable: [house, style.affect-effect]\nseverity:\n  warning: [house]\n  error: [house.safe]\n\
         exclude: [drafts/]\ninclude: [content/, notes.txt]\nformat: compact\nfail-on: error\n\
         overrides:\n  - files: [content/blog/**]\n    fail-on: info\n    enable: [style.hype]\n\
         \x20 - files: ['**/legacy-*.md']\n    disable: [house.safe]\n",
    )
    .write("content/page.md", POST)
    .write("content/blog/post.md", POST)
    .write("content/blog/legacy-post.md", POST)
    .write("content/drafts/wip.md", POST)
    .write("other/x.md", POST)
    .write("notes.txt", "It is risk-free.\n");
    let (out, _, code) = repo.run(&["-q"]);
    insta::assert_snapshot!("config_keys", out);
    assert_eq!(code, 1);
    // An excluded file is skipped even when named.
    let (out, _, code) = repo.run(&["content/drafts/wip.md"]);
    assert_eq!(out, "No findings in 0 files.\n");
    assert_eq!(code, 0);
    // Only info findings in the blog fail there (fail-on: info)…
    let (_, _, code) = repo.run(&["-q", "content/blog/post.md", "--isolated"]);
    assert_eq!(code, 1);
    repo.write("content/blog/mild.md", "A true game-changer.\n");
    let (out, _, code) = repo.run(&["-q", "content/blog/mild.md"]);
    assert_eq!(
        out,
        "content/blog/mild.md:1:8: info[style.hype] “game-changer” is hype\n"
    );
    assert_eq!(code, 1);
    // …and --fail-on on the command line overrides every file's.
    let (_, _, code) = repo.run(&["-q", "content/blog/mild.md", "--fail-on", "error"]);
    assert_eq!(code, 0);
    // --format overrides `format:`.
    let (out, _, _) = repo.run(&["-q", "content/blog/mild.md", "--format", "json"]);
    assert!(out.starts_with('{'));
}

#[test]
fn config_errors_point_into_the_yaml() {
    let cases: &[(&str, &str)] = &[
        ("unknown-key", "disable: [style]\nfial-on: warning\n"),
        ("bad-value", "fail-on: fatal\n"),
        ("unknown-rule", "disable: [house.cur]\n"),
        ("unknown-category", "severity:\n  info: [stlye]\n"),
        (
            "override-key",
            "overrides:\n  - files: [blog/**]\n    severity:\n      critical: [house]\n",
        ),
        ("bad-glob", "exclude: ['drafts/[']\n"),
        (
            "enabled-and-disabled",
            "disable: [house.safe]\nenable: [house.safe]\n",
        ),
        ("missing-rules", "rules: [no-such-folder/]\n"),
    ];
    let mut all = String::new();
    for (name, yaml) in cases {
        let repo = Repo::new();
        repo.write(".claimlint.yaml", yaml).write("a.md", POST);
        let (out, err, code) = repo.run(&[]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(out.is_empty(), "{name}: nothing is linted");
        all.push_str(&format!("=== {name}\n{err}"));
    }
    insta::assert_snapshot!("config_errors", all);
}

#[test]
fn config_rules_are_relative_to_the_config_file() {
    let repo = Repo::new();
    std::fs::create_dir_all(repo.path().join("site/house")).unwrap();
    std::fs::copy(
        house_rules().join("cure.yaml"),
        repo.path().join("site/house/cure.yaml"),
    )
    .unwrap();
    repo.write(
        "site/.claimlint.yaml",
        "rules: [house/]\ndefault-rules: false\n",
    )
    .write("site/a.md", POST);
    let out = claimlint()
        .current_dir(repo.path())
        .args(["--format", "compact", "-q", "site"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(rules_of(&stdout), ["site/a.md:house.cure"]);
    // `rules`, `explain` and `test-rules` see the house rules too, and a
    // folder named both in the configuration and on the command line is
    // read once.
    let site = repo.path().join("site");
    let listed = claimlint()
        .current_dir(&site)
        .arg("rules")
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(listed.contains("house.cure"), "{listed}");
    assert!(
        !listed.contains("cure.cure-claim"),
        "default-rules: false: {listed}"
    );
    claimlint()
        .current_dir(&site)
        .args(["explain", "house.cure"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("https://example.org/house/cure"));
    claimlint()
        .current_dir(&site)
        .args(["test-rules", "house/"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 rules"));
    claimlint()
        .current_dir(&site)
        .args(["--rules", "house", "a.md", "--format", "compact", "-q"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("house.cure"));
}

#[test]
fn init_writes_a_starter_config_that_loads() {
    let repo = Repo::new();
    repo.write("a.md", POST);
    claimlint()
        .current_dir(repo.path())
        .arg("init")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Wrote .claimlint.yaml"));
    let text = repo.read(".claimlint.yaml");
    assert!(text.contains("# claimlint configuration"));
    assert!(text.contains("overrides:"));
    // It loads, with the built-in rules, and lints.
    claimlint()
        .current_dir(repo.path())
        .args(["--format", "json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"version\": 1"));
    // Its commented examples are valid too once uncommented.
    let example = regex::Regex::new(r"^#( +- | +)?[a-z][a-z-]*:( |$)").unwrap();
    let uncommented: String = text
        .lines()
        .map(|l| {
            if example.is_match(l) {
                l.replacen('#', "", 1).replacen(' ', "", 1)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        uncommented.contains("\noverrides:\n  - files: [content/blog/**]"),
        "{uncommented}"
    );
    repo.write(".claimlint.yaml", &uncommented);
    std::fs::create_dir_all(repo.path().join("claimlint-rules")).unwrap();
    let out = claimlint().current_dir(repo.path()).output().unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}\n{}",
        uncommented,
        String::from_utf8_lossy(&out.stderr)
    );
    // No overwrite without --force.
    claimlint()
        .current_dir(repo.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    claimlint()
        .current_dir(repo.path())
        .args(["init", "--force"])
        .assert()
        .code(0);
    assert_eq!(repo.read(".claimlint.yaml"), text);
}

// ---------------------------------------------------------- suppressions

const SUPPRESSED_MD: &str = "\
# Ketamine

<!-- claimlint-disable-next-line house.cure -- reviewed by Dr. Ortiz, 2024-05-02 -->
Ketamine cures some patients' symptoms for a while.

Ketamine cures depression. <!-- claimlint-disable-line house -- quoted from a patient -->

<!-- claimlint-disable style -- press release quoted verbatim -->
A true game-changer, a beacon of hope.
<!-- claimlint-enable -->

Another game-changer.

<!-- claimlint-disable-next-line house.safe -->
It is completely safe.

<!-- claimlint-disable-next-line house.cure, style.hype -- only one of these fires -->
It cured me.

<!-- claimlint-disable-next-line house.cuer -- typo in the id -->
Nothing here.

<!-- claimlint-disabel house.cure -- typo in the keyword -->

```markdown
<!-- claimlint-disable-file -- inside a code block: just text -->
```

<!-- claimlint-disable-file house.safe -- legacy post, rewrite scheduled -->
";

#[test]
fn markdown_suppressions() {
    let repo = Repo::new();
    repo.write("post.md", SUPPRESSED_MD);
    let (out, _, code) = repo.run(&["--color", "never", "post.md"]);
    insta::assert_snapshot!("suppressions_markdown", out);
    assert_eq!(code, 1);
    // With reasons optional, the reasonless comment suppresses.
    let (out, _, _) = repo.run(&["--format", "compact", "--no-require-reason", "post.md"]);
    assert!(!out.contains("completely safe"), "{out}");
    assert!(!out.contains("without a reason"), "{out}");
    // …and the same from the configuration.
    repo.write(".claimlint.yaml", "require-reason: false\n");
    let (out2, _, _) = repo.run(&["--format", "compact", "post.md"]);
    assert_eq!(out, out2);
    // The config can silence reports about unused suppressions.
    repo.write(
        ".claimlint.yaml",
        "require-reason: false\ndisable: [claimlint.unused-suppression]\n",
    );
    let (out, _, _) = repo.run(&["--format", "compact", "post.md"]);
    assert!(!out.contains("unused-suppression"), "{out}");
}

#[test]
fn plain_text_suppressions_are_line_comments_and_not_prose() {
    let repo = Repo::new();
    repo.write(
        "post.txt",
        "Ketamine Today\n\
         // claimlint-disable-next-line house.cure -- reviewed by Dr. Ortiz\n\
         Ketamine cures some patients.\n\
         // claimlint-disable house.safe -- quoted label text\n\
         It is completely safe. It is risk-free.\n\
         // claimlint-enable house.safe\n\
         It is risk-free.\n\
         // claimlint-disable-line house.cure -- not valid in plain text\n\
         // claimlint-disable-file style -- cures game-changer\n",
    );
    let (out, _, _) = repo.run(&["--format", "compact", "-q", "post.txt"]);
    assert_eq!(
        out,
        "post.txt:7:7: warning[house.safe] “risk-free” is an absolute safety claim\n\
         post.txt:8:14: error[claimlint.invalid-suppression] unknown suppression keyword `claimlint-disable-line` in plain text (a directive line is not prose; use `claimlint-disable-next-line`)\n\
         post.txt:9:1: warning[claimlint.unused-suppression] suppression comment suppresses nothing\n"
    );
}

#[test]
fn a_missing_reason_fails_the_run_even_for_a_warning() {
    let repo = Repo::new();
    repo.write(
        "post.md",
        "<!-- claimlint-disable-next-line house.safe -->\nIt is completely safe.\n",
    );
    let (out, _, code) = repo.run(&["--format", "compact", "-q"]);
    assert!(out.contains("suppression without a reason"));
    assert!(out.contains("house.safe"));
    assert_eq!(code, 1);
    let (out, _, code) = repo.run(&["--format", "compact", "-q", "--no-require-reason"]);
    assert_eq!(out, "");
    assert_eq!(code, 0);
}

// ---------------------------------------------------------------- formats

fn format_repo() -> Repo {
    let repo = Repo::new();
    repo.write("content/a post.md", POST).write(
        "notes.txt",
        "Notes\nIt is completely safe, 100% \"risk-free\".\n",
    );
    repo
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let repo = format_repo();
    let (out, _, code) = repo.run(&["--format", "sarif"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("sarif", out);
    let log: Value = serde_json::from_str(&out).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // So is the log of the built-in pack on the seed articles (BOM, CRLF,
    // long explanations, every kind of rule).
    let seeds = claimlint()
        .args(["--format", "sarif", common::SEEDS])
        .output()
        .unwrap();
    let seeds: Value = serde_json::from_slice(&seeds.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&seeds)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(seeds["runs"][0]["results"].as_array().unwrap().len() > 10);
    // The validator does reject a broken log.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let cure = rules.iter().find(|r| r["id"] == "house.cure").unwrap();
    assert_eq!(cure["helpUri"], "https://example.org/house/cure");
    assert_eq!(cure["defaultConfiguration"]["level"], "error");
    let results = run["results"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(r["partialFingerprints"]["claimlintFingerprint/v1"].is_string());
    }
    let fixable = results
        .iter()
        .find(|r| r["ruleId"] == "style.affect-effect")
        .unwrap();
    assert_eq!(
        fixable["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "side effects"
    );
    assert_eq!(
        fixable["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "content/a%20post.md"
    );
}

#[test]
fn sarif_fingerprints_survive_edits_above() {
    let repo = Repo::new();
    repo.write("a.md", POST);
    let fps = |repo: &Repo| -> Vec<String> {
        let (out, _, _) = repo.run(&["--format", "sarif"]);
        let log: Value = serde_json::from_str(&out).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["claimlintFingerprint/v1"].to_string())
            .collect()
    };
    let before = fps(&repo);
    repo.write(
        "a.md",
        &format!("Intro paragraph.\n\nAnother one.\n\n{POST}"),
    );
    assert_eq!(before, fps(&repo));
}

#[test]
fn github_annotations_are_escaped_and_capped() {
    let repo = format_repo();
    let (out, _, code) = repo.run(&["--format", "github"]);
    insta::assert_snapshot!("github", out);
    assert_eq!(code, 1);
    let (capped, _, capped_code) = repo.run(&["--format", "github", "--max-annotations", "2"]);
    let lines: Vec<&str> = capped.lines().collect();
    assert!(lines[0].starts_with("::error "), "errors first: {capped}");
    assert!(lines[1].starts_with("::warning "), "{capped}");
    assert!(
        lines[2].starts_with("::notice title=claimlint::4 more findings"),
        "{capped}"
    );
    assert_eq!(lines.len(), 4, "two annotations, the notice, the summary");
    assert_eq!(capped_code, code, "the cap never changes the exit status");
    // In a workflow step every finding also goes to the job summary.
    let runner = tempfile::tempdir().unwrap();
    let summary = runner.path().join("step-summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = repo
        .cmd()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["--format", "github", "--max-annotations", "2"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), capped);
    let written = std::fs::read_to_string(&summary).unwrap();
    insta::assert_snapshot!("github_step_summary", written);
    // An unwritable summary is a warning, not a failure.
    let out = repo
        .cmd()
        .env(
            "GITHUB_STEP_SUMMARY",
            repo.path().join("no/such/dir/summary.md"),
        )
        .args(["--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(code));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the job summary"));
    // Nothing at or above fail-on: still 0 with a cap of 0.
    let (_, _, code) = repo.run(&[
        "--format",
        "github",
        "--max-annotations",
        "0",
        "--fail-on",
        "error",
        "notes.txt",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn compact_output_one_line_each() {
    let repo = format_repo();
    let (out, _, code) = repo.run(&["--format", "compact"]);
    insta::assert_snapshot!("compact", out);
    assert_eq!(code, 1);
}

// --------------------------------------------------------------- baseline

#[test]
fn baseline_hides_known_findings_and_counts_fixed_ones() {
    let repo = Repo::new();
    repo.write("content/a.md", POST)
        .write("content/b.md", "It is completely safe.\n");
    let (out, _, code) = repo.run(&["--write-baseline", "ci/baseline.json"]);
    assert_eq!(out, "Wrote 5 findings from 2 files to ci/baseline.json.\n");
    assert_eq!(code, 0, "writing a baseline accepts the findings");
    let written = repo.read("ci/baseline.json");
    assert!(
        written.contains("\"path\":\"../content/a.md\""),
        "{written}"
    );
    let (out, _, code) = repo.run(&["--baseline", "ci/baseline.json"]);
    assert_eq!(
        out,
        "No findings in 2 files. Baseline: 5 known findings not shown, 0 fixed since it was written.\n"
    );
    assert_eq!(code, 0);

    // Text added above, a claim fixed, a new claim added.
    repo.write(
        "content/a.md",
        &format!(
            "# Added heading\n\nA new paragraph.\n\n{}It is risk-free.\n",
            POST.replace(
                "Ketamine cures depression.",
                "Ketamine can ease depression."
            )
        ),
    );
    let (out, _, code) = repo.run(&["--baseline", "ci/baseline.json", "--format", "compact"]);
    assert_eq!(
        out,
        "content/a.md:10:7: warning[house.safe] “risk-free” is an absolute safety claim\n\
         Found 1 finding (0 errors, 1 warning, 0 infos) in 2 files. Baseline: 4 known findings not shown, 1 fixed since it was written.\n"
    );
    assert_eq!(code, 0);
    // The baseline works from another folder (paths are relative to it).
    let out = claimlint()
        .current_dir(repo.path().join("content"))
        .args(["--no-default-rules", "--rules"])
        .arg(house_rules())
        .args(["--baseline", "../ci/baseline.json", "--format", "json", "."])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["baseline"]["matched"], 4);
    assert_eq!(v["summary"]["baseline"]["fixed"], 1);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    // A second identical claim is new: entries are counted.
    repo.write(
        "content/b.md",
        "It is completely safe.\n\nIt is completely safe.\n",
    );
    let (out, _, _) = repo.run(&[
        "--baseline",
        "ci/baseline.json",
        "--format",
        "compact",
        "-q",
        "content/b.md",
    ]);
    assert_eq!(out.lines().count(), 1, "{out}");
    // A broken baseline is an error.
    repo.write("ci/baseline.json", "{\"version\": 1, \"findings\": [{}]}");
    let (_, err, code) = repo.run(&["--baseline", "ci/baseline.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid baseline"), "{err}");
}

// -------------------------------------------------------------------- fix

#[test]
fn fix_applies_substitutions_only_atomically_and_idempotently() {
    let repo = Repo::new();
    repo.write("a.md", POST)
        .write("b.txt", "Side affects\nThe side affects are mild.\n")
        .write("clean.md", "Nothing to fix here.\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            repo.path().join("a.md"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    let clean_mtime = std::fs::metadata(repo.path().join("clean.md"))
        .unwrap()
        .modified()
        .unwrap();

    // --diff prints the change, writes nothing and exits 1.
    let (diff, err, code) = repo.run(&["--diff"]);
    insta::assert_snapshot!("diff", diff);
    assert_eq!(err, "3 fixes can be applied to 2 files with --fix.\n");
    assert_eq!(code, 1);
    assert_eq!(repo.read("a.md"), POST);

    let (out, _, code) = repo.run(&["--fix", "--format", "compact"]);
    assert!(out.ends_with("Applied 3 fixes in 2 files.\n"), "{out}");
    assert!(
        !out.contains("affect-effect"),
        "fixed findings are not reported: {out}"
    );
    assert!(
        out.contains("house.cure"),
        "claims are never rewritten: {out}"
    );
    assert_eq!(code, 1, "the cure claim remains");
    assert_eq!(
        repo.read("a.md"),
        POST.replace("side affects", "side effects")
    );
    assert_eq!(
        repo.read("b.txt"),
        "Side effects\nThe side effects are mild.\n",
        "case is kept"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(repo.path().join("a.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let clean_after = std::fs::metadata(repo.path().join("clean.md"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        clean_mtime, clean_after,
        "untouched files are not rewritten"
    );
    let leftovers: Vec<String> = std::fs::read_dir(repo.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Idempotent (and the JSON summary says how many fixes were applied).
    let (out, _, _) = repo.run(&["--fix", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["fixes_applied"], 0);
    let (out, _, _) = repo.run(&["--fix", "--format", "compact"]);
    assert!(out.ends_with("Applied 0 fixes in 0 files.\n"), "{out}");
    let (diff, _, code) = repo.run(&["--diff"]);
    assert_eq!((diff.as_str(), code), ("", 0));

    // A suppressed finding is not fixed.
    repo.write(
        "c.md",
        "<!-- claimlint-disable-next-line style.affect-effect -- quoted -->\nIts side affects.\n",
    );
    repo.run(&["--fix", "c.md"]);
    assert!(repo.read("c.md").contains("side affects"));

    // Standard input cannot be fixed in place, but can be diffed.
    claimlint()
        .args(["--fix", "-"])
        .write_stdin("side affects\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--fix cannot write to standard input",
        ));
    let mut cmd = repo.cmd();
    cmd.args(["--diff", "-", "--stdin-filename", "draft.md"])
        .write_stdin("Few side affects.\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+Few side effects."));
}

#[test]
fn output_is_identical_for_any_thread_count_in_every_format() {
    let repo = format_repo();
    repo.write(
        ".claimlint.yaml",
        "overrides:\n  - files: [content/]\n    fail-on: info\n",
    );
    for i in 0..12 {
        repo.write(&format!("content/more/p{i}.md"), POST);
    }
    for format in ["sarif", "github", "compact", "json"] {
        let (one, _, c1) = repo.run(&["--format", format, "-j", "1"]);
        let (many, _, c4) = repo.run(&["--format", format, "-j", "4"]);
        assert_eq!(one, many, "{format}");
        assert_eq!(c1, c4);
    }
}

/// `git` in `dir`, isolated from the user's and the system's configuration.
fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            "user.name=claimlint",
            "-c",
            "user.email=claimlint@example.org",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn since_reports_only_findings_on_changed_lines() {
    let repo = Repo::new();
    // A legacy post with old findings, committed.
    let legacy = "# Old post\n\nKetamine cures depression.\n\nIt is completely safe.\n";
    repo.write("content/legacy.md", legacy)
        .write("content/clean.md", "# Clean\n\nNothing to see.\n");
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "legacy"]);

    // Nothing changed: nothing is reported, and the run passes although the
    // legacy post has an error.
    let (out, _, code) = repo.run(&["--since", "HEAD", "--format", "compact"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "No findings in 2 files. Since HEAD: 2 findings on unchanged lines not shown.\n"
    );

    // A new line with a new finding (a warning), and an untracked post.
    repo.write(
        "content/legacy.md",
        &format!("{legacy}\nA new paragraph: it is risk-free.\n"),
    );
    repo.write("content/new.md", "# New\n\nIt cured my pain.\n");
    let (out, _, code) = repo.run(&[
        "--since",
        "HEAD",
        "--format",
        "compact",
        "content/legacy.md",
    ]);
    assert_eq!(rules_of(&out), ["content/legacy.md:house.safe"], "{out}");
    assert!(out.contains("content/legacy.md:7:"), "{out}");
    // Only the new warning counts: the legacy error does not fail the run.
    assert_eq!(code, 0, "{out}");
    let (_, _, code) = repo.run(&[
        "--since",
        "HEAD",
        "--fail-on",
        "warning",
        "content/legacy.md",
    ]);
    assert_eq!(code, 1);

    // The untracked file is new as a whole; the JSON summary counts what
    // was hidden.
    let (out, _, code) = repo.run(&["--since=HEAD", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("content/legacy.md".to_string(), "house.safe".to_string()),
            ("content/new.md".to_string(), "house.cure".to_string()),
        ]
    );
    assert_eq!(v["summary"]["since"]["unchanged"], 2);

    // A changed line counts once committed too, since an older revision.
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "new"]);
    let (out, _, _) = repo.run(&["--since", "HEAD~1", "--format", "compact"]);
    assert_eq!(
        rules_of(&out),
        ["content/legacy.md:house.safe", "content/new.md:house.cure"],
        "{out}"
    );
    let (out, _, code) = repo.run(&["--since", "HEAD", "--format", "compact"]);
    assert_eq!((rules_of(&out).len(), code), (0, 0), "{out}");
}

#[test]
fn since_errors_unknown_revision_outside_a_repository_and_option_like_revision() {
    let repo = Repo::new();
    repo.write("a.md", "Ketamine cures depression.\n");
    // Not a repository (and git must not look above the temporary folder).
    let parent = repo.path().parent().unwrap().to_path_buf();
    let (_, err, code) = {
        let out = repo
            .cmd()
            .env("GIT_CEILING_DIRECTORIES", &parent)
            .args(["--since", "main", "a.md"])
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
            out.status.code(),
        )
    };
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is not in a git repository"), "{err}");

    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "one"]);
    let (out, err, code) = repo.run(&["--since", "no-such-branch", "a.md"]);
    assert_eq!((out.as_str(), code), ("", 2), "{err}");
    assert!(
        err.contains("--since `no-such-branch`: no such revision in this repository"),
        "{err}"
    );

    // A revision that looks like an option is refused before git runs: with
    // `--output=…` git would write a file.
    for bad in ["--since=-x", "--since=--output=leak.txt"] {
        let (out, err, code) = repo.run(&[bad, "a.md"]);
        assert_eq!((out.as_str(), code), ("", 2), "{err}");
        assert!(err.contains("cannot start with `-`"), "{err}");
    }
    assert!(!repo.path().join("leak.txt").exists());
}

#[test]
fn min_severity_hides_findings_but_not_what_fails_the_run() {
    let repo = Repo::new();
    repo.write("a.md", POST).write(
        "b.md",
        "A game-changer, a beacon of hope, a game-changer.\n",
    );
    // Every finding, counted per rule, then the summary and the hint.
    let (all, _, code) = repo.run(&["--color", "never"]);
    assert_eq!(code, 1);
    // Infos hidden: the per-rule counts and the summary say so.
    let (shown, _, code) = repo.run(&["--color", "never", "--min-severity", "warning"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("min_severity_warning", shown);
    assert!(all.len() > shown.len());
    assert!(all.ends_with("Run `claimlint explain ID` for the evidence behind a rule.\n"));
    // A hidden info still fails the run at --fail-on info.
    let (out, _, code) = repo.run(&["--min-severity", "error", "--fail-on", "info", "b.md"]);
    assert_eq!(
        (out.as_str(), code),
        (
            "No findings in 1 file. 3 findings below error not shown (--min-severity).\n",
            1
        )
    );
    // The configuration key, and --quiet stays quiet.
    repo.write(".claimlint.yaml", "min-severity: error\n");
    let (out, _, _) = repo.run(&["--format", "json", "a.md"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let severities: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error"]);
    assert_eq!(v["summary"]["hidden"], 3);
    let (out, _, code) = repo.run(&["--quiet", "--color", "never", "a.md"]);
    assert_eq!(code, 1);
    assert!(
        !out.contains("Findings by rule") && !out.contains("explain ID"),
        "{out}"
    );
}

/// A post stuffed with one phrase (the built-in pack's keyword-stuffing
/// rule finds it): the finding's related locations are its repeats.
fn stuffed_post() -> String {
    let mut text = String::from("# Ketamine clinic Denver\n\n");
    for i in 0..8 {
        text.push_str(&format!(
            "Our ketamine clinic Denver team helps patients ({i}). Call the ketamine clinic Denver today.\n\n"
        ));
    }
    text
}

#[test]
fn related_locations_in_json_sarif_and_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let text = stuffed_post();
    std::fs::write(dir.path().join("stuffed.md"), &text).unwrap();
    let run = |args: &[&str]| {
        let out = claimlint()
            .current_dir(dir.path())
            .args(["--isolated", "--color", "never", "stuffed.md"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };

    // JSON: each related location is positioned like the finding itself.
    let v: Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let stuffing = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "integrity.keyword-stuffing" && d["line"] == 1)
        .expect("stuffing finding");
    let related = stuffing["related"].as_array().unwrap();
    // The title's phrase is the first occurrence; each paragraph repeats it.
    assert_eq!(related.len(), 8, "{related:#?}");
    for (i, r) in related.iter().enumerate() {
        let (start, end) = (
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[start..end], "ketamine clinic Denver");
        assert_eq!(r["text"], "ketamine clinic Denver");
        assert_eq!(r["line"], 3 + 2 * i);
        assert_eq!(r["column"], 5);
        assert_eq!(r["end_line"], r["line"]);
        assert_eq!(r["end_column"], 5 + "ketamine clinic Denver".len());
        assert_eq!(r["message"], "repeated here");
    }
    // Findings about one place have no `related` field.
    let single = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] != "integrity.keyword-stuffing")
        .expect("another finding");
    assert!(single.get("related").is_none(), "{single:#?}");

    // SARIF: relatedLocations, valid against the schema.
    let log: Value = serde_json::from_str(&run(&["--format", "sarif"])).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let result = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == "integrity.keyword-stuffing"
                && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
        })
        .expect("stuffing result");
    let locations = result["relatedLocations"].as_array().unwrap();
    assert_eq!(locations.len(), 8);
    assert_eq!(locations[0]["id"], 1);
    assert_eq!(locations[0]["message"]["text"], "repeated here");
    let region = &locations[7]["physicalLocation"]["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["snippet"]["text"]
        ),
        (
            &Value::from(17),
            &Value::from(5),
            &Value::from("ketamine clinic Denver")
        )
    );

    // Human: a secondary label under the first three repeats (the note
    // lists the lines of all).
    let human = run(&[]);
    let block = &human[human.find("warning[integrity.keyword-stuffing]").unwrap()..];
    let block = &block[..block.find("\n\n").unwrap()];
    let labelled: Vec<&str> = block
        .lines()
        .filter(|l| l.trim_end().ends_with("------ repeated here"))
        .collect();
    assert_eq!(labelled.len(), 3, "{block}");
    assert!(
        block.contains("5 | Our ketamine clinic Denver team helps patients (1)."),
        "{block}"
    );
    assert!(
        block.contains("note: repeated on lines 3, 5, 7, 9, 11, 13, 15, 17"),
        "{block}"
    );
}
