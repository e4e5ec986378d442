//! The prefilter: one pass over a segment finds every literal and regex of
//! every rule and lexicon.
//!
//! All phrases, and the literals every match of a regex must contain (its
//! gate), go into one Aho-Corasick automaton, which reads the segment
//! ASCII-lowercased (overlapping matches; word boundaries checked per hit).
//! A gated regex runs only where its gate occurs: anchored at the gate
//! when every match starts with it, else over the segment. The few regexes
//! without a rare literal go into one set, and only those it reports
//! run again to locate their matches. Adding rules adds patterns, never
//! passes over the text.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, MatchKind, dfa, nfa::noncontiguous};

use crate::document::sentence::is_word_char;
use crate::rx;

mod pack_gates;

/// Index of a rule in `RuleSet::rules` (the scanner's owners name rules,
/// lexicons and groups by index; the rule set gives them meaning).
pub type RuleIdx = usize;
/// Index of a lexicon in `RuleSet::lexicons`.
pub type LexIdx = usize;
/// Index of an inline term group (phrases/regexes of a require rule).
pub type GroupIdx = usize;

/// Who a pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// A trigger of a pattern rule.
    Trigger(RuleIdx),
    /// Entry `n` of a substitution rule's swap table.
    Swap(RuleIdx, usize),
    /// A term of a lexicon (also emitted for every lexicon that includes it).
    Lexicon(LexIdx),
    /// A term that cancels overlapping hits of a lexicon.
    LexiconUnless(LexIdx),
    /// An inline term group of a require rule.
    Group(GroupIdx),
    /// A required literal of regex `n`: the regex runs only on segments
    /// where one of its gate literals occurs (anchored at the literal when
    /// every match starts with one).
    Gate(usize),
    /// A second required literal of anchored regex `n`: its anchored runs
    /// happen only on segments where one of these occurs too.
    Also(usize),
    /// A literal of required item `k` of token pattern `n` of a rule (item
    /// 0 is its gate): the pattern is tried in sentences where each of its
    /// items has one (found anywhere, inside words too).
    TokenGate(RuleIdx, u16, u16),
    /// A word every opening of a myth frame holds (see
    /// `rule::MYTH_CUE_WORDS`), found anywhere, inside
    /// words too.
    MythCue,
}

impl Owner {
    fn remap(self, map: &[Option<RuleIdx>]) -> Option<Owner> {
        match self {
            Owner::Trigger(r) => map.get(r).copied().flatten().map(Owner::Trigger),
            Owner::Swap(r, n) => map.get(r).copied().flatten().map(|r| Owner::Swap(r, n)),
            Owner::TokenGate(r, n, k) => map
                .get(r)
                .copied()
                .flatten()
                .map(|r| Owner::TokenGate(r, n, k)),
            other => Some(other),
        }
    }
}

/// A pattern found in a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub owner: Owner,
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
struct Literal {
    /// Normalised phrase as written (for case-sensitive owners).
    text: String,
    /// Whether the phrase starts and ends with a word character (where a
    /// word boundary is checked).
    word_start: bool,
    word_end: bool,
    /// (owner, case-sensitive, needs word boundaries).
    owners: Vec<(Owner, bool, bool)>,
}

impl Literal {
    fn new(text: String) -> Self {
        Literal {
            word_start: text.chars().next().is_some_and(is_word_char),
            word_end: text.chars().next_back().is_some_and(is_word_char),
            text,
            owners: Vec::new(),
        }
    }
}

/// Normalises a phrase the way segment text is normalised: whitespace runs
/// become one space, curly quotes become ASCII.
pub fn normalise_phrase(phrase: &str) -> String {
    let mut out = String::with_capacity(phrase.len());
    for c in phrase.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201b}' | '\u{2032}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201f}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Whether the match `range` of `pattern` in `text` sits on word boundaries
/// (checked only at ends of the pattern that are word characters, so `#1`
/// and `100%` still work).
pub fn word_bounded(text: &str, range: Range<usize>, pattern: &str) -> bool {
    on_boundaries(
        text,
        range,
        pattern.chars().next().is_some_and(is_word_char),
        pattern.chars().next_back().is_some_and(is_word_char),
    )
}

/// [`word_bounded`] with the pattern's ends already classified.
#[inline]
fn on_boundaries(text: &str, range: Range<usize>, word_start: bool, word_end: bool) -> bool {
    let bytes = text.as_bytes();
    if word_start && range.start > 0 {
        let b = bytes[range.start - 1];
        let word_before = if b.is_ascii() {
            b.is_ascii_alphanumeric() || b == b'_'
        } else {
            text[..range.start]
                .chars()
                .next_back()
                .is_some_and(is_word_char)
        };
        if word_before {
            return false;
        }
    }
    if word_end && range.end < bytes.len() {
        let b = bytes[range.end];
        let word_after = if b.is_ascii() {
            b.is_ascii_alphanumeric() || b == b'_'
        } else {
            text[range.end..].chars().next().is_some_and(is_word_char)
        };
        if word_after {
            return false;
        }
    }
    true
}

/// How the phrase automaton gates a regex: the regex runs only where one of
/// its literals occurs. Literals are lower case and matched ASCII
/// case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Every match starts with one of `starts`: the regex runs anchored at
    /// each occurrence, and reads only as far as its match; and when
    /// `also` is given, only on segments where one of those occurs too.
    Prefix {
        starts: Vec<String>,
        also: Option<Vec<String>>,
    },
    /// Every match contains one of these literals: the regex searches the
    /// segments where one occurs.
    Inner(Vec<String>),
}

/// The gate of `source`, a final rule regex (`(?i:…)` for case-insensitive
/// rules), or `None` when no literal can stand for its matches (it then
/// reads every segment in the regex set). Literals are taken from the
/// case-sensitive body and matched ASCII case-insensitively, which keeps
/// the sets small and never misses an ASCII match. A rare prefix set is
/// preferred (anchored searches); otherwise the rarest set of literals
/// required anywhere in the match (the prefixes of some tail of a
/// concatenation, unioned over alternatives); failing both, a prefix set
/// of common words (see [`anchorable`]).
pub(crate) fn gate(source: &str) -> Option<Gate> {
    let (body, case_insensitive) = match source
        .strip_prefix("(?i:")
        .and_then(|b| b.strip_suffix(')'))
        .filter(|b| regex_syntax::Parser::new().parse(b).is_ok())
    {
        Some(body) => (body, true),
        None => (source, false),
    };
    let hir = spaces_normalised(&regex_syntax::Parser::new().parse(body).ok()?);
    let check = |set: Option<Vec<String>>| set.and_then(|s| minimised(&s, case_insensitive, rare));
    let prefix = |starts: Vec<String>| {
        // A second, independent requirement from what follows the first
        // element (often rarer than the opening words).
        let also = match hir.kind() {
            HirKind::Concat(children) => children
                .iter()
                .position(|c| !matches!(c.kind(), HirKind::Look(_)))
                .and_then(|first| {
                    required(
                        &Hir::concat(children[first + 1..].to_vec()),
                        case_insensitive,
                    )
                }),
            _ => None,
        }
        .filter(|also| also != &starts);
        Gate::Prefix { starts, also }
    };
    let openings = literals_of(&hir, ExtractKind::Prefix);
    if let Some(starts) = check(openings.clone()) {
        return Some(prefix(starts));
    }
    let mut best = check(literals_of(&hir, ExtractKind::Suffix));
    if let Some(inner) = required(&hir, case_insensitive) {
        best = better(best, inner);
    }
    if best.is_none() {
        // Without a rare literal the regex would read every segment (in
        // the regex set). Common opening words ("so", "used", "MS") still
        // do better as anchored runs: one costs a few bytes' reading where
        // such a word occurs, and ends where the match fails.
        let common = openings.and_then(|s| minimised(&s, case_insensitive, anchorable));
        if let Some(starts) = common {
            return Some(prefix(starts));
        }
    }
    best.map(Gate::Inner)
}

/// The gate of `source`: precomputed for the built-in pack's regexes
/// (`pack_gates.rs`, kept current by a test), computed for others.
fn known_gate(source: &str) -> Option<Gate> {
    let table = pack_gates::PACK_GATES;
    match table.binary_search_by(|(s, _)| s.cmp(&source)) {
        Ok(i) => table[i].1.as_ref().map(PackGate::to_gate),
        Err(_) => gate(source),
    }
}

/// A precomputed [`Gate`] (see `pack_gates.rs`).
#[derive(Debug)]
enum PackGate {
    Prefix(&'static [&'static str], Option<&'static [&'static str]>),
    Inner(&'static [&'static str]),
}

impl PackGate {
    fn to_gate(&self) -> Gate {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        match self {
            PackGate::Prefix(starts, also) => Gate::Prefix {
                starts: owned(starts),
                also: also.map(owned),
            },
            PackGate::Inner(literals) => Gate::Inner(owned(literals)),
        }
    }
}

/// The source of `pack_gates.rs` for `sources`.
#[cfg(test)]
fn render_pack_gates(sources: &[&str]) -> String {
    let mut sources = sources.to_vec();
    sources.sort_unstable();
    sources.dedup();
    let mut out = String::from(
        "//! The gates of the built-in pack's regexes, computed ahead so that\n\
         //! start-up does not parse them. Generated by the test\n\
         //! `scan::tests::pack_gates_are_current`; after changing a rule's\n\
         //! regex, run `CLAIMLINT_REGENERATE=1 cargo test --lib pack_gates`.\n\
         //! A regex missing here has its gate computed at start-up.\n\n\
         use super::PackGate::{self, Inner, Prefix};\n\n\
         #[rustfmt::skip]\n\
         pub(super) static PACK_GATES: &[(&str, Option<PackGate>)] = &[\n",
    );
    for source in sources {
        let entry = match gate(source) {
            None => "None".to_string(),
            Some(Gate::Prefix { starts, also }) => format!(
                "Some(Prefix(&{starts:?}, {}))",
                also.map_or("None".to_string(), |a| format!("Some(&{a:?})"))
            ),
            Some(Gate::Inner(literals)) => format!("Some(Inner(&{literals:?}))"),
        };
        out.push_str(&format!("    ({source:?}, {entry}),\n"));
    }
    out.push_str("];\n");
    out
}

use regex_syntax::hir::literal::ExtractKind;
use regex_syntax::hir::{Hir, HirKind};

/// The finite set of prefix (or suffix) literals of `hir`, lower case.
fn literals_of(hir: &Hir, kind: ExtractKind) -> Option<Vec<String>> {
    let mut extractor = regex_syntax::hir::literal::Extractor::new();
    extractor
        .kind(kind)
        .limit_class(10)
        .limit_repeat(4)
        .limit_literal_len(40)
        .limit_total(256);
    let seq = extractor.extract(hir);
    let literals = seq.literals()?;
    if literals.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(literals.len());
    for literal in literals {
        out.push(std::str::from_utf8(literal.as_bytes()).ok()?.to_lowercase());
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The best acceptable set of literals one of which every match of `hir`
/// contains.
fn required(hir: &Hir, case_insensitive: bool) -> Option<Vec<String>> {
    let ok = |set: Option<Vec<String>>| set.and_then(|s| minimised(&s, case_insensitive, rare));
    match hir.kind() {
        HirKind::Concat(children) => {
            let mut best = None;
            for i in 0..children.len() {
                let tail = Hir::concat(children[i..].to_vec());
                if let Some(set) = ok(literals_of(&tail, ExtractKind::Prefix)) {
                    best = better(best, set);
                }
                if let Some(set) = required(&children[i], case_insensitive) {
                    best = better(best, set);
                }
            }
            best
        }
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for branch in branches {
                all.extend(required(branch, case_insensitive)?);
            }
            all.sort();
            all.dedup();
            (all.len() <= 256).then_some(all)
        }
        HirKind::Repetition(rep) if rep.min >= 1 => required(&rep.sub, case_insensitive),
        HirKind::Capture(capture) => required(&capture.sub, case_insensitive),
        HirKind::Literal(_) | HirKind::Class(_) => ok(literals_of(hir, ExtractKind::Prefix)),
        _ => None,
    }
}

/// The rarer of two literal sets: the one whose shortest literal is
/// longer (up to six bytes), then the smaller one.
fn better(current: Option<Vec<String>>, candidate: Vec<String>) -> Option<Vec<String>> {
    let key = |v: &[String]| {
        let shortest = v.iter().map(|l| l.trim().len()).min().unwrap_or(0);
        (shortest.min(6), std::cmp::Reverse(v.len()))
    };
    match current {
        Some(c) if key(&c) >= key(&candidate) => Some(c),
        _ => Some(candidate),
    }
}

/// Most literals a gate may add to the automaton.
const MAX_GATE_LITERALS: usize = 64;

/// The smallest set of literals that `keep` accepts and that stands for
/// `set`: each literal cut to its shortest accepted prefix that ends a
/// word or follows punctuation, and literals that start with another one
/// dropped (an occurrence of the longer is an occurrence of the shorter).
/// `None` when a literal has no accepted prefix or the set stays too
/// large.
fn minimised(
    set: &[String],
    case_insensitive: bool,
    keep: fn(&str, bool) -> bool,
) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(set.len());
    for literal in set {
        // Cut before a space, after punctuation, or where letters meet
        // digits; never inside a word.
        let cuts = literal
            .char_indices()
            .zip(literal.chars().skip(1))
            .filter(|&((_, a), b)| {
                b == ' '
                    || (!a.is_alphanumeric() && a != ' ')
                    || (a.is_alphabetic() && b.is_numeric())
            })
            .map(|((i, a), _)| i + a.len_utf8())
            .chain([literal.len()]);
        let prefix = cuts
            .map(|end| &literal[..end])
            .find(|prefix| keep(prefix, case_insensitive))?;
        out.push(prefix.to_owned());
    }
    out.sort();
    out.dedup();
    let mut kept: Vec<String> = Vec::with_capacity(out.len());
    for literal in out {
        // Sorted, so a prefix of `literal` in the set comes right before
        // it or before one of its kept extensions; check every kept one.
        if !kept.iter().any(|k| literal.starts_with(k.as_str())) {
            kept.push(literal);
        }
    }
    (!kept.is_empty() && kept.len() <= MAX_GATE_LITERALS).then_some(kept)
}

/// Whether a literal, however common, may start anchored runs: two
/// characters or more (a lone letter would start a run every few bytes; a
/// lone digit, tried on the pack's number-led regexes, cost as much as
/// reading them in the regex set), and under case insensitivity no
/// non-ASCII letter (the automaton folds ASCII only).
fn anchorable(literal: &str, case_insensitive: bool) -> bool {
    let t = literal.trim();
    t.chars().count() >= 2
        && !(case_insensitive && t.chars().any(|c| !c.is_ascii() && c.is_alphabetic()))
}

/// Whether a literal is rare enough in prose to skip most text: one of its
/// words is (four or more letters and not a common word, or three letters
/// and not a common three-letter word), it is a phrase of eight or more
/// characters, or it holds a character prose seldom uses (brackets, `%`,
/// `#`, a digit next to punctuation, non-ASCII). Under case insensitivity a
/// non-ASCII letter is refused (the automaton folds ASCII only).
pub(crate) fn rare(literal: &str, case_insensitive: bool) -> bool {
    let t = literal.trim();
    if t.is_empty() || (case_insensitive && t.chars().any(|c| !c.is_ascii() && c.is_alphabetic())) {
        return false;
    }
    let special = |c: char| {
        matches!(
            c,
            '[' | ']' | '{' | '}' | '(' | ')' | '%' | '^' | '|' | '\\' | '#'
        ) || !c.is_ascii()
    };
    if t.chars().any(special)
        || (t.bytes().any(|b| b.is_ascii_digit()) && t.bytes().any(|b| b.is_ascii_punctuation()))
    {
        return true;
    }
    let mut words = 0;
    for word in t.split(' ') {
        words += 1;
        let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        let rare_word = match word.len() {
            0..=2 => false,
            3 => !COMMON3.contains(&word),
            _ => !COMMON.contains(&word),
        };
        if rare_word {
            return true;
        }
    }
    words >= 2 && t.len() >= 8
}

/// `hir` as it matches segment text, where every whitespace run is one
/// space: a whitespace class becomes a space, and a repeated one a single
/// optional or required space. Only for finding literals.
fn spaces_normalised(hir: &Hir) -> Hir {
    fn is_space_class(hir: &Hir) -> bool {
        match hir.kind() {
            HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => {
                c.iter()
                    .all(|r| (r.start()..=r.end()).all(char::is_whitespace))
                    && c.iter().any(|r| (r.start()..=r.end()).contains(&' '))
            }
            HirKind::Class(regex_syntax::hir::Class::Bytes(c)) => {
                c.iter()
                    .all(|r| (r.start()..=r.end()).all(|b| b == b' ' || (9..=13).contains(&b)))
                    && c.iter().any(|r| (r.start()..=r.end()).contains(&b' '))
            }
            _ => false,
        }
    }
    let space = || Hir::literal(*b" ");
    match hir.kind() {
        _ if is_space_class(hir) => space(),
        HirKind::Repetition(rep) if is_space_class(&rep.sub) => match rep.min {
            0 => Hir::alternation(vec![Hir::empty(), space()]),
            _ => space(),
        },
        HirKind::Repetition(rep) => Hir::repetition(regex_syntax::hir::Repetition {
            sub: Box::new(spaces_normalised(&rep.sub)),
            ..rep.clone()
        }),
        HirKind::Capture(c) => Hir::capture(regex_syntax::hir::Capture {
            sub: Box::new(spaces_normalised(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(children) => Hir::concat(children.iter().map(spaces_normalised).collect()),
        HirKind::Alternation(branches) => {
            Hir::alternation(branches.iter().map(spaces_normalised).collect())
        }
        _ => hir.clone(),
    }
}

/// Three-letter words too common in prose to gate a regex on.
const COMMON3: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "day", "get", "has", "him", "his", "how", "man", "new", "now", "old",
    "see", "two", "way", "who", "boy", "did", "its", "let", "put", "say", "she", "too", "use",
    "may", "own", "why", "yet", "few", "got", "off", "per", "via", "set", "try", "far", "big",
];

/// Words too common in prose to gate a regex on.
const COMMON: &[&str] = &[
    "does",
    "with",
    "your",
    "have",
    "that",
    "this",
    "from",
    "will",
    "more",
    "most",
    "some",
    "they",
    "them",
    "than",
    "then",
    "into",
    "also",
    "each",
    "such",
    "only",
    "just",
    "very",
    "been",
    "were",
    "what",
    "when",
    "which",
    "there",
    "their",
    "about",
    "other",
    "after",
    "before",
    "these",
    "those",
    "many",
    "much",
    "make",
    "makes",
    "made",
    "like",
    "over",
    "even",
    "ever",
    "every",
    "first",
    "well",
    "help",
    "helps",
    "work",
    "works",
    "used",
    "using",
    "patients",
    "people",
    "treatment",
    "therapy",
    "ketamine",
    "health",
    "mental",
    "can't",
    "don't",
    "isn't",
    "doesn't",
    "would",
    "could",
    "should",
    "being",
    "because",
    "where",
];

/// How much text a scanner is built for. The phrase automaton is a DFA for
/// large inputs (the fastest to search, about 10 ms to build for the
/// default pack) and a plain (noncontiguous) NFA for small ones (a few files
/// linted at a commit: about a fifth of the build time, a slower search
/// that does not matter on a few kilobytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Workload {
    Small,
    #[default]
    Large,
}

/// Collects patterns before building the automaton and the regex set.
#[derive(Debug, Default)]
pub struct ScannerBuilder {
    workload: Workload,
    literal_index: HashMap<String, usize>,
    literals: Vec<Literal>,
    regex_index: HashMap<String, usize>,
    regexes: Vec<(String, Vec<Owner>)>,
    /// Per regex: whether it comes only from the built-in pack (whose
    /// regexes the test suite compiles; others are compiled at load time).
    builtin: Vec<bool>,
}

impl ScannerBuilder {
    pub fn for_workload(workload: Workload) -> Self {
        ScannerBuilder {
            workload,
            ..ScannerBuilder::default()
        }
    }

    /// Adds a phrase (already validated as non-empty).
    pub fn add_phrase(&mut self, owner: Owner, phrase: &str, case_sensitive: bool) {
        let text = normalise_phrase(phrase);
        let key = text.to_ascii_lowercase();
        let index = *self.literal_index.entry(key).or_insert_with(|| {
            self.literals.push(Literal::new(text.clone()));
            self.literals.len() - 1
        });
        let entry = (owner, case_sensitive, true);
        if !self.literals[index].owners.contains(&entry) {
            self.literals[index].owners.push(entry);
        }
    }

    fn add_gate(&mut self, owner: Owner, literal: &str) {
        let key = literal.to_ascii_lowercase();
        let index = *self.literal_index.entry(key.clone()).or_insert_with(|| {
            self.literals.push(Literal::new(key));
            self.literals.len() - 1
        });
        let entry = (owner, false, false);
        if !self.literals[index].owners.contains(&entry) {
            self.literals[index].owners.push(entry);
        }
    }

    /// Adds a gate literal of a token pattern (found anywhere, ASCII case
    /// insensitively).
    pub fn add_token_gate(&mut self, owner: Owner, literal: &str) {
        self.add_gate(owner, literal);
    }

    /// Adds the myth-frame cue words (found anywhere, ASCII case
    /// insensitively), so that a finding's context check knows whether the
    /// text before it can open a myth frame without searching it.
    pub fn add_myth_cues(&mut self, words: &[&str]) {
        for word in words {
            self.add_gate(Owner::MythCue, word);
        }
    }

    /// Adds a regex given as its final source (flags included); the caller
    /// has checked that it compiles.
    pub fn add_regex(&mut self, owner: Owner, source: String, builtin: bool) {
        let index = *self.regex_index.entry(source.clone()).or_insert_with(|| {
            self.regexes.push((source, Vec::new()));
            self.builtin.push(true);
            self.regexes.len() - 1
        });
        self.builtin[index] &= builtin;
        if !self.regexes[index].1.contains(&owner) {
            self.regexes[index].1.push(owner);
        }
    }

    /// Drops the terms of lexicons no rule needs (`needed[l]` is false):
    /// their hits would never be read.
    pub fn retain_lexicons(&mut self, needed: &[bool]) {
        if needed.iter().all(|&n| n) {
            return;
        }
        let keep = |owner: &Owner| match *owner {
            Owner::Lexicon(l) | Owner::LexiconUnless(l) => needed.get(l).copied().unwrap_or(true),
            _ => true,
        };
        for literal in &mut self.literals {
            literal.owners.retain(|(owner, _, _)| keep(owner));
        }
        self.literals.retain(|l| !l.owners.is_empty());
        self.literal_index = (self.literals.iter().enumerate())
            .map(|(i, l)| (l.text.to_ascii_lowercase(), i))
            .collect();
        let mut builtin = self.builtin.iter();
        let mut kept_builtin = Vec::with_capacity(self.builtin.len());
        self.regexes.retain_mut(|(_, owners)| {
            let is_builtin = builtin.next().copied().unwrap_or(true);
            owners.retain(keep);
            if owners.is_empty() {
                return false;
            }
            kept_builtin.push(is_builtin);
            true
        });
        self.builtin = kept_builtin;
        self.regex_index = (self.regexes.iter().enumerate())
            .map(|(i, (source, _))| (source.clone(), i))
            .collect();
    }

    pub fn build(mut self) -> Result<Scanner, String> {
        // Regexes with rare required literals are gated by the automaton;
        // the rest go into the regex set.
        let mut ungated = Vec::new();
        let mut anchored = vec![false; self.regexes.len()];
        let mut needs_also = vec![false; self.regexes.len()];
        for i in 0..self.regexes.len() {
            let literals = match known_gate(&self.regexes[i].0) {
                Some(Gate::Prefix { starts, also }) => {
                    anchored[i] = true;
                    if let Some(also) = also {
                        needs_also[i] = true;
                        for literal in also {
                            self.add_gate(Owner::Also(i), &literal);
                        }
                    }
                    starts
                }
                Some(Gate::Inner(literals)) => literals,
                None => {
                    ungated.push(i);
                    continue;
                }
            };
            // A gated regex is compiled on first use; one that is not from
            // the built-in pack is checked now, so a regex over the size
            // limit is an error at load time.
            if !self.builtin[i] {
                regex::RegexBuilder::new(&self.regexes[i].0)
                    .size_limit(crate::rx::SIZE_LIMIT)
                    .build()
                    .map_err(|_| format!("regex is too large to compile: {}", self.regexes[i].0))?;
            }
            for literal in literals {
                self.add_gate(Owner::Gate(i), &literal);
            }
        }
        // The automaton reads the text with ASCII letters lowercased,
        // which gives the same matches as an ASCII-case-insensitive
        // automaton at the same offsets, and builds in less than half the
        // time (one transition per letter instead of two). The set of
        // regexes without a gate builds on a second thread meanwhile (with
        // the `parallel` feature; a regex too large is an error at load
        // time).
        let sources: Vec<&str> = ungated
            .iter()
            .map(|&i| self.regexes[i].0.as_str())
            .collect();
        let build_ac = || {
            if self.literals.is_empty() {
                Ok(None)
            } else {
                Phrases::build(&self.literals, &anchored, self.workload)
                    .map(Some)
                    .map_err(|e| format!("cannot build the phrase automaton: {e}"))
            }
        };
        #[cfg(feature = "parallel")]
        let (ac, set) = std::thread::scope(|scope| {
            let set = (!sources.is_empty()).then(|| scope.spawn(|| build_set(&sources)));
            let ac = build_ac();
            let set = set.map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            });
            (ac, set)
        });
        #[cfg(not(feature = "parallel"))]
        let (ac, set) = (
            build_ac(),
            (!sources.is_empty()).then(|| build_set(&sources)),
        );
        let (ac, set) = (ac?, set.transpose()?);
        let regexes = self
            .regexes
            .into_iter()
            .zip(anchored.into_iter().zip(needs_also))
            .map(|((source, owners), (anchored, needs_also))| LazyRegex {
                source,
                owners,
                anchored,
                needs_also,
                regex: OnceLock::new(),
                dfa: OnceLock::new(),
            })
            .collect();
        Ok(Scanner {
            workload: self.workload,
            ac,
            literals: self.literals,
            set,
            set_members: ungated,
            regexes,
        })
    }
}

/// One set of `sources`, or which of them does not fit.
fn build_set(sources: &[&str]) -> Result<rx::RegexSet, String> {
    let set = rx::RegexSet::new(sources);
    let Some(e) = set.error() else {
        return Ok(set);
    };
    // Name the regex that does not fit, if one alone is too big (the limit
    // a gated regex is held to).
    let culprit = sources.iter().find(|s| {
        regex::RegexBuilder::new(s)
            .size_limit(crate::rx::SIZE_LIMIT)
            .build()
            .is_err()
    });
    Err(match culprit {
        Some(s) => format!("regex is too large to compile: {s}"),
        None => format!("cannot combine the rule regexes: {e}"),
    })
}

/// Removes consecutive repeats from `v[from..]` (`Vec::dedup` on a tail).
fn dedup_from<T: PartialEq>(v: &mut Vec<T>, from: usize) {
    let mut kept = from;
    for i in from..v.len() {
        if kept == from || v[i] != v[kept - 1] {
            v.swap(kept, i);
            kept += 1;
        }
    }
    v.truncate(kept);
}

/// A regex compiled the first time its gate or the set reports it: most
/// rules' regexes never match a given corpus, and compiling them all up
/// front would dominate start-up.
#[derive(Debug)]
struct LazyRegex {
    source: String,
    owners: Vec<Owner>,
    /// Whether every match starts at a gate literal, so the regex runs
    /// anchored there.
    anchored: bool,
    /// Whether its anchored runs also need an [`Owner::Also`] literal.
    needs_also: bool,
    regex: OnceLock<rx::Regex>,
    dfa: OnceLock<rx::AnchoredRegex>,
}

impl LazyRegex {
    fn get(&self) -> &rx::Regex {
        self.regex.get_or_init(|| rx::Regex::new(&self.source))
    }

    fn anchored(&self) -> &rx::AnchoredRegex {
        self.dfa
            .get_or_init(|| rx::AnchoredRegex::new(&self.source))
    }
}

/// The phrase automaton: every literal, ASCII-lowercased, matched
/// overlapping. A plain NFA for small workloads (quick to build), a DFA
/// for large ones (quick to search).
///
/// The automaton holds each literal's first [`PREFIX_LEN`] bytes only; a
/// longer literal is confirmed by comparing the rest of it where its
/// prefix occurs. Short patterns let [`overlapping`] read a segment as
/// parts that overlap by a few bytes only (and the default pack's DFA
/// takes 3.5 MB instead of 6.2).
#[derive(Debug)]
struct Phrases {
    automaton: PrefixAutomaton,
    /// Per automaton pattern, its literals in `entries`.
    patterns: Vec<Range<u32>>,
    /// Every literal, in the order of its ASCII-lowercased bytes.
    entries: Vec<Entry>,
    /// What an occurrence of each entry does, entry after entry.
    actions: Vec<Action>,
    /// Per [`Action::Anchor`], its literal as its regex's DFA reads it.
    walks: Vec<rx::LiteralWalk>,
}

/// A literal as the phrase automaton's matches reach it: what checking
/// and handling an occurrence needs, without going through the literal's
/// owners and the regexes' records.
#[derive(Debug)]
struct Entry {
    /// Its index in [`Scanner::literals`].
    literal: usize,
    /// Its actions in [`Phrases::actions`].
    actions: Range<u32>,
    /// Whether the literal starts and ends with a word character.
    word_start: bool,
    word_end: bool,
    /// Its ASCII-lowercased bytes.
    bytes: Box<[u8]>,
}

/// What an occurrence of a literal does for one of its owners, resolved
/// when the scanner is built.
#[derive(Debug, Clone, Copy)]
enum Action {
    /// A hit for `owner`, once the checks the flags ask for pass.
    Hit {
        owner: Owner,
        case_sensitive: bool,
        needs_bounds: bool,
    },
    /// An anchored run of regex `regex` from the occurrence's start,
    /// resumed after the literal as [`Phrases::walks`]`[walk]` says.
    Anchor { regex: u32, walk: u32 },
    /// A search of regex `n` over the text.
    Search(usize),
    /// A second required literal of anchored regex `n`.
    Also(usize),
}

#[derive(Debug)]
enum PrefixAutomaton {
    Nfa(noncontiguous::NFA),
    Dfa(dfa::DFA),
}

/// How many bytes of a literal the phrase automaton holds.
const PREFIX_LEN: usize = 8;

impl Phrases {
    fn build(
        literals: &[Literal],
        anchored: &[bool],
        workload: Workload,
    ) -> Result<Self, aho_corasick::BuildError> {
        let mut lowered: Vec<(Box<[u8]>, usize)> = literals
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    l.text.to_ascii_lowercase().into_bytes().into_boxed_slice(),
                    i,
                )
            })
            .collect();
        lowered.sort_unstable();
        let mut prefixes = Vec::with_capacity(lowered.len());
        let mut patterns = Vec::with_capacity(lowered.len());
        let mut entries = Vec::with_capacity(lowered.len());
        for (bytes, literal) in lowered {
            let prefix = &bytes[..bytes.len().min(PREFIX_LEN)];
            if prefixes
                .last()
                .is_none_or(|last: &Vec<u8>| last.as_slice() != prefix)
            {
                prefixes.push(prefix.to_vec());
                let at = entries.len() as u32;
                patterns.push(at..at);
            }
            entries.push(Entry {
                literal,
                actions: 0..0,
                word_start: literals[literal].word_start,
                word_end: literals[literal].word_end,
                bytes,
            });
            if let Some(last) = patterns.last_mut() {
                last.end = entries.len() as u32;
            }
        }
        let nfa = noncontiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&prefixes)?;
        let automaton = match workload {
            Workload::Small => PrefixAutomaton::Nfa(nfa),
            Workload::Large => PrefixAutomaton::Dfa(
                dfa::DFA::builder()
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build_from_noncontiguous(&nfa)?,
            ),
        };
        let mut phrases = Phrases {
            automaton,
            patterns,
            entries,
            actions: Vec::new(),
            walks: Vec::new(),
        };
        phrases.resolve(literals, anchored);
        Ok(phrases)
    }

    /// Lays out every entry's actions from its literal's owners
    /// (`anchored[n]`: whether regex `n` runs anchored at its gates).
    fn resolve(&mut self, literals: &[Literal], anchored: &[bool]) {
        self.actions.clear();
        self.walks.clear();
        self.actions
            .reserve(literals.iter().map(|l| l.owners.len()).sum());
        for entry in &mut self.entries {
            let start = self.actions.len() as u32;
            let walks = &mut self.walks;
            self.actions
                .extend(literals[entry.literal].owners.iter().map(
                    |&(owner, case_sensitive, needs_bounds)| match owner {
                        Owner::Gate(n) if anchored[n] => {
                            walks.push(rx::LiteralWalk::new(&entry.bytes));
                            Action::Anchor {
                                regex: n as u32,
                                walk: (walks.len() - 1) as u32,
                            }
                        }
                        Owner::Gate(n) => Action::Search(n),
                        Owner::Also(n) => Action::Also(n),
                        owner => Action::Hit {
                            owner,
                            case_sensitive,
                            needs_bounds,
                        },
                    },
                ));
            entry.actions = start..self.actions.len() as u32;
        }
    }

    /// The actions of `entry`.
    fn actions(&self, entry: &Entry) -> &[Action] {
        &self.actions[entry.actions.start as usize..entry.actions.end as usize]
    }

    /// Calls `found(entry, range)` for every occurrence of a literal in
    /// `text` read with ASCII letters lowercased.
    #[inline]
    fn for_each(&self, text: &[u8], mut found: impl FnMut(&Entry, Range<usize>)) {
        let mut confirm = |pattern: usize, range: Range<usize>| {
            let span = self.patterns[pattern].clone();
            for entry in &self.entries[span.start as usize..span.end as usize] {
                let bytes = &entry.bytes;
                if bytes.len() == range.len() {
                    found(entry, range.clone());
                } else if text
                    .get(range.start..range.start + bytes.len())
                    .is_some_and(|t| t[range.len()..].eq_ignore_ascii_case(&bytes[range.len()..]))
                {
                    found(entry, range.start..range.start + bytes.len());
                }
            }
        };
        match &self.automaton {
            PrefixAutomaton::Nfa(nfa) => overlapping(nfa, text, &mut confirm),
            PrefixAutomaton::Dfa(dfa) => overlapping(dfa, text, &mut confirm),
        }
    }
}

/// The overlapping search of [`aho_corasick::AhoCorasick`], written out
/// so that each byte is lowercased as it is read (no lowered copy of the
/// text) and matches are handed over without an iterator's state.
///
/// A longer text is searched as several parts in one loop ([`lanes`]):
/// each transition waits for the one before it to load, and independent
/// chains of loads overlap. A state depends only on the last
/// `max_len - 1` bytes read, so each part after the first starts from the
/// start state that many bytes before its boundary and reports only the
/// matches that end past it.
#[inline(always)]
fn overlapping<A: Automaton>(aut: &A, text: &[u8], mut found: impl FnMut(usize, Range<usize>)) {
    // An unanchored start with a standard match kind and no prefilter:
    // the start state is neither a dead nor a special state.
    let Ok(start) = aut.start_state(Anchored::No) else {
        return;
    };
    let mut report = |sid: StateID, end: usize| {
        for i in 0..aut.match_len(sid) {
            let pid = aut.match_pattern(sid, i);
            found(pid.as_usize(), end - aut.pattern_len(pid)..end);
        }
    };
    let warm_up = aut.max_pattern_len().saturating_sub(1);
    // A part shorter than a few warm-ups would spend most of its reads
    // catching up (and every part is longer than its warm-up, even when
    // all literals are one byte long and there is none).
    let part = 4 * warm_up.max(1);
    if text.len() > LANES * part {
        lanes::<LANES, A>(aut, start, text, warm_up, &mut report);
    } else if text.len() > 2 * part {
        lanes::<2, A>(aut, start, text, warm_up, &mut report);
    } else {
        read(aut, start, text, 0, &mut report);
    }
}

/// How many parts a long text is read as.
const LANES: usize = 4;

/// Reads `bytes` (at `offset` in the text) from state `sid`, reporting
/// every match state with the offset where it ends.
#[inline(always)]
fn read<A: Automaton>(
    aut: &A,
    mut sid: StateID,
    bytes: &[u8],
    offset: usize,
    report: &mut impl FnMut(StateID, usize),
) -> StateID {
    for (at, &byte) in bytes.iter().enumerate() {
        sid = aut.next_state(Anchored::No, sid, byte.to_ascii_lowercase());
        if aut.is_match(sid) {
            report(sid, offset + at + 1);
        }
    }
    sid
}

/// [`overlapping`]'s search as `N` parts of `text` read in one loop. Part
/// `k` reports the matches ending in `(k * len, (k + 1) * len]` (the last
/// one up to the end of the text); parts after the first start reading
/// `warm_up` bytes before their boundary, and all of them move one byte
/// a step, the first waiting out the warm-up.
#[inline(always)]
fn lanes<const N: usize, A: Automaton>(
    aut: &A,
    start: StateID,
    text: &[u8],
    warm_up: usize,
    report: &mut impl FnMut(StateID, usize),
) {
    let len = text.len() / N;
    debug_assert!(len > warm_up);
    let mut sids = [start; N];
    // Where part k reads at step 0: `warm_up` bytes before its boundary.
    let origin = |k: usize| k * len - warm_up;
    for at in 0..warm_up {
        for (k, sid) in sids.iter_mut().enumerate().skip(1) {
            let byte = text[origin(k) + at].to_ascii_lowercase();
            *sid = aut.next_state(Anchored::No, *sid, byte);
        }
    }
    for at in 0..len {
        for (k, sid) in sids.iter_mut().enumerate() {
            let pos = k * len + at;
            *sid = aut.next_state(Anchored::No, *sid, text[pos].to_ascii_lowercase());
            if aut.is_match(*sid) {
                report(*sid, pos + 1);
            }
        }
    }
    // The last part also reads what the division left over.
    read(aut, sids[N - 1], &text[N * len..], N * len, report);
}

/// Per-thread buffers reused from one scan to the next.
#[derive(Debug, Default)]
struct Scratch {
    run: Vec<usize>,
    /// (regex, start, walk) per occurrence of a prefix gate's literal.
    starts: Vec<(u32, usize, u32)>,
    /// Per regex, the number of the last scan that saw one of its
    /// [`Owner::Also`] literals.
    also_seen: Vec<u32>,
    /// The number of this scan (never 0, which `also_seen` starts with).
    scan: u32,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// The compiled prefilter.
#[derive(Debug)]
pub struct Scanner {
    workload: Workload,
    ac: Option<Phrases>,
    literals: Vec<Literal>,
    /// The regexes without rare required literals (`set_members[i]` is the
    /// index in `regexes` of the set's pattern `i`).
    set: Option<rx::RegexSet>,
    set_members: Vec<usize>,
    regexes: Vec<LazyRegex>,
}

impl Scanner {
    /// For a small workload, compiles on every thread of the current pool
    /// the regexes that `texts` (one document's segments) will run: on a
    /// few short posts, compiling them is most of the run, and scanning
    /// one document is otherwise single-threaded. A no-op for large
    /// workloads, where each regex compiles once early in the run.
    pub fn prepare(&self, texts: &[&str]) {
        let Some(ac) = &self.ac else { return };
        if self.workload != Workload::Small {
            return;
        }
        let n = self.regexes.len();
        let mut need = vec![false; n];
        let (mut gated, mut also) = (vec![false; n], vec![false; n]);
        for text in texts {
            gated.iter_mut().for_each(|g| *g = false);
            also.iter_mut().for_each(|a| *a = false);
            ac.for_each(text.as_bytes(), |entry, _| {
                for action in ac.actions(entry) {
                    match *action {
                        Action::Anchor { regex: r, .. } => gated[r as usize] = true,
                        Action::Search(r) => gated[r] = true,
                        Action::Also(r) => also[r] = true,
                        Action::Hit { .. } => {}
                    }
                }
            });
            for r in 0..n {
                need[r] |= gated[r] && (!self.regexes[r].needs_also || also[r]);
            }
        }
        let todo: Vec<&LazyRegex> = (0..n)
            .filter(|&r| need[r])
            .map(|r| &self.regexes[r])
            .collect();
        let compile = |lazy: &&LazyRegex| {
            if lazy.anchored {
                lazy.anchored();
            } else {
                lazy.get();
            }
        };
        #[cfg(feature = "parallel")]
        rayon::iter::ParallelIterator::for_each(
            rayon::iter::IntoParallelRefIterator::par_iter(&todo),
            compile,
        );
        #[cfg(not(feature = "parallel"))]
        todo.iter().for_each(compile);
    }

    /// The set of regexes without a gate.
    fn set(&self) -> Option<&rx::RegexSet> {
        self.set.as_ref()
    }

    /// Every hit in `text`, sorted by start, longest first.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        self.scan_into(text, &mut hits);
        hits
    }

    /// Appends every hit in `text` to `out`, sorted by start, longest first
    /// (the hits already in `out` stay as they are).
    pub fn scan_into(&self, text: &str, out: &mut Vec<Hit>) {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.scan_with(text, &mut scratch, out),
            Err(_) => self.scan_with(text, &mut Scratch::default(), out),
        })
    }

    /// Appends the hits of `text` to `hits` (see [`Scanner::scan_into`]).
    fn scan_with(&self, text: &str, scratch: &mut Scratch, hits: &mut Vec<Hit>) {
        let from = hits.len();
        // Regexes to search this text with: inner-gated ones whose literal
        // occurs, and those the set reports; and (regex, start, walk) for
        // prefix-gated ones.
        let Scratch {
            run,
            starts,
            also_seen,
            scan,
        } = scratch;
        run.clear();
        starts.clear();
        *scan = scan.wrapping_add(1);
        if *scan == 0 || also_seen.len() != self.regexes.len() {
            also_seen.clear();
            also_seen.resize(self.regexes.len(), 0);
            *scan = 1;
        }
        let scan = *scan;
        if let Some(ac) = &self.ac {
            ac.for_each(text.as_bytes(), |entry, range| {
                let mut bounded = None;
                for action in ac.actions(entry) {
                    let (owner, case_sensitive, needs_bounds) = match *action {
                        Action::Anchor { regex, walk } => {
                            starts.push((regex, range.start, walk));
                            continue;
                        }
                        Action::Search(regex) => {
                            run.push(regex);
                            continue;
                        }
                        Action::Also(regex) => {
                            also_seen[regex] = scan;
                            continue;
                        }
                        Action::Hit {
                            owner,
                            case_sensitive,
                            needs_bounds,
                        } => (owner, case_sensitive, needs_bounds),
                    };
                    if needs_bounds
                        && !*bounded.get_or_insert_with(|| {
                            on_boundaries(text, range.clone(), entry.word_start, entry.word_end)
                        })
                    {
                        continue;
                    }
                    if case_sensitive && text[range.clone()] != self.literals[entry.literal].text {
                        continue;
                    }
                    hits.push(Hit {
                        owner,
                        range: range.clone(),
                    });
                }
            });
        }
        // Anchored runs: per regex, in order of start, skipping starts
        // inside the previous match (as `find_iter` would), each resumed
        // after the literal found there when the regex's DFA allows.
        starts.sort_unstable();
        starts.dedup();
        let mut i = 0;
        while i < starts.len() {
            let group_end = i + starts[i..].partition_point(|s| s.0 == starts[i].0);
            let group = &starts[i..group_end];
            let index = starts[i].0 as usize;
            i = group_end;
            let lazy = &self.regexes[index];
            if lazy.needs_also && also_seen[index] != scan {
                continue;
            }
            let walk = |w: u32| self.ac.as_ref().map(|ac| &ac.walks[w as usize]);
            lazy.anchored().matches_at(
                text,
                group.iter().map(|s| (s.1, walk(s.2))),
                |start, end| {
                    for &owner in &lazy.owners {
                        hits.push(Hit {
                            owner,
                            range: start..end,
                        });
                    }
                },
            );
        }
        if let Some(set) = self.set() {
            let from = run.len();
            set.matches_into(text, run);
            for i in &mut run[from..] {
                *i = self.set_members[*i];
            }
        }
        run.sort_unstable();
        run.dedup();
        for &index in run.iter() {
            let lazy = &self.regexes[index];
            for range in lazy.get().find_iter(text) {
                for &owner in &lazy.owners {
                    hits.push(Hit {
                        owner,
                        range: range.clone(),
                    });
                }
            }
        }
        // The comparison covers every field, so an unstable sort is exact.
        hits[from..].sort_unstable_by(|a, b| {
            (a.range.start, std::cmp::Reverse(a.range.end), a.owner).cmp(&(
                b.range.start,
                std::cmp::Reverse(b.range.end),
                b.owner,
            ))
        });
        dedup_from(hits, from);
    }

    /// Every phrase searched for on a rule's or a lexicon's behalf (the
    /// regexes' gate literals and the myth-frame cue words left out), as
    /// normalised, in no particular order.
    pub fn searched_phrases(&self) -> impl Iterator<Item = &str> {
        self.literals
            .iter()
            .filter(|l| {
                l.owners.iter().any(|&(owner, _, _)| {
                    !matches!(owner, Owner::Gate(_) | Owner::Also(_) | Owner::MythCue)
                })
            })
            .map(|l| l.text.as_str())
    }

    /// Compiles every regex now and returns what does not compile (the
    /// set is built with the scanner). The test suite runs this on the
    /// built-in pack, whose regexes are otherwise compiled on first use.
    pub fn compile_all(&self) -> Vec<String> {
        let mut failed: Vec<String> = self
            .regexes
            .iter()
            .filter(|r| !r.get().compiles())
            .map(|r| r.source.clone())
            .collect();
        if !self.set_members.is_empty() && self.set().is_none() {
            failed.push("(the set of regexes without a gate)".into());
        }
        failed
    }

    /// How many regexes run anchored at their prefix literals, how many
    /// search the segments where a required literal occurs, and how many
    /// run as a set.
    pub fn regex_counts(&self) -> (usize, usize, usize) {
        let anchored = self.regexes.iter().filter(|r| r.anchored).count();
        (
            anchored,
            self.regexes.len() - self.set_members.len() - anchored,
            self.set_members.len(),
        )
    }

    /// Renumbers rule owners after rules were removed (`map[old] = new`).
    pub fn remap_rules(&mut self, map: &[Option<RuleIdx>]) {
        for literal in &mut self.literals {
            literal.owners = literal
                .owners
                .iter()
                .filter_map(|&(o, cs, b)| o.remap(map).map(|o| (o, cs, b)))
                .collect();
        }
        for lazy in &mut self.regexes {
            lazy.owners = lazy.owners.iter().filter_map(|o| o.remap(map)).collect();
        }
        if let Some(ac) = &mut self.ac {
            let anchored: Vec<bool> = self.regexes.iter().map(|r| r.anchored).collect();
            ac.resolve(&self.literals, &anchored);
        }
    }

    /// Number of distinct literals and regexes (for `rules --stats`).
    pub fn pattern_counts(&self) -> (usize, usize) {
        (self.literals.len(), self.regexes.len())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A scanner of `phrases` (owner, phrase, case-sensitive) and `regexes`
    /// (owner, final source; not from the built-in pack).
    fn scanner(phrases: &[(Owner, &str, bool)], regexes: &[(Owner, &str)]) -> Scanner {
        let mut b = ScannerBuilder::default();
        for &(owner, phrase, case_sensitive) in phrases {
            b.add_phrase(owner, phrase, case_sensitive);
        }
        for &(owner, source) in regexes {
            b.add_regex(owner, source.into(), false);
        }
        b.build().unwrap()
    }

    #[test]
    fn one_scan_finds_phrases_and_regexes_with_boundaries() {
        let s = scanner(
            &[
                (Owner::Trigger(0), "best  treatment", false),
                (Owner::Lexicon(1), "treatment", false),
                (Owner::Trigger(2), "#1", false),
            ],
            &[(Owner::Trigger(3), r"(?i:(?-u:\b)cures?(?-u:\b))")],
        );
        let hits = s.scan("The BEST treatment cures; our #1 pretreatment");
        let got: Vec<(Owner, Range<usize>)> =
            hits.into_iter().map(|h| (h.owner, h.range)).collect();
        assert_eq!(
            got,
            vec![
                (Owner::Trigger(0), 4..18),
                (Owner::Lexicon(1), 9..18),
                (Owner::Trigger(3), 19..24),
                (Owner::Trigger(2), 30..32),
            ]
        );
    }

    #[test]
    fn scan_into_appends_and_leaves_earlier_hits_alone() {
        let s = scanner(
            &[
                (Owner::Lexicon(0), "treatment", false),
                (Owner::Trigger(1), "best treatment", false),
            ],
            &[],
        );
        // Earlier hits, out of order and repeated, as another segment's.
        let hit = |range| Hit {
            owner: Owner::Trigger(7),
            range,
        };
        let earlier = vec![hit(5..9), hit(5..9), hit(0..3)];
        let mut out = earlier.clone();
        s.scan_into("the best treatment", &mut out);
        assert_eq!(&out[..3], &earlier[..]);
        assert_eq!(&out[3..], &s.scan("the best treatment")[..]);
        assert_eq!(out.len(), 5);

        let mut v = vec![1, 1, 3, 3, 3, 2, 2, 3];
        dedup_from(&mut v, 1);
        assert_eq!(v, [1, 1, 3, 2, 3]);
        let mut v = vec![4, 4];
        dedup_from(&mut v, 2);
        assert_eq!(v, [4, 4]);
    }

    #[test]
    fn case_sensitive_owner_needs_exact_case() {
        let s = scanner(
            &[
                (Owner::Trigger(0), "Spravato", true),
                (Owner::Trigger(1), "spravato", false),
            ],
            &[],
        );
        let owners: Vec<Owner> = s.scan("spravato").into_iter().map(|h| h.owner).collect();
        assert_eq!(owners, vec![Owner::Trigger(1)]);
    }

    #[test]
    fn phrase_normalisation() {
        assert_eq!(normalise_phrase("  isn’t\n  safe "), "isn't safe");
    }

    fn gate_of(source: &str) -> Gate {
        gate(source).unwrap_or_else(|| panic!("no gate for {source}"))
    }

    #[test]
    fn a_regex_starting_with_words_runs_anchored_and_needs_its_rarer_tail() {
        let g = gate_of(
            r"(?i:(?-u:\b)(?:depression|anxiety)(?-u:\s)+(?:is|was)(?-u:\s)+(?:gone|vanished)(?-u:\b))",
        );
        assert_eq!(
            g,
            Gate::Prefix {
                starts: vec!["anxiety".into(), "depression".into()],
                also: Some(vec![
                    " is gone".into(),
                    " is vanished".into(),
                    " was gone".into(),
                    " was vanished".into()
                ]),
            }
        );
    }

    #[test]
    fn whitespace_runs_count_as_one_space_so_phrases_of_common_words_gate() {
        // "the", "only" and "that" are each too common; the phrase is not.
        let g = gate_of(r"(?i:(?-u:\b)the(?-u:\s)+only(?-u:\s)+way(?-u:\b))");
        assert_eq!(
            g,
            Gate::Prefix {
                starts: vec!["the only".into()],
                also: None,
            }
        );
    }

    #[test]
    fn literals_are_cut_to_their_shortest_rare_prefix_and_extensions_dropped() {
        assert_eq!(
            minimised(
                &[
                    "approved for".into(),
                    "approved in".into(),
                    "pmc1234".into()
                ],
                true,
                rare
            ),
            Some(vec!["approved".into(), "pmc".into()])
        );
        // A cut never splits a word: "pre" is not a gate for "preclinical".
        assert_eq!(
            minimised(&["pre-clinical".into(), "preclinical".into()], true, rare),
            Some(vec!["pre-".into(), "preclinical".into()])
        );
        // Common words alone are refused.
        assert_eq!(minimised(&["the".into(), "is".into()], true, rare), None);
        // As anchors they may serve; a lone character may not.
        assert_eq!(
            minimised(&["the end".into(), "is".into()], true, anchorable),
            Some(vec!["is".into(), "the".into()])
        );
        assert_eq!(
            minimised(&["1".into(), "is".into()], true, anchorable),
            None
        );
    }

    #[test]
    fn a_regex_without_a_rare_literal_is_not_gated() {
        assert_eq!(gate(r"(?i:(?-u:\b)(?-u:\w)+,(?-u:\s)+and(?-u:\b))"), None);
        // A number opens every match: a digit is no anchor.
        assert_eq!(
            gate(
                r"(?i:(?-u:\b)(?-u:\d)+(?-u:\s)+(?:out(?-u:\s)+of|in)(?-u:\s)+(?:10|ten|100)(?-u:\b))"
            ),
            None
        );
    }

    #[test]
    fn common_opening_words_anchor_a_regex_with_no_rare_literal() {
        // Every word here is common, so neither a prefix nor a required
        // literal is rare; the opening words still anchor its runs.
        assert_eq!(
            gate(
                r"(?i:(?-u:\b)(?:so|thus|this(?-u:\s)+means)(?-u:\s)+(?:(?-u:\w)+(?-u:\s)+){0,2}?(?:can|will)(?-u:\b))"
            ),
            Some(Gate::Prefix {
                starts: vec!["so".into(), "this".into(), "thus".into()],
                also: None,
            })
        );
        // A rare literal anywhere still wins over common opening words.
        assert_eq!(
            gate(
                r"(?i:(?-u:\b)(?:so|thus)(?-u:\s)+(?:(?-u:\w)+(?-u:\s)+){0,2}?neurogenesis(?-u:\b))"
            ),
            Some(Gate::Inner(vec![" neurogenesis".into()]))
        );
    }

    #[test]
    fn a_leading_class_gates_on_an_inner_literal() {
        assert_eq!(
            gate_of(r"(?i:(?-u:\b)(?-u:\d)+(?-u:\s)+percent(?-u:\b))"),
            Gate::Inner(vec![" percent".into()])
        );
    }

    /// The seeds and the labelled corpus's posts, in path order.
    pub(crate) fn corpus_files() -> Vec<crate::source::SourceFile> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["../../seeds", "tests/corpus"] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "txt"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push(crate::source::SourceFile::new(
                    path.display().to_string(),
                    text,
                ));
            }
        }
        files
    }

    /// The Markdown segments of the seeds and the labelled corpus.
    pub(crate) fn corpus_segments() -> Vec<String> {
        let mut texts = Vec::new();
        for source in corpus_files() {
            let doc = crate::document::Document::parse(&source, crate::document::Format::Markdown);
            texts.extend(doc.segments.iter().map(|s| s.text.clone()));
        }
        assert!(texts.len() > 500, "too few segments: {}", texts.len());
        texts
    }

    /// The written-out overlapping search reports what the crate's
    /// overlapping iterator reports on the ASCII-lowercased text, for both
    /// kinds of automaton: overlapping literals, literals longer than the
    /// automaton's prefixes (and texts where only the prefix occurs),
    /// non-ASCII text, short texts (one pass) and longer ones (two and
    /// four parts, every length tried).
    #[test]
    fn phrase_automaton_matches_the_crates_overlapping_search() {
        let words = [
            "it",
            "its",
            "it's",
            "side",
            "side effects",
            "side effects are rare",
            "side eff",
            "effect",
            "ÉTÉ",
            "é",
            "(",
            "ten",
            "often",
            "treatment-resistant depression",
        ];
        let literals: Vec<Literal> = words.iter().map(|w| Literal::new((*w).into())).collect();
        let reference = aho_corasick::AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(words.iter().map(|w| w.to_ascii_lowercase()))
            .unwrap();
        let short = "Its SIDE Effects? It's often (ten) été — ÉTÉ, side effectsit";
        let long = "Side effects are rare, SIDE EFFECTS ARE RAREly its side effect; \
                    treatment-resistant Depression (ten) often été, side effec \
                    it's it its(often)side effects are rare—ÉTÉ treatment-resistant \
                    depression, SIDE effects ARE rare: it-its-it's ten often été";
        let mut texts = vec![String::new(), short.to_string(), long.to_string()];
        // Every length from one pass to two and four parts, so that every
        // byte falls on either side of a part's boundary.
        texts.extend(
            (0..long.len())
                .filter(|&i| long.is_char_boundary(i))
                .map(|i| long[i..].to_string()),
        );
        let mut matched = 0;
        for workload in [Workload::Small, Workload::Large] {
            let phrases = Phrases::build(&literals, &[], workload).unwrap();
            for text in &texts {
                let mut want: Vec<(usize, Range<usize>)> = reference
                    .find_overlapping_iter(&text.to_ascii_lowercase())
                    .map(|m| (m.pattern().as_usize(), m.range()))
                    .collect();
                let mut got = Vec::new();
                phrases.for_each(text.as_bytes(), |entry, range| {
                    got.push((entry.literal, range))
                });
                // Reported in the parts' interleaved order: compared as sets.
                want.sort_unstable_by_key(|(p, r)| (r.start, r.end, *p));
                got.sort_unstable_by_key(|(p, r)| (r.start, r.end, *p));
                assert_eq!(got, want, "{workload:?} {text}");
                matched += got.len();
            }
        }
        assert!(matched > 1000, "{matched}");
        // One-byte literals: no warm-up, and parts as short as a few bytes.
        let one_byte: Vec<Literal> = ["(", "a"]
            .iter()
            .map(|w| Literal::new((*w).into()))
            .collect();
        for workload in [Workload::Small, Workload::Large] {
            let phrases = Phrases::build(&one_byte, &[], workload).unwrap();
            let text = "(a)(A) a(b) ((aa)) (x) a";
            for end in 0..=text.len() {
                let text = &text[..end];
                let mut got = Vec::new();
                phrases.for_each(text.as_bytes(), |entry, range| {
                    got.push((entry.literal, range))
                });
                got.sort_unstable_by_key(|(p, r)| (r.start, *p));
                let want: Vec<(usize, Range<usize>)> = text
                    .bytes()
                    .enumerate()
                    .filter_map(|(i, b)| match b.to_ascii_lowercase() {
                        b'(' => Some((0, i..i + 1)),
                        b'a' => Some((1, i..i + 1)),
                        _ => None,
                    })
                    .collect();
                assert_eq!(got, want, "{workload:?} {text:?}");
            }
        }
    }

    /// The automaton built for a small workload finds what the one built
    /// for a large workload finds.
    #[test]
    fn small_and_large_workloads_scan_alike() {
        use crate::rule::compile::{builtin_files, load_for};
        let small = load_for(&builtin_files(), Workload::Small).unwrap();
        let large = load_for(&builtin_files(), Workload::Large).unwrap();
        for text in corpus_segments() {
            assert_eq!(
                small.scanner.scan(&text),
                large.scanner.scan(&text),
                "{text}"
            );
        }
    }

    /// Every regex of the built-in pack finds, through its gate, exactly
    /// what `find_iter` finds over the whole segment, on every segment of
    /// the seeds and the labelled corpus.
    #[test]
    fn gated_and_anchored_searches_find_what_a_full_search_finds() {
        let pack = crate::rule::compile::load(&crate::rule::compile::builtin_files()).unwrap();
        let scanner = &pack.scanner;
        let mut texts = corpus_segments();
        // Upper-cased copies check the case-insensitive gates.
        let upper: Vec<String> = texts.iter().map(|t| t.to_uppercase()).collect();
        texts.extend(upper);
        // The reference: the `regex` crate's full search.
        let full: Vec<regex::Regex> = scanner
            .regexes
            .iter()
            .map(|lazy| regex::Regex::new(&lazy.source).unwrap())
            .collect();
        let mut checked = 0;
        for text in &texts {
            let hits = scanner.scan(text);
            for (index, lazy) in scanner.regexes.iter().enumerate() {
                let owner = lazy.owners[0];
                let want: Vec<Range<usize>> = full[index]
                    .find_iter(text)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.range())
                    .collect();
                let got: Vec<Range<usize>> = hits
                    .iter()
                    .filter(|h| h.owner == owner)
                    .map(|h| h.range.clone())
                    .collect();
                for range in &want {
                    assert!(
                        got.contains(range),
                        "regex {} missed {:?} in {text:?}",
                        lazy.source,
                        &text[range.clone()]
                    );
                }
                if sole_owner(scanner, index, owner) {
                    assert_eq!(got, want, "regex {} in {text:?}", lazy.source);
                }
                checked += want.len();
            }
        }
        assert!(checked > 500, "too few matches checked: {checked}");
    }

    /// Whether regex `index` is the sole source of `owner`'s hits (a
    /// lexicon may own phrases and other regexes too).
    fn sole_owner(scanner: &Scanner, index: usize, owner: Owner) -> bool {
        let other_regex = scanner
            .regexes
            .iter()
            .enumerate()
            .any(|(i, r)| i != index && r.owners.contains(&owner));
        let phrase = scanner
            .literals
            .iter()
            .any(|l| l.owners.iter().any(|&(o, _, _)| o == owner));
        !(other_regex || phrase)
    }

    /// `pack_gates.rs` holds the gate of every built-in regex, as `gate`
    /// computes it now.
    #[test]
    fn pack_gates_are_current() {
        let pack = crate::rule::compile::load(&crate::rule::compile::builtin_files()).unwrap();
        let sources: Vec<&str> = pack
            .scanner
            .regexes
            .iter()
            .map(|r| r.source.as_str())
            .collect();
        let want = render_pack_gates(&sources);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scan/pack_gates.rs");
        if std::env::var_os("CLAIMLINT_REGENERATE").is_some() {
            std::fs::write(&path, &want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "src/scan/pack_gates.rs is out of date: run `CLAIMLINT_REGENERATE=1 cargo test --lib pack_gates`"
        );
        // And the table is what the scanner uses.
        for source in sources {
            assert_eq!(known_gate(source), gate(source), "{source}");
        }
    }

    /// `prepare` compiles every gated regex the scan then runs, and the
    /// hits are those of an unprepared large-workload scanner.
    #[test]
    fn prepare_compiles_what_the_scan_runs() {
        use crate::rule::compile::{builtin_files, load_for};
        let small = load_for(&builtin_files(), Workload::Small).unwrap();
        let large = load_for(&builtin_files(), Workload::Large).unwrap();
        let text = "My depression is completely gone, and our doctors know exactly how it works.";
        let compiled = |s: &Scanner| -> Vec<bool> {
            s.regexes
                .iter()
                .enumerate()
                .filter(|(i, _)| !s.set_members.contains(i))
                .map(|(_, r)| r.dfa.get().is_some() || r.regex.get().is_some())
                .collect()
        };
        assert!(compiled(&small.scanner).iter().all(|c| !c));
        small.scanner.prepare(&[text]);
        let prepared = compiled(&small.scanner);
        assert!(prepared.iter().filter(|&&c| c).count() >= 2);
        let hits = small.scanner.scan(text);
        assert_eq!(compiled(&small.scanner), prepared);
        assert_eq!(hits, large.scanner.scan(text));
        assert!(!hits.is_empty());
    }
}
