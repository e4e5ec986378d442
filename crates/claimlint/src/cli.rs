//! Command-line interface (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use claimlint_core::diagnostic::Severity;
use claimlint_core::render::OutputFormat;

const AFTER_HELP: &str = "\
Exit status: 0 no finding at or above --fail-on; 1 findings at or above it
(with --diff: fixes to apply); 2 usage, configuration, rule-file or I/O error.

Examples:
  claimlint seeds/                     lint a folder (.md, .mdx, .html, .txt…)
  claimlint draft.md --fail-on warning fail on warnings too
  cat post.md | claimlint - --stdin-filename post.md
  claimlint --format sarif . > claimlint.sarif
  claimlint --write-baseline .claimlint-baseline.json   accept today's findings
  claimlint --baseline .claimlint-baseline.json         report only new ones
  claimlint --fix content/             apply substitution fixes (--diff to preview)
  claimlint init                       write a commented .claimlint.yaml
  claimlint explain safety.not-addictive
  claimlint lexicons                   the word lists rules read context with
  claimlint test-rules my-rules/       run the examples of your own rules
  claimlint lsp                        language server for editors (stdio)
  claimlint completions bash           shell completions (also zsh, fish…)
  claimlint man --out man/             man pages, one per subcommand";

/// A fast, rule-based linter for misleading claims in health content.
///
/// claimlint reads YAML rules (a default pack is built in) and prints
/// rustc-style annotated diagnostics: unsupported superlatives, cure and
/// guarantee language, minimised risks, posts that praise a treatment and
/// never name a side effect, boilerplate, duplicated text.
#[derive(Debug, Parser)]
#[command(name = "claimlint", version, about, long_about, after_help = AFTER_HELP)]
#[command(args_conflicts_with_subcommands = true, disable_help_subcommand = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders (the default command).
    Check(CheckArgs),
    /// List the loaded rules.
    Rules(RulesArgs),
    /// Explain a rule (why it exists, its sources and examples), or list
    /// the rules of a category.
    Explain(ExplainArgs),
    /// List the loaded lexicons and their terms.
    Lexicons(LexiconsArgs),
    /// Run every rule's own valid/invalid examples.
    TestRules(TestRulesArgs),
    /// Run the language server (LSP over stdin/stdout) for editors.
    Lsp(LspArgs),
    /// Write a commented starter `.claimlint.yaml`.
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one per subcommand with `--out`.
    Man(ManArgs),
}

#[derive(Debug, Clone, Args)]
pub struct LspArgs {
    /// Accepted for editor clients that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,

    /// In HTML, also skip elements matching SELECTOR (as for `check`).
    #[arg(long = "html-skip", value_name = "SELECTOR")]
    pub html_skip: Vec<String>,

    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Where rules come from.
#[derive(Debug, Clone, Args, Default)]
pub struct RuleArgs {
    /// Add rules from a YAML file or a folder of them (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Do not load the built-in rule pack (its lexicons stay available).
    #[arg(long)]
    pub no_default_rules: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

/// `--format` of `claimlint rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files or folders to lint; `-` reads standard input. Default: `.`
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format [default: `format:` in the configuration, else human].
    #[arg(long, value_parser = output_format())]
    pub format: Option<OutputFormat>,

    /// Exit with status 1 when there is a finding at or above this severity
    /// [default: `fail-on:` in each file's configuration, else error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Name (and so format) of the text read from `-`.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// How to read files that are not UTF-8: `auto` (detect the encoding
    /// and say so in a note) or an encoding for every file, e.g.
    /// `windows-1252`. Byte offsets in the output stay those of the file as
    /// stored.
    #[arg(long, value_name = "ENCODING", default_value = "auto", value_parser = crate::encoding::EncodingChoice::parse)]
    pub encoding: crate::encoding::EncodingChoice,

    /// Skip files larger than this many bytes (with a warning).
    #[arg(long, value_name = "BYTES", default_value_t = crate::walk::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

    /// Do not print the summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Report only findings on lines added or changed since this git
    /// revision (the working tree against it; untracked files count as new).
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,

    /// Make files skipped while walking folders (too large, binary) fail
    /// the run with status 2 [default: `fail-on-skipped:` in the
    /// configuration, else no].
    #[arg(long)]
    pub fail_on_skipped: bool,

    /// Show only findings at or above this severity; what fails the run
    /// is unchanged [default: `min-severity:` in the configuration, else info].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<FailOn>,

    /// In HTML, also skip elements matching SELECTOR (repeatable; a tag,
    /// `.class`, `#id`, `[attr=value]` or a combination such as
    /// `div.cookie-banner`; comma-separated lists allowed).
    #[arg(long = "html-skip", value_name = "SELECTOR")]
    pub html_skip: Vec<String>,
    /// Use this configuration file for every input (no discovery).
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every `.claimlint.yaml`.
    #[arg(long)]
    pub isolated: bool,

    /// Let suppression comments omit the ` -- reason`.
    #[arg(long)]
    pub no_require_reason: bool,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in this baseline file, then exit 0.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff", "baseline"])]
    pub write_baseline: Option<PathBuf>,

    /// Apply machine-applicable fixes (substitutions) in place.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Print the fixes as a unified diff instead of writing them; exit 1 if
    /// there is any.
    #[arg(long)]
    pub diff: bool,

    /// With `--format github`: annotate at most this many findings (errors
    /// first); the rest are counted in a notice.
    #[arg(long, value_name = "N", default_value_t = crate::render::github::DEFAULT_MAX_ANNOTATIONS)]
    pub max_annotations: usize,

    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Print every literal phrase of the loaded rules, one per line
    /// (lower case, sorted), for use with other tools.
    #[arg(long)]
    pub export_phrases: bool,

    /// With `--export-phrases`: also print the phrases the rules read
    /// context with (lexicon terms and term groups), which every file is
    /// searched for as well.
    #[arg(long, requires = "export_phrases")]
    pub with_context: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,

    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Args)]
pub struct LexiconsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,

    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// Rule id (e.g. `safety.not-addictive`), a category (`safety`: its
    /// rules are listed), or one of claimlint's own finding ids
    /// (`claimlint.unused-suppression`).
    #[arg(value_name = "ID")]
    pub id: String,

    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Args)]
pub struct TestRulesArgs {
    /// Rule files or folders to test (they are loaded with the built-in
    /// lexicons). Default: every loaded rule.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Folder to write `.claimlint.yaml` in. Default: the current folder.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Overwrite an existing `.claimlint.yaml`.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write `claimlint.1` and a `claimlint-SUBCOMMAND.1` page per
    /// subcommand to this folder (created if missing) instead of printing
    /// the main page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `--format`'s parser: the core's formats, each with its help line.
fn output_format() -> impl clap::builder::TypedValueParser<Value = OutputFormat> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(
        OutputFormat::ALL.map(|f| PossibleValue::new(f.name()).help(f.description())),
    )
    .map(|name| name.parse().expect("a possible value"))
}
