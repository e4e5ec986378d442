//! Matching token patterns (see [`crate::rule::tokens`]) in a segment.
//!
//! A segment is read word by word only when the scanner found one of a
//! pattern's gates in it. Its words are lowered and stemmed once, and each
//! candidate pattern is then matched sentence by sentence, leftmost-longest,
//! as a set of positions stepped through the pattern (no backtracking: a
//! pattern's counts are bounded, and so is the work).

use std::ops::Range;

use crate::document::sentence::words;
use crate::rule::tokens::{Families, FamilyId, GateAtom, Node, TokenPattern, stem};
use crate::rule::{LexIdx, RuleIdx, RuleKind, RuleSet};
use crate::scan::{Hit, Owner};

/// One token of a segment.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub range: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Word {
        lower: String,
        stem: String,
        family: Option<FamilyId>,
    },
    /// Digits, as written.
    Number(String),
    Punct(char),
}

/// The tokens of `text`: words (split at hyphens, as patterns are), numbers
/// and every other mark that is not a space.
pub(crate) fn tokenize(text: &str, families: &Families) -> Vec<Token> {
    let mut out = Vec::new();
    let mut last = 0;
    let punct = |from: usize, to: usize, out: &mut Vec<Token>| {
        for (i, c) in text[from..to].char_indices() {
            if !c.is_whitespace() {
                out.push(Token {
                    range: from + i..from + i + c.len_utf8(),
                    kind: Kind::Punct(c),
                });
            }
        }
    };
    for word in words(text) {
        punct(last, word.start, &mut out);
        last = word.end;
        let mut start = word.start;
        for part in text[word.clone()].split('-') {
            let range = start..start + part.len();
            start = range.end + 1;
            if part.is_empty() {
                continue;
            }
            let kind = if part.bytes().all(|b| b.is_ascii_digit()) {
                Kind::Number(part.to_string())
            } else {
                let lower = part.to_lowercase();
                let stem = stem(&lower);
                let family = families.of_stem(&stem);
                Kind::Word {
                    lower,
                    stem,
                    family,
                }
            };
            out.push(Token { range, kind });
        }
    }
    punct(last, text.len(), &mut out);
    out
}

/// The lexicon hits of the segment a pattern is matched in.
pub(crate) trait LexiconHits {
    /// Hits of lexicon `lex`, sorted by start.
    fn hits(&self, lex: LexIdx) -> &[Range<usize>];
}

struct Matcher<'a, L: LexiconHits + ?Sized> {
    tokens: &'a [Token],
    /// Tokens past this index are outside the sentence.
    end: usize,
    lex: &'a L,
}

impl<L: LexiconHits + ?Sized> Matcher<'_, L> {
    /// Whether the word token at `p` is matched by a one-word node.
    fn word_matches(&self, node: &Node, p: usize) -> bool {
        if let (Node::Exact(w), Kind::Number(digits)) = (node, &self.tokens[p].kind) {
            return w == digits;
        }
        let Kind::Word {
            lower,
            stem: token_stem,
            family: token_family,
        } = &self.tokens[p].kind
        else {
            return false;
        };
        match node {
            Node::Word { stem, family, .. } => match family {
                Some(f) => *token_family == Some(*f),
                None => token_stem == stem,
            },
            Node::Exact(w) => lower == w,
            Node::Lexicon(l, _) => {
                let range = &self.tokens[p].range;
                let hits = self.lex.hits(*l);
                let first = hits.partition_point(|h| h.end <= range.start);
                hits[first..]
                    .iter()
                    .take_while(|h| h.start < range.end)
                    .any(|h| h.start <= range.start && range.end <= h.end)
            }
            _ => false,
        }
    }

    /// Appends to `out` every position after `node` matched from a
    /// position in `from` (sorted, deduplicated).
    fn step(&self, node: &Node, from: &[usize], out: &mut Vec<usize>) {
        let start_len = out.len();
        match node {
            Node::Word { .. } | Node::Exact(_) => {
                out.extend(
                    from.iter()
                        .filter(|&&p| p < self.end && self.word_matches(node, p))
                        .map(|p| p + 1),
                );
            }
            Node::Any => out.extend(
                from.iter()
                    .filter(|&&p| p < self.end && matches!(self.tokens[p].kind, Kind::Word { .. }))
                    .map(|p| p + 1),
            ),
            Node::Number => out.extend(
                from.iter()
                    .filter(|&&p| p < self.end && matches!(self.tokens[p].kind, Kind::Number(_)))
                    .map(|p| p + 1),
            ),
            Node::Punct(c) => out.extend(
                from.iter()
                    .filter(|&&p| p < self.end && self.tokens[p].kind == Kind::Punct(*c))
                    .map(|p| p + 1),
            ),
            Node::Not(inner) => out.extend(
                from.iter()
                    .filter(|&&p| {
                        p < self.end
                            && matches!(self.tokens[p].kind, Kind::Word { .. })
                            && !self.word_matches(inner, p)
                    })
                    .map(|p| p + 1),
            ),
            Node::Lexicon(l, _) => {
                let hits = self.lex.hits(*l);
                for &p in from {
                    if p >= self.end {
                        continue;
                    }
                    let at = self.tokens[p].range.start;
                    let first = hits.partition_point(|h| h.start < at);
                    for h in hits[first..].iter().take_while(|h| h.start == at) {
                        // The term must end where a token ends.
                        let q =
                            p + self.tokens[p..self.end].partition_point(|t| t.range.end < h.end);
                        if q < self.end && self.tokens[q].range.end == h.end {
                            out.push(q + 1);
                        }
                    }
                }
            }
            Node::Seq(items) => {
                let mut cur = from.to_vec();
                let mut next = Vec::new();
                for item in items {
                    next.clear();
                    self.step(item, &cur, &mut next);
                    if next.is_empty() {
                        return;
                    }
                    std::mem::swap(&mut cur, &mut next);
                }
                out.extend(cur);
            }
            Node::Alt(branches) => {
                for b in branches {
                    self.step(b, from, out);
                }
            }
            Node::Repeat(inner, min, max) => {
                if *min == 0 {
                    out.extend_from_slice(from);
                }
                let mut cur = from.to_vec();
                let mut next = Vec::new();
                for i in 1..=*max {
                    next.clear();
                    self.step(inner, &cur, &mut next);
                    if next.is_empty() {
                        break;
                    }
                    if i >= *min {
                        out.extend_from_slice(&next);
                    }
                    std::mem::swap(&mut cur, &mut next);
                }
            }
        }
        let added = &mut out[start_len..];
        added.sort_unstable();
        let mut kept = start_len;
        for i in start_len..out.len() {
            if kept == start_len || out[i] != out[kept - 1] {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }
}

/// Appends the byte ranges where `pattern` matches in the tokens
/// `sentence` (a range of token indices): leftmost-longest, not
/// overlapping.
pub(crate) fn find<L: LexiconHits + ?Sized>(
    pattern: &TokenPattern,
    tokens: &[Token],
    sentence: Range<usize>,
    lex: &L,
    out: &mut Vec<Range<usize>>,
) {
    let matcher = Matcher {
        tokens,
        end: sentence.end,
        lex,
    };
    let mut ends = Vec::new();
    let mut p = sentence.start;
    while p < sentence.end {
        ends.clear();
        matcher.step(&pattern.root, &[p], &mut ends);
        match ends.last() {
            Some(&end) if end > p => {
                out.push(tokens[p].range.start..tokens[end - 1].range.end);
                p = end;
            }
            _ => p += 1,
        }
    }
}

/// Token patterns that a segment's hits make candidates: those whose gate
/// literal the scanner found, and those gated on a lexicon with a hit.
pub(crate) fn candidates<L: LexiconHits + ?Sized>(
    rules: &RuleSet,
    seg_hits: &[Hit],
    lex: &L,
    out: &mut Vec<(RuleIdx, usize)>,
) {
    out.clear();
    out.extend(seg_hits.iter().filter_map(|h| match h.owner {
        Owner::TokenGate(r, n) => Some((r, n)),
        _ => None,
    }));
    for (r, rule) in rules.rules.iter().enumerate() {
        let RuleKind::Pattern(p) = &rule.kind else {
            continue;
        };
        for (n, pattern) in p.tokens.iter().enumerate() {
            let gated_by_lexicon = pattern.gate.iter().any(|atom| match atom {
                GateAtom::Lexicon(l) => !lex.hits(*l).is_empty(),
                GateAtom::Literal(_) => false,
            });
            if gated_by_lexicon {
                out.push((r, n));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::tokens::{Names, compile};

    struct Lex(Vec<Vec<Range<usize>>>);

    impl LexiconHits for Lex {
        fn hits(&self, lex: LexIdx) -> &[Range<usize>] {
            &self.0[lex]
        }
    }

    fn families() -> Families {
        let mut f = Families::default();
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        f.add(&words(&[
            "grow", "grew", "grown", "growth", "regrow", "regrowth",
        ]))
        .unwrap();
        f.add(&words(&["form", "formation"])).unwrap();
        f
    }

    /// Matches of `src` in `text`, with lexicon 0 (`intensifier`) given by
    /// the phrases in `intensifiers`.
    fn matches(src: &str, text: &str, intensifiers: &[&str]) -> Vec<String> {
        let f = families();
        let lexicon = |name: &str| match name {
            "intensifier" => Ok(0),
            other => Err(format!("unknown lexicon `{other}`")),
        };
        let pattern = compile(
            src,
            &Names {
                families: &f,
                lexicon: &lexicon,
            },
        )
        .unwrap();
        let lower = text.to_lowercase();
        let mut hits = Vec::new();
        for phrase in intensifiers {
            let mut from = 0;
            while let Some(at) = lower[from..].find(phrase) {
                hits.push(from + at..from + at + phrase.len());
                from += at + 1;
            }
        }
        hits.sort_by_key(|h| h.start);
        let lex = Lex(vec![hits]);
        let tokens = tokenize(text, &f);
        let mut out = Vec::new();
        find(&pattern, &tokens, 0..tokens.len(), &lex, &mut out);
        out.into_iter().map(|r| text[r].to_string()).collect()
    }

    #[test]
    fn tokens_split_hyphens_and_keep_marks() {
        let f = families();
        let t = tokenize("Well-tolerated: 90% (n=12).", &f);
        let kinds: Vec<String> = t
            .iter()
            .map(|t| match &t.kind {
                Kind::Word { lower, .. } => lower.clone(),
                Kind::Number(_) => "#".into(),
                Kind::Punct(c) => c.to_string(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "well",
                "tolerated",
                ":",
                "#",
                "%",
                "(",
                "n",
                "=",
                "#",
                ")",
                "."
            ]
        );
        assert_eq!(&"Well-tolerated"[t[1].range.clone()], "tolerated");
    }

    #[test]
    fn a_family_word_matches_inflections_and_derivations() {
        let text = "It regrows synapses. The growth of new cells. New cells grew. Green.";
        assert_eq!(matches("grow", text, &[]), ["regrows", "growth", "grew"]);
        assert_eq!(
            matches(
                "(form | grow) of new _",
                "the formation of new neurons and the growth of new synapses",
                &[]
            ),
            ["formation of new neurons", "growth of new synapses"]
        );
    }

    #[test]
    fn optional_items_and_lexicons_widen_the_match() {
        let lex = ["incredibly", "perfectly"];
        assert_eq!(
            matches(
                "@intensifier? safe (and \"well\" tolerated)?",
                "It is perfectly safe and well-tolerated.",
                &lex
            ),
            ["perfectly safe and well-tolerated"]
        );
        assert_eq!(
            matches("@intensifier? safe", "Use it safely.", &lex),
            ["safely"]
        );
        assert_eq!(
            matches("@intensifier effective", "It is effective.", &lex),
            Vec::<String>::new()
        );
    }

    #[test]
    fn gaps_are_bounded_and_stop_at_punctuation() {
        let p = "works for _{0,2} every";
        assert_eq!(
            matches(p, "It works for virtually every patient.", &[]),
            ["works for virtually every"]
        );
        assert_eq!(
            matches(p, "It works for nearly all, every time.", &[]),
            Vec::<String>::new()
        );
        assert_eq!(
            matches(p, "It works for one two three every.", &[]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn numbers_marks_and_negated_words() {
        assert_eq!(
            matches("# % \"response\"", "A 90% response rate.", &[]),
            ["90% response"]
        );
        assert_eq!(
            matches("\"no\" !\"more\" pain", "No more pain. No pain.", &[]),
            Vec::<String>::new()
        );
        assert_eq!(
            matches("\"no\" !\"more\" \"pain\"", "No lasting pain.", &[]),
            ["No lasting pain"]
        );
    }

    #[test]
    fn matches_do_not_cross_the_sentence() {
        let f = families();
        let lexicon = |_: &str| Err::<LexIdx, String>("none".into());
        let pattern = compile(
            "safe and effective",
            &Names {
                families: &f,
                lexicon: &lexicon,
            },
        )
        .unwrap();
        let tokens = tokenize("It is safe and effective", &f);
        let lex = Lex(vec![]);
        let mut out = Vec::new();
        find(&pattern, &tokens, 0..4, &lex, &mut out);
        assert!(out.is_empty(), "{out:?}");
        find(&pattern, &tokens, 0..tokens.len(), &lex, &mut out);
        assert_eq!(out, vec![6..24]);
    }
}
