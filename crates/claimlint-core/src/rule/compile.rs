//! Loading: YAML text → specs → checked, compiled [`RuleSet`].
//!
//! Every problem becomes a [`LocatedError`] pointing at the offending value;
//! all files are checked and all errors reported together.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use regex::RegexBuilder;

use serde_saphyr::Spanned;

use crate::yaml::span_of;

use super::spec::{self, FamiliesSpec, KindSpec, LexiconSpec, RuleSpec, S};
use super::tokens::{self, Families, GateAtom};
use super::{
    Context, Examples, Fact, LazyRegex, Lexicon, Origin, Pattern, Policy, RawMatcher, Repetition,
    Require, RequireScope, Rule, RuleKind, RuleSet, Special, Substitution, Template, Unit,
};
use crate::error::LocatedError;
pub use crate::error::{did_you_mean, distance};
pub use crate::scan::Workload;
use crate::scan::{Owner, ScannerBuilder, normalise_phrase};
use crate::source::SourceFile;

/// Largest rule or lexicon file accepted.
pub const MAX_RULE_FILE_BYTES: usize = 1 << 20;
const SCOPES: &[&str] = &["heading", "paragraph", "list", "quote", "table", "alt"];

/// A rule or lexicon file to load.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub path: String,
    pub text: Arc<str>,
    pub builtin: bool,
    /// The file's YAML already parsed into JSON (the embedded pack's, done
    /// at build time). Read instead of `text` when it deserialises; values
    /// read from it have no source location, so a load that fails is
    /// repeated from `text` to locate its errors.
    pub precompiled: Option<&'static str>,
}

impl RuleFile {
    /// A user's rule file: `text` as read from `path` (which names it in
    /// errors, and whose folder says whether it is a lexicon).
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
            builtin: false,
            precompiled: None,
        }
    }

    /// A user's rule file from the bytes read at `path`: an error, located
    /// at the file, when it is larger than [`MAX_RULE_FILE_BYTES`] or not
    /// UTF-8 (what every front end that reads rule files checks).
    pub fn from_bytes(path: impl Into<String>, bytes: Vec<u8>) -> Result<Self, LocatedError> {
        let path = path.into();
        let text = crate::error::text_from_bytes(&path, bytes, MAX_RULE_FILE_BYTES, "rule file")?;
        Ok(Self::new(path, text))
    }

    /// Whether the file is a lexicon (it sits in a folder named `lexicon`).
    pub fn is_lexicon(&self) -> bool {
        let mut parts: Vec<&str> = self.path.split(['/', '\\']).collect();
        parts.pop();
        parts.last() == Some(&"lexicon")
    }

    /// Whether the file is a word families file (`families.yaml` or
    /// `families.yml` in a lexicon folder).
    pub fn is_families(&self) -> bool {
        let name = self.path.rsplit(['/', '\\']).next().unwrap_or("");
        self.is_lexicon() && (name == "families.yaml" || name == "families.yml")
    }

    /// Whether the file is a facts file (named `facts.yaml` or `facts.yml`).
    pub fn is_facts(&self) -> bool {
        let name = self.path.rsplit(['/', '\\']).next().unwrap_or("");
        name == "facts.yaml" || name == "facts.yml"
    }
}

/// Checks a word families file and adds its families to `families`.
fn load_families(file: &RuleFile, families: &mut Families, errors: &mut Vec<LocatedError>) {
    let spec: FamiliesSpec = match parse_yaml(file) {
        Ok(spec) => spec,
        Err(e) => {
            errors.extend(e);
            return;
        }
    };
    let mut ctx = Ctx { file, errors };
    if spec.description.value.trim().is_empty() {
        ctx.error(
            &spec.description,
            "`description` is empty",
            "say what the families are for",
        );
    }
    for family in &spec.families {
        if family.value.len() < 2 {
            ctx.error(
                family,
                "a family lists at least two words (one word already stands for its inflections)",
                "one word",
            );
            continue;
        }
        let mut ok = true;
        for word in &family.value {
            let w = word.value.trim();
            if w.is_empty() || !w.chars().all(|c| c.is_alphabetic() || c == '\'') {
                ctx.error(
                    word,
                    format!("`{w}` is not one word (letters and apostrophes)"),
                    "not a word",
                );
                ok = false;
            }
        }
        if !ok {
            continue;
        }
        let words: Vec<String> = family
            .value
            .iter()
            .map(|w| w.value.trim().to_string())
            .collect();
        if let Err((i, other)) = families.add(&words) {
            ctx.error(
                &family.value[i],
                format!(
                    "`{}` already belongs to the family of `{other}` (by its stem): a word belongs to one family",
                    words[i]
                ),
                "already in a family",
            );
        }
    }
}

/// Checks a facts file and adds its facts to `facts`.
fn load_facts(file: &RuleFile, facts: &mut BTreeMap<String, Fact>, errors: &mut Vec<LocatedError>) {
    let spec = match parse_yaml::<spec::FactsSpec>(file) {
        Ok(spec) => spec,
        Err(e) => return errors.extend(e),
    };
    let mut ctx = Ctx { file, errors };
    let date_ok = |d: &str| {
        let b = d.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    };
    if !date_ok(spec.as_of.value.trim()) {
        ctx.error(
            &spec.as_of,
            "`as_of` must be a date, YYYY-MM-DD",
            "not a date",
        );
    }
    for (name, fact) in &spec.facts {
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            ctx.error(
                &fact.value,
                format!("fact name `{name}` must be lowercase letters, digits and `_`"),
                "this fact",
            );
        }
        if fact.value.value.trim().is_empty() || fact.value.value.contains(['{', '}']) {
            ctx.error(
                &fact.value,
                "a fact's value must be non-empty text without braces",
                "here",
            );
        }
        if fact.sources.is_empty() {
            ctx.error(
                &fact.value,
                format!("fact `{name}` has no sources"),
                "no sources",
            );
        }
        for source in &fact.sources {
            if !source.value.trim().starts_with("https://") {
                ctx.error(source, "a source must be an https:// URL", "not a URL");
            }
        }
        if let Some(d) = &fact.as_of
            && !date_ok(d.value.trim())
        {
            ctx.error(d, "`as_of` must be a date, YYYY-MM-DD", "not a date");
        }
        if facts.contains_key(name) {
            ctx.error(
                &fact.value,
                format!("fact `{name}` is defined twice"),
                "again here",
            );
            continue;
        }
        facts.insert(
            name.clone(),
            Fact {
                value: fact.value.value.trim().to_string(),
                sources: fact
                    .sources
                    .iter()
                    .map(|s| s.value.trim().to_string())
                    .collect(),
                as_of: fact
                    .as_of
                    .as_ref()
                    .unwrap_or(&spec.as_of)
                    .value
                    .trim()
                    .to_string(),
            },
        );
    }
}

/// Replaces every `{fact.NAME}` in a rule text with the fact's value; an
/// unknown fact is a located error.
fn resolve_facts(
    ctx: &mut Ctx<'_>,
    text: &S<String>,
    facts: &BTreeMap<String, Fact>,
    used: &mut Vec<String>,
) -> String {
    let mut out = String::with_capacity(text.value.len());
    let mut rest = text.value.as_str();
    while let Some(i) = rest.find("{fact.") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 6..];
        let Some(end) = after.find('}') else {
            ctx.error(text, "unclosed `{fact.` placeholder", "here");
            return text.value.clone();
        };
        let name = &after[..end];
        match facts.get(name) {
            Some(fact) => {
                out.push_str(&fact.value);
                if !used.iter().any(|u| u == name) {
                    used.push(name.to_string());
                }
            }
            None => {
                let hint = did_you_mean(name, facts.keys().map(String::as_str))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                ctx.error(text, format!("unknown fact `{name}`{hint}"), "in this text");
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The embedded default pack as rule files, read from their YAML: every
/// value keeps its location (`test-rules` points at a failing example).
pub fn builtin_files() -> Vec<RuleFile> {
    super::embedded_rules()
        .iter()
        .map(|f| RuleFile {
            path: format!("<builtin>/rules/{}", f.path),
            text: Arc::from(f.yaml),
            builtin: true,
            precompiled: None,
        })
        .collect()
}

/// [`builtin_files`], read from the forms precompiled at build time, for
/// linting: it needs no locations of values that load without error, and
/// reading JSON takes a tenth of the time of parsing YAML.
pub fn builtin_files_precompiled() -> Vec<RuleFile> {
    super::embedded_rules()
        .iter()
        .zip(builtin_files())
        .map(|(f, file)| RuleFile {
            precompiled: f.json,
            ..file
        })
        .collect()
}

struct Ctx<'a> {
    file: &'a RuleFile,
    errors: &'a mut Vec<LocatedError>,
}

impl Ctx<'_> {
    fn error<T>(&mut self, at: &Spanned<T>, message: impl Into<String>, label: &str) {
        let err = LocatedError::new(&self.file.path, message)
            .in_text(self.file.text.clone(), span_of(at))
            .label(label);
        self.errors.push(err);
    }

    fn error_at(&mut self, span: Option<Range<usize>>, message: impl Into<String>, label: &str) {
        let err = LocatedError::new(&self.file.path, message)
            .in_text(self.file.text.clone(), span)
            .label(label);
        self.errors.push(err);
    }
}

fn parse_yaml<T: serde::de::DeserializeOwned>(file: &RuleFile) -> Result<T, Vec<LocatedError>> {
    if let Some(Ok(value)) = file.precompiled.map(serde_json::from_str) {
        return Ok(value);
    }
    if file.text.len() > MAX_RULE_FILE_BYTES {
        return Err(vec![LocatedError::new(
            &file.path,
            format!(
                "file is {} bytes; rule and lexicon files are limited to {} bytes",
                file.text.len(),
                MAX_RULE_FILE_BYTES
            ),
        )]);
    }
    crate::yaml::parse(&file.path, &file.text, "rule file", "unknown field")
}

/// Rewrites `\b`, `\B`, `\w`, `\d` and `\s` to their ASCII forms, inside
/// character classes too (`[\w-]` becomes `[0-9A-Za-z_-]`). (`\W`, `\D` and
/// `\S` stay Unicode: their ASCII forms match any non-ASCII byte, which a
/// `&str` regex rejects as possibly matching invalid UTF-8.) Unicode word
/// boundaries make the
/// regex engines fall back to their slowest matcher on any non-ASCII text,
/// and Unicode `\w` multiplies the size of every automaton; the ASCII forms
/// never split a character, segment text has ASCII quotes and spaces, and
/// the words rules look for are English.
pub fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    let mut in_class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('b' | 'B' | 'w' | 'd' | 's')) if in_class == 0 => {
                    out.push_str("(?-u:\\");
                    out.push(e);
                    out.push(')');
                }
                Some('w') => out.push_str("0-9A-Za-z_"),
                Some('d') => out.push_str("0-9"),
                Some('s') => out.push_str(r"\t\n\x0B\x0C\r\x20"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' => {
                in_class += 1;
                out.push(c);
            }
            ']' if in_class > 0 => {
                in_class -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Checks a regex as a rule wrote it (syntax, and that it cannot match the
/// empty string) without compiling it, and returns the source to compile.
/// The built-in pack's regexes are not parsed again at every start: the
/// test suite loads the pack as a user file, which checks them all.
fn check_regex(ctx: &mut Ctx<'_>, source: &S<String>, case_sensitive: bool) -> Option<String> {
    if ctx.file.builtin {
        return Some(final_regex(&source.value, case_sensitive));
    }
    let parsed = regex_syntax::ParserBuilder::new()
        .case_insensitive(!case_sensitive)
        .build()
        .parse(&source.value);
    match parsed {
        Err(e) => {
            let detail = e.to_string();
            ctx.error(
                source,
                format!(
                    "invalid regex: {}",
                    detail
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .trim_start_matches("error: ")
                ),
                "this regex",
            );
            if let Some(last) = ctx.errors.last_mut() {
                last.notes.push(detail);
            }
            None
        }
        Ok(hir) if hir.properties().minimum_len() == Some(0) => {
            ctx.error(
                source,
                "regex matches the empty string, so it would flag every position",
                "matches \"\"",
            );
            None
        }
        Ok(_) => Some(final_regex(&source.value, case_sensitive)),
    }
}

/// The source compiled for a rule regex: ASCII classes and boundaries, and
/// the case flag.
fn final_regex(source: &str, case_sensitive: bool) -> String {
    let body = ascii_word_boundaries(source);
    if case_sensitive {
        body
    } else {
        format!("(?i:{body})")
    }
}

fn check_phrase(ctx: &mut Ctx<'_>, phrase: &S<String>) -> bool {
    if normalise_phrase(&phrase.value).is_empty() {
        ctx.error(phrase, "empty phrase", "nothing to match");
        return false;
    }
    true
}

fn valid_id(id: &str) -> bool {
    let Some((category, slug)) = id.split_once('.') else {
        return false;
    };
    let part_ok = |p: &str, first_alpha: bool| {
        !p.is_empty()
            && !p.starts_with('-')
            && !p.ends_with('-')
            && !p.contains("--")
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && (!first_alpha || p.starts_with(|c: char| c.is_ascii_lowercase()))
    };
    part_ok(category, true) && part_ok(slug, false)
}

/// Loads and compiles rule and lexicon files.
pub fn load(files: &[RuleFile]) -> Result<RuleSet, Vec<LocatedError>> {
    load_for(files, Workload::Large)
}

/// [`load`], with the phrase automaton built for `workload`.
pub fn load_for(files: &[RuleFile], workload: Workload) -> Result<RuleSet, Vec<LocatedError>> {
    let loaded = load_files(files, workload);
    if loaded.is_err() && files.iter().any(|f| f.precompiled.is_some()) {
        // Errors point into the YAML: load again from it, with locations.
        let files: Vec<RuleFile> = files
            .iter()
            .map(|f| RuleFile {
                precompiled: None,
                ..f.clone()
            })
            .collect();
        return load_files(&files, workload);
    }
    loaded
}

fn load_files(files: &[RuleFile], workload: Workload) -> Result<RuleSet, Vec<LocatedError>> {
    let mut errors = Vec::new();
    let mut lexicon_specs: Vec<(&RuleFile, LexiconSpec)> = Vec::new();
    let mut rule_specs: Vec<(&RuleFile, RuleSpec)> = Vec::new();
    let mut facts = BTreeMap::new();
    for file in files.iter().filter(|f| f.is_facts()) {
        load_facts(file, &mut facts, &mut errors);
    }
    let mut families = Families::default();
    for file in files.iter().filter(|f| f.is_families()) {
        load_families(file, &mut families, &mut errors);
    }
    for file in files.iter().filter(|f| !f.is_facts() && !f.is_families()) {
        if file.is_lexicon() {
            match parse_yaml::<LexiconSpec>(file) {
                Ok(spec) => lexicon_specs.push((file, spec)),
                Err(e) => errors.extend(e),
            }
        } else {
            match parse_yaml::<RuleSpec>(file) {
                Ok(spec) => rule_specs.push((file, spec)),
                Err(e) => errors.extend(e),
            }
        }
    }

    let mut builder = ScannerBuilder::for_workload(workload);
    let lexicons = compile_lexicons(&lexicon_specs, &mut builder, &mut errors);
    let lex_index = LexRefs {
        index: lexicons
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name.as_str(), i))
            .collect(),
        used: vec![std::cell::Cell::new(false); lexicons.len()],
        term_tokens: {
            let own = |l: &super::Lexicon| {
                if l.raw.regexes.is_empty() {
                    l.raw
                        .phrases
                        .iter()
                        .map(|p| p.split([' ', '-']).filter(|w| !w.is_empty()).count())
                        .max()
                        .unwrap_or(1)
                } else {
                    tokens::MAX_TERM_TOKENS
                }
            };
            let mut most = vec![1; lexicons.len()];
            for lexicon in &lexicons {
                for &l in &lexicon.reports_to {
                    most[l] = most[l].max(own(lexicon));
                }
            }
            most
        },
    };
    let named = |name: &str| lex_index.index.get(name).copied();
    let special = Special {
        hedge: named("hedge"),
        negator: named("negator"),
        citation: named("citation"),
        pronoun: named("pronoun"),
        authority: named("authority"),
        treatment: named("treatment"),
        attribution: named("attribution"),
        no_evidence: named("no-evidence"),
    };

    let mut rules = Vec::new();
    let mut seen: HashMap<String, (String, Option<Range<usize>>)> = HashMap::new();
    let mut groups = 0usize;
    for (file, spec) in &rule_specs {
        let mut ctx = Ctx {
            file,
            errors: &mut errors,
        };
        let id = spec.id.value.clone();
        if !valid_id(&id) {
            ctx.error(
                &spec.id,
                format!(
                    "rule id `{id}` must be `category.slug`: lowercase letters, digits and hyphens"
                ),
                "invalid id",
            );
            continue;
        }
        if let Some((first_path, first_span)) = seen.get(&id) {
            let mut err = LocatedError::new(&file.path, format!("duplicate rule id `{id}`"))
                .in_text(file.text.clone(), span_of(&spec.id))
                .label("defined again here");
            let first = match first_span {
                Some(span) => {
                    let f = files.iter().find(|f| &f.path == first_path);
                    match f {
                        Some(f) => {
                            let src = SourceFile::new("", f.text.to_string());
                            let lc = src.line_col(span.start);
                            format!("{first_path}:{}:{}", lc.line, lc.column)
                        }
                        None => first_path.clone(),
                    }
                }
                None => first_path.clone(),
            };
            err = err.note(format!("first defined at {first}"));
            ctx.errors.push(err);
            continue;
        }
        seen.insert(id.clone(), (file.path.clone(), span_of(&spec.id)));
        let index = rules.len();
        let mut compiler = kinds::RuleCompiler {
            lex_index: &lex_index,
            special,
            facts: &facts,
            families: &families,
            builder: &mut builder,
            groups: &mut groups,
        };
        if let Some(rule) = compiler.rule(&mut ctx, spec, index) {
            rules.push(rule);
        }
    }

    if !errors.is_empty() {
        // Within a run of errors about one file, in the order they appear
        // in it (they are found check by check, not line by line).
        for run in errors.chunk_by_mut(|a, b| a.path == b.path) {
            run.sort_by_key(|e| e.span.as_ref().map_or(0, |s| s.start));
        }
        return Err(errors);
    }
    // Only lexicons that a rule names, and those the engine reads for any
    // rule (context checks, FAQ answers), are searched for.
    let mut needed: Vec<bool> = lex_index.used.iter().map(std::cell::Cell::get).collect();
    if !rules.is_empty() {
        for i in special.all() {
            needed[i] = true;
        }
    }
    // A lexicon's own terms are searched for when a lexicon that includes
    // it is needed (its hits count for every lexicon that includes it).
    for (own, lexicon) in lexicons.iter().enumerate() {
        needed[own] = lexicon.reports_to.iter().any(|&l| needed[l]);
    }
    builder.retain_lexicons(&needed);
    if !rules.is_empty() {
        builder.add_myth_cues(&super::MYTH_CUE_WORDS);
    }
    match builder.build() {
        Ok(scanner) => Ok({
            let mut set = RuleSet {
                rules,
                lexicons,
                scanner,
                has_tokens: false,
                lexicon_gated: Vec::new(),
                by_id: rustc_hash::FxHashMap::default(),
                special,
                facts,
                families,
            };
            set.index();
            set
        }),
        Err(message) => {
            // Find the regexes that do not fit, to point at them.
            let mut located = Vec::new();
            let mut check = |file: &RuleFile, sources: &[&S<String>], case_sensitive: bool| {
                for source in sources {
                    let mut body = ascii_word_boundaries(&source.value);
                    if !case_sensitive {
                        body = format!("(?i:{body})");
                    }
                    if let Err(e) = RegexBuilder::new(&body)
                        .size_limit(crate::rx::SIZE_LIMIT)
                        .build()
                    {
                        let detail = e.to_string();
                        located.push(
                            LocatedError::new(
                                &file.path,
                                "regex is too large: its compiled form exceeds the size limit",
                            )
                            .in_text(file.text.clone(), span_of(source))
                            .label("this regex")
                            .note(detail.lines().last().unwrap_or("").trim().to_string()),
                        );
                    }
                }
            };
            for (file, spec) in &lexicon_specs {
                check(
                    file,
                    &spec.regex.iter().collect::<Vec<_>>(),
                    spec.case_sensitive,
                );
            }
            for (file, spec) in &rule_specs {
                let mut all: Vec<&S<String>> = spec.regex.iter().collect();
                all.extend(spec.unless.iter());
                all.extend(spec.unless_sentence.iter());
                if let Some(w) = &spec.when {
                    all.extend(w.value.regex.iter());
                }
                if let Some(r) = &spec.require {
                    all.extend(r.value.regex.iter());
                }
                check(file, &all, spec.case_sensitive);
            }
            if located.is_empty() {
                located.push(LocatedError::new("<rules>", message));
            }
            Err(located)
        }
    }
}

fn compile_lexicons(
    specs: &[(&RuleFile, LexiconSpec)],
    builder: &mut ScannerBuilder,
    errors: &mut Vec<LocatedError>,
) -> Vec<Lexicon> {
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut lexicons = Vec::new();
    let mut kept: Vec<&(&RuleFile, LexiconSpec)> = Vec::new();
    for entry in specs {
        let (file, spec) = entry;
        let mut ctx = Ctx { file, errors };
        let name = spec.lexicon.value.as_str();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            ctx.error(
                &spec.lexicon,
                format!("lexicon name `{name}` must be lowercase letters, digits and hyphens"),
                "invalid name",
            );
            continue;
        }
        if names.contains_key(name) {
            ctx.error(
                &spec.lexicon,
                format!("duplicate lexicon `{name}`"),
                "defined again here",
            );
            continue;
        }
        names.insert(name, kept.len());
        kept.push(entry);
    }

    // Closure of includes: which lexicons each term must report to.
    let mut reports_to: Vec<Vec<usize>> = (0..kept.len()).map(|i| vec![i]).collect();
    for (i, (file, spec)) in kept.iter().enumerate() {
        let mut ctx = Ctx { file, errors };
        for inc in &spec.include {
            match names.get(inc.value.as_str()) {
                None => ctx.error(
                    inc,
                    format!("unknown lexicon `{}`", inc.value),
                    "not defined",
                ),
                Some(&j) if j == i => ctx.error(inc, "a lexicon cannot include itself", "here"),
                Some(_) => {}
            }
        }
    }
    // Fixed-point: if A includes B, every lexicon reporting A's terms also gets B's.
    let includes: Vec<Vec<usize>> = kept
        .iter()
        .map(|(_, s)| {
            s.include
                .iter()
                .filter_map(|n| names.get(n.value.as_str()).copied())
                .collect()
        })
        .collect();
    for (a, incs) in includes.iter().enumerate() {
        // Everything reachable from a (depth-first, cycle-safe).
        let mut stack = incs.clone();
        let mut seen = vec![false; kept.len()];
        seen[a] = true;
        while let Some(b) = stack.pop() {
            if seen[b] {
                continue;
            }
            seen[b] = true;
            reports_to[b].push(a);
            stack.extend(includes[b].iter().copied());
        }
    }

    for (i, (file, spec)) in kept.iter().enumerate() {
        let mut ctx = Ctx { file, errors };
        let mut raw = RawMatcher::default();
        for phrase in &spec.phrases {
            if check_phrase(&mut ctx, phrase) {
                builder.add_phrase(Owner::Lexicon(i), &phrase.value, spec.case_sensitive);
                raw.phrases
                    .push(normalise_phrase(&phrase.value).to_lowercase());
            }
        }
        for source in &spec.regex {
            if let Some(final_source) = check_regex(&mut ctx, source, spec.case_sensitive) {
                builder.add_regex(Owner::Lexicon(i), final_source.clone(), file.builtin);
                raw.regexes.push(final_source.clone());
            }
        }
        for phrase in &spec.unless {
            if check_phrase(&mut ctx, phrase) {
                builder.add_phrase(Owner::LexiconUnless(i), &phrase.value, false);
            }
        }
        if spec.phrases.is_empty() && spec.regex.is_empty() && spec.include.is_empty() {
            ctx.error(
                &spec.lexicon,
                "lexicon has no phrases, regex or include",
                "empty lexicon",
            );
        }
        lexicons.push(Lexicon {
            name: spec.lexicon.value.clone(),
            reports_to: std::mem::take(&mut reports_to[i]),
            description: spec.description.value.trim().to_string(),
            references: spec.references.iter().map(|r| r.value.clone()).collect(),
            raw,
            origin: Origin {
                path: file.path.clone(),
                text: file.text.clone(),
                builtin: file.builtin,
            },
        });
    }
    lexicons
}

/// Fields that only some kinds accept, with where each was written.
fn misplaced_fields(spec: &RuleSpec, kind: KindSpec) -> Vec<(&'static str, Option<Range<usize>>)> {
    let mut out = Vec::new();
    let mut check = |name: &'static str, present: Option<Option<Range<usize>>>, ok: bool| {
        if let Some(span) = present
            && !ok
        {
            out.push((name, span));
        }
    };
    let is = |k: KindSpec| kind == k;
    let first = |v: &[S<String>]| v.first().map(span_of);
    check("phrases", first(&spec.phrases), is(KindSpec::Pattern));
    check("regex", first(&spec.regex), is(KindSpec::Pattern));
    check("tokens", first(&spec.tokens), is(KindSpec::Pattern));
    check(
        "unless_sentence",
        first(&spec.unless_sentence),
        is(KindSpec::Pattern),
    );
    check(
        "unless",
        first(&spec.unless),
        is(KindSpec::Pattern) || is(KindSpec::Substitution),
    );
    check(
        "context",
        spec.context.as_ref().map(span_of),
        is(KindSpec::Pattern),
    );
    check(
        "once_per_sentence",
        spec.once_per_sentence.as_ref().map(span_of),
        is(KindSpec::Pattern),
    );
    check(
        "swap",
        spec.swap.as_ref().map(span_of),
        is(KindSpec::Substitution),
    );
    check(
        "within",
        spec.within.as_ref().map(span_of),
        is(KindSpec::Require),
    );
    check(
        "when",
        spec.when.as_ref().map(span_of),
        is(KindSpec::Require),
    );
    check(
        "require",
        spec.require.as_ref().map(span_of),
        is(KindSpec::Require),
    );
    check(
        "detect",
        spec.detect.as_ref().map(span_of),
        is(KindSpec::Repetition),
    );
    check(
        "unit",
        spec.unit.as_ref().map(span_of),
        is(KindSpec::Repetition),
    );
    check(
        "min_words",
        spec.min_words.as_ref().map(span_of),
        is(KindSpec::Repetition),
    );
    check(
        "ngram",
        spec.ngram.as_ref().map(span_of),
        is(KindSpec::Repetition),
    );
    check(
        "max_count",
        spec.max_count.as_ref().map(span_of),
        is(KindSpec::Repetition),
    );
    check(
        "max_per_1000_words",
        spec.max_per_1000_words.as_ref().map(span_of),
        is(KindSpec::Repetition),
    );
    out
}

/// Span of a top-level `key:` in a YAML file, if written at the start of a line.
fn key_span(text: &str, key: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].starts_with(':') {
            return Some(offset..offset + key.len());
        }
        offset += line.len();
    }
    None
}

/// Lexicon names and their indices, with the ones rules refer to.
struct LexRefs<'a> {
    index: HashMap<&'a str, usize>,
    used: Vec<std::cell::Cell<bool>>,
    /// Per lexicon, the most words one of its terms (its own or an
    /// included lexicon's) spans; a lexicon with a regex counts as many.
    term_tokens: Vec<usize>,
}

fn lexicon_ref(ctx: &mut Ctx<'_>, name: &S<String>, lex_index: &LexRefs<'_>) -> Option<usize> {
    match lex_index.index.get(name.value.as_str()) {
        Some(&i) => {
            lex_index.used[i].set(true);
            Some(i)
        }
        None => {
            let mut known: Vec<&&str> = lex_index.index.keys().collect();
            known.sort();
            ctx.error(
                name,
                format!("unknown lexicon `{}`", name.value),
                "not defined",
            );
            let hint = did_you_mean(&name.value, known.iter().map(|s| **s));
            if let Some(last) = ctx.errors.last_mut() {
                if let Some(hint) = hint {
                    last.notes.push(format!("did you mean `{hint}`?"));
                }
                last.notes.push(format!(
                    "known lexicons: {}",
                    known.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
                ));
            }
            None
        }
    }
}

/// Compiles a rule's token patterns and adds their gate literals to the
/// scanner. A mistake is reported at its place inside the pattern when the
/// YAML writes the pattern as it reads (no escapes), else on the whole value.
fn compile_tokens(
    ctx: &mut Ctx<'_>,
    sources: &[S<String>],
    index: usize,
    lex_index: &LexRefs<'_>,
    families: &Families,
    builder: &mut ScannerBuilder,
) -> Vec<tokens::TokenPattern> {
    let lexicon = |name: &str| match lex_index.index.get(name) {
        Some(&i) => {
            lex_index.used[i].set(true);
            Ok(i)
        }
        None => {
            let hint = did_you_mean(name, lex_index.index.keys().copied())
                .map(|h| format!("; did you mean `{h}`?"))
                .unwrap_or_default();
            Err(format!("unknown lexicon `{name}`{hint}"))
        }
    };
    let rare = |literal: &str| crate::scan::rare(literal, true);
    let term_tokens = |l: usize| lex_index.term_tokens.get(l).copied().unwrap_or(1);
    let names = tokens::Names {
        families,
        lexicon: &lexicon,
        rare: &rare,
        term_tokens: &term_tokens,
    };
    let mut out = Vec::new();
    for source in sources {
        match tokens::compile(&source.value, &names) {
            Ok(pattern) => {
                let n = u16::try_from(out.len()).unwrap_or(u16::MAX);
                for (k, atoms) in std::iter::once(&pattern.gate)
                    .chain(&pattern.also)
                    .enumerate()
                {
                    let k = u16::try_from(k).unwrap_or(u16::MAX);
                    for atom in atoms {
                        if let GateAtom::Literal(literal) = atom {
                            builder.add_token_gate(Owner::TokenGate(index, n, k), literal);
                        }
                    }
                }
                out.push(pattern);
            }
            Err(e) => {
                let span = span_of(source).map(|span| {
                    let written = &ctx.file.text[span.clone()];
                    match written.find(source.value.as_str()) {
                        Some(at) if !source.value.is_empty() => {
                            let start = span.start + at + e.at.start;
                            start..(span.start + at + e.at.end).max(start)
                        }
                        _ => span,
                    }
                });
                ctx.error_at(span, format!("token pattern: {}", e.message), "here");
            }
        }
    }
    out
}

fn policy(p: &Option<S<Policy>>, default: Policy) -> Policy {
    p.as_ref().map_or(default, |p| p.value)
}

mod kinds;

fn compile_regexes(
    ctx: &mut Ctx<'_>,
    sources: &[S<String>],
    case_sensitive: bool,
) -> Vec<LazyRegex> {
    sources
        .iter()
        .filter_map(|s| check_regex(ctx, s, case_sensitive))
        .map(LazyRegex::new)
        .collect()
}

fn add_group(
    ctx: &mut Ctx<'_>,
    builder: &mut ScannerBuilder,
    groups: &mut usize,
    phrases: &[S<String>],
    regexes: &[S<String>],
    case_sensitive: bool,
) -> Option<usize> {
    if phrases.is_empty() && regexes.is_empty() {
        return None;
    }
    let group = *groups;
    *groups += 1;
    for phrase in phrases {
        if check_phrase(ctx, phrase) {
            builder.add_phrase(Owner::Group(group), &phrase.value, case_sensitive);
        }
    }
    for source in regexes {
        if let Some(final_source) = check_regex(ctx, source, case_sensitive) {
            builder.add_regex(Owner::Group(group), final_source, ctx.file.builtin);
        }
    }
    Some(group)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in pack skips the regex checks at start-up; loaded as a
    /// user's files, it must pass them all.
    #[test]
    fn the_builtin_pack_passes_the_checks_user_files_get() {
        let as_user: Vec<RuleFile> = builtin_files()
            .into_iter()
            .map(|f| RuleFile {
                builtin: false,
                ..f
            })
            .collect();
        let checked = match load(&as_user) {
            Ok(set) => set,
            Err(errors) => panic!("the built-in pack fails its checks: {errors:?}"),
        };
        let builtin = load(&builtin_files()).unwrap();
        assert_eq!(checked.rules.len(), builtin.rules.len());
        assert_eq!(
            checked.scanner.pattern_counts(),
            builtin.scanner.pattern_counts()
        );
    }

    /// Every embedded file has a precompiled form, it reads without falling
    /// back to the YAML, and it holds the same values as the YAML.
    #[test]
    fn the_precompiled_pack_holds_what_its_yaml_says() {
        fn same<T: serde::de::DeserializeOwned + serde::Serialize>(file: &RuleFile) {
            let json = file
                .precompiled
                .unwrap_or_else(|| panic!("{} has no precompiled form", file.path));
            let from_json: T =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: {e}", file.path));
            let yaml = RuleFile {
                precompiled: None,
                ..file.clone()
            };
            let from_yaml: T = parse_yaml(&yaml).unwrap();
            assert_eq!(
                serde_json::to_value(&from_json).unwrap(),
                serde_json::to_value(&from_yaml).unwrap(),
                "{}",
                file.path
            );
        }
        let files = builtin_files_precompiled();
        assert_eq!(files.len(), builtin_files().len());
        for file in &files {
            if file.is_facts() {
                same::<spec::FactsSpec>(file);
            } else if file.is_families() {
                same::<FamiliesSpec>(file);
            } else if file.is_lexicon() {
                same::<LexiconSpec>(file);
            } else {
                same::<RuleSpec>(file);
            }
        }
    }

    /// A load that fails is repeated from the YAML, so its errors carry the
    /// same locations as when the pack is read from YAML alone.
    #[test]
    fn errors_with_the_precompiled_pack_are_located_in_its_yaml() {
        let twin = file(
            "rules/house/twin.yaml",
            "id: safety.absolute-safe\nseverity: error\nsummary: s\nmessage: m\nphrases: [x]\nexplain: e\n",
        );
        let errors = |mut files: Vec<RuleFile>| {
            files.push(twin.clone());
            let Err(errors) = load(&files) else {
                panic!("a duplicate id is an error");
            };
            errors
                .iter()
                .map(|e| format!("{:?} {} {:?}", e.span, e.message, e.notes))
                .collect::<Vec<_>>()
        };
        let from_yaml = errors(builtin_files());
        assert!(
            from_yaml[0].contains("first defined at <builtin>/rules/"),
            "{from_yaml:?}"
        );
        assert_eq!(errors(builtin_files_precompiled()), from_yaml);
    }

    /// A regex with no literal to gate on goes into the regex set; one too
    /// large to compile is an error at load time, located at the regex.
    #[test]
    fn a_regex_too_large_to_compile_is_a_located_error() {
        let rule = "id: house.huge\nseverity: warning\nsummary: s\nmessage: m\nregex: ['[\\p{L}\\p{N}]{20000}']\nexplain: e\n";
        let Err(errors) = load(&[file("rules/house/huge.yaml", rule)]) else {
            panic!("the regex is over the size limit");
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].message,
            "regex is too large: its compiled form exceeds the size limit"
        );
        let span = errors[0].span.clone().expect("located");
        assert_eq!(&rule[span], "'[\\p{L}\\p{N}]{20000}'");
    }

    /// Without errors, the precompiled pack compiles to the same rules.
    #[test]
    fn the_precompiled_pack_compiles_to_the_same_rules() {
        // Everything but the examples' locations, which JSON does not keep.
        let described = |set: &RuleSet| {
            let rules = set.rules.iter().map(|r| {
                let mut r = r.clone();
                for (_, span) in r.examples.invalid.iter_mut().chain(&mut r.examples.valid) {
                    *span = 0..0;
                }
                format!("{r:?}")
            });
            let lexicons = set.lexicons.iter().map(|l| format!("{l:?}"));
            rules.chain(lexicons).collect::<Vec<_>>()
        };
        let yaml = load(&builtin_files()).unwrap();
        let json = load(&builtin_files_precompiled()).unwrap();
        assert_eq!(described(&json), described(&yaml));
        assert_eq!(json.scanner.pattern_counts(), yaml.scanner.pattern_counts());
    }

    #[test]
    fn ids() {
        assert!(valid_id("safety.not-addictive"));
        assert!(valid_id("integrity.side-affects2"));
        assert!(!valid_id("Safety.x"));
        assert!(!valid_id("safety"));
        assert!(!valid_id("a.b.c"));
        assert!(!valid_id("a.-b"));
    }

    #[test]
    fn lexicon_paths() {
        let f = |p: &str| RuleFile {
            path: p.into(),
            text: Arc::from(""),
            builtin: false,
            precompiled: None,
        };
        assert!(f("rules/lexicon/hedge.yaml").is_lexicon());
        assert!(!f("rules/safety/lexicon.yaml").is_lexicon());
    }

    /// Lexicons no rule needs are not searched for: with no rules, nothing
    /// is; with a rule that requires `psychedelic`, its terms are found and
    /// `regenerative` (named by no rule) reports none.
    #[test]
    fn only_lexicons_that_rules_need_are_searched_for() {
        use crate::scan::Owner;
        let lexicons: Vec<RuleFile> = builtin_files()
            .into_iter()
            .filter(|f| f.is_lexicon())
            .collect();
        let none = load(&lexicons).unwrap();
        let families = lexicons.iter().filter(|f| f.is_families()).count();
        assert_eq!(none.lexicons.len(), lexicons.len() - families);
        assert_eq!(none.scanner.pattern_counts(), (0, 0));

        let mut files = lexicons.clone();
        files.push(file(
            "rules/regulatory/x.yaml",
            "id: regulatory.x\nseverity: error\nsummary: s\nmessage: m\nphrases: [is approved]\ncontext:\n  requires: [psychedelic]\nexplain: why\n",
        ));
        let one = load(&files).unwrap();
        let lexicon_hits = |text: &str| -> Vec<String> {
            one.scanner
                .scan(text)
                .into_iter()
                .filter_map(|h| match h.owner {
                    Owner::Lexicon(l) => Some(one.lexicons[l].name.clone()),
                    _ => None,
                })
                .collect()
        };
        assert!(lexicon_hits("Psilocybin is approved.").contains(&"psychedelic".to_string()));
        assert!(lexicon_hits("Ketamine may not help.").contains(&"negator".to_string()));
        // `treatment` (which the engine reads) lists the regenerative terms
        // too, so they are still found, as `treatment` only.
        let regenerative = lexicon_hits("Exosomes and stem cells.");
        assert!(regenerative.contains(&"treatment".to_string()));
        assert!(!regenerative.contains(&"regenerative".to_string()));
        let all = load(&builtin_files()).unwrap();
        assert!(one.scanner.pattern_counts().0 < all.scanner.pattern_counts().0);
    }

    /// A term counts for its own lexicon and every lexicon that includes
    /// it, once each (a term of two included lexicons too); a lexicon's
    /// cancelling terms apply to its own count only; and the terms of a
    /// lexicon that only an including one needs are searched for.
    #[test]
    fn included_terms_count_once_for_each_including_lexicon() {
        let files = vec![
            file(
                "rules/lexicon/a.yaml",
                "lexicon: a\ndescription: d\ninclude: [b, c]\nphrases: [bar]\n",
            ),
            file(
                "rules/lexicon/b.yaml",
                "lexicon: b\ndescription: d\nphrases: [foo, baz]\nunless: [baz qux]\n",
            ),
            file(
                "rules/lexicon/c.yaml",
                "lexicon: c\ndescription: d\nphrases: [foo]\n",
            ),
            file(
                "rules/house/x.yaml",
                "id: house.x\nseverity: warning\nsummary: s\nmessage: m\nphrases: [zap]\ncontext:\n  requires: [a]\nexplain: e\n",
            ),
        ];
        let rules = load(&files).unwrap();
        let index = |name: &str| rules.lexicons.iter().position(|l| l.name == name).unwrap();
        let text = "foo bar, baz qux and foo.";
        let source = crate::source::SourceFile::new("x.txt", text);
        let analysis =
            crate::engine::Analysis::new(&rules, &source, crate::document::Format::Plain);
        let terms = |lexicon: &str| -> Vec<&str> {
            (analysis.seg_lex(0, index(lexicon)).iter())
                .map(|r| &analysis.doc.segments[0].text[r.clone()])
                .collect()
        };
        assert_eq!(terms("a"), ["foo", "bar", "baz", "foo"]);
        assert_eq!(terms("b"), ["foo", "foo"]);
        assert_eq!(terms("c"), ["foo", "foo"]);
    }

    fn file(path: &str, text: &str) -> RuleFile {
        RuleFile {
            path: path.into(),
            text: Arc::from(text),
            builtin: false,
            precompiled: None,
        }
    }

    const FACTS: &str = "as_of: \"2025-01-21\"\nfacts:\n  spravato_indications:\n    value: adult treatment-resistant depression\n    sources: [https://www.accessdata.fda.gov/x.pdf]\n";

    fn rule_with(message: &str) -> String {
        format!(
            "id: regulatory.x\nseverity: error\nsummary: s\nmessage: \"{message}\"\nhelp: \"Say it is approved for {{fact.spravato_indications}}.\"\nphrases: [approved]\nexplain: why\n"
        )
    }

    #[test]
    fn facts_are_substituted_at_load_time() {
        let set = load(&[
            file("rules/facts.yaml", FACTS),
            file(
                "rules/regulatory/x.yaml",
                &rule_with("“{match}”: Spravato is for {fact.spravato_indications}"),
            ),
        ])
        .map_err(|e| e.iter().map(|e| e.message.clone()).collect::<Vec<_>>())
        .unwrap();
        let rule = set.rule("regulatory.x").unwrap();
        assert_eq!(
            rule.message.render(&[("match", "approved")]),
            "“approved”: Spravato is for adult treatment-resistant depression"
        );
        assert_eq!(
            rule.help.as_deref(),
            Some("Say it is approved for adult treatment-resistant depression.")
        );
        assert_eq!(set.facts["spravato_indications"].as_of, "2025-01-21");
        assert_eq!(rule.facts.len(), 1);
        assert_eq!(rule.facts[0].0, "spravato_indications");
        assert!(f_is_facts("rules/facts.yaml") && !f_is_facts("rules/safety/x.yaml"));
    }

    fn f_is_facts(path: &str) -> bool {
        file(path, "").is_facts()
    }

    #[test]
    fn unknown_fact_is_a_located_error() {
        let errors = load(&[
            file("rules/facts.yaml", FACTS),
            file(
                "rules/regulatory/x.yaml",
                &rule_with("see {fact.spravato_indication}"),
            ),
        ])
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert!(
            e.message.contains("unknown fact `spravato_indication`"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("did you mean `spravato_indications`"),
            "{}",
            e.message
        );
        assert!(
            e.location().contains("rules/regulatory/x.yaml:4:"),
            "{}",
            e.location()
        );
    }

    #[test]
    fn facts_need_a_date_and_sources() {
        let errors = load(&[file(
            "rules/facts.yaml",
            "as_of: soon\nfacts:\n  x:\n    value: v\n    sources: []\n",
        )])
        .unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("as_of")), "{messages:?}");
        assert!(
            messages.iter().any(|m| m.contains("no sources")),
            "{messages:?}"
        );
    }

    #[test]
    fn metadata_rules_take_no_when() {
        let rule = "id: transparency.x\nseverity: info\nkind: require\nwithin: metadata\nsummary: s\nmessage: \"{match}: {missing}\"\nrequire: {regex: ['^author:'], describe: no author}\nexplain: why\n";
        let set = load(&[file("rules/transparency/x.yaml", rule)])
            .map_err(|e| e.len())
            .unwrap();
        let lint = |text: &str| {
            let source = SourceFile::new("t.md", text);
            crate::engine::lint(&set, &source, crate::Format::Markdown)
        };
        let found = lint("---\ntitle: Ketamine\ndate: 2024-01-01\n---\n\nBody.\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "Ketamine: no author");
        assert_eq!(found[0].span, 11..19);
        assert!(lint("---\ntitle: Ketamine\nauthor: Dr A\n---\n\nBody.\n").is_empty());
        assert!(lint("# No front matter\n\nBody.\n").is_empty());
        let with_when = format!("{rule}when: {{all: [x]}}\n");
        assert!(load(&[file("rules/transparency/x.yaml", &with_when)]).is_err());
    }

    #[test]
    fn classes_inside_brackets_become_ascii_too() {
        let ascii = ascii_word_boundaries(r"[\w'-]+\s[^\d\s]");
        assert_eq!(ascii, r"[0-9A-Za-z_'-]+(?-u:\s)[^0-9\t\n\x0B\x0C\r\x20]");
        let re = regex::Regex::new(&ascii).unwrap();
        assert!(re.is_match("it's x"));
        let word = regex::Regex::new(&ascii_word_boundaries(r"[\w]+")).unwrap();
        assert_eq!(word.find("naïve").map(|m| m.as_str()), Some("na"));
    }

    #[test]
    fn negated_classes_stay_unicode_so_the_regex_compiles() {
        let ascii = ascii_word_boundaries(r"\bauthor:\s*\S+\W\D");
        assert_eq!(ascii, r"(?-u:\b)author:(?-u:\s)*\S+\W\D");
        assert!(regex::Regex::new(&ascii).is_ok());
        let set = load(&[file(
            "rules/transparency/x.yaml",
            "id: transparency.x\nseverity: info\nsummary: s\nmessage: m\nregex: ['author:\\s*\\S']\nexplain: why\n",
        )]);
        assert!(set.is_ok());
    }
}
