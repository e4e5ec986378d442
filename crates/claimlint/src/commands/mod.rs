//! The subcommands, and what they share: loading rules, choosing colours.

pub mod check;
pub mod completions;
pub mod init;
pub mod man;
pub mod rules;
pub mod selftest;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{ColorChoice, RuleArgs};
use crate::render::human::{self, Style};
use crate::walk::{display_path, io_message};
use claimlint_core::config::Config;
use claimlint_core::error::LocatedError;
use claimlint_core::rule::RuleSet;
use claimlint_core::rule::compile::{self, RuleFile};

/// Whether to colour output written to stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Reads rule files from a file or a folder (recursively, `.yaml`/`.yml`).
pub fn rule_files_from(path: &Path) -> Result<Vec<RuleFile>, LocatedError> {
    let shown = display_path(path);
    let meta = std::fs::metadata(path)
        .map_err(|e| LocatedError::new(&shown, format!("cannot read rules: {}", io_message(&e))))?;
    let mut paths = Vec::new();
    if meta.is_dir() {
        for entry in ignore::WalkBuilder::new(path)
            .standard_filters(false)
            .hidden(true)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build()
        {
            let entry = entry.map_err(|e| LocatedError::new(&shown, e.to_string()))?;
            let p = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file())
                && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
            {
                paths.push(p.to_path_buf());
            }
        }
    } else {
        paths.push(path.to_path_buf());
    }
    let mut files = Vec::new();
    for p in paths {
        let shown = display_path(&p);
        let bytes = std::fs::read(&p).map_err(|e| {
            LocatedError::new(&shown, format!("cannot read rule file: {}", io_message(&e)))
        })?;
        files.push(RuleFile::from_bytes(shown, bytes)?);
    }
    Ok(files)
}

/// The rule files a run compiles: the built-in pack (`builtin`; all of it
/// when `defaults`, else only its lexicons and facts, which user rules may
/// name), then the files under each path given with `--rules`, then those
/// under each path in the configuration's `rules:` (an error there points
/// into the configuration). A file reached twice (a folder named both on
/// the command line and in `.claimlint.yaml`) is read once.
pub fn rule_files(
    builtin: Vec<RuleFile>,
    defaults: bool,
    cli: &[PathBuf],
    config: Option<&Config>,
) -> Result<Vec<RuleFile>, Vec<LocatedError>> {
    let mut files: Vec<RuleFile> = builtin
        .into_iter()
        .filter(|f| defaults || f.is_lexicon() || f.is_facts())
        .collect();
    let mut errors = Vec::new();
    for path in cli {
        match rule_files_from(&relative_to_cwd(path)) {
            Ok(more) => files.extend(more),
            Err(e) => errors.push(e),
        }
    }
    if let Some(c) = config {
        for (i, path) in c.rules.iter().enumerate() {
            match rule_files_from(&relative_to_cwd(path)) {
                Ok(more) => files.extend(more),
                Err(e) => errors.push(c.rule_path_error(i, e.message)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| f.builtin || seen.insert(crate::config::absolute(Path::new(&f.path))));
    Ok(files)
}

/// `path` relative to the current folder when it is inside it (as paths
/// are shown), else as it is.
pub fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = crate::config::absolute(Path::new("."));
    match path.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

/// Loads the built-in pack (unless disabled) and the extra rule paths, and
/// the `rules:` of the `.claimlint.yaml` that applies to the current folder
/// (so `rules`, `explain` and `test-rules` see the house rules `check`
/// uses).
pub fn load_rules(args: &RuleArgs) -> Result<RuleSet, Vec<LocatedError>> {
    let cwd = crate::config::absolute(Path::new("."));
    let config = match crate::config::Discovery::default().find(&cwd) {
        Some(path) => {
            let shown = path
                .strip_prefix(&cwd)
                .map_or(path.clone(), Path::to_path_buf);
            Some(crate::config::load(&shown)?)
        }
        None => None,
    };
    let defaults = !args.no_default_rules
        && config
            .as_ref()
            .and_then(|c| c.default_rules)
            .unwrap_or(true);
    let files = rule_files(
        compile::builtin_files(),
        defaults,
        &args.rules,
        config.as_ref(),
    )?;
    compile::load(&files)
}

/// Prints rule-loading errors and a closing line.
pub fn report_rule_errors(
    errors: &[LocatedError],
    err: &mut dyn Write,
    color: bool,
) -> std::io::Result<()> {
    let style = Style { color };
    for e in errors {
        err.write_all(human::render_error(style, e).as_bytes())?;
    }
    let n = errors.len();
    let line = format!(
        "could not load rules: {n} error{} (nothing was linted)",
        if n == 1 { "" } else { "s" }
    );
    err.write_all(human::render_plain_error(style, &line).as_bytes())
}

/// Whether to colour output written to stderr.
pub fn use_color_stderr(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// A first bare word that is not a path: `claimlint help [SUBCOMMAND]`
/// prints the help, and a word close to a subcommand's name (`claimlint
/// chek`) is an error with a suggestion rather than "no such file". An
/// existing file or folder of that name is always linted. `None`: lint the
/// paths.
pub fn bare_word(
    paths: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Option<crate::ExitStatus>> {
    use clap::CommandFactory;
    let Some(first) = paths.first() else {
        return Ok(None);
    };
    if first == "-" || first.contains(['/', '\\', '.']) || Path::new(first).exists() {
        return Ok(None);
    }
    let mut cli = crate::cli::Cli::command();
    cli.build();
    if first == "help" {
        let help = match paths.get(1).and_then(|name| cli.find_subcommand_mut(name)) {
            Some(sub) => sub.render_long_help(),
            None => cli.render_long_help(),
        };
        out.write_all(help.to_string().as_bytes())?;
        return Ok(Some(crate::ExitStatus::Clean));
    }
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    let Some(near) = compile::did_you_mean(first, names) else {
        return Ok(None);
    };
    let style = Style {
        color: use_color_stderr(ColorChoice::Auto),
    };
    let message = format!(
        "`{first}` is neither a file nor a subcommand; did you mean `claimlint {near}`? \
         (to lint a path of that name, write `./{first}`; `claimlint help` lists the subcommands)"
    );
    err.write_all(human::render_plain_error(style, &message).as_bytes())?;
    Ok(Some(crate::ExitStatus::Error))
}
