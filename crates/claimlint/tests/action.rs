//! The GitHub Action's shell (`scripts/action-run.sh` and
//! `scripts/action-install.sh`, which `action.yml` runs), run here as a
//! runner would run it: the `GITHUB_*` files are temporary files, the
//! repository is a throw-away git repository, and `claimlint` is the binary
//! this test suite built (or, to check exactly which arguments the script
//! passes, a stand-in that records them).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// bash, as found on this process's `PATH`.
fn bash() -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("bash"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("/bin/bash"))
}

fn script(name: &str) -> PathBuf {
    repo_root().join("scripts").join(name)
}

fn text(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}:\n{}", text(&o));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

fn executable(path: &Path, contents: &str) {
    write(path, contents);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

const BAD: &str = "# Ketamine\n\nKetamine cures depression and is completely safe.\n";
const GOOD: &str = "# Our clinic\n\nThe clinic opens at nine on weekdays.\n";

/// A runner's workspace: a git repository with posts, and the files the
/// runner hands a step.
struct Runner {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// The system's part of `PATH`.
    system_path: String,
}

impl Runner {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        git(&work, &["init", "-q", "-b", "main"]);
        write(&work.join("posts/bad post.md"), BAD);
        write(&work.join("-good.md"), GOOD);
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-q", "-m", "posts"]);
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        Runner {
            dir,
            bin,
            system_path: "/usr/local/bin:/usr/bin:/bin".into(),
        }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn summary_path(&self) -> PathBuf {
        self.dir.path().join("step_summary.md")
    }

    fn output_path(&self) -> PathBuf {
        self.dir.path().join("github_output")
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.summary_path()).unwrap_or_default()
    }

    fn outputs(&self) -> String {
        std::fs::read_to_string(self.output_path()).unwrap_or_default()
    }

    /// Runs `scripts/NAME` with `inputs` (and `PATH` = the stand-ins'
    /// folder, then `path_first`, then the system's).
    fn run(&self, name: &str, args: &[&str], path_first: &Path, inputs: &[(&str, &str)]) -> Output {
        let path = format!(
            "{}:{}:{}",
            self.bin.display(),
            path_first.display(),
            self.system_path
        );
        let mut cmd = Command::new(bash());
        cmd.arg(script(name))
            .args(args)
            .current_dir(self.work())
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", self.work())
            .env("GITHUB_STEP_SUMMARY", self.summary_path())
            .env("GITHUB_OUTPUT", self.output_path())
            .env("GITHUB_PATH", self.dir.path().join("github_path"));
        for (k, v) in inputs {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// `action-run.sh` with the claimlint this suite built.
    fn lint(&self, inputs: &[(&str, &str)]) -> Output {
        let built = Path::new(env!("CARGO_BIN_EXE_claimlint")).parent().unwrap();
        self.run("action-run.sh", &[], built, inputs)
    }

    /// A `claimlint` stand-in that appends its arguments (one per line,
    /// then a line `--end--`) to `calls.txt` and exits with `status`.
    fn record(&self, status: i32) -> PathBuf {
        let calls = self.dir.path().join("calls.txt");
        executable(
            &self.bin.join("claimlint"),
            &format!(
                "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{}'; done\necho --end-- >> '{}'\nexit {status}\n",
                calls.display(),
                calls.display()
            ),
        );
        calls
    }
}

fn calls(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut calls = vec![Vec::new()];
    for line in text.lines() {
        if line == "--end--" {
            calls.push(Vec::new());
        } else {
            calls.last_mut().unwrap().push(line.to_string());
        }
    }
    calls.pop();
    calls
}

#[test]
fn findings_are_annotated_summarised_and_written_as_sarif() {
    let runner = Runner::new();
    let out = runner.lint(&[
        ("INPUT_PATHS", "posts/bad post.md\n-good.md\n"),
        ("INPUT_FAIL_ON", "error"),
        ("INPUT_SARIF", "reports/claim lint.sarif"),
        ("INPUT_CHANGED_ONLY", "false"),
    ]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error file=posts/bad post.md,line=3,"),
        "{log}"
    );
    assert!(stdout.contains("title=cure.cure-claim::"), "{log}");
    assert!(!stdout.contains("-good.md"), "{log}");
    assert!(stdout.contains("in 2 files."), "{log}");

    let summary = runner.summary();
    assert!(summary.contains("### claimlint\n"), "{summary}");
    assert!(
        summary.contains("| error | `posts/bad post.md:3:"),
        "{summary}"
    );
    assert!(
        summary.contains("**Failed**: findings at or above `error`."),
        "{summary}"
    );
    assert!(
        summary.contains("SARIF written to `reports/claim lint.sarif`."),
        "{summary}"
    );
    assert_eq!(
        runner.outputs(),
        "exit-code=1\nsarif=reports/claim lint.sarif\n"
    );

    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(runner.work().join("reports/claim lint.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .contains("bad")
    }));
    assert!(results.iter().any(|r| r["ruleId"] == "cure.cure-claim"));
}

#[test]
fn a_clean_post_passes() {
    let runner = Runner::new();
    let out = runner.lint(&[("INPUT_PATHS", "-good.md")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = runner.summary();
    assert!(summary.contains("No findings in 1 file."), "{summary}");
    assert!(
        summary.contains("**Passed**: no finding at or above the configured fail-on."),
        "{summary}"
    );
    assert_eq!(runner.outputs(), "exit-code=0\nsarif=\n");
}

#[test]
fn an_error_fails_the_step_and_says_so() {
    let runner = Runner::new();
    let out = runner.lint(&[
        ("INPUT_CONFIG", "no such config.yaml"),
        ("INPUT_SARIF", "claimlint.sarif"),
    ]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(log.contains("no such config.yaml"), "{log}");
    assert!(
        runner
            .summary()
            .contains("**Error**: claimlint exited with status 2")
    );
    assert!(!runner.work().join("claimlint.sarif").exists());
    assert!(runner.outputs().starts_with("exit-code=2\n"));
}

#[test]
fn inputs_are_never_split_globbed_or_taken_as_options() {
    let runner = Runner::new();
    let calls_file = runner.record(1);
    let head = git(&runner.work(), &["rev-parse", "HEAD"]);
    let out = runner.lint(&[
        (
            "INPUT_PATHS",
            "  posts/bad post.md  \n\n--version\nposts/*.md\r\n-\n",
        ),
        ("INPUT_FAIL_ON", " warning "),
        ("INPUT_CONFIG", "--isolated"),
        ("INPUT_BASELINE", "base line.json"),
        ("INPUT_CHANGED_ONLY", "true"),
        ("INPUT_BASE", &head),
        ("INPUT_SARIF", "out/-x.sarif"),
        (
            "INPUT_ARGS",
            "--max-annotations=5\n--html-skip=div.cookie banner\n",
        ),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let options = [
        "--fail-on=warning".to_string(),
        "--config=--isolated".to_string(),
        "--baseline=base line.json".to_string(),
        format!("--since={head}"),
        "--max-annotations=5".to_string(),
        "--html-skip=div.cookie banner".to_string(),
        "--".to_string(),
        "posts/bad post.md".to_string(),
        "--version".to_string(),
        "posts/*.md".to_string(),
        "-".to_string(),
    ];
    let expected = |format: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["check"]
            .iter()
            .chain(format)
            .map(|s| s.to_string())
            .collect();
        v.extend(options.iter().cloned());
        v
    };
    assert_eq!(
        calls(&calls_file),
        [
            expected(&["--format=github"]),
            expected(&["--format=sarif", "--quiet"])
        ]
    );
    assert!(runner.work().join("out/-x.sarif").exists());
    assert!(runner.summary().contains(&format!(
        "Only lines added or changed since `{head}` were checked."
    )));
}

#[test]
fn changed_only_needs_a_base_that_is_not_an_option() {
    let runner = Runner::new();
    let calls_file = runner.record(0);
    // No base (a new branch's first push): every line, with a notice.
    for base in ["", "0000000000000000000000000000000000000000"] {
        let out = runner.lint(&[("INPUT_CHANGED_ONLY", "true"), ("INPUT_BASE", base)]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout)
                .contains("::notice title=claimlint::changed-only: no base commit"),
            "{}",
            text(&out)
        );
    }
    let recorded = calls(&calls_file);
    assert_eq!(recorded.len(), 2);
    assert!(
        recorded
            .iter()
            .all(|c| !c.iter().any(|a| a.starts_with("--since")))
    );

    for (inputs, message) in [
        (
            [
                ("INPUT_CHANGED_ONLY", "true"),
                ("INPUT_BASE", "--upload-pack=touch pwned"),
            ],
            "is not a commit or ref",
        ),
        (
            [("INPUT_CHANGED_ONLY", "maybe"), ("INPUT_BASE", "HEAD")],
            "changed-only must be true or false",
        ),
    ] {
        let out = runner.lint(&inputs);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(message),
            "{}",
            text(&out)
        );
    }
    assert!(!runner.work().join("pwned").exists());
    assert_eq!(calls(&calls_file).len(), 2, "claimlint was not run");
}

#[test]
fn install_resolves_versions_and_caches_the_build() {
    let runner = Runner::new();
    let none = runner.dir.path().join("empty");
    std::fs::create_dir_all(&none).unwrap();
    let cache = runner.dir.path().join("cache");
    let cache_str = cache.to_str().unwrap();
    // A repository with a branch, standing in for the real one.
    let upstream = runner.work();
    let head = git(&upstream, &["rev-parse", "HEAD"]);
    let upstream_str = upstream.to_str().unwrap();
    let resolve = |version: &str| -> (Option<i32>, String, String) {
        let _ = std::fs::remove_file(runner.output_path());
        let out = runner.run(
            "action-install.sh",
            &["resolve"],
            &none,
            &[
                ("INPUT_VERSION", version),
                ("CLAIMLINT_CACHE_DIR", cache_str),
                ("CLAIMLINT_REPOSITORY", upstream_str),
                ("GITHUB_ACTION_PATH", repo_root().to_str().unwrap()),
            ],
        );
        (out.status.code(), runner.outputs(), text(&out))
    };
    let outputs = |kind: &str, reference: &str, key: &str| {
        format!("kind={kind}\nref={reference}\nkey={key}\nroot={cache_str}/{key}\n")
    };
    for (version, kind, reference) in [
        ("0.1.0", "tag", "v0.1.0"),
        (" v1.2.3-rc.1 ", "tag", "v1.2.3-rc.1"),
        (head.as_str(), "rev", head.as_str()),
        ("main", "rev", head.as_str()),
    ] {
        let (status, written, log) = resolve(version);
        assert_eq!(status, Some(0), "{version}: {log}");
        assert_eq!(written, outputs(kind, reference, reference), "{version}");
    }
    // No version: the action's own source, keyed on its contents.
    let (status, written, log) = resolve("");
    assert_eq!(status, Some(0), "{log}");
    let key = written
        .lines()
        .find_map(|l| l.strip_prefix("key="))
        .unwrap()
        .to_string();
    assert!(
        key.starts_with("source-") && key.len() == "source-".len() + 16,
        "{key}"
    );
    assert_eq!(
        written,
        format!(
            "kind=path\nref={}\nkey={key}\nroot={cache_str}/{key}\n",
            repo_root().display()
        )
    );
    assert_eq!(resolve("").1, written, "the key is stable");
    for (version, message) in [
        ("--upload-pack=x", "is not a version"),
        ("no-such-branch", "no such tag or branch"),
        ("1.2", "no such tag or branch"),
    ] {
        let (status, _, log) = resolve(version);
        assert_eq!(status, Some(2), "{version}: {log}");
        assert!(log.contains(message), "{version}: {log}");
    }

    // Install: cargo builds into the cache folder, once.
    let cargo_calls = runner.dir.path().join("cargo.txt");
    executable(
        &runner.bin.join("cargo"),
        &format!(
            "#!/bin/bash\nprintf '%s\\n' \"$*\" >> '{}'\nroot=$4\nmkdir -p \"$root/bin\"\nprintf '#!/bin/sh\\necho claimlint 0.1.0\\n' > \"$root/bin/claimlint\"\nchmod +x \"$root/bin/claimlint\"\n",
            cargo_calls.display()
        ),
    );
    let root = cache.join("v0.1.0");
    let install = || {
        let _ = std::fs::remove_file(runner.output_path());
        runner.run(
            "action-install.sh",
            &["install"],
            &none,
            &[
                ("CLAIMLINT_KIND", "tag"),
                ("CLAIMLINT_REF", "v0.1.0"),
                ("CLAIMLINT_ROOT", root.to_str().unwrap()),
            ],
        )
    };
    for _ in 0..2 {
        let out = install();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("claimlint 0.1.0"));
        assert_eq!(
            runner.outputs(),
            format!("claimlint={}/bin/claimlint\n", root.display())
        );
    }
    assert_eq!(
        std::fs::read_to_string(&cargo_calls).unwrap(),
        format!(
            "install --locked --root {} --git https://github.com/claimlint/claimlint --tag v0.1.0 claimlint\n",
            root.display()
        ),
        "built once, then taken from the cache"
    );
    let path_file = std::fs::read_to_string(runner.dir.path().join("github_path")).unwrap();
    assert_eq!(path_file, format!("{0}/bin\n{0}/bin\n", root.display()));

    // Without cargo, the error says what to add. (Nothing but the
    // stand-ins' folder on PATH: the script needs only bash's builtins
    // before it looks for cargo.)
    std::fs::remove_file(runner.bin.join("cargo")).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    let runner = Runner {
        system_path: runner.bin.display().to_string(),
        ..runner
    };
    let out = runner.run(
        "action-install.sh",
        &["install"],
        &none,
        &[
            ("CLAIMLINT_KIND", "tag"),
            ("CLAIMLINT_REF", "v0.1.0"),
            ("CLAIMLINT_ROOT", root.to_str().unwrap()),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("cargo is not installed"),
        "{}",
        text(&out)
    );
}
