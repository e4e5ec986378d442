//! What packagers and users install besides the binary: shell completion
//! scripts and man pages, both generated from the command-line definition.

mod common;

use std::process::Command;

use common::claimlint;

const SUBCOMMANDS: [&str; 9] = [
    "check",
    "rules",
    "lexicons",
    "explain",
    "test-rules",
    "lsp",
    "init",
    "completions",
    "man",
];
const FLAGS: [&str; 6] = [
    "fail-on",
    "format",
    "baseline",
    "config",
    "write-baseline",
    "export-phrases",
];

fn completions(shell: &str) -> String {
    let out = claimlint().args(["completions", shell]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completion_scripts_know_every_subcommand_and_flag() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = completions(shell);
        assert!(script.contains("claimlint"), "{shell}:\n{script}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} lacks {sub}:\n{script}");
        }
        for flag in FLAGS {
            // fish writes long flags as `-l fail-on`, the others as `--fail-on`.
            let spelled = if shell == "fish" {
                format!("-l {flag}")
            } else {
                format!("--{flag}")
            };
            assert!(script.contains(&spelled), "{shell} lacks {spelled}");
        }
    }
    // Values of `--format` and `--fail-on` are offered too (PowerShell and
    // elvish complete flags only).
    for shell in ["bash", "zsh", "fish"] {
        let script = completions(shell);
        for value in ["sarif", "github", "warning"] {
            assert!(script.contains(value), "{shell} lacks {value}");
        }
    }
    let bash = completions("bash");
    assert!(bash.contains("complete -F _claimlint"), "{bash}");
    assert!(completions("zsh").starts_with("#compdef claimlint"));
    claimlint()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("possible values"));
}

#[test]
fn bash_accepts_the_bash_script() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claimlint.bash");
    std::fs::write(&path, completions("bash")).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(check.status.success(), "bash -n: {check:?}");
    // Sourced, it registers the completion function for `claimlint`.
    let sourced = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p claimlint",
            path.display()
        ))
        .output()
        .unwrap();
    assert!(sourced.status.success(), "{sourced:?}");
    let registered = String::from_utf8_lossy(&sourced.stdout);
    assert!(registered.starts_with("complete "), "{registered}");
    assert!(registered.contains(" -F _claimlint "), "{registered}");
    assert!(
        registered.trim_end().ends_with(" claimlint"),
        "{registered}"
    );
}

fn man_page() -> String {
    let out = claimlint().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_man_page_has_its_sections_and_every_option() {
    let page = man_page();
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq"), "roff: {page}");
    assert!(page.contains(".TH claimlint 1"), "{page}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH VERSION",
    ] {
        assert!(page.contains(section), "no {section}:\n{page}");
    }
    assert!(
        page.contains("claimlint \\- A fast, rule\\-based linter"),
        "{page}"
    );
    for flag in ["fail\\-on", "baseline", "max\\-file\\-size", "html\\-skip"] {
        assert!(
            page.contains(&format!("\\-\\-{flag}")),
            "no --{flag}:\n{page}"
        );
    }
    for sub in SUBCOMMANDS {
        let sub = sub.replace('-', "\\-");
        assert!(
            page.contains(&format!("claimlint\\-{sub}(1)")),
            "no {sub}:\n{page}"
        );
    }
    assert!(page.contains(env!("CARGO_PKG_VERSION")), "{page}");
}

#[test]
fn man_out_writes_a_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("man/man1");
    let out = claimlint()
        .arg("man")
        .arg("--out")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = SUBCOMMANDS
        .iter()
        .map(|s| format!("claimlint-{s}.1"))
        .chain(["claimlint.1".to_string()])
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), expected.len(), "{stdout}");
    assert!(stdout.lines().all(|l| l.starts_with("Wrote ")), "{stdout}");
    // The main page is the one `claimlint man` prints.
    assert_eq!(
        std::fs::read_to_string(target.join("claimlint.1")).unwrap(),
        man_page()
    );
    let check = std::fs::read_to_string(target.join("claimlint-check.1")).unwrap();
    assert!(check.contains(".SH NAME\nclaimlint\\-check"), "{check}");
    assert!(check.contains("\\-\\-fail\\-on"), "{check}");

    // A folder that cannot be made is an error naming it.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    claimlint()
        .arg("man")
        .arg("--out")
        .arg(file.join("sub"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot write man pages to"));
}

/// `man -l` renders the page, where man-db is installed.
// The skip message is for whoever reads the test log.
#[allow(clippy::print_stderr)]
#[test]
fn man_renders_the_page() {
    let works = Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        eprintln!("SKIPPED man_renders_the_page: `man` is not installed (Debian: man-db)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("claimlint.1");
    std::fs::write(&path, man_page()).unwrap();
    let out = Command::new("man")
        .arg("-l")
        .arg(&path)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "man -l: {out:?}");
    // Rendered: no roff requests left (bold as overstrikes, if any, removed).
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\u{8}' {
            plain.pop();
        } else {
            plain.push(c);
        }
    }
    for heading in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SUBCOMMANDS"] {
        assert!(plain.contains(heading), "no {heading}:\n{plain}");
    }
    assert!(!plain.contains(".SH"), "{plain}");
    assert!(
        plain.contains("--fail-on") || plain.contains("‐‐fail‐on"),
        "{plain}"
    );
}
