//! The installation instructions agree with what they point at: one
//! repository URL everywhere, release tags that match the crates' version,
//! hook ids that `.pre-commit-hooks.yaml` defines, action inputs that
//! `action.yml` declares, and a README that shows first how to install,
//! then how to lint `seeds/` and run the tests.

mod common;

use std::path::Path;

use regex::Regex;

const REPOSITORY: &str = "https://github.com/claimlint/claimlint";

fn read(rel: &str) -> String {
    std::fs::read_to_string(common::repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The files a user reads to install or wire claimlint up.
fn documents() -> Vec<(String, String)> {
    let mut names: Vec<String> = [
        "README.md",
        "CHANGELOG.md",
        "action.yml",
        "Dockerfile",
        ".pre-commit-hooks.yaml",
        "Cargo.toml",
        "crates/claimlint/Cargo.toml",
        "crates/claimlint-core/Cargo.toml",
        "scripts/action-install.sh",
        "scripts/action-run.sh",
    ]
    .map(String::from)
    .to_vec();
    for entry in std::fs::read_dir(common::repo().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            names.push(format!(
                "docs/{}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    names
        .into_iter()
        .map(|n| (read(&n), n))
        .map(|(t, n)| (n, t))
        .collect()
}

#[test]
fn one_repository_url_and_tags_of_this_version() {
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let url =
        Regex::new(r"github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]*claimlint[A-Za-z0-9_.-]*)")
            .unwrap();
    let uses = Regex::new(r"claimlint/claimlint@(v[^\s`]+)").unwrap();
    let rev = Regex::new(r"rev: (v[0-9A-Za-z.+-]+)").unwrap();
    // `vX.Y.Z` is how the documents write the convention itself.
    let pinned = |found: &str| found == tag || found == "vX.Y.Z";
    let mut urls = 0;
    let mut pins = 0;
    for (name, text) in documents() {
        for c in url.captures_iter(&text) {
            urls += 1;
            assert_eq!(
                &c[0], "github.com/claimlint/claimlint",
                "{name}: another repository URL"
            );
        }
        for c in uses.captures_iter(&text) {
            pins += 1;
            assert!(pinned(&c[1]), "{name}: the action pinned to {}", &c[1]);
        }
        for c in rev.captures_iter(&text) {
            pins += 1;
            assert!(pinned(&c[1]), "{name}: the hook pinned to {}", &c[1]);
        }
        assert!(!text.contains("OWNER/"), "{name}: a placeholder owner");
    }
    assert!(urls >= 10, "{urls} repository URLs");
    assert!(pins >= 5, "{pins} pinned tags");
    // The manifests say the same.
    assert!(read("Cargo.toml").contains(&format!("repository = \"{REPOSITORY}\"")));
    for krate in ["claimlint", "claimlint-core"] {
        let text = read(&format!("crates/{krate}/Cargo.toml"));
        assert!(text.contains("repository.workspace = true"), "{krate}");
        for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
            let linked = common::repo().join("crates").join(krate).join(file);
            assert_eq!(
                std::fs::read_to_string(&linked).unwrap(),
                read(file),
                "{krate}/{file}"
            );
        }
    }
    assert!(read("CHANGELOG.md").contains(&format!("## [{}]", env!("CARGO_PKG_VERSION"))));
}

/// The text of each fenced code block in `section` (a `## ` heading).
fn blocks_of<'a>(readme: &'a str, heading: &str) -> Vec<&'a str> {
    let start = readme
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no {heading}"));
    let rest = &readme[start + heading.len() + 2..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    section.split("```").skip(1).step_by(2).collect()
}

#[test]
fn the_readme_shows_install_then_the_two_commands() {
    let readme = read("README.md");
    let headings: Vec<&str> = readme.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(headings[..2], ["## Installation", "## Quick start"]);
    let before = &readme[..readme.find("## Installation").unwrap()];
    assert!(
        !before.contains("```"),
        "no command before the installation"
    );
    let install = blocks_of(&readme, "## Installation");
    assert!(install[0].contains("cargo install --locked --path crates/claimlint"));
    assert!(install[0].contains("cargo install --locked claimlint"));
    let quick = blocks_of(&readme, "## Quick start");
    let commands: Vec<&str> = quick[0]
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('#').next().unwrap().trim())
        .collect();
    assert_eq!(commands, ["claimlint seeds/", "cargo test"]);
    assert!(Path::new(&common::repo().join("crates/claimlint/Cargo.toml")).exists());
}

#[test]
fn hook_ids_and_action_inputs_exist() {
    let hooks = read(".pre-commit-hooks.yaml");
    let defined: Vec<String> = Regex::new(r"(?m)^- id: (\S+)$")
        .unwrap()
        .captures_iter(&hooks)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(defined, ["claimlint", "claimlint-system"]);
    let readme = read("README.md");
    let pre_commit = blocks_of(&readme, "## pre-commit").join("\n");
    let used: Vec<String> = Regex::new(r"- id: (\S+)")
        .unwrap()
        .captures_iter(&pre_commit)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(used, defined, "README's hooks");

    let action = read("action.yml");
    let inputs_block =
        &action[action.find("\ninputs:\n").unwrap()..action.find("\noutputs:\n").unwrap()];
    let inputs: Vec<String> = Regex::new(r"(?m)^  ([a-z-]+):$")
        .unwrap()
        .captures_iter(inputs_block)
        .map(|c| c[1].to_string())
        .collect();
    for input in [
        "paths",
        "version",
        "fail-on",
        "config",
        "baseline",
        "changed-only",
        "base",
        "sarif",
        "args",
    ] {
        assert!(
            inputs.contains(&input.to_string()),
            "action.yml lacks {input}"
        );
    }
    // Every `with:` key in the README's and the action guide's workflows is
    // an input of the action (or of the other actions they use).
    let others = ["sarif_file", "category", "fetch-depth"];
    let key = Regex::new(r"(?m)^ {10}([a-z_-]+):").unwrap();
    for text in [readme, read("docs/github-action.md")] {
        for block in text.split("```yaml").skip(1) {
            let block = &block[..block.find("```").unwrap()];
            for c in key.captures_iter(block) {
                let k = &c[1];
                assert!(
                    inputs.iter().any(|i| i == k) || others.contains(&k),
                    "`{k}` is no input of action.yml"
                );
            }
        }
    }
    // The action runs the scripts that the tests run.
    for script in ["scripts/action-install.sh", "scripts/action-run.sh"] {
        assert!(
            action.contains(&format!("$GITHUB_ACTION_PATH/{script}")),
            "{script}"
        );
    }
}
