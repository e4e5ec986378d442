//! Matching token patterns (see [`crate::rule::tokens`]) in a segment.
//!
//! A segment is read word by word only when the scanner found one of a
//! pattern's gates in it. Its words are lowered and stemmed once, and each
//! candidate pattern is then matched sentence by sentence, leftmost-longest,
//! as a set of positions stepped through the pattern (no backtracking: a
//! pattern's counts are bounded, and so is the work).

use rustc_hash::FxHashMap as HashMap;
use std::cell::{OnceCell, RefCell};
use std::ops::Range;
use std::rc::Rc;

use crate::document::sentence::words;
use crate::rule::tokens::{Families, FamilyId, Node, TokenPattern, word_key};
use crate::rule::{LexIdx, RuleIdx, RuleSet};
use crate::scan::{Hit, Owner};

/// One token of a segment.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub range: Range<usize>,
    pub kind: Kind,
    /// [`word_key`] of a word or number (`None` when not ASCII).
    key: Option<u32>,
    /// The word's stem and family, worked out the first time a word item
    /// whose prefix it shares asks.
    stem: OnceCell<(Rc<str>, Option<FamilyId>)>,
}

/// Stems of the words seen on this thread, by the word in lower case: a
/// word is stemmed once, however often it occurs.
struct StemCache {
    stems: HashMap<Box<str>, Rc<str>>,
    lowered: String,
}

/// Words kept in a thread's [`StemCache`] before it starts again.
const MAX_CACHED_STEMS: usize = 1 << 16;

thread_local! {
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache {
        stems: HashMap::default(),
        lowered: String::new(),
    });
}

/// The stem of `word` (any case), from this thread's cache.
fn cached_stem(word: &str) -> Rc<str> {
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let StemCache { stems, lowered } = &mut *cache;
        lowered.clear();
        lowered.extend(word.chars().flat_map(char::to_lowercase));
        if let Some(stem) = stems.get(lowered.as_str()) {
            return stem.clone();
        }
        if stems.len() >= MAX_CACHED_STEMS {
            stems.clear();
        }
        let stem: Rc<str> = Rc::from(crate::rule::tokens::stem(lowered));
        stems.insert(Box::from(lowered.as_str()), stem.clone());
        stem
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Word,
    /// Digits.
    Number,
    Punct(char),
}

/// The tokens of `text`: words (split at hyphens, as patterns are), numbers
/// and every other mark that is not a space.
#[cfg(test)]
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, 0..text.len(), &mut out);
    out
}

/// Appends the tokens of `text[range]` to `out`, with offsets into `text`.
pub(crate) fn tokenize_into(text: &str, range: Range<usize>, out: &mut Vec<Token>) {
    if text[range.clone()].is_ascii() {
        tokenize_ascii(text, range, out);
    } else {
        tokenize_chars(text, range, out);
    }
}

/// Brackets and quotation marks: no pattern can name them, and they
/// carry nothing of a claim's shape, so they are not tokens ("a complete
/// resolution (remission) of symptoms" reads as its words; "no delayed
/// “flashbacks”" as "no delayed flashbacks").
fn is_transparent(c: char) -> bool {
    matches!(
        c,
        '(' | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '\''
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2018}'
            | '\u{2019}'
            | '*'
            | '_'
    )
}

/// [`tokenize_into`] for any text, by characters.
fn tokenize_chars(text: &str, range: Range<usize>, out: &mut Vec<Token>) {
    let base = range.start;
    let text = &text[range];
    let mut last = 0;
    let token = |range: Range<usize>, kind: Kind| Token {
        key: match kind {
            Kind::Word | Kind::Number => word_key(&text[range.clone()]),
            Kind::Punct(_) => None,
        },
        range: base + range.start..base + range.end,
        kind,
        stem: OnceCell::new(),
    };
    let punct = |from: usize, to: usize, out: &mut Vec<Token>| {
        for (i, c) in text[from..to].char_indices() {
            if !c.is_whitespace() && !is_transparent(c) {
                out.push(token(from + i..from + i + c.len_utf8(), Kind::Punct(c)));
            }
        }
    };
    for word in words(text) {
        punct(last, word.start, out);
        last = word.end;
        let mut start = word.start;
        for part in text[word.clone()].split('-') {
            let range = start..start + part.len();
            start = range.end + 1;
            if part.is_empty() {
                continue;
            }
            let kind = if part.bytes().all(|b| b.is_ascii_digit()) {
                Kind::Number
            } else {
                Kind::Word
            };
            out.push(token(range, kind));
        }
    }
    punct(last, text.len(), out);
}

/// Whether a term of one of the lexicons among `atoms` starts inside
/// `range` (literals are the scanner's: see [`gates`]).
pub(crate) fn has_lexicon_item<L: LexiconHits + ?Sized>(
    atoms: &[crate::rule::tokens::GateAtom],
    range: &Range<usize>,
    lex: &L,
) -> bool {
    atoms.iter().any(|atom| match atom {
        crate::rule::tokens::GateAtom::Lexicon(l) => {
            let hits = lex.hits(*l);
            let i = hits.partition_point(|h| h.start < range.start);
            hits.get(i).is_some_and(|h| h.start < range.end)
        }
        crate::rule::tokens::GateAtom::Literal(_) => false,
    })
}

/// [`tokenize_into`] for ASCII text, in one pass over its bytes: the same
/// tokens (an apostrophe between letters stays inside a word, a hyphen
/// between them splits it without a token of its own).
fn tokenize_ascii(text: &str, range: Range<usize>, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let end = range.end;
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = range.start;
    while i < end {
        let b = bytes[i];
        if is_word(b) {
            let start = i;
            let mut digits = true;
            while i < end {
                let c = bytes[i];
                if is_word(c) {
                    digits &= c.is_ascii_digit();
                    i += 1;
                } else if c == b'\'' && i + 1 < end && is_word(bytes[i + 1]) && i > start {
                    digits = false;
                    i += 1;
                } else {
                    break;
                }
            }
            let word = &text[start..i];
            out.push(Token {
                key: word_key(word),
                range: start..i,
                kind: if digits { Kind::Number } else { Kind::Word },
                stem: OnceCell::new(),
            });
            // A hyphen between two words joins nothing: skip it.
            if i + 1 < end && bytes[i] == b'-' && is_word(bytes[i + 1]) {
                i += 1;
            }
        } else if b.is_ascii_whitespace() || is_transparent(char::from(b)) {
            i += 1;
        } else {
            out.push(Token {
                key: None,
                range: i..i + 1,
                kind: Kind::Punct(char::from(b)),
                stem: OnceCell::new(),
            });
            i += 1;
        }
    }
}

/// Whether the token at `p` can begin a match of `pattern`, by its first
/// letters or a lexicon term starting there: the full test of the first
/// items follows only when it can.
fn may_begin<L: LexiconHits + ?Sized>(pattern: &TokenPattern, token: &Token, lex: &L) -> bool {
    let f = &pattern.first_filter;
    if f.any {
        return true;
    }
    let by_key = match token.key {
        Some(key) => f.keys.iter().any(|&(k, mask)| key & mask == k),
        // A word that is not ASCII: its first letters cannot rule it out.
        None => !matches!(token.kind, Kind::Punct(_)),
    };
    by_key
        || f.lexicons.iter().any(|&l| {
            let hits = lex.hits(l);
            let i = hits.partition_point(|h| h.start < token.range.start);
            hits.get(i).is_some_and(|h| h.start == token.range.start)
        })
}

/// Whether `word` starts with `prefix` (lower case), ignoring case.
fn starts_with_lower(word: &str, prefix: &str) -> bool {
    if word.is_ascii() {
        word.len() >= prefix.len()
            && word.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    } else {
        word.to_lowercase().starts_with(prefix)
    }
}

/// Whether `word` is `lower` (lower case), ignoring case.
fn equals_lower(word: &str, lower: &str) -> bool {
    if word.is_ascii() {
        word.eq_ignore_ascii_case(lower)
    } else {
        word.to_lowercase() == lower
    }
}

/// Buffers the token pass reuses from one segment to the next.
#[derive(Default)]
pub(crate) struct Scratch {
    /// See [`gates`].
    pub gates: Vec<(RuleIdx, u16, usize, u16)>,
    /// (rule, pattern, sentence, its gate offsets in `at_offsets`): the
    /// sentences where every required item of a pattern occurs.
    pub runs: Vec<(RuleIdx, u16, usize, Range<usize>)>,
    pub at_offsets: Vec<usize>,
    /// Per sentence, its tokens in `toks` once tokenized.
    pub spans: Vec<Option<Range<usize>>>,
    pub toks: Vec<Token>,
    pub needed: Vec<usize>,
    pub found: Vec<Hit>,
    pub ranges: Vec<Range<usize>>,
    pub starts: Vec<usize>,
}

/// The lexicon hits of the segment a pattern is matched in.
pub(crate) trait LexiconHits {
    /// Hits of lexicon `lex`, sorted by start.
    fn hits(&self, lex: LexIdx) -> &[Range<usize>];
}

struct Matcher<'a, L: LexiconHits + ?Sized> {
    text: &'a str,
    tokens: &'a [Token],
    families: &'a Families,
    /// Tokens past this index are outside the sentence.
    end: usize,
    lex: &'a L,
}

impl<L: LexiconHits + ?Sized> Matcher<'_, L> {
    fn word(&self, p: usize) -> &str {
        &self.text[self.tokens[p].range.clone()]
    }

    /// Whether the token at `p` is matched by a one-token node.
    fn leaf_matches(&self, node: &Node, p: usize) -> bool {
        if p >= self.end {
            return false;
        }
        let token = &self.tokens[p];
        match (node, token.kind) {
            (
                Node::Word {
                    stem,
                    family,
                    prefixes,
                    ..
                },
                Kind::Word,
            ) => {
                let word = self.word(p);
                if !prefixes
                    .iter()
                    .any(|prefix| starts_with_lower(word, prefix))
                {
                    return false;
                }
                let (token_stem, token_family) = token.stem.get_or_init(|| {
                    let s = cached_stem(word);
                    let f = self.families.of_stem(&s);
                    (s, f)
                });
                match family {
                    Some(f) => *token_family == Some(*f),
                    None => **token_stem == **stem,
                }
            }
            (Node::Exact(w), Kind::Word | Kind::Number) => equals_lower(self.word(p), w),
            (Node::Lexicon(l, _), Kind::Word | Kind::Number) => {
                let range = &token.range;
                let hits = self.lex.hits(*l);
                let first = hits.partition_point(|h| h.end <= range.start);
                hits[first..]
                    .iter()
                    .take_while(|h| h.start < range.end)
                    .any(|h| h.start <= range.start && range.end <= h.end)
            }
            (Node::Any, Kind::Word) | (Node::Number, Kind::Number) => true,
            (Node::Punct(c), Kind::Punct(t)) => *c == t,
            (Node::Not(inner), Kind::Word) => !self.leaf_matches(inner, p),
            _ => false,
        }
    }

    /// Appends to `out` every position after `node` matched from a
    /// position in `from` (sorted, deduplicated).
    fn step(&self, node: &Node, from: &[usize], out: &mut Vec<usize>) {
        let start_len = out.len();
        match node {
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
            leaf => out.extend(
                from.iter()
                    .filter(|&&p| self.leaf_matches(leaf, p))
                    .map(|p| p + 1),
            ),
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

/// Appends the byte ranges where `pattern` matches in the tokens of `text`
/// within `sentence` (a range of token indices): leftmost-longest, not
/// overlapping. A match is tried only at a token one of the pattern's first
/// items matches.
#[cfg(test)]
pub(crate) fn find<L: LexiconHits + ?Sized>(
    pattern: &TokenPattern,
    text: &str,
    tokens: &[Token],
    families: &Families,
    sentence: Range<usize>,
    lex: &L,
    out: &mut Vec<Range<usize>>,
) {
    let starts: Vec<usize> = sentence.clone().collect();
    find_at(
        pattern,
        text,
        tokens,
        families,
        sentence.end,
        &starts,
        lex,
        out,
    );
}

/// [`find`], trying only the token indices `starts` (sorted, inside one
/// sentence that ends at token index `end`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn find_at<L: LexiconHits + ?Sized>(
    pattern: &TokenPattern,
    text: &str,
    tokens: &[Token],
    families: &Families,
    end: usize,
    starts: &[usize],
    lex: &L,
    out: &mut Vec<Range<usize>>,
) {
    let matcher = Matcher {
        text,
        tokens,
        families,
        end,
        lex,
    };
    let mut ends = Vec::new();
    // Where the last match ended: later starts before it are inside it.
    let mut after = 0;
    for &p in starts {
        if p < after || p >= end || !may_begin(pattern, &tokens[p], lex) {
            continue;
        }
        if !pattern.first.iter().any(|n| match n {
            // A lexicon term may span words: it starts at this token.
            Node::Lexicon(l, _) => {
                let at = tokens[p].range.start;
                let hits = lex.hits(*l);
                let i = hits.partition_point(|h| h.start < at);
                hits.get(i).is_some_and(|h| h.start == at)
            }
            leaf => matcher.leaf_matches(leaf, p),
        }) {
            continue;
        }
        ends.clear();
        matcher.step(&pattern.root, &[p], &mut ends);
        if let Some(&last) = ends.last()
            && last > p
        {
            out.push(tokens[p].range.start..tokens[last - 1].range.end);
            after = last;
        }
    }
}

/// Where the required items of a segment's token patterns occur: `(rule,
/// pattern, byte offset, item)` for each literal the scanner found and each
/// hit of a lexicon that is a pattern's gate (item 0), sorted. Lexicons of
/// the other items are asked sentence by sentence (see [`has_lexicon_item`]).
pub(crate) fn gates<L: LexiconHits + ?Sized>(
    rules: &RuleSet,
    seg_hits: &[Hit],
    lex: &L,
    out: &mut Vec<(RuleIdx, u16, usize, u16)>,
) {
    out.clear();
    out.extend(seg_hits.iter().filter_map(|h| match h.owner {
        Owner::TokenGate(r, n, k) => Some((r, n, h.range.start, k)),
        _ => None,
    }));
    for &(r, n, k, l) in &rules.lexicon_gated {
        if k == 0 {
            out.extend(lex.hits(l).iter().map(|h| (r, n, h.start, k)));
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

    /// `src` compiled with the test families, `intensifier` as lexicon 0.
    fn pattern(src: &str, f: &Families) -> TokenPattern {
        let lexicon = |name: &str| match name {
            "intensifier" => Ok(0),
            other => Err(format!("unknown lexicon `{other}`")),
        };
        compile(
            src,
            &Names {
                families: f,
                lexicon: &lexicon,
                rare: &|_: &str| true,
                term_tokens: &|_| 2,
            },
        )
        .unwrap()
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
        let pattern = pattern(src, &f);
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
        let tokens = tokenize(text);
        let mut out = Vec::new();
        find(&pattern, text, &tokens, &f, 0..tokens.len(), &lex, &mut out);
        out.into_iter().map(|r| text[r].to_string()).collect()
    }

    #[test]
    fn tokens_split_hyphens_and_keep_marks() {
        let text = "Well-tolerated: 90% (n=12).";
        let t = tokenize(text);
        let kinds: Vec<String> = t
            .iter()
            .map(|t| match t.kind {
                Kind::Word => text[t.range.clone()].to_lowercase(),
                Kind::Number => "#".into(),
                Kind::Punct(c) => c.to_string(),
            })
            .collect();
        assert_eq!(
            kinds,
            ["well", "tolerated", ":", "#", "%", "n", "=", "#", "."]
        );
        assert_eq!(&"Well-tolerated"[t[1].range.clone()], "tolerated");
    }

    /// Brackets and quotation marks are not tokens: a pattern reads past
    /// an aside in brackets or a word in quotes.
    #[test]
    fn brackets_and_quotes_are_transparent() {
        assert_eq!(
            matches(
                "\"complete\" \"resolution\" _{0,2} \"of\"",
                "a complete resolution (remission) of symptoms",
                &[]
            ),
            ["complete resolution (remission) of"]
        );
        assert_eq!(
            matches(
                "\"no\" \"delayed\" \"flashbacks\"",
                "There are no delayed \u{201C}flashbacks,\u{201D} either.",
                &[]
            ),
            ["no delayed \u{201C}flashbacks"]
        );
        assert_eq!(
            matches(
                "\"the\" \"reset\" \"it\"",
                "giving your body the 'reset' it needs",
                &[]
            ),
            ["the 'reset' it"]
        );
        // Other marks still separate words from a gap of words.
        assert!(matches("\"safe\" _{0,2} \"effective\"", "safe; effective", &[]).is_empty());
    }

    /// The byte loop for ASCII text finds the tokens the general reader
    /// finds.
    #[test]
    fn both_tokenizers_agree_on_ascii() {
        for text in [
            "Well-tolerated: 90% (n=12).",
            "It's 'safe' - and non-addictive; don't worry -- really-",
            "a-b-c 1.5 2,000 x_y 'quoted' end'",
            "a (bracketed) [note] {x} \"quoted\" *stressed* _under_ word",
            "  - No headaches\n- No side-effects!",
        ] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            tokenize_ascii(text, 0..text.len(), &mut a);
            tokenize_chars(text, 0..text.len(), &mut b);
            let view = |t: &[Token]| -> Vec<(Range<usize>, Kind, Option<u32>)> {
                t.iter().map(|t| (t.range.clone(), t.kind, t.key)).collect()
            };
            assert_eq!(view(&a), view(&b), "{text:?}");
            let inner = 4..text.len() - 2;
            let (mut a, mut b) = (Vec::new(), Vec::new());
            tokenize_ascii(text, inner.clone(), &mut a);
            tokenize_chars(text, inner, &mut b);
            assert_eq!(view(&a), view(&b), "{text:?} in part");
        }
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
        let pattern = pattern("safe and effective", &f);
        let text = "It is safe and effective";
        let tokens = tokenize(text);
        let lex = Lex(vec![]);
        let mut out = Vec::new();
        find(&pattern, text, &tokens, &f, 0..4, &lex, &mut out);
        assert!(out.is_empty(), "{out:?}");
        find(&pattern, text, &tokens, &f, 0..tokens.len(), &lex, &mut out);
        assert_eq!(out, vec![6..24]);
    }
}
