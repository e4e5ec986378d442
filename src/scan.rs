//! The prefilter: one pass over a segment finds every literal and regex of
//! every rule and lexicon.
//!
//! All phrases go into one Aho-Corasick automaton (ASCII case-insensitive,
//! overlapping matches, word boundaries checked per hit); all regexes go into
//! one `RegexSet`, and only the regexes the set reports run again to locate
//! their matches. Adding rules adds patterns, never passes over the text.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexSet, RegexSetBuilder};

use crate::document::sentence::is_word_char;
use crate::rule::{GroupIdx, LexIdx, RuleIdx};

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
    /// where one of its gate literals occurs.
    Gate(usize),
}

impl Owner {
    fn remap(self, map: &[Option<RuleIdx>]) -> Option<Owner> {
        match self {
            Owner::Trigger(r) => map.get(r).copied().flatten().map(Owner::Trigger),
            Owner::Swap(r, n) => map.get(r).copied().flatten().map(|r| Owner::Swap(r, n)),
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
    /// (owner, case-sensitive, needs word boundaries).
    owners: Vec<(Owner, bool, bool)>,
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
    if pattern.chars().next().is_some_and(is_word_char)
        && text[..range.start]
            .chars()
            .next_back()
            .is_some_and(is_word_char)
    {
        return false;
    }
    if pattern.chars().next_back().is_some_and(is_word_char)
        && text[range.end..].chars().next().is_some_and(is_word_char)
    {
        return false;
    }
    true
}

/// Literals one of which every match of `source` must contain (its prefixes
/// or its suffixes, whichever set has the longer shortest literal), lower
/// case; `None` when there is no small set of rare ASCII literals. `source`
/// is a final rule regex (`(?i:…)` for case-insensitive rules): literals are
/// taken from the case-sensitive body and matched ASCII case-insensitively,
/// which keeps the set small and never misses an ASCII match.
fn gate_literals(source: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let body = source
        .strip_prefix("(?i:")
        .and_then(|b| b.strip_suffix(')'))
        .filter(|b| regex_syntax::Parser::new().parse(b).is_ok())
        .unwrap_or(source);
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(body)
        .ok()?;
    let mut best: Option<Vec<String>> = None;
    'kinds: for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let mut extractor = Extractor::new();
        extractor
            .kind(kind)
            .limit_class(4)
            .limit_repeat(4)
            .limit_literal_len(40)
            .limit_total(256);
        let seq = extractor.extract(&hir);
        let Some(literals) = seq.literals() else {
            continue;
        };
        if literals.is_empty() {
            continue;
        }
        let mut out = Vec::with_capacity(literals.len());
        for literal in literals {
            let Ok(text) = std::str::from_utf8(literal.as_bytes()) else {
                continue 'kinds;
            };
            let lower = text.to_ascii_lowercase();
            // A gate must be rare enough to skip most text: at least four
            // bytes, ASCII, and not a common word.
            if lower.len() < 4 || !lower.is_ascii() || COMMON.contains(&lower.trim()) {
                continue 'kinds;
            }
            out.push(lower);
        }
        out.sort();
        out.dedup();
        let shortest = |v: &[String]| v.iter().map(String::len).min().unwrap_or(0);
        if best.as_deref().is_none_or(|b| shortest(&out) > shortest(b)) {
            best = Some(out);
        }
    }
    best
}

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

/// Collects patterns before building the automaton and the regex set.
#[derive(Debug, Default)]
pub struct ScannerBuilder {
    literal_index: HashMap<String, usize>,
    literals: Vec<Literal>,
    regex_index: HashMap<String, usize>,
    regexes: Vec<(String, Vec<Owner>)>,
    /// Per regex: whether it comes only from the built-in pack (whose
    /// regexes the test suite compiles; others are compiled at load time).
    builtin: Vec<bool>,
}

impl ScannerBuilder {
    /// Adds a phrase (already validated as non-empty).
    pub fn add_phrase(&mut self, owner: Owner, phrase: &str, case_sensitive: bool) {
        let text = normalise_phrase(phrase);
        let key = text.to_ascii_lowercase();
        let index = *self.literal_index.entry(key).or_insert_with(|| {
            self.literals.push(Literal {
                text: text.clone(),
                owners: Vec::new(),
            });
            self.literals.len() - 1
        });
        let entry = (owner, case_sensitive, true);
        if !self.literals[index].owners.contains(&entry) {
            self.literals[index].owners.push(entry);
        }
    }

    fn add_gate(&mut self, regex: usize, literal: &str) {
        let key = literal.to_ascii_lowercase();
        let index = *self.literal_index.entry(key.clone()).or_insert_with(|| {
            self.literals.push(Literal {
                text: key,
                owners: Vec::new(),
            });
            self.literals.len() - 1
        });
        let entry = (Owner::Gate(regex), false, false);
        if !self.literals[index].owners.contains(&entry) {
            self.literals[index].owners.push(entry);
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

    pub fn build(mut self) -> Result<Scanner, String> {
        // Regexes with rare required literals are gated by the automaton;
        // the rest go into the regex set.
        let mut ungated = Vec::new();
        for i in 0..self.regexes.len() {
            match gate_literals(&self.regexes[i].0) {
                Some(literals) => {
                    // A gated regex is compiled on first use; one that is
                    // not from the built-in pack is checked now, so a regex
                    // over the size limit is an error at load time.
                    if !self.builtin[i] {
                        regex::RegexBuilder::new(&self.regexes[i].0)
                            .size_limit(crate::rule::compile::SET_SIZE_LIMIT)
                            .build()
                            .map_err(|_| {
                                format!("regex is too large to compile: {}", self.regexes[i].0)
                            })?;
                    }
                    for literal in literals {
                        self.add_gate(i, &literal);
                    }
                }
                None => ungated.push(i),
            }
        }
        let ac = if self.literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(self.literals.iter().map(|l| l.text.as_str()))
                    .map_err(|e| format!("cannot build the phrase automaton: {e}"))?,
            )
        };
        let (set, regexes) = if self.regexes.is_empty() {
            (None, Vec::new())
        } else {
            let set = RegexSetBuilder::new(ungated.iter().map(|&i| &self.regexes[i].0))
                .size_limit(64 << 20)
                .dfa_size_limit(64 << 20)
                .build()
                .map_err(|e| {
                    // Name the regex that does not fit, if one alone is too big.
                    let culprit = self.regexes.iter().find(|(s, _)| {
                        regex::RegexBuilder::new(s)
                            .size_limit(crate::rule::compile::REGEX_SIZE_LIMIT)
                            .build()
                            .is_err()
                    });
                    match culprit {
                        Some((s, _)) => format!("regex is too large to compile: {s}"),
                        None => format!("cannot combine the rule regexes: {e}"),
                    }
                })?;
            let compiled = self
                .regexes
                .into_iter()
                .map(|(source, owners)| LazyRegex {
                    source,
                    owners,
                    regex: OnceLock::new(),
                })
                .collect();
            (Some(set), compiled)
        };
        Ok(Scanner {
            ac,
            literals: self.literals,
            set,
            set_members: ungated,
            regexes,
        })
    }
}

/// A regex compiled the first time the set reports it: most rules' regexes
/// never match a given corpus, and compiling them all up front would dominate
/// start-up.
#[derive(Debug, Clone)]
struct LazyRegex {
    source: String,
    owners: Vec<Owner>,
    regex: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn get(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| {
                regex::RegexBuilder::new(&self.source)
                    .size_limit(crate::rule::compile::SET_SIZE_LIMIT)
                    .build()
                    .ok()
            })
            .as_ref()
    }
}

/// The compiled prefilter.
#[derive(Debug, Clone)]
pub struct Scanner {
    ac: Option<AhoCorasick>,
    literals: Vec<Literal>,
    /// The regexes without rare required literals (`set_members[i]` is the
    /// index in `regexes` of the set's pattern `i`).
    set: Option<RegexSet>,
    set_members: Vec<usize>,
    regexes: Vec<LazyRegex>,
}

impl Scanner {
    /// Every hit in `text`, sorted by start, longest first.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        // Regexes to run on this text: gated ones whose literal occurs, and
        // those the set reports.
        let mut run: Vec<usize> = Vec::new();
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                let literal = &self.literals[m.pattern().as_usize()];
                let range = m.range();
                let mut bounded = None;
                for &(owner, case_sensitive, needs_bounds) in &literal.owners {
                    if let Owner::Gate(regex) = owner {
                        run.push(regex);
                        continue;
                    }
                    if needs_bounds
                        && !*bounded
                            .get_or_insert_with(|| word_bounded(text, range.clone(), &literal.text))
                    {
                        continue;
                    }
                    if case_sensitive && text[range.clone()] != literal.text {
                        continue;
                    }
                    hits.push(Hit {
                        owner,
                        range: range.clone(),
                    });
                }
            }
        }
        if let Some(set) = &self.set
            && !self.set_members.is_empty()
        {
            run.extend(set.matches(text).iter().map(|i| self.set_members[i]));
        }
        run.sort_unstable();
        run.dedup();
        for index in run {
            let lazy = &self.regexes[index];
            let Some(regex) = lazy.get() else { continue };
            for m in regex.find_iter(text) {
                if m.is_empty() {
                    continue;
                }
                for &owner in &lazy.owners {
                    hits.push(Hit {
                        owner,
                        range: m.range(),
                    });
                }
            }
        }
        hits.sort_by(|a, b| {
            (a.range.start, std::cmp::Reverse(a.range.end), a.owner).cmp(&(
                b.range.start,
                std::cmp::Reverse(b.range.end),
                b.owner,
            ))
        });
        hits.dedup();
        hits
    }

    /// Compiles every regex now and returns the sources that do not
    /// compile. The test suite runs this on the built-in pack, whose gated
    /// regexes are otherwise compiled on first use.
    pub fn compile_all(&self) -> Vec<String> {
        self.regexes
            .iter()
            .filter(|r| r.get().is_none())
            .map(|r| r.source.clone())
            .collect()
    }

    /// How many regexes are gated by literals and how many run as a set.
    pub fn regex_counts(&self) -> (usize, usize) {
        (
            self.regexes.len() - self.set_members.len(),
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
    }

    /// Number of distinct literals and regexes (for `rules --stats`).
    pub fn pattern_counts(&self) -> (usize, usize) {
        (self.literals.len(), self.regexes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_scan_finds_phrases_and_regexes_with_boundaries() {
        let mut b = ScannerBuilder::default();
        b.add_phrase(Owner::Trigger(0), "best  treatment", false);
        b.add_phrase(Owner::Lexicon(1), "treatment", false);
        b.add_phrase(Owner::Trigger(2), "#1", false);
        b.add_regex(
            Owner::Trigger(3),
            r"(?i:(?-u:\b)cures?(?-u:\b))".into(),
            false,
        );
        let s = b.build().unwrap();
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
    fn case_sensitive_owner_needs_exact_case() {
        let mut b = ScannerBuilder::default();
        b.add_phrase(Owner::Trigger(0), "Spravato", true);
        b.add_phrase(Owner::Trigger(1), "spravato", false);
        let s = b.build().unwrap();
        let owners: Vec<Owner> = s.scan("spravato").into_iter().map(|h| h.owner).collect();
        assert_eq!(owners, vec![Owner::Trigger(1)]);
    }

    #[test]
    fn phrase_normalisation() {
        assert_eq!(normalise_phrase("  isn’t\n  safe "), "isn't safe");
    }
}
