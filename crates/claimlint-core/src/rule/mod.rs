//! Rules and lexicons: from YAML files to a compiled [`RuleSet`].
//!
//! Lifecycle: each file is parsed into a [`spec`] type (serde, unknown fields
//! rejected, locations kept), then [`compile`] checks everything — ids,
//! regexes, lexicon names, placeholders, fields that do not fit the rule's
//! kind — and builds the [`Scanner`] that finds every rule literal and regex
//! in one pass. Any error stops loading before a single file is linted, and
//! every error points into the YAML file.

pub mod compile;
pub mod spec;
pub mod tokens;

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::Severity;
use crate::scan::Scanner;
pub use spec::{Detect, Policy, RequireScope, Scope, Unit};

pub use crate::scan::{GroupIdx, LexIdx, RuleIdx};

/// What every opening of a myth frame holds: it names a myth or a
/// (mis)conception, or ends in "that". The phrase automaton finds these
/// words in every segment, and text before a finding that holds none of
/// them is not searched further. Their letters have no non-ASCII case
/// variants (the `s` of "misconception" has `ſ`), so the automaton's ASCII
/// case-insensitive reading finds them wherever the regex would.
pub const MYTH_CUE_WORDS: [&str; 3] = ["myth", "conception", "that"];

/// Where a rule or lexicon came from.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Display path (`<builtin>/…` for the embedded pack).
    pub path: String,
    pub text: Arc<str>,
    pub builtin: bool,
}

/// A message template: text with `{placeholder}`s.
#[derive(Debug, Clone)]
pub struct Template {
    parts: Vec<TemplatePart>,
}

#[derive(Debug, Clone)]
enum TemplatePart {
    Text(String),
    Var(String),
}

impl Template {
    /// Parses `text`; `{{` and `}}` are literal braces. Returns the names of
    /// placeholders not in `allowed` as an error.
    pub(crate) fn parse(text: &str, allowed: &[&str]) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut buf = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    buf.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    buf.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for d in chars.by_ref() {
                        if d == '}' {
                            closed = true;
                            break;
                        }
                        name.push(d);
                    }
                    if !closed {
                        return Err("unclosed `{` (write `{{` for a literal brace)".into());
                    }
                    if !allowed.contains(&name.as_str()) {
                        return Err(format!(
                            "unknown placeholder `{{{name}}}`; this rule kind has {}",
                            allowed
                                .iter()
                                .map(|a| format!("`{{{a}}}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    if !buf.is_empty() {
                        parts.push(TemplatePart::Text(std::mem::take(&mut buf)));
                    }
                    parts.push(TemplatePart::Var(name));
                }
                _ => buf.push(c),
            }
        }
        if !buf.is_empty() {
            parts.push(TemplatePart::Text(buf));
        }
        Ok(Self { parts })
    }

    /// Fills the template; `vars` gives each placeholder's value.
    pub fn render(&self, vars: &[(&str, &str)]) -> String {
        fn piece<'p>(part: &'p TemplatePart, vars: &[(&str, &'p str)]) -> &'p str {
            match part {
                TemplatePart::Text(t) => t,
                TemplatePart::Var(name) => {
                    vars.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v)
                }
            }
        }
        // Sized once: a message is rendered for every finding.
        let mut out = String::with_capacity(self.parts.iter().map(|p| piece(p, vars).len()).sum());
        for part in &self.parts {
            out.push_str(piece(part, vars));
        }
        out
    }
}

/// A regex checked at load time (syntax, empty matches) and compiled the
/// first time it is used: most exception regexes never run on a given
/// document, and compiling them all up front would dominate start-up.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    compiled: std::sync::OnceLock<std::sync::Arc<crate::rx::Regex>>,
}

impl LazyRegex {
    /// Wraps a final regex source (flags included).
    pub fn new(source: String) -> Self {
        Self {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The final source (flags included).
    pub fn source(&self) -> &str {
        &self.source
    }

    fn get(&self) -> &crate::rx::Regex {
        self.compiled
            .get_or_init(|| std::sync::Arc::new(crate::rx::Regex::new(&self.source)))
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_match(text)
    }

    /// The non-empty matches in `text`, in order.
    pub fn find_iter(&self, text: &str) -> Vec<Range<usize>> {
        self.get().find_iter(text)
    }

    /// Whether one of the non-empty matches in `text` overlaps `range`.
    pub fn overlaps_match(&self, text: &str, range: &Range<usize>) -> bool {
        self.get().overlaps_match(text, range)
    }
}

/// Context policy of a pattern rule.
#[derive(Debug, Clone)]
pub struct Context {
    pub hedged: Policy,
    pub negated: Policy,
    pub cited: Policy,
    pub question: Policy,
    pub requires: Vec<LexIdx>,
    /// Where `requires` looks for its lexicons.
    pub requires_in: Scope,
    pub negation_window: usize,
    pub myth: Policy,
    pub quoted: Policy,
    /// A claim reported as someone else's ("sites claim to", "touted as").
    pub reported: Policy,
    /// `(lexicon, minimum distinct terms inside the match)`.
    pub min_in_match: Vec<(LexIdx, usize)>,
    /// Lexicons that exempt the match when in this sentence or the next.
    pub exempt_near: Vec<LexIdx>,
}

impl Default for Context {
    fn default() -> Self {
        Self {
            hedged: Policy::Ignore,
            negated: Policy::Ignore,
            cited: Policy::Ignore,
            question: Policy::Exempt,
            requires: Vec::new(),
            requires_in: Scope::Sentence,
            negation_window: 4,
            myth: Policy::Exempt,
            quoted: Policy::Exempt,
            reported: Policy::Exempt,
            min_in_match: Vec::new(),
            exempt_near: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub context: Context,
    /// Token patterns, tried where their gate occurs.
    pub tokens: Vec<tokens::TokenPattern>,
    pub unless: Vec<LazyRegex>,
    pub unless_sentence: Vec<LazyRegex>,
    /// At most one finding per sentence.
    pub once_per_sentence: bool,
}

#[derive(Debug, Clone)]
pub struct Substitution {
    /// `(found, replacement)`, in file order of the swap table.
    pub swaps: Vec<(String, String)>,
    /// Regexes; a match overlapping the finding exempts it.
    pub unless: Vec<LazyRegex>,
}

#[derive(Debug, Clone)]
pub struct Require {
    pub within: RequireScope,
    /// Lexicons that must all occur in a triggering sentence.
    pub when_all: Vec<LexIdx>,
    /// Inline phrases/regexes of which one must occur in it too.
    pub when_group: Option<GroupIdx>,
    pub min_triggers: usize,
    /// Only in a document with a pattern finding of warning or error.
    pub when_claims: bool,
    pub require_lexicons: Vec<LexIdx>,
    pub require_group: Option<GroupIdx>,
    pub min_distinct: usize,
    pub describe: String,
    /// The `require` terms as a raw-text matcher (regexes multi-line), for
    /// `within: front-matter`.
    pub raw: RawMatcher,
}

#[derive(Debug, Clone)]
pub enum Repetition {
    Duplicates {
        unit: Unit,
        min_words: usize,
    },
    Stuffing {
        min_n: usize,
        max_n: usize,
        max_count: usize,
        max_per_1000_words: f64,
    },
}

#[derive(Debug, Clone)]
pub enum RuleKind {
    Pattern(Pattern),
    Substitution(Substitution),
    Require(Require),
    Repetition(Repetition),
}

impl RuleKind {
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Pattern(_) => "pattern",
            RuleKind::Substitution(_) => "substitution",
            RuleKind::Require(_) => "require",
            RuleKind::Repetition(_) => "repetition",
        }
    }
}

/// A rule's own examples.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    pub invalid: Vec<(String, Range<usize>)>,
    pub valid: Vec<(String, Range<usize>)>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Arc<str>,
    pub category: Arc<str>,
    pub severity: Severity,
    pub kind: RuleKind,
    pub summary: String,
    pub message: Template,
    pub label: Option<String>,
    pub help: Option<String>,
    pub note: Option<String>,
    /// Segment scope names (`heading`, `paragraph`, …); empty = all.
    pub scope: Vec<String>,
    pub explain: String,
    pub references: Vec<String>,
    pub examples: Examples,
    pub origin: Origin,
    /// Literal phrases (for `rules --export-phrases`).
    pub phrases: Vec<String>,
    /// The facts (from a facts file) quoted in its texts, by name.
    pub facts: Vec<(String, Fact)>,
}

impl Rule {
    /// Whether the rule looks at a segment of `kind`.
    pub fn applies_to(&self, kind: crate::document::SegmentKind) -> bool {
        self.scope.is_empty() || self.scope.iter().any(|s| s == kind.scope_name())
    }
}

/// A compiled lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub name: String,
    /// The lexicons a hit of this lexicon's own terms counts for: itself
    /// first, then every lexicon that includes it, directly or through
    /// another. The scanner reports a term once, under its own lexicon.
    pub reports_to: Vec<LexIdx>,
    pub description: String,
    pub references: Vec<String>,
    /// Own phrases and regexes (sources), for raw-text matching.
    pub raw: RawMatcher,
    pub origin: Origin,
}

/// A small matcher over arbitrary text (used on raw file text, where the
/// segment scanner does not run: citations in link destinations). Its
/// regexes are one alternation, compiled on first use.
#[derive(Debug, Clone, Default)]
pub struct RawMatcher {
    pub phrases: Vec<String>,
    /// Regex sources (flags included).
    pub regexes: Vec<String>,
    compiled: std::sync::OnceLock<Option<std::sync::Arc<crate::rx::Regex>>>,
}

impl RawMatcher {
    /// The alternation of the regexes (compiled now if it was not yet).
    fn regex(&self) -> Option<&crate::rx::Regex> {
        self.compiled
            .get_or_init(|| {
                if self.regexes.is_empty() {
                    return None;
                }
                // Each source's flags stay inside its own group.
                let any: Vec<String> = self.regexes.iter().map(|r| format!("(?:{r})")).collect();
                Some(std::sync::Arc::new(crate::rx::Regex::new(&any.join("|"))))
            })
            .as_deref()
    }

    pub fn is_match(&self, text: &str) -> bool {
        if self.regex().is_some_and(|r| r.is_match(text)) {
            return true;
        }
        if self.phrases.is_empty() {
            return false;
        }
        let lower = text.to_lowercase();
        self.phrases.iter().any(|p| {
            lower
                .match_indices(p.as_str())
                .any(|(i, m)| crate::scan::word_bounded(&lower, i..i + m.len(), p))
        })
    }
}

/// Lexicons the engine itself consults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Special {
    pub hedge: Option<LexIdx>,
    pub negator: Option<LexIdx>,
    pub citation: Option<LexIdx>,
    pub pronoun: Option<LexIdx>,
    pub authority: Option<LexIdx>,
    /// Treatment names: the subject of an FAQ question.
    pub treatment: Option<LexIdx>,
    /// Attribution markers ("claims to", "touted as"): a claim reported, not
    /// made.
    pub attribution: Option<LexIdx>,
    /// Statements that evidence is missing ("no trials showing that"): they
    /// negate what follows in their sentence.
    pub no_evidence: Option<LexIdx>,
}

impl Special {
    /// Every lexicon the engine consults.
    pub fn all(&self) -> impl Iterator<Item = LexIdx> {
        [
            self.hedge,
            self.negator,
            self.citation,
            self.pronoun,
            self.authority,
            self.treatment,
            self.attribution,
            self.no_evidence,
        ]
        .into_iter()
        .flatten()
    }
}

/// A volatile fact from a facts file, quoted in rule texts as `{fact.NAME}`.
#[derive(Debug, Clone)]
pub struct Fact {
    pub value: String,
    pub sources: Vec<String>,
    /// When it was last checked (YYYY-MM-DD).
    pub as_of: String,
}

/// Every loaded rule and lexicon, with the shared scanner.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub lexicons: Vec<Lexicon>,
    pub(crate) scanner: Scanner,
    pub(crate) special: Special,
    /// Facts by name (already substituted into the rules' texts).
    pub facts: std::collections::BTreeMap<String, Fact>,
    /// Word families the token patterns read.
    pub(crate) families: tokens::Families,
    /// Whether any rule has token patterns.
    pub(crate) has_tokens: bool,
    /// Required items of token patterns that are lexicons: (rule, pattern,
    /// item, lexicon), item 0 being the pattern's gate.
    pub(crate) lexicon_gated: Vec<(RuleIdx, u16, u16, LexIdx)>,
    /// Rule id → index in `rules` (findings are looked up by id).
    pub(crate) by_id: rustc_hash::FxHashMap<Arc<str>, RuleIdx>,
}

/// How the rules' patterns are searched for (`claimlint rules --stats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PatternStats {
    /// Distinct phrases and literals in the phrase automaton.
    pub literals: usize,
    /// Distinct regexes.
    pub regexes: usize,
    /// Regexes run anchored at their prefix literals.
    pub anchored: usize,
    /// Regexes run on the segments where a literal they need occurs.
    pub gated: usize,
    /// Regexes run together as a set (no literal to gate them).
    pub in_set: usize,
}

impl RuleSet {
    /// The rule with id `id`.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// Every phrase searched for on a rule's or a lexicon's behalf (the
    /// regexes' gate literals left out), as normalised, in no particular
    /// order.
    pub fn searched_phrases(&self) -> impl Iterator<Item = &str> {
        self.scanner.searched_phrases()
    }

    /// How the rules' patterns are searched for.
    pub fn pattern_stats(&self) -> PatternStats {
        let (literals, regexes) = self.scanner.pattern_counts();
        let (anchored, gated, in_set) = self.scanner.regex_counts();
        PatternStats {
            literals,
            regexes,
            anchored,
            gated,
            in_set,
        }
    }

    /// Compiles every regex now (they are otherwise compiled when a text
    /// first needs them) and returns the sources of those that do not
    /// compile. For tests, and for an embedding that would rather pay the
    /// cost at start-up than on its first lint.
    pub fn compile_all(&self) -> Vec<String> {
        self.scanner.compile_all()
    }

    /// What `claimlint explain ID` prints about `rule`: summary, severity,
    /// kind and category, where it is defined, why it exists, what to
    /// write instead, its references and facts, its token patterns in
    /// words, and its examples.
    pub fn explain(&self, rule: &Rule) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        writeln!(s, "{} — {}", rule.id, rule.summary).unwrap();
        writeln!(
            s,
            "severity: {}   kind: {}   category: {}",
            rule.severity,
            rule.kind.name(),
            rule.category
        )
        .unwrap();
        writeln!(s, "defined in: {}\n", rule.origin.path).unwrap();
        writeln!(s, "{}\n", rule.explain).unwrap();
        if let Some(help) = &rule.help {
            writeln!(s, "What to write instead: {help}\n").unwrap();
        }
        if !rule.references.is_empty() {
            writeln!(s, "References:").unwrap();
            for r in &rule.references {
                writeln!(s, "  - {r}").unwrap();
            }
            writeln!(s).unwrap();
        }
        if !rule.facts.is_empty() {
            writeln!(s, "Facts quoted above (from the facts file):").unwrap();
            for (name, fact) in &rule.facts {
                writeln!(
                    s,
                    "  - {name}, as of {}: {}",
                    fact.as_of,
                    fact.sources.join(", ")
                )
                .unwrap();
            }
            writeln!(s).unwrap();
        }
        if let RuleKind::Pattern(pattern) = &rule.kind
            && !pattern.tokens.is_empty()
        {
            writeln!(s, "Token patterns:").unwrap();
            for t in &pattern.tokens {
                writeln!(s, "  - {}", t.source).unwrap();
                writeln!(s, "    {}", tokens::describe(&t.root, &self.families)).unwrap();
            }
            writeln!(s).unwrap();
        }
        if !rule.examples.invalid.is_empty() {
            writeln!(s, "Flagged:").unwrap();
            for (e, _) in &rule.examples.invalid {
                writeln!(s, "  ✗ {}", e.trim()).unwrap();
            }
        }
        if !rule.examples.valid.is_empty() {
            writeln!(s, "Not flagged:").unwrap();
            for (e, _) in &rule.examples.valid {
                writeln!(s, "  ✓ {}", e.trim()).unwrap();
            }
        }
        s
    }

    pub fn lexicon(&self, name: &str) -> Option<LexIdx> {
        self.lexicons.iter().position(|l| l.name == name)
    }

    /// Works out [`RuleSet::has_tokens`], [`RuleSet::lexicon_gated`] and
    /// [`RuleSet::by_id`] from the rules.
    pub(crate) fn index(&mut self) {
        self.by_id = (self.rules.iter().enumerate())
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        self.lexicon_gated.clear();
        self.has_tokens = false;
        for (r, rule) in self.rules.iter().enumerate() {
            let RuleKind::Pattern(p) = &rule.kind else {
                continue;
            };
            self.has_tokens |= !p.tokens.is_empty();
            for (n, pattern) in p.tokens.iter().enumerate() {
                let n = u16::try_from(n).unwrap_or(u16::MAX);
                let items = std::iter::once(&pattern.gate).chain(&pattern.also);
                for (k, atoms) in items.enumerate() {
                    let k = u16::try_from(k).unwrap_or(u16::MAX);
                    for atom in atoms {
                        if let tokens::GateAtom::Lexicon(l) = atom {
                            self.lexicon_gated.push((r, n, k, *l));
                        }
                    }
                }
            }
        }
    }

    /// Keeps only the rules for which `keep` is true (lexicons stay).
    pub fn retain(&mut self, keep: impl Fn(&Rule) -> bool) {
        let kept: Vec<bool> = self.rules.iter().map(&keep).collect();
        let mut remap = Vec::with_capacity(kept.len());
        let mut next = 0;
        for &k in &kept {
            remap.push(k.then_some(next));
            if k {
                next += 1;
            }
        }
        let mut i = 0;
        self.rules.retain(|_| {
            let k = kept[i];
            i += 1;
            k
        });
        self.scanner.remap_rules(&remap);
        self.index();
    }
}

/// One file of the embedded default pack.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFile {
    /// Path relative to `rules/`.
    pub path: &'static str,
    /// The file as it is in the repository.
    pub yaml: &'static str,
    /// The YAML parsed at build time and written as JSON (none if it did
    /// not parse): the same values, read faster, without source locations.
    pub json: Option<&'static str>,
}

/// Embedded default pack, generated by `build.rs`.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// The default rule pack, in path order.
pub fn embedded_rules() -> &'static [EmbeddedFile] {
    embedded::EMBEDDED_RULES
}

#[cfg(test)]
mod tests {
    use super::{RawMatcher, Template};

    /// A pack that keeps some of its rules finds, on the seeds and the
    /// labelled corpus, what the whole pack finds for those rules: the
    /// scanner's owners follow the rules' new numbers (every other rule
    /// goes, so almost every number changes). Findings are compared before
    /// each claim is reduced to one finding, and rules that fire only when
    /// other rules found a claim (`when.claims`) are left out.
    #[test]
    fn a_pack_kept_in_part_finds_what_the_whole_pack_finds_for_its_rules() {
        use crate::document::Format;
        let full = crate::default_rules().unwrap();
        let mut part = crate::default_rules().unwrap();
        let independent = |id: &str| {
            !full
                .rule(id)
                .is_some_and(|r| matches!(&r.kind, super::RuleKind::Require(q) if q.when_claims))
        };
        let keep = |id: &str| {
            independent(id) && full.rules.iter().position(|r| &*r.id == id).unwrap() % 2 == 1
        };
        part.retain(|r| keep(&r.id));
        let kept = full.rules.iter().filter(|r| keep(&r.id)).count();
        assert_eq!(part.rules.len(), kept);
        assert!(kept >= full.rules.len() / 2 - 1, "{kept} rules kept");
        let mut found = 0;
        for file in crate::scan::tests::corpus_files() {
            let want: Vec<_> = crate::engine::lint_every_rule(&full, &file, Format::Markdown)
                .into_iter()
                .filter(|d| keep(&d.rule))
                .map(|d| (d.rule, d.span))
                .collect();
            let got: Vec<_> = crate::engine::lint_every_rule(&part, &file, Format::Markdown)
                .into_iter()
                .map(|d| (d.rule, d.span))
                .collect();
            assert_eq!(got, want, "{}", file.path());
            found += got.len();
        }
        assert!(found > 100, "too few findings: {found}");
    }

    /// Text is copied, each placeholder filled with its value, and a
    /// placeholder without a value left empty.
    #[test]
    fn template_fills_its_placeholders() {
        let t = Template::parse(
            "“{match}” is not {suggestion}; {match}!",
            &["match", "suggestion"],
        )
        .unwrap();
        assert_eq!(
            t.render(&[("suggestion", "proven"), ("match", "cures")]),
            "“cures” is not proven; cures!"
        );
        assert_eq!(t.render(&[("match", "heals")]), "“heals” is not ; heals!");
    }

    /// The regexes are one alternation, each keeping its own flags, and
    /// phrases match whole words, in any case.
    #[test]
    fn raw_matcher_keeps_each_regex_flags() {
        let raw = RawMatcher {
            phrases: vec!["et al".into()],
            regexes: vec![r"(?mi)^doi:\s*10\.".into(), r"(?m)\bPMID\d+".into()],
            ..RawMatcher::default()
        };
        assert!(raw.is_match("see\nDOI: 10.1000/x"));
        assert!(!raw.is_match("see DOI: 10.1000/x"), "`^` is per line");
        assert!(raw.is_match("PMID123"));
        assert!(
            !raw.is_match("pmid123"),
            "the second regex is case-sensitive"
        );
        assert!(raw.is_match("Smith ET AL 2020"));
        assert!(!raw.is_match("Smith et alia"));
        assert!(!RawMatcher::default().is_match("anything"));
    }
}
