//! Bad input: clear errors, no panics, bounded work, the other files still
//! linted.

mod common;

use std::io::Read;
use std::process::{Command as StdCommand, Stdio};

use common::claimlint;
use predicates::prelude::*;
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("valid JSON on stdout")
}

#[test]
fn empty_and_whitespace_only_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.md"), "").unwrap();
    std::fs::write(dir.path().join("blank.txt"), " \n\t\r\n\u{a0}\n").unwrap();
    std::fs::write(dir.path().join("bom.md"), "\u{feff}").unwrap();
    let out = claimlint()
        .args(["--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["summary"]["files"], 3);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn a_five_megabyte_single_line_file() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "Ketamine may help some patients with depression under supervision. ";
    let mut text = sentence.repeat(5 * 1024 * 1024 / sentence.len());
    text.push_str("Ketamine cures depression.");
    let path = dir.path().join("long.txt");
    std::fs::write(&path, &text).unwrap();
    let out = claimlint()
        .args(["--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let v = json(&out);
    let cure = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "cure.cure-claim")
        .expect("the claim at the end of the line is found");
    assert_eq!(cure["line"], 1);
    let start = cure["start"].as_u64().unwrap() as usize;
    assert_eq!(&text[start..start + 5], "cures");
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("big.md"),
        "Ketamine cures depression. ".repeat(100),
    )
    .unwrap();
    std::fs::write(dir.path().join("small.md"), "Ketamine cures depression.").unwrap();
    let out = claimlint()
        .args(["--format", "json", "--max-file-size", "1000"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning:")
            && stderr.contains("big.md: skipped: 2700 bytes is over the 1000-byte limit"),
        "{stderr}"
    );
    let v = json(&out);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["skipped"], 1);
    // The skip is a warning, not a failure: status follows the findings.
    assert_eq!(out.status.code(), Some(1));
    // The summary names every skipped file with why, binary ones too.
    std::fs::write(dir.path().join("logo.html"), b"GIF89a\0\0").unwrap();
    let summary = |args: &[&str]| {
        let out = claimlint()
            .args(["--format", "compact", "--max-file-size", "1000"])
            .args(args)
            .arg(dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        (
            stdout.lines().last().unwrap_or("").to_string(),
            out.status.code(),
        )
    };
    let (line, code) = summary(&["--fail-on", "warning"]);
    let shown = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    assert_eq!(
        line,
        format!(
            "Found 2 findings (1 error, 1 warning, 0 infos) in 1 file. 2 files skipped (too large: {}; binary: {}).",
            shown("big.md"),
            shown("logo.html")
        )
    );
    assert_eq!(code, Some(1));
    // --fail-on-skipped (or `fail-on-skipped: true`) makes them fail the run.
    let (line, code) = summary(&["--fail-on-skipped"]);
    assert!(
        line.ends_with("which fails the run (--fail-on-skipped)."),
        "{line}"
    );
    assert_eq!(code, Some(2));
    let config = dir.path().join("strict.yaml");
    std::fs::write(&config, "fail-on-skipped: true\n").unwrap();
    let (_, code) = summary(&["--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    std::fs::remove_file(dir.path().join("big.md")).unwrap();
    std::fs::remove_file(dir.path().join("logo.html")).unwrap();
    let (line, code) = summary(&["--fail-on-skipped"]);
    assert_eq!(
        (line.as_str(), code),
        (
            "Found 2 findings (1 error, 1 warning, 0 infos) in 1 file.",
            Some(1)
        )
    );
    std::fs::write(
        dir.path().join("big.md"),
        "Ketamine cures depression. ".repeat(100),
    )
    .unwrap();
    // Named on the command line, the same file is an error: a file that
    // could not be linted is never counted as clean.
    let out = claimlint()
        .args(["--format", "json", "--max-file-size", "1000"])
        .arg(dir.path().join("big.md"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error:")
            && stderr.contains("big.md: 2700 bytes is over the 1000-byte limit")
            && stderr.contains("nothing in this file was linted"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn symlink_loops_and_dangling_links_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("posts")).unwrap();
    std::fs::write(d.join("posts/ok.md"), "Ketamine cures depression.\n").unwrap();
    std::os::unix::fs::symlink(d, d.join("posts/loop")).unwrap();
    std::os::unix::fs::symlink(d.join("gone.md"), d.join("posts/deleted.md")).unwrap();
    let out = claimlint()
        .args(["--format", "json"])
        .arg(d.join("posts"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("posts/loop"), "loop not reported: {stderr}");
    assert!(
        stderr.contains("posts/deleted.md"),
        "dangling link not reported: {stderr}"
    );
    assert_eq!(out.status.code(), Some(2));
    // The readable file was still linted.
    let v = json(&out);
    assert_eq!(v["summary"]["files"], 1);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "cure.cure-claim")
    );
}

#[test]
fn markdown_edge_cases_do_not_break_the_parser() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("nested.md"),
        format!("{}Ketamine cures depression.\n", "> ".repeat(5000)),
    )
    .unwrap();
    std::fs::write(
        d.join("lists.md"),
        format!("{}Ketamine cures depression.\n", "- ".repeat(3000)),
    )
    .unwrap();
    let mut table = String::from("| claim | verdict |\n|---|---|\n");
    for i in 0..20000 {
        table.push_str(&format!("| Ketamine cures depression {i} | no |\n"));
    }
    std::fs::write(d.join("table.md"), table).unwrap();
    std::fs::write(
        d.join("fence.md"),
        "Intro.\n\n```\nKetamine cures depression.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("html.md"),
        "<div>\n<p>Ketamine cures depression.</p>\n\nStill <b>html</b>\n",
    )
    .unwrap();
    std::fs::write(
        d.join("emph.md"),
        "*".repeat(20000) + "Ketamine cures depression." + &"_".repeat(20000),
    )
    .unwrap();
    let out = claimlint()
        .args(["--format", "json"])
        .arg(d)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["summary"]["files"], 6);
    let paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "cure.cure-claim")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    // Code in an unterminated fence is not prose; the table is.
    assert!(!paths.iter().any(|p| p.ends_with("fence.md")));
    assert_eq!(
        paths.iter().filter(|p| p.ends_with("table.md")).count(),
        20000
    );
}

#[test]
fn oversized_and_hostile_rule_files_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write = |name: &str, text: String| {
        let path = d.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let cases = [
        (
            write("huge.yaml", format!("id: a.b\n# {}\n", "x".repeat(2 << 20))),
            "limit is 1048576",
        ),
        (
            write("deep.yaml", format!("id: a.b\nexamples: {}{}\n", "[".repeat(10000), "]".repeat(10000))),
            "deep.yaml:",
        ),
        (
            write(
                "bomb.yaml",
                "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n".to_string(),
            ),
            "bomb.yaml:",
        ),
        (
            write(
                "big-regex.yaml",
                "id: a.big\nseverity: info\nsummary: s\nmessage: m\nregex: ['\\p{L}{1000}\\p{L}{1000}']\nexplain: e\n".to_string(),
            ),
            "big-regex.yaml",
        ),
    ];
    for (path, expected) in cases {
        claimlint()
            .args(["--no-default-rules", "--rules"])
            .arg(&path)
            .arg(common::SEEDS)
            // A guard against a hang, not a speed test: a debug build on a
            // busy 2-core machine needs about a minute to find that the
            // regex exceeds the 64 MB size limit.
            .timeout(std::time::Duration::from_secs(900))
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn thousands_of_rules_load_and_lint() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..2000 {
        std::fs::write(
            dir.path().join(format!("r{i:04}.yaml")),
            format!(
                "id: bulk.rule-{i}\nseverity: info\nsummary: s\nmessage: \"{{match}}\"\nphrases: [\"bulkphrase{i} here\"]\nregex: ['\\bbulkregex{i}\\b']\nexplain: e\n"
            ),
        )
        .unwrap();
    }
    let out = claimlint()
        .args(["--format", "json", "--rules"])
        .arg(dir.path())
        .arg("-")
        .write_stdin("Say bulkphrase1999 here and bulkregex7.\n")
        // A guard against a hang, generous for a debug build on a busy machine.
        .timeout(std::time::Duration::from_secs(900))
        .output()
        .unwrap();
    let v = json(&out);
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .filter(|r| r.starts_with("bulk."))
        .collect();
    assert_eq!(rules, ["bulk.rule-1999", "bulk.rule-7"]);
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    // Enough output to fill the pipe buffer many times over.
    let dir = tempfile::tempdir().unwrap();
    let seed =
        std::fs::read_to_string(common::repo().join("seeds/003_8af5e44ef4c3ffcb.txt")).unwrap();
    for i in 0..60 {
        std::fs::write(dir.path().join(format!("post{i:02}.txt")), &seed).unwrap();
    }
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("claimlint"))
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout); // like `| head -c 64`
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(
        stderr.is_empty(),
        "nothing on stderr for a closed pipe: {stderr}"
    );
}

/// `--fix` replaces a file atomically: killed at any moment, the file is
/// either the original or the fixed text, never a mix; line endings and
/// permissions survive.
#[test]
fn a_killed_fix_leaves_the_original_or_the_fixed_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("post.md");
    let line = "The side affects of ketamine include dissociation and nausea.\r\n\r\n";
    let original = line.repeat(60_000); // ~3.7 MB, many fixes
    let fixed = original.replace("side affects", "side effects");
    let bin = assert_cmd::cargo::cargo_bin("claimlint");
    let mut saw_original = false;
    let mut saw_fixed = false;
    for delay_ms in [0u64, 5, 10, 20, 40, 80, 120, 200, 400, 800, 1500] {
        std::fs::write(&path, &original).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o604)).unwrap();
        let mut child = StdCommand::new(&bin)
            .args(["--fix", "--quiet", "--max-file-size", "100000000"])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(
            now == original || now == fixed,
            "half-written file after a kill at {delay_ms} ms ({} bytes)",
            now.len()
        );
        saw_original |= now == original;
        saw_fixed |= now == fixed;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o604);
    }
    // Left to finish, the fix lands with CRLF line endings intact.
    std::fs::write(&path, &original).unwrap();
    claimlint()
        .args(["--fix", "--quiet", "--max-file-size", "100000000"])
        .arg(&path)
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);
    assert!(saw_original || saw_fixed);
}

/// A file the user may not read is reported by path; the other files are
/// still linted; the exit status is 2. (As root, the linter is run as an
/// unprivileged user so the permission applies.)
#[test]
fn unreadable_files_are_reported_by_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(d.join("locked.md"), "Ketamine cures depression.\n").unwrap();
    std::fs::write(d.join("open.md"), "Ketamine cures depression.\n").unwrap();
    std::fs::set_permissions(d.join("locked.md"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(d.join("open.md"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("claimlint");
    let is_root = StdCommand::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let mut cmd = if is_root {
        // Run a copy of the binary from the temporary folder, which an
        // unprivileged user can reach wherever the checkout lives.
        let copy = d.join("claimlint-copy");
        std::fs::copy(&bin, &copy).unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = StdCommand::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&copy);
        c
    } else {
        StdCommand::new(&bin)
    };
    let out = cmd
        .args(["--format", "json"])
        .arg(d)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("locked.md: permission denied"), "{stderr}");
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["summary"]["files"], 1);
}
