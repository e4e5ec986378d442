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
    owners: Vec<(Owner, bool)>,
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

/// Collects patterns before building the automaton and the regex set.
#[derive(Debug, Default)]
pub struct ScannerBuilder {
    literal_index: HashMap<String, usize>,
    literals: Vec<Literal>,
    regex_index: HashMap<String, usize>,
    regexes: Vec<(String, Vec<Owner>)>,
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
        let entry = (owner, case_sensitive);
        if !self.literals[index].owners.contains(&entry) {
            self.literals[index].owners.push(entry);
        }
    }

    /// Adds a regex given as its final source (flags included); the caller
    /// has checked that it compiles.
    pub fn add_regex(&mut self, owner: Owner, source: String) {
        let index = *self.regex_index.entry(source.clone()).or_insert_with(|| {
            self.regexes.push((source, Vec::new()));
            self.regexes.len() - 1
        });
        if !self.regexes[index].1.contains(&owner) {
            self.regexes[index].1.push(owner);
        }
    }

    pub fn build(self) -> Result<Scanner, String> {
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
            let set = RegexSetBuilder::new(self.regexes.iter().map(|(s, _)| s))
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
    set: Option<RegexSet>,
    regexes: Vec<LazyRegex>,
}

impl Scanner {
    /// Every hit in `text`, sorted by start, longest first.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                let literal = &self.literals[m.pattern().as_usize()];
                let range = m.range();
                if !word_bounded(text, range.clone(), &literal.text) {
                    continue;
                }
                for &(owner, case_sensitive) in &literal.owners {
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
        if let Some(set) = &self.set {
            for index in set.matches(text).iter() {
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

    /// Renumbers rule owners after rules were removed (`map[old] = new`).
    pub fn remap_rules(&mut self, map: &[Option<RuleIdx>]) {
        for literal in &mut self.literals {
            literal.owners = literal
                .owners
                .iter()
                .filter_map(|&(o, cs)| o.remap(map).map(|o| (o, cs)))
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
        b.add_regex(Owner::Trigger(3), r"(?i:(?-u:\b)cures?(?-u:\b))".into());
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
