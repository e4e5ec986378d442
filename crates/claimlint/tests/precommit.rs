//! The pre-commit hook, with the real `pre-commit` from PyPI: a throw-away
//! git repository uses this repository's `.pre-commit-hooks.yaml` (through
//! `pre-commit try-repo`, which also sees uncommitted changes) and the hook
//! must fail on a bad post and pass on a good one.
//!
//! The `claimlint-system` hook is used, with the binary this test suite
//! built first on PATH: the `claimlint` hook (`language: rust`) would make
//! pre-commit build claimlint again in release mode, minutes on two cores,
//! and it runs the same binary with the same arguments.
//!
//! pre-commit is installed once into a virtual environment under the cargo
//! target folder and reused. The test is skipped, saying so, only when PyPI
//! cannot be reached.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A venv with pre-commit, or None when PyPI is unreachable.
// The skip message is for whoever reads the test log.
#[allow(clippy::print_stderr)]
fn pre_commit() -> Option<PathBuf> {
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-venv");
    let bin = venv.join("bin");
    let exe = bin.join("pre-commit");
    if exe.exists() && run(Command::new(&exe).arg("--version")).status.success() {
        return Some(exe);
    }
    let _ = std::fs::remove_dir_all(&venv);
    let made = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    assert!(
        made.status.success(),
        "python3 -m venv failed:\n{}",
        text(&made)
    );
    let pip = run(Command::new(bin.join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "--timeout",
            "30",
            "pre-commit",
        ])
        .env("PIP_NO_INPUT", "1"));
    if !pip.status.success() {
        let err = String::from_utf8_lossy(&pip.stderr);
        let unreachable = [
            "Failed to establish a new connection",
            "Temporary failure in name resolution",
            "Name or service not known",
            "Network is unreachable",
            "Connection refused",
            "ConnectTimeoutError",
            "ReadTimeoutError",
            "No matching distribution found for pre-commit",
        ]
        .iter()
        .any(|m| err.contains(m));
        assert!(
            unreachable,
            "pip install pre-commit failed:\n{}",
            text(&pip)
        );
        eprintln!(
            "SKIPPED precommit hook test: PyPI is unreachable, so pre-commit cannot be installed:\n{err}"
        );
        return None;
    }
    Some(exe)
}

fn git(dir: &Path, args: &[&str]) {
    let o = run(Command::new("git").current_dir(dir).args(args));
    assert!(o.status.success(), "git {args:?}:\n{}", text(&o));
}

#[test]
fn pre_commit_hook_fails_a_bad_post_and_passes_a_good_one() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let claimlint_dir = Path::new(env!("CARGO_BIN_EXE_claimlint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let this_repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("site");
    std::fs::create_dir_all(repo.join("posts")).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(
        repo.join("posts/bad.md"),
        "# Ketamine\n\nKetamine cures depression and is completely safe.\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("posts/good.md"),
        "# Our clinic\n\nThe clinic opens at nine on weekdays.\n",
    )
    .unwrap();
    let path = format!(
        "{}:{}:/usr/local/bin:/usr/bin:/bin",
        claimlint_dir.display(),
        pre_commit.parent().unwrap().display()
    );
    let hook = |file: &str| {
        run(Command::new(&pre_commit)
            .current_dir(&repo)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", work.path())
            .env("PRE_COMMIT_HOME", work.path().join("cache"))
            .env("NO_COLOR", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .arg("try-repo")
            .arg(&this_repo)
            .args([
                "claimlint-system",
                "--color",
                "never",
                "--verbose",
                "--files",
                file,
            ]))
    };
    let bad = hook("posts/bad.md");
    let out = text(&bad);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(out.contains("claimlint (installed)"), "{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("error[cure.cure-claim]"), "{out}");
    let good = hook("posts/good.md");
    let out = text(&good);
    assert_eq!(good.status.code(), Some(0), "{out}");
    assert!(out.contains("Passed"), "{out}");
}

/// The `claimlint` hook (`language: rust`) makes pre-commit run `cargo
/// install --bins --path .` at the repository root: there must be a
/// package there whose binary is claimlint. (Running that hook would build
/// claimlint in release mode, minutes on two cores; cargo's own view of the
/// root is checked instead.)
#[test]
fn the_rust_hook_finds_a_package_at_the_root() {
    let hooks = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.pre-commit-hooks.yaml"),
    )
    .unwrap();
    assert!(
        hooks.contains("- id: claimlint\n  name: claimlint\n"),
        "{hooks}"
    );
    assert!(hooks.contains("  language: rust\n"), "{hooks}");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = run(Command::new(cargo).current_dir(&root).args([
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--offline",
    ]));
    assert!(out.status.success(), "{}", text(&out));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = root.join("Cargo.toml");
    let package = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| Path::new(p["manifest_path"].as_str().unwrap()) == manifest)
        .expect("a package at the repository root");
    let bins: Vec<(&str, PathBuf)> = package["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"][0] == "bin")
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                PathBuf::from(t["src_path"].as_str().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        bins,
        [("claimlint", root.join("crates/claimlint/src/main.rs"))]
    );
    assert_eq!(package["publish"], serde_json::json!([]), "not published");
    // It is built only for `cargo install --path .`: build and test work on
    // the crates under crates/.
    let defaults = meta["workspace_default_members"].as_array().unwrap();
    let members = meta["workspace_members"].as_array().unwrap();
    assert_eq!(defaults.len(), members.len() - 1, "{defaults:?}");
    assert!(!defaults.contains(&package["id"]));
}
