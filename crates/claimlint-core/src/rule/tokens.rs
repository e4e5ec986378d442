//! Token patterns: a claim's shape as a sequence of word classes.
//!
//! A rule's `tokens:` entries are matched over a sentence's words instead of
//! its characters, so that one pattern names a claim in every inflection and
//! derivation its word families list:
//!
//! ```text
//! @intensifier? safe (and @tolerability)?     "perfectly safe", "safe and well tolerated"
//! (form | grow) of new @brain-cell             "the formation of new neurons", "growth of new nerve cells"
//! works for _{0,2} (every | all) @patient      "works for virtually every patient"
//! ```
//!
//! | syntax | matches |
//! |---|---|
//! | `grow` | one word of the family of *grow*: any word with its Snowball stem (grows, growing), and the derivations `families.yaml` lists with it (grew, growth, regrowth) |
//! | `"grew"` | that word exactly (any case); `"side effects"` is two words in a row; `"100"` that number |
//! | `@name` | a term of lexicon *name* (one or several words) |
//! | `_` | any one word |
//! | `#` | a number (`90`, `1.5`, `2,000`) |
//! | `%` `,` `;` `:` `$` `+` | that punctuation mark |
//! | `!x` | one word that `x` (a word, `"word"` or `@lexicon`) does not match |
//! | `( a b | c )` | a group; `|` separates alternatives |
//! | `x?` `x{2}` `x{0,3}` | optional, exactly twice, zero to three times (at most 8) |
//!
//! Hyphens separate words (`well-tolerated` is `well tolerated`), as they
//! do in the text. Every pattern must always contain a word, a quoted word
//! or a lexicon term: the scanner finds it first (its gate), and only
//! segments where it occurs are read word by word. A pattern may not start
//! with `_` or `!x` (it would be tried at nearly every word).

use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::rule::LexIdx;

/// The most a quantifier may repeat an item.
pub const MAX_REPEAT: u8 = 8;

/// The English Snowball (Porter 2) stemmer, shared.
pub fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The stem of a word already in lower case.
pub fn stem(lower: &str) -> String {
    stemmer().stem(lower).into_owned()
}

/// Index of a word family in [`Families`].
pub type FamilyId = u32;

/// Word families: derivations that belong together (grow, grew, growth,
/// regrowth), each member standing for every word with its stem.
#[derive(Debug, Clone, Default)]
pub struct Families {
    /// Stem → family.
    by_stem: HashMap<String, FamilyId>,
    /// Each family's members as written.
    members: Vec<Vec<String>>,
}

impl Families {
    /// Adds a family; on a member whose stem another family holds, returns
    /// that member and the other family's first word.
    pub fn add(&mut self, words: &[String]) -> Result<FamilyId, (usize, String)> {
        let id = FamilyId::try_from(self.members.len()).unwrap_or(FamilyId::MAX);
        let mut stems = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let s = stem(&w.to_lowercase());
            match self.by_stem.get(&s) {
                Some(&other) if other != id => {
                    return Err((i, self.members[other as usize][0].clone()));
                }
                _ => stems.push(s),
            }
        }
        for s in stems {
            self.by_stem.insert(s, id);
        }
        self.members
            .push(words.iter().map(|w| w.to_lowercase()).collect());
        Ok(id)
    }

    /// The family of a word with stem `stem`.
    pub fn of_stem(&self, stem: &str) -> Option<FamilyId> {
        self.by_stem.get(stem).copied()
    }

    /// The members of family `id`.
    pub fn members(&self, id: FamilyId) -> &[String] {
        &self.members[id as usize]
    }
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A word of a family (or, outside any family, any word with this stem).
    Word {
        written: String,
        stem: String,
        family: Option<FamilyId>,
        /// The gate literals of the word and its family: a word that starts
        /// with none of them is not stemmed to be compared.
        prefixes: Vec<String>,
    },
    /// This word exactly (lower case).
    Exact(String),
    /// A punctuation mark.
    Punct(char),
    /// A term of a lexicon.
    Lexicon(LexIdx, String),
    /// Any one word.
    Any,
    /// A number.
    Number,
    /// One word the inner (single-word) node does not match.
    Not(Box<Node>),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u8, u8),
}

/// What the scanner looks for before a pattern is tried on a segment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum GateAtom {
    /// A literal found anywhere (ASCII case-insensitive), inside words too.
    Literal(String),
    /// A hit of this lexicon.
    Lexicon(LexIdx),
}

/// A compiled token pattern.
#[derive(Debug, Clone)]
pub struct TokenPattern {
    /// As written in the rule.
    pub source: String,
    pub root: Node,
    /// The pattern is tried on a segment only where one of these occurs.
    pub gate: Vec<GateAtom>,
    /// The pattern's other required items that are not common words, each
    /// as what the scanner looks for: a sentence is read only if one of each
    /// also occurs in it.
    pub also: Vec<Vec<GateAtom>>,
    /// The one-word items a match can begin with: a match is tried only at
    /// a word one of them matches.
    pub first: Vec<Node>,
    /// A quick test of [`TokenPattern::first`], read before it.
    pub first_filter: FirstFilter,
    /// The most tokens a match can span before the token where its gate is
    /// found (a lexicon term counted as its longest term): a match is tried
    /// only at the gate's token and this many before it.
    pub lead: usize,
}

/// A quick test of whether a token can begin a match: its first four
/// letters against the first items' words, or a term of one of the first
/// items' lexicons starting there.
#[derive(Debug, Clone, Default)]
pub struct FirstFilter {
    /// `(key, mask)`: a word whose [`word_key`] masked equals `key` may
    /// begin a match.
    pub keys: Vec<(u32, u32)>,
    /// Lexicons whose terms may begin a match.
    pub lexicons: Vec<LexIdx>,
    /// A first item (any word, a number, a mark, `!x`) the keys cannot
    /// decide: every token is tried.
    pub any: bool,
}

/// The first four bytes of a word in ASCII lower case, as a number (zero
/// past the word's end); `None` for a word that is not ASCII.
pub fn word_key(word: &str) -> Option<u32> {
    if !word.is_ascii() {
        return None;
    }
    let mut b = [0u8; 4];
    for (slot, byte) in b.iter_mut().zip(word.bytes()) {
        *slot = byte.to_ascii_lowercase();
    }
    Some(u32::from_le_bytes(b))
}

fn key_of_prefix(prefix: &str) -> (u32, u32) {
    let len = prefix.len().min(4);
    let mask = if len == 4 {
        u32::MAX
    } else {
        (1u32 << (8 * len)) - 1
    };
    (word_key(&prefix[..len]).unwrap_or(0) & mask, mask)
}

fn first_filter(first: &[Node]) -> FirstFilter {
    let mut filter = FirstFilter::default();
    for node in first {
        match node {
            Node::Word { prefixes, .. } => {
                for p in prefixes {
                    if p.is_ascii() {
                        filter.keys.push(key_of_prefix(p));
                    } else {
                        filter.any = true;
                    }
                }
            }
            Node::Exact(w) if w.is_ascii() => filter.keys.push(key_of_prefix(w)),
            Node::Lexicon(l, _) => filter.lexicons.push(*l),
            _ => filter.any = true,
        }
    }
    filter.keys.sort_unstable();
    filter.keys.dedup();
    filter
}

/// The most required items besides the gate that a sentence is checked for.
pub const MAX_ALSO: usize = 7;

/// The most tokens a lexicon term is taken to span when bounding a match.
pub const MAX_TERM_TOKENS: usize = 8;

/// A mistake in a pattern: the byte range in the pattern's text and what is
/// wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub at: std::ops::Range<usize>,
    pub message: String,
}

fn error(at: std::ops::Range<usize>, message: impl Into<String>) -> PatternError {
    PatternError {
        at,
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(Vec<String>),
    Lexicon(String),
    Any,
    Number,
    Punct(char),
    Not,
    Open,
    Close,
    Bar,
    Optional,
    Count(u8, u8),
}

const PUNCT: &[char] = &['%', ',', ';', ':', '$', '+'];

fn lex(src: &str) -> Result<Vec<(Tok, std::ops::Range<usize>)>, PatternError> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    let word_char = |c: char| c.is_alphanumeric() || c == '\'' || c == '\u{2019}';
    while let Some((i, c)) = chars.next() {
        let tok = match c {
            c if c.is_whitespace() || c == '-' => continue,
            '(' => Tok::Open,
            ')' => Tok::Close,
            '|' => Tok::Bar,
            '?' => Tok::Optional,
            '!' => Tok::Not,
            '_' => Tok::Any,
            '#' => Tok::Number,
            c if PUNCT.contains(&c) => Tok::Punct(c),
            '{' => {
                let Some((body, end)) = read_until(&mut chars, '}') else {
                    return Err(error(
                        i..src.len(),
                        "unclosed `{`: write `{n}` or `{min,max}`",
                    ));
                };
                let parse = |s: &str| s.trim().parse::<u8>().ok();
                let (min, max) = match body.split_once(',') {
                    Some((a, b)) => (parse(a), parse(b)),
                    None => (parse(&body), parse(&body)),
                };
                let (Some(min), Some(max)) = (min, max) else {
                    return Err(error(
                        i..end,
                        format!("`{{{body}}}` is not a count: write `{{n}}` or `{{min,max}}`"),
                    ));
                };
                if min > max || max == 0 || max > MAX_REPEAT {
                    return Err(error(
                        i..end,
                        format!(
                            "`{{{body}}}`: a count must have min ≤ max and 1 ≤ max ≤ {MAX_REPEAT}"
                        ),
                    ));
                }
                out.push((Tok::Count(min, max), i..end));
                continue;
            }
            '"' => {
                let Some((body, end)) = read_until(&mut chars, '"') else {
                    return Err(error(i..src.len(), "unclosed `\"`"));
                };
                let words: Vec<String> = body
                    .split(|c: char| c.is_whitespace() || c == '-')
                    .filter(|w| !w.is_empty())
                    .map(|w| w.to_lowercase().replace('\u{2019}', "'"))
                    .collect();
                if words.is_empty() {
                    return Err(error(i..end, "empty quoted word"));
                }
                if let Some(w) = words.iter().find(|w| !w.chars().all(word_char)) {
                    return Err(error(
                        i..end,
                        format!("`{w}`: a quoted word holds letters, digits and apostrophes only"),
                    ));
                }
                out.push((Tok::Quoted(words), i..end));
                continue;
            }
            '@' => {
                let mut name = String::new();
                let mut end = i + 1;
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_ascii_lowercase() || d.is_ascii_digit() || d == '-' {
                        name.push(d);
                        end = j + 1;
                        chars.next();
                    } else {
                        break;
                    }
                }
                if name.is_empty() {
                    return Err(error(i..end, "`@` must be followed by a lexicon name"));
                }
                out.push((Tok::Lexicon(name), i..end));
                continue;
            }
            c if word_char(c) => {
                let mut word = c.to_lowercase().collect::<String>();
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if word_char(d) {
                        word.extend(d.to_lowercase());
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push((Tok::Word(word.replace('\u{2019}', "'")), i..end));
                continue;
            }
            '*' | '+' => {
                return Err(error(
                    i..i + 1,
                    format!("`{c}` is unbounded: write a count such as `{{0,3}}`"),
                ));
            }
            other => {
                return Err(error(
                    i..i + other.len_utf8(),
                    format!("unexpected `{other}` in a token pattern"),
                ));
            }
        };
        out.push((tok, i..i + c.len_utf8()));
    }
    Ok(out)
}

/// Reads up to and including `close`: the text before it and the byte just
/// past it, or `None` when the pattern ends first.
fn read_until(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    close: char,
) -> Option<(String, usize)> {
    let mut body = String::new();
    for (j, d) in chars.by_ref() {
        if d == close {
            return Some((body, j + d.len_utf8()));
        }
        body.push(d);
    }
    None
}

/// What a pattern's names resolve against.
pub struct Names<'a> {
    pub families: &'a Families,
    /// Lexicon name → index, or the error to report for an unknown name.
    pub lexicon: &'a dyn Fn(&str) -> Result<LexIdx, String>,
    /// Whether a literal is rare enough in prose to gate on: of a pattern's
    /// required items, one whose literals are all rare is chosen as its gate.
    pub rare: &'a dyn Fn(&str) -> bool,
    /// The most words a term of a lexicon spans (at most
    /// [`MAX_TERM_TOKENS`]; a lexicon with regexes counts as that).
    pub term_tokens: &'a dyn Fn(LexIdx) -> usize,
}

struct Parser<'a, 'n> {
    toks: Vec<(Tok, std::ops::Range<usize>)>,
    pos: usize,
    names: &'a Names<'n>,
    len: usize,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn here(&self) -> std::ops::Range<usize> {
        self.toks
            .get(self.pos)
            .map_or(self.len..self.len, |t| t.1.clone())
    }

    fn alt(&mut self) -> Result<Node, PatternError> {
        let mut branches = vec![self.seq()?];
        while self.peek() == Some(&Tok::Bar) {
            self.pos += 1;
            branches.push(self.seq()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Alt(branches)
        })
    }

    fn seq(&mut self) -> Result<Node, PatternError> {
        let mut items = Vec::new();
        while let Some(tok) = self.peek() {
            if matches!(tok, Tok::Bar | Tok::Close) {
                break;
            }
            items.push(self.item()?);
        }
        if items.is_empty() {
            return Err(error(self.here(), "empty alternative"));
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Seq(items)
        })
    }

    fn item(&mut self) -> Result<Node, PatternError> {
        let start = self.here();
        let mut node = self.atom()?;
        loop {
            match self.peek() {
                Some(Tok::Optional) => {
                    self.pos += 1;
                    node = Node::Repeat(Box::new(node), 0, 1);
                }
                Some(&Tok::Count(min, max)) => {
                    self.pos += 1;
                    node = Node::Repeat(Box::new(node), min, max);
                }
                _ => break,
            }
            if let Node::Repeat(inner, ..) = &node
                && matches!(**inner, Node::Repeat(..))
            {
                return Err(error(
                    start.start..self.here().start,
                    "two counts on one item: group it first, `(x?){2}`",
                ));
            }
        }
        Ok(node)
    }

    fn atom(&mut self) -> Result<Node, PatternError> {
        let at = self.here();
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return Err(error(at, "the pattern ends where a word was expected"));
        };
        self.pos += 1;
        Ok(match tok {
            Tok::Word(w) => self.word(&w),
            Tok::Quoted(words) => {
                let mut nodes: Vec<Node> = words.into_iter().map(Node::Exact).collect();
                if nodes.len() == 1 {
                    nodes.pop().unwrap_or(Node::Seq(Vec::new()))
                } else {
                    Node::Seq(nodes)
                }
            }
            Tok::Lexicon(name) => match (self.names.lexicon)(&name) {
                Ok(l) => Node::Lexicon(l, name),
                Err(message) => return Err(error(at, message)),
            },
            Tok::Any => Node::Any,
            Tok::Number => Node::Number,
            Tok::Punct(c) => Node::Punct(c),
            Tok::Not => {
                let inner = self.atom()?;
                let inner_end = self.toks[self.pos - 1].1.end;
                match inner {
                    Node::Word { .. } | Node::Exact(_) | Node::Lexicon(..) => {
                        Node::Not(Box::new(inner))
                    }
                    _ => {
                        return Err(error(
                            at.start..inner_end,
                            "`!` takes one word, quoted word or `@lexicon`",
                        ));
                    }
                }
            }
            Tok::Open => {
                let inner = self.alt()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(error(at.start..self.here().end, "unclosed `(`"));
                }
                self.pos += 1;
                inner
            }
            Tok::Close => return Err(error(at, "`)` without `(`")),
            Tok::Bar => return Err(error(at, "`|` with nothing before it")),
            Tok::Optional | Tok::Count(..) => {
                return Err(error(at, "a count or `?` must follow a word or a group"));
            }
        })
    }

    fn word(&self, w: &str) -> Node {
        let stem = stem(w);
        let family = self.names.families.of_stem(&stem);
        let mut words = vec![w.to_string()];
        if let Some(f) = family {
            words.extend(self.names.families.members(f).iter().cloned());
        }
        let mut prefixes: Vec<String> = words.iter().map(|w| gate_literal(w)).collect();
        prefixes.sort();
        prefixes.dedup();
        Node::Word {
            written: w.to_string(),
            stem,
            family,
            prefixes,
        }
    }
}

/// Parses and checks `source`.
pub fn compile(source: &str, names: &Names<'_>) -> Result<TokenPattern, PatternError> {
    let toks = lex(source)?;
    if toks.is_empty() {
        return Err(error(0..source.len(), "empty token pattern"));
    }
    let mut parser = Parser {
        toks,
        pos: 0,
        names,
        len: source.len(),
    };
    let root = parser.alt()?;
    if parser.pos < parser.toks.len() {
        return Err(error(parser.here(), "`)` without `(`"));
    }
    if min_len(&root) == 0 {
        return Err(error(
            0..source.len(),
            "the pattern can match no words at all, so it would flag every position",
        ));
    }
    let Some((gate, lead)) = gate(&root, names) else {
        return Err(error(
            0..source.len(),
            "the pattern must always contain a word, a quoted word or a `@lexicon` term \
             (one that is not optional or under `!`): it is found first, and the rest is read around it",
        ));
    };
    if starts_with_any(&root) {
        return Err(error(
            0..source.len(),
            "the pattern can start with `_` or `!`: start it with what the claim says, and put gaps between words",
        ));
    }
    let mut also = Vec::new();
    if let Node::Seq(items) = &root {
        let mut primary_seen = false;
        for item in items {
            let Some((atoms, _)) = self::gate(item, names) else {
                continue;
            };
            // Common words ("is", "and", "all") are in nearly every
            // sentence: looking for them would cost more than it saves.
            let telling = atoms.iter().all(|a| match a {
                GateAtom::Literal(l) => (names.rare)(l),
                GateAtom::Lexicon(_) => true,
            });
            if atoms == gate && !primary_seen {
                primary_seen = true;
            } else if telling && also.len() < MAX_ALSO {
                also.push(atoms);
            }
        }
    }
    let mut first = Vec::new();
    firsts(&root, &mut first);
    let first_filter = first_filter(&first);
    Ok(TokenPattern {
        source: source.to_string(),
        root,
        gate,
        also,
        first,
        first_filter,
        lead,
    })
}

fn max_len(node: &Node, term_tokens: &dyn Fn(LexIdx) -> usize) -> usize {
    let len = |n: &Node| max_len(n, term_tokens);
    match node {
        Node::Seq(items) => items.iter().map(len).sum(),
        Node::Alt(branches) => branches.iter().map(len).max().unwrap_or(0),
        Node::Repeat(inner, _, max) => len(inner) * usize::from(*max),
        Node::Lexicon(l, _) => term_tokens(*l).clamp(1, MAX_TERM_TOKENS),
        _ => 1,
    }
}

/// Adds to `out` the one-word items `node` can begin with; returns whether
/// it can match no words at all (so that what follows can begin too).
fn firsts(node: &Node, out: &mut Vec<Node>) -> bool {
    match node {
        Node::Seq(items) => {
            for item in items {
                if !firsts(item, out) {
                    return false;
                }
            }
            true
        }
        Node::Alt(branches) => {
            let mut empty = false;
            for b in branches {
                empty |= firsts(b, out);
            }
            empty
        }
        Node::Repeat(inner, min, _) => firsts(inner, out) || *min == 0,
        leaf => {
            if !out.contains(leaf) {
                out.push(leaf.clone());
            }
            false
        }
    }
}

fn min_len(node: &Node) -> usize {
    match node {
        Node::Seq(items) => items.iter().map(min_len).sum(),
        Node::Alt(branches) => branches.iter().map(min_len).min().unwrap_or(0),
        Node::Repeat(inner, min, _) => min_len(inner) * usize::from(*min),
        _ => 1,
    }
}

/// Whether a match can begin with an item that matches almost any word.
fn starts_with_any(node: &Node) -> bool {
    match node {
        Node::Any | Node::Not(_) => true,
        Node::Seq(items) => {
            for item in items {
                if starts_with_any(item) {
                    return true;
                }
                if min_len(item) > 0 {
                    return false;
                }
            }
            false
        }
        Node::Alt(branches) => branches.iter().any(starts_with_any),
        Node::Repeat(inner, ..) => starts_with_any(inner),
        _ => false,
    }
}

/// The literal the scanner looks for to find a word with `word`'s stem: the
/// part the word and its stem share (the stemmer rewrites only a word's
/// end), at least four letters of the word.
pub fn gate_literal(word: &str) -> String {
    let stem = stem(word);
    let shared = word
        .char_indices()
        .zip(stem.chars())
        .take_while(|((_, a), b)| a == b)
        .last()
        .map_or(0, |((i, c), _)| i + c.len_utf8());
    let four = word.char_indices().nth(4).map_or(word.len(), |(i, _)| i);
    word[..shared.max(four)].to_string()
}

/// What must occur for `node` to match, or `None` when it can match
/// without any word, quoted word or lexicon term; with it, the most tokens
/// a match of `node` can span before the token where one of them is found.
fn gate(node: &Node, names: &Names<'_>) -> Option<(Vec<GateAtom>, usize)> {
    let (families, rare) = (names.families, names.rare);
    let (mut atoms, lead) = match node {
        Node::Word {
            written, family, ..
        } => {
            let mut words = vec![written.clone()];
            if let Some(f) = family {
                words.extend(families.members(*f).iter().cloned());
            }
            let atoms = words
                .iter()
                .map(|w| GateAtom::Literal(gate_literal(w)))
                .collect();
            (atoms, 0)
        }
        Node::Exact(w) => (vec![GateAtom::Literal(w.clone())], 0),
        // A term's hit starts where the term does.
        Node::Lexicon(l, _) => (vec![GateAtom::Lexicon(*l)], 0),
        Node::Any | Node::Number | Node::Punct(_) | Node::Not(_) => return None,
        Node::Repeat(inner, min, max) => {
            if *min == 0 {
                return None;
            }
            // The gate may be found in the last repetition.
            let (atoms, lead) = gate(inner, names)?;
            let before = max_len(inner, names.term_tokens) * usize::from(max.saturating_sub(1));
            (atoms, before + lead)
        }
        Node::Alt(branches) => {
            let mut all = Vec::new();
            let mut most = 0;
            for b in branches {
                let (atoms, lead) = gate(b, names)?;
                all.extend(atoms);
                most = most.max(lead);
            }
            (all, most)
        }
        Node::Seq(items) => {
            // The best required item: rare literals, then anything but a
            // common word, then literals over lexicons (a lexicon's hits are
            // found anyway, but common terms make many candidates), then the
            // longest shortest literal.
            let score = |atoms: &Vec<GateAtom>| {
                let lexicons = atoms
                    .iter()
                    .filter(|a| matches!(a, GateAtom::Lexicon(_)))
                    .count();
                let all_rare = atoms.iter().all(|a| match a {
                    GateAtom::Literal(l) => rare(l),
                    GateAtom::Lexicon(_) => false,
                });
                // A common word ("no", "work") would make nearly every
                // segment a candidate; a lexicon's terms are rarer.
                let no_common = atoms.iter().all(|a| match a {
                    GateAtom::Literal(l) => rare(l),
                    GateAtom::Lexicon(_) => true,
                });
                let shortest = atoms
                    .iter()
                    .map(|a| match a {
                        GateAtom::Literal(l) => l.len(),
                        GateAtom::Lexicon(_) => 0,
                    })
                    .min()
                    .unwrap_or(0);
                (
                    all_rare,
                    no_common,
                    lexicons == 0,
                    shortest,
                    std::cmp::Reverse(atoms.len()),
                )
            };
            let (i, (atoms, lead)) = items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| Some((i, gate(item, names)?)))
                .max_by_key(|(_, (atoms, _))| score(atoms))?;
            let before: usize = items[..i]
                .iter()
                .map(|item| max_len(item, names.term_tokens))
                .sum();
            (atoms, before + lead)
        }
    };
    atoms.sort();
    atoms.dedup();
    // A literal that contains another is found with it.
    let literals: Vec<String> = atoms
        .iter()
        .filter_map(|a| match a {
            GateAtom::Literal(l) => Some(l.clone()),
            GateAtom::Lexicon(_) => None,
        })
        .collect();
    atoms.retain(|a| match a {
        GateAtom::Literal(l) => !literals.iter().any(|o| o != l && l.contains(o.as_str())),
        GateAtom::Lexicon(_) => true,
    });
    Some((atoms, lead))
}

/// The pattern in words, for `claimlint explain`.
pub fn describe(node: &Node, families: &Families) -> String {
    let mut s = String::new();
    describe_into(node, families, &mut s);
    s
}

fn describe_into(node: &Node, families: &Families, s: &mut String) {
    match node {
        Node::Word {
            written, family, ..
        } => {
            let _ = write!(s, "a form of “{written}”");
            if let Some(f) = family {
                let others: Vec<&str> = families
                    .members(*f)
                    .iter()
                    .map(String::as_str)
                    .filter(|m| m != written)
                    .collect();
                if !others.is_empty() {
                    let _ = write!(s, " ({})", others.join(", "));
                }
            }
        }
        Node::Exact(w) => {
            let _ = write!(s, "“{w}”");
        }
        Node::Punct(c) => {
            let _ = write!(s, "“{c}”");
        }
        Node::Lexicon(_, name) => {
            let _ = write!(s, "a term from lexicon `{name}`");
        }
        Node::Any => s.push_str("any word"),
        Node::Number => s.push_str("a number"),
        Node::Not(inner) => {
            s.push_str("a word that is not ");
            describe_into(inner, families, s);
        }
        Node::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", then ");
                }
                describe_into(item, families, s);
            }
        }
        Node::Alt(branches) => {
            s.push_str("either ");
            for (i, b) in branches.iter().enumerate() {
                if i > 0 {
                    s.push_str(" or ");
                }
                let grouped = matches!(b, Node::Seq(_));
                if grouped {
                    s.push('[');
                }
                describe_into(b, families, s);
                if grouped {
                    s.push(']');
                }
            }
        }
        Node::Repeat(inner, min, max) => {
            let grouped = matches!(**inner, Node::Seq(_) | Node::Alt(_));
            match (min, max) {
                (0, 1) => s.push_str("optionally "),
                (a, b) if a == b => {
                    let _ = write!(s, "{a} × ");
                }
                (0, b) => {
                    let _ = write!(s, "up to {b} × ");
                }
                (a, b) => {
                    let _ = write!(s, "{a} to {b} × ");
                }
            }
            if grouped {
                s.push('[');
            }
            describe_into(inner, families, s);
            if grouped {
                s.push(']');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn families() -> Families {
        let mut f = Families::default();
        let grow: Vec<String> = ["grow", "grew", "grown", "growth", "regrow", "regrowth"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        f.add(&grow).unwrap();
        f
    }

    fn names(families: &Families) -> Names<'_> {
        static LEX: fn(&str) -> Result<LexIdx, String> = |name| match name {
            "intensifier" => Ok(0),
            "tolerability" => Ok(1),
            other => Err(format!("unknown lexicon `{other}`")),
        };
        Names {
            families,
            lexicon: &LEX,
            rare: &|l: &str| l.len() > 4,
            term_tokens: &|_| 2,
        }
    }

    fn parse(src: &str) -> Result<TokenPattern, PatternError> {
        let f = families();
        compile(src, &names(&f))
    }

    #[test]
    fn a_family_holds_its_derivations_and_their_inflections() {
        let f = families();
        for w in [
            "grow",
            "grows",
            "growing",
            "grew",
            "growth",
            "regrowth",
            "regrowing",
        ] {
            assert_eq!(f.of_stem(&stem(w)), Some(0), "{w}");
        }
        assert_eq!(f.of_stem(&stem("green")), None);
    }

    #[test]
    fn two_families_cannot_share_a_stem() {
        let mut f = families();
        let err = f.add(&["growing".to_string()]).unwrap_err();
        assert_eq!(err, (0, "grow".to_string()));
    }

    #[test]
    fn patterns_parse_into_nodes() {
        let p = parse("@intensifier? safe (and @tolerability)?").unwrap();
        let Node::Seq(items) = &p.root else {
            panic!("{:?}", p.root)
        };
        assert_eq!(items.len(), 3);
        assert!(
            matches!(&items[0], Node::Repeat(inner, 0, 1) if matches!(**inner, Node::Lexicon(0, _)))
        );
        assert!(matches!(&items[1], Node::Word { written, .. } if written == "safe"));
        // The gate is the one required word.
        assert_eq!(p.gate, vec![GateAtom::Literal("safe".into())]);
    }

    #[test]
    fn quoted_words_hyphens_and_counts() {
        let p = parse("\"side-effects\" are _{0,2} rare").unwrap();
        let Node::Seq(items) = &p.root else { panic!() };
        assert_eq!(
            items[0],
            Node::Seq(vec![
                Node::Exact("side".into()),
                Node::Exact("effects".into())
            ])
        );
        assert!(matches!(&items[2], Node::Repeat(inner, 0, 2) if **inner == Node::Any));
        let p = parse("well-tolerated").unwrap();
        assert!(matches!(&p.root, Node::Seq(items) if items.len() == 2));
    }

    #[test]
    fn the_lead_counts_what_a_match_can_hold_before_its_gate() {
        // The gate is the rarest word, "effective" (these tests' `rare`
        // takes words over four letters): in front, a match starts there;
        // last, it starts at most two words before.
        assert_eq!(parse("effective and safe").unwrap().lead, 0);
        assert_eq!(parse("safe and effective").unwrap().lead, 2);
        // An optional lexicon term (two words at most) and a gap before it.
        let p = parse("@intensifier? \"so\" _{0,3} safe").unwrap();
        assert_eq!(p.gate, vec![GateAtom::Literal("safe".into())]);
        assert_eq!(p.lead, 2 + 1 + 3);
        // Alternatives: the longest way to the gate of any of them.
        assert_eq!(
            parse("(\"very\" \"very\" safe | harmless)").unwrap().lead,
            2
        );
        // A repeated group: the gate may be in its last repetition.
        assert_eq!(parse("(\"is\" safe){1,3}").unwrap().lead, 2 * 2 + 1);
    }

    #[test]
    fn a_family_gates_on_every_member() {
        let p = parse("regrow").unwrap();
        // "regrow" and "regrowth" are found by "regrow"; "grew" and "grow"
        // stand for the rest.
        assert_eq!(
            p.gate,
            vec![
                GateAtom::Literal("grew".into()),
                GateAtom::Literal("grow".into()),
            ]
        );
    }

    #[test]
    fn gate_literals_keep_four_letters_and_what_the_stem_shares() {
        assert_eq!(gate_literal("happy"), "happ");
        assert_eq!(gate_literal("neurogenesis"), "neurogenesi");
        assert_eq!(gate_literal("hoping"), "hopi");
        assert_eq!(gate_literal("no"), "no");
    }

    #[test]
    fn mistakes_are_located() {
        let cases = [
            ("safe (and", 5..9, "unclosed `(`"),
            ("safe and)", 8..9, "`)` without `(`"),
            ("safe{0,9}", 4..9, "1 ≤ max ≤ 8"),
            ("safe*", 4..5, "unbounded"),
            ("@nope safe", 0..5, "unknown lexicon `nope`"),
            ("_ _", 0..3, "must always contain"),
            ("safe?", 0..5, "no words at all"),
            ("_ safe", 0..6, "can start with `_`"),
            ("? safe", 0..1, "must follow"),
            ("safe | ", 7..7, "empty alternative"),
            ("\"safe", 0..5, "unclosed"),
            ("!(a b) safe", 0..6, "`!` takes one word"),
            ("safe & sound", 5..6, "unexpected `&`"),
        ];
        for (src, at, message) in cases {
            let err = parse(src).unwrap_err();
            assert_eq!(err.at, at, "{src}: {err:?}");
            assert!(err.message.contains(message), "{src}: {err:?}");
        }
    }

    #[test]
    fn descriptions_read_as_words() {
        let f = families();
        let p = compile("@intensifier? grow (and | \"or\" _{0,2})", &names(&f)).unwrap();
        assert_eq!(
            describe(&p.root, &f),
            "optionally a term from lexicon `intensifier`, then a form of “grow” \
             (grew, grown, growth, regrow, regrowth), then either a form of “and” or \
             [“or”, then up to 2 × any word]"
        );
    }
}
