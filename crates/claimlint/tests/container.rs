//! The container image: `Dockerfile` at the repository root is built and
//! run on a mounted folder, with docker or podman, whichever answers.
//!
//! Building compiles claimlint in release mode inside the image's build
//! stage (several minutes on two cores) and needs the base images and
//! crates.io. The test is skipped, saying why, where no container runtime
//! works (no docker or podman, or no daemon behind the docker client), or
//! when CLAIMLINT_SKIP_CONTAINER_TEST is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn text(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The first runtime whose `info` succeeds, or why there is none.
fn runtime() -> Result<&'static str, String> {
    let mut reasons = Vec::new();
    for name in ["docker", "podman"] {
        match Command::new(name).arg("info").output() {
            Ok(o) if o.status.success() => return Ok(name),
            Ok(o) => {
                let err = String::from_utf8_lossy(&o.stderr);
                let line = err
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("no message");
                reasons.push(format!("`{name} info` failed ({line})"));
            }
            Err(e) => reasons.push(format!("{name} is not installed ({e})")),
        }
    }
    Err(reasons.join("; "))
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Removes the image when the test ends, passed or not.
struct Image<'a> {
    runtime: &'a str,
    tag: String,
}

impl Drop for Image<'_> {
    fn drop(&mut self) {
        let _ = Command::new(self.runtime)
            .args(["rmi", "--force", &self.tag])
            .output();
    }
}

fn mount(dir: &Path) -> String {
    format!("{}:/work", dir.display())
}

// The skip message is for whoever reads the test log.
#[allow(clippy::print_stderr)]
#[test]
fn the_image_lints_a_mounted_folder() {
    if std::env::var_os("CLAIMLINT_SKIP_CONTAINER_TEST").is_some() {
        eprintln!("SKIPPED container image test: CLAIMLINT_SKIP_CONTAINER_TEST is set");
        return;
    }
    let runtime = match runtime() {
        Ok(r) => r,
        Err(why) => {
            eprintln!("SKIPPED container image test: no container runtime works here: {why}");
            return;
        }
    };
    let image = Image {
        runtime,
        tag: format!("claimlint-test:{}", std::process::id()),
    };
    let built = run(Command::new(runtime).current_dir(repo_root()).args([
        "build",
        "--tag",
        &image.tag,
        "--file",
        "Dockerfile",
        ".",
    ]));
    assert!(built.status.success(), "{runtime} build:\n{}", text(&built));

    let site = tempfile::tempdir().unwrap();
    let posts = site.path().join("posts");
    std::fs::create_dir_all(&posts).unwrap();
    std::fs::write(
        posts.join("bad.md"),
        "# Ketamine\n\nKetamine cures depression and is completely safe.\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("good.md"),
        "# Our clinic\n\nThe clinic opens at nine on weekdays.\n",
    )
    .unwrap();
    // Readable by the image's unprivileged user.
    for p in [site.path(), &posts] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let docker_run = |args: &[&str]| {
        run(Command::new(runtime)
            .args(["run", "--rm", "-v", &mount(site.path()), &image.tag])
            .args(args))
    };

    // As in the README: a path under the mount, absolute or relative.
    for target in ["/work/posts", "posts"] {
        let out = docker_run(&[target]);
        let log = text(&out);
        assert_eq!(out.status.code(), Some(1), "{log}");
        assert!(log.contains("error[cure.cure-claim]"), "{log}");
        assert!(log.contains("posts/bad.md:3:10"), "{log}");
    }
    let out = docker_run(&["good.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // No argument: the whole mounted folder.
    let out = docker_run(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 2, "{json}");

    let out = docker_run(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("claimlint {}", env!("CARGO_PKG_VERSION"))
    );
}
