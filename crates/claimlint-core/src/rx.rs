//! Rule regexes compiled for short runs.
//!
//! A rule regex runs on short texts (a segment, a sentence), most of them
//! on few documents, so what it costs to compile matters as much as how
//! fast it searches: on one post, compiling is most of the run. The `regex`
//! crate builds, per regex, several engines and literal prefilters that pay
//! off on long haystacks; here a regex is only its Thompson NFAs, compiled
//! by one compiler per thread (which keeps its UTF-8 tables from one regex
//! to the next), and lazy DFAs over them. When a lazy DFA cannot run a
//! regex (a Unicode word boundary) or gives up on a text, the search falls
//! back to the `regex` crate, compiled on first need, so every search gives
//! the `regex` crate's answer. The built-in pack's anchored regexes are not
//! compiled at all: `build.rs` compiles them to dense DFAs, which a run
//! deserialises on first use.

use std::fmt;
use std::ops::Range;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::{Arc, OnceLock};

use regex_automata::dfa::{Automaton as _, dense};
use regex_automata::nfa::thompson::{self, NFA};
use regex_automata::util::iter::Searcher;
use regex_automata::util::pool::Pool;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, HalfMatch, Input, MatchError, MatchKind, PatternSet, hybrid};
use regex_syntax::hir::Hir;

/// Size limit of a compiled regex, and of the combined regex set.
pub const SIZE_LIMIT: usize = 64 << 20;

thread_local! {
    /// One Thompson compiler per thread and direction, reused so that its
    /// UTF-8 state tables (hundreds of kilobytes) are allocated once rather
    /// than for every regex with a non-ASCII class.
    static FORWARD: thompson::Compiler = compiler(false);
    static REVERSE: thompson::Compiler = compiler(true);
}

fn compiler(reverse: bool) -> thompson::Compiler {
    let mut compiler = thompson::Compiler::new();
    compiler.configure(
        thompson::Config::new()
            .reverse(reverse)
            .nfa_size_limit(Some(SIZE_LIMIT))
            .which_captures(thompson::WhichCaptures::None),
    );
    compiler
}

/// The syntax tree of a final source.
fn parse(source: &str) -> Option<Hir> {
    regex_syntax::Parser::new().parse(source).ok()
}

/// The NFA of `hir`, forward or reversed (to find where matches start).
fn nfa(hir: &Hir, reverse: bool) -> Option<NFA> {
    let compiler = if reverse { &REVERSE } else { &FORWARD };
    compiler.with(|c| c.build_from_hir(hir)).ok()
}

type CacheFn<C> = Box<dyn Fn() -> C + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// A lazy DFA (or a pair) with its search caches, one per thread at a
/// time.
struct Lazy<E, C> {
    engine: E,
    caches: Pool<C, CacheFn<C>>,
}

impl<E, C> Lazy<E, C> {
    fn new(engine: E, create: CacheFn<C>) -> Self {
        Lazy {
            engine,
            caches: Pool::new(create),
        }
    }
}

impl<E, C> fmt::Debug for Lazy<E, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lazy").finish_non_exhaustive()
    }
}

/// The `regex` crate's compilation of a source, made on first need.
#[derive(Debug)]
struct Fallback {
    source: String,
    regex: OnceLock<Option<regex::Regex>>,
}

impl Fallback {
    fn new(source: String) -> Self {
        Fallback {
            source,
            regex: OnceLock::new(),
        }
    }

    fn get(&self) -> Option<&regex::Regex> {
        self.regex
            .get_or_init(|| {
                regex::RegexBuilder::new(&self.source)
                    .size_limit(SIZE_LIMIT)
                    .build()
                    .ok()
            })
            .as_ref()
    }
}

/// Bytes aligned for a serialised DFA's `u32` transitions.
#[repr(C, align(8))]
struct Aligned<B: ?Sized> {
    _align: [u64; 0],
    bytes: B,
}

/// The built-in pack's anchored DFAs, compiled by `build.rs`.
mod built {
    include!(concat!(env!("OUT_DIR"), "/anchored_dfas.rs"));
}

/// The anchored DFA `build.rs` compiled for `source`, if any.
fn built_anchored(source: &str) -> Option<dense::DFA<&'static [u32]>> {
    let table = built::ANCHORED_DFAS;
    let i = table.binary_search_by(|(s, ..)| s.cmp(&source)).ok()?;
    let (_, start, end) = table[i];
    let bytes = built::ANCHORED_DFA_BYTES.bytes.get(start..end)?;
    dense::DFA::from_bytes(bytes).ok().map(|(dfa, _)| dfa)
}

/// How an [`AnchoredRegex`] runs without its fallback.
enum Engine {
    /// Compiled at build time (the built-in pack's regexes).
    Built(dense::DFA<&'static [u32]>),
    /// Compiled now; states built as texts need them.
    Lazy(Lazy<hybrid::dfa::DFA, hybrid::dfa::Cache>),
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Built(_) => "Built",
            Engine::Lazy(_) => "Lazy",
        })
    }
}

/// A regex run only at chosen positions: its forward DFA tells where the
/// match that starts there ends.
#[derive(Debug)]
pub struct AnchoredRegex {
    dfa: Option<Engine>,
    fallback: Fallback,
}

impl AnchoredRegex {
    /// Compiles `source` (a final source, flags included), or takes the
    /// DFA `build.rs` compiled for it.
    pub fn new(source: &str) -> Self {
        let dfa = built_anchored(source).map(Engine::Built).or_else(|| {
            parse(source)
                .and_then(|hir| nfa(&hir, false))
                .and_then(|nfa| hybrid::dfa::DFA::builder().build_from_nfa(nfa).ok())
                .map(|dfa| {
                    let for_caches = dfa.clone();
                    let create: CacheFn<_> = Box::new(move || for_caches.create_cache());
                    Engine::Lazy(Lazy::new(dfa, create))
                })
        });
        AnchoredRegex {
            dfa,
            fallback: Fallback::new(source.to_string()),
        }
    }

    /// Whether `build.rs` compiled this regex.
    #[cfg(all(test, feature = "prebuilt-dfas"))]
    fn is_built(&self) -> bool {
        matches!(self.dfa, Some(Engine::Built(_)))
    }

    /// Calls `found(start, end)` for the match starting at each of `starts`
    /// (ascending), skipping a start inside the previous match as
    /// `find_iter` would, and empty matches. Word boundaries look behind
    /// each start. A start may come with the [`LiteralWalk`] of a literal
    /// the text holds there (ASCII case aside): a DFA compiled at build
    /// time then resumes after it instead of reading it again.
    pub fn matches_at<'w>(
        &self,
        text: &str,
        starts: impl Iterator<Item = (usize, Option<&'w LiteralWalk>)>,
        mut found: impl FnMut(usize, usize),
    ) {
        // The leftmost match from `start` is the one at `start`, if any.
        let fallback = |start: usize| {
            self.fallback
                .get()?
                .find_at(text, start)
                .filter(|m| m.start() == start)
                .map(|m| m.end())
        };
        let mut cache = match &self.dfa {
            Some(Engine::Lazy(lazy)) => Some(lazy.caches.get()),
            _ => None,
        };
        let mut resume = 0;
        for (start, walk) in starts {
            if start < resume {
                continue;
            }
            let input = || Input::new(text).range(start..).anchored(Anchored::Yes);
            let found_end = match (&self.dfa, cache.as_deref_mut()) {
                (Some(Engine::Built(dfa)), _) => {
                    match walk.and_then(|w| w.end_from(dfa, text.as_bytes(), start)) {
                        Some(end) => Ok(end.map(|end| HalfMatch::must(0, end))),
                        None => dfa.try_search_fwd(&input()),
                    }
                }
                (Some(Engine::Lazy(lazy)), Some(cache)) => {
                    lazy.engine.try_search_fwd(cache, &input())
                }
                _ => Err(MatchError::gave_up(start)),
            };
            let end = match found_end {
                Ok(m) => m.map(|m| m.offset()),
                Err(_) => fallback(start),
            };
            if let Some(end) = end
                && end > start
            {
                found(start, end);
                resume = end;
            }
        }
    }
}

/// An anchored regex's prefix literal, read ahead by the regex's DFA: the
/// state reached after the literal from each start state (computed on
/// first use), so that a run at an occurrence of the literal resumes there
/// instead of reading the literal's bytes again, each a transition of a
/// table that is seldom in cache.
#[derive(Debug)]
pub struct LiteralWalk {
    /// Lower case.
    literal: Box<[u8]>,
    /// `None` when the DFA cannot be resumed after the literal: it reads
    /// some letter of it differently in upper and lower case, or quits.
    walked: OnceLock<Option<Box<[Walked]>>>,
}

/// Where a DFA is after reading a literal from start state `from`.
#[derive(Debug, Clone, Copy)]
struct Walked {
    from: StateID,
    to: StateID,
    /// The DFA died inside the literal.
    dead: bool,
    /// Where the last match seen inside the literal ends, from its start.
    matched: Option<usize>,
}

impl LiteralWalk {
    /// `literal` in lower case.
    pub fn new(literal: &[u8]) -> Self {
        LiteralWalk {
            literal: literal.into(),
            walked: OnceLock::new(),
        }
    }

    /// The end of the leftmost-first match of `dfa` anchored at `start`,
    /// where `text` holds the literal (ASCII case aside; the phrase
    /// automaton found it there), as `try_search_fwd` would find it, read
    /// from the end of the literal; `None` when the DFA cannot resume after
    /// the literal (the caller then searches). `dfa` is always the same
    /// regex's.
    fn end_from<T: AsRef<[u32]>>(
        &self,
        dfa: &dense::DFA<T>,
        text: &[u8],
        start: usize,
    ) -> Option<Option<usize>> {
        let after = start + self.literal.len();
        debug_assert!(
            text.get(start..after)
                .is_some_and(|t| t.eq_ignore_ascii_case(&self.literal)),
            "the literal is not at {start}"
        );
        let walked = self.walked.get_or_init(|| walk(dfa, &self.literal));
        let behind = start.checked_sub(1).map(|i| text[i]);
        let from = dfa.start_state(&anchored_start(behind)).ok()?;
        let w = walked.as_deref()?.iter().find(|w| w.from == from)?;
        let mut end = w.matched.map(|m| start + m);
        if w.dead {
            return Some(end);
        }
        let mut sid = w.to;
        let mut at = after;
        // As `dense::DFA::try_search_fwd`: match states are delayed by a
        // byte, so entering one on the byte at `at` ends a match at `at`.
        while at < text.len() {
            sid = dfa.next_state(sid, text[at]);
            if dfa.is_special_state(sid) {
                if dfa.is_match_state(sid) {
                    end = Some(at);
                } else if dfa.is_dead_state(sid) {
                    return Some(end);
                } else if dfa.is_quit_state(sid) {
                    return None;
                }
            }
            at += 1;
        }
        sid = dfa.next_eoi_state(sid);
        if dfa.is_match_state(sid) {
            end = Some(text.len());
        }
        Some(end)
    }
}

/// The anchored start configuration after `behind` (the byte before the
/// start, if any).
fn anchored_start(behind: Option<u8>) -> start::Config {
    start::Config::new()
        .anchored(Anchored::Yes)
        .look_behind(behind)
}

/// `literal` read by `dfa` from every start state a look-behind byte can
/// select (start of text, a line end, a word or a non-word byte).
fn walk<T: AsRef<[u32]>>(dfa: &dense::DFA<T>, literal: &[u8]) -> Option<Box<[Walked]>> {
    let mut out: Vec<Walked> = Vec::new();
    for behind in [None, Some(b'\n'), Some(b'\r'), Some(b' '), Some(b'a')] {
        let from = dfa.start_state(&anchored_start(behind)).ok()?;
        if out.iter().any(|w| w.from == from) {
            continue;
        }
        let (mut to, mut dead, mut matched) = (from, false, None);
        for (i, &b) in literal.iter().enumerate() {
            // The literal was found ASCII case-insensitively: resuming
            // after it is exact only if each of its letters leads to the
            // same state in either case.
            let next = dfa.next_state(to, b);
            if b.is_ascii_alphabetic() && dfa.next_state(to, b.to_ascii_uppercase()) != next {
                return None;
            }
            to = next;
            if dfa.is_special_state(to) {
                if dfa.is_match_state(to) {
                    matched = Some(i);
                } else if dfa.is_dead_state(to) {
                    dead = true;
                    break;
                } else if dfa.is_quit_state(to) {
                    return None;
                }
            }
        }
        out.push(Walked {
            from,
            to,
            dead,
            matched,
        });
    }
    Some(out.into())
}

/// A regex searched anywhere in a text: a forward lazy DFA finds where the
/// leftmost-first match ends, a reverse one where it starts.
#[derive(Debug)]
pub struct Regex {
    lazy: Option<Lazy<Arc<hybrid::regex::Regex>, hybrid::regex::Cache>>,
    fallback: Fallback,
}

impl Regex {
    /// Compiles `source` (a final source, flags included).
    pub fn new(source: &str) -> Self {
        let lazy = (|| {
            let hir = parse(source)?;
            let forward = hybrid::dfa::DFA::builder()
                .build_from_nfa(nfa(&hir, false)?)
                .ok()?;
            let reverse = hybrid::dfa::DFA::builder()
                .configure(
                    hybrid::dfa::DFA::config()
                        .prefilter(None)
                        .specialize_start_states(false)
                        .match_kind(MatchKind::All),
                )
                .build_from_nfa(nfa(&hir, true)?)
                .ok()?;
            let regex = Arc::new(hybrid::regex::Builder::new().build_from_dfas(forward, reverse));
            let for_caches = Arc::clone(&regex);
            let create: CacheFn<_> = Box::new(move || for_caches.create_cache());
            Some(Lazy::new(regex, create))
        })();
        Regex {
            lazy,
            fallback: Fallback::new(source.to_string()),
        }
    }

    /// Whether the regex compiles at all (`false` only past the size
    /// limit).
    pub fn compiles(&self) -> bool {
        self.lazy.is_some() || self.fallback.get().is_some()
    }

    /// The non-empty matches in `text`, in order, as `find_iter` gives them.
    pub fn find_iter(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.each_match(text, |m| {
            out.push(m);
            true
        });
        out
    }

    /// Whether one of [`Regex::find_iter`]'s matches overlaps `range`; the
    /// search stops at the first that does, or that starts past `range`.
    pub fn overlaps_match(&self, text: &str, range: &Range<usize>) -> bool {
        let mut found = false;
        self.each_match(text, |m| {
            if m.start >= range.end {
                return false;
            }
            found = m.end > range.start;
            !found
        });
        found
    }

    /// Calls `each` with the matches [`Regex::find_iter`] gives, in order,
    /// for as long as it returns `true`.
    fn each_match(&self, text: &str, mut each: impl FnMut(Range<usize>) -> bool) {
        // Matches given before the lazy DFA gave up, which the fallback
        // finds again.
        let mut given = 0;
        if let Some(lazy) = &self.lazy {
            let (regex, mut cache) = (&lazy.engine, lazy.caches.get());
            let mut searcher = Searcher::new(Input::new(text));
            loop {
                match searcher.try_advance(|input| regex.try_search(&mut cache, input)) {
                    Ok(Some(m)) if m.is_empty() => {}
                    Ok(Some(m)) => {
                        given += 1;
                        if !each(m.range()) {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
        }
        if let Some(regex) = self.fallback.get() {
            let matches = regex.find_iter(text).filter(|m| !m.is_empty());
            for m in matches.skip(given) {
                if !each(m.range()) {
                    return;
                }
            }
        }
    }

    /// Whether the regex matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(lazy) = &self.lazy {
            let input = Input::new(text).earliest(true);
            if let Ok(m) = lazy.engine.try_search(&mut lazy.caches.get(), &input) {
                return m.is_some();
            }
        }
        self.fallback.get().is_some_and(|r| r.is_match(text))
    }
}

/// Regexes searched together for which of them match somewhere in a
/// text, as `regex::RegexSet::matches` says: one lazy DFA over all their
/// NFAs, which reports every pattern that matches. The `regex` crate's set
/// is the fallback, as for [`Regex`].
#[derive(Debug)]
pub struct RegexSet {
    lazy: Option<Lazy<hybrid::dfa::DFA, hybrid::dfa::Cache>>,
    sources: Vec<String>,
    fallback: OnceLock<Result<regex::RegexSet, regex::Error>>,
}

impl RegexSet {
    /// Compiles `sources` (final sources, flags included) as one set.
    pub fn new(sources: &[&str]) -> Self {
        let lazy = (|| {
            let hirs = sources
                .iter()
                .map(|s| parse(s))
                .collect::<Option<Vec<Hir>>>()?;
            let nfa = FORWARD.with(|c| c.build_many_from_hir(&hirs)).ok()?;
            let dfa = hybrid::dfa::DFA::builder()
                .configure(hybrid::dfa::DFA::config().match_kind(MatchKind::All))
                .build_from_nfa(nfa)
                .ok()?;
            let for_caches = dfa.clone();
            let create: CacheFn<_> = Box::new(move || for_caches.create_cache());
            Some(Lazy::new(dfa, create))
        })();
        RegexSet {
            lazy,
            sources: sources.iter().map(|s| s.to_string()).collect(),
            fallback: OnceLock::new(),
        }
    }

    fn fallback(&self) -> Result<&regex::RegexSet, &regex::Error> {
        self.fallback
            .get_or_init(|| {
                regex::RegexSetBuilder::new(&self.sources)
                    .size_limit(SIZE_LIMIT)
                    .dfa_size_limit(SIZE_LIMIT)
                    .build()
            })
            .as_ref()
    }

    /// Why the set does not compile at all (only past the size limit).
    pub fn error(&self) -> Option<&regex::Error> {
        match self.lazy {
            Some(_) => None,
            None => self.fallback().err(),
        }
    }

    /// Appends to `out` the indices of the regexes that match somewhere in
    /// `text`, ascending.
    pub fn matches_into(&self, text: &str, out: &mut Vec<usize>) {
        if let Some(lazy) = &self.lazy {
            let mut cache = lazy.caches.get();
            // Most texts match none of the regexes: a search that stops at
            // the first match (the lazy DFA's fast loop) says so first.
            if let Ok(None) = lazy
                .engine
                .try_search_fwd(&mut cache, &Input::new(text).earliest(true))
            {
                return;
            }
            let mut found = PatternSet::new(self.sources.len());
            let searched = lazy.engine.try_which_overlapping_matches(
                &mut cache,
                &Input::new(text),
                &mut found,
            );
            if searched.is_ok() {
                out.extend(found.iter().map(|p| p.as_usize()));
                return;
            }
        }
        if let Ok(set) = self.fallback() {
            out.extend(set.matches(text).iter());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sources shaped like the rule pack's final regexes (ASCII word
    /// boundaries, case-insensitive groups, Unicode classes), one with a
    /// Unicode word boundary (which the lazy DFA cannot run), and one
    /// that can match the empty string.
    const SOURCES: &[&str] = &[
        r"(?i:(?-u:\b)ketamine(?-u:\b))",
        r"(?i:(?-u:\b)cure[sd]?(?-u:\b))",
        r"(?i:(?-u:\b)so(?-u:\s)+(?-u:\w)+(?-u:\s)+can heal)",
        r"(?i:[^.!?]{0,20}heal(?:s|ing)?)",
        r"(?i:\p{L}+é)",
        r"(?i:(?-u:\b)(?:100|ninety)(?-u:\s)*%)",
        r"\bcafé\b",
        r"(?i:k?)",
    ];

    const TEXTS: &[&str] = &[
        "",
        "Ketamine cures depression. So you can heal! KETAMINE is safe.",
        "ketamines cured; so much can heal; so it can heal",
        "The café serves café-crème. Café\r\nnaïve résumé heals 100 % of the time.",
        "ſo it can heal — ninety% — \u{212A}etamine ketamine.",
        "Nothing here heals, nothing cures",
    ];

    fn reference(source: &str) -> regex::Regex {
        regex::Regex::new(source).unwrap()
    }

    #[test]
    fn searches_agree_with_the_regex_crate() {
        for source in SOURCES {
            let regex = Regex::new(source);
            let full = reference(source);
            assert!(regex.compiles());
            for text in TEXTS {
                let want: Vec<Range<usize>> = full
                    .find_iter(text)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.range())
                    .collect();
                assert_eq!(regex.find_iter(text), want, "{source} in {text:?}");
                assert_eq!(regex.is_match(text), full.is_match(text), "{source}");
            }
        }
    }

    /// Whether a match overlaps a range, for every range over each text's
    /// character boundaries (empty ones included), as `find_iter` says.
    #[test]
    fn overlapping_matches_agree_with_find_iter() {
        for source in SOURCES {
            let regex = Regex::new(source);
            for text in TEXTS {
                let all = regex.find_iter(text);
                let bounds: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                for (i, &from) in bounds.iter().enumerate() {
                    for &to in &bounds[i..] {
                        let range = from..to;
                        let want = all
                            .iter()
                            .any(|m| m.start < range.end && range.start < m.end);
                        assert_eq!(
                            regex.overlaps_match(text, &range),
                            want,
                            "{source} in {text:?} at {range:?}"
                        );
                    }
                }
            }
        }
    }

    /// The set reports what `regex::RegexSet::matches` reports, with and
    /// without a member that needs the fallback.
    #[test]
    fn set_matches_agree_with_the_regex_crate() {
        let lazy_ones: Vec<&str> = SOURCES
            .iter()
            .copied()
            .filter(|s| !s.starts_with(r"\b"))
            .collect();
        for sources in [SOURCES, &lazy_ones[..], &lazy_ones[..1]] {
            let set = RegexSet::new(sources);
            assert!(set.error().is_none());
            assert_eq!(set.lazy.is_some(), sources.len() < SOURCES.len());
            let full = regex::RegexSet::new(sources).unwrap();
            for text in TEXTS {
                let mut got = vec![usize::MAX];
                set.matches_into(text, &mut got);
                let want: Vec<usize> = full.matches(text).iter().collect();
                assert_eq!(got[1..], want, "{sources:?} in {text:?}");
            }
        }
    }

    /// A dense DFA as `build.rs` compiles one (anchored starts only).
    fn anchored_dense(source: &str) -> dense::DFA<Vec<u32>> {
        dense::Builder::new()
            .configure(dense::Config::new().start_kind(regex_automata::dfa::StartKind::Anchored))
            .build(source)
            .unwrap()
    }

    /// Resumed after its literal, a DFA ends where a search from the
    /// literal's start ends: at every occurrence of the literal in any
    /// case, after word and non-word bytes, at the end of the text, with a
    /// match ending inside the literal and a DFA dying inside it. A DFA
    /// that reads a letter of the literal case-sensitively is not resumed.
    #[test]
    fn a_run_resumed_after_its_literal_ends_where_a_search_ends() {
        let cases: &[(&str, &str, bool)] = &[
            (
                r"(?i:(?-u:\b)depression(?-u:\s)+(?:is|was)(?-u:\b))",
                "depression",
                true,
            ),
            // A match ends inside the literal ("ket") before a longer one.
            (r"(?i:(?-u:\b)ket(?:amine)?)", "ketamin", true),
            // Dies inside the literal after a word byte; ends at the text's end.
            (r"(?i:(?-u:\b)it(?-u:\b))", "it", true),
            (r"(?i:(?-u:\b)(?:100|ninety)(?-u:\s)*%)", "ninety", true),
            // Case-sensitive: "K" and "k" lead to different states.
            (r"(?-u:\b)Ketamine(?-u:\b)", "ketamine", false),
        ];
        let texts = [
            "Depression is gone; depression  was; DEPRESSION\nIS; xdepression is",
            "ketamine, Ketamin! ketaminX KETAMINE ket",
            "with it, it. It\r\nit bit it",
            "ninety % or NINETY% or ninety",
            "Ketamine ketamine KETAMINE aKetamine Ketamine",
        ];
        let mut resumed = 0;
        for &(source, literal, resumable) in cases {
            let dfa = anchored_dense(source);
            let walk = LiteralWalk::new(literal.as_bytes());
            for text in texts {
                let bytes = text.as_bytes();
                for start in 0..bytes.len() {
                    let holds = bytes[start..]
                        .get(..literal.len())
                        .is_some_and(|t| t.eq_ignore_ascii_case(literal.as_bytes()));
                    if !holds {
                        continue;
                    }
                    let searched = dfa
                        .try_search_fwd(&Input::new(text).range(start..).anchored(Anchored::Yes))
                        .unwrap()
                        .map(|m| m.offset());
                    match walk.end_from(&dfa, bytes, start) {
                        Some(end) => {
                            assert!(resumable, "{source} resumed at {start} in {text:?}");
                            assert_eq!(end, searched, "{source} at {start} in {text:?}");
                            resumed += 1;
                        }
                        None => assert!(!resumable, "{source} at {start} in {text:?}"),
                    }
                }
            }
        }
        assert!(resumed >= 20, "too few runs resumed: {resumed}");
    }

    #[test]
    fn only_a_unicode_word_boundary_needs_the_fallback() {
        for source in SOURCES {
            let lazy = Regex::new(source).lazy.is_some();
            assert_eq!(lazy, !source.starts_with(r"\b"), "{source}");
            let anchored = AnchoredRegex::new(source).dfa.is_some();
            assert_eq!(anchored, lazy, "{source}");
        }
    }

    /// Run at every character boundary, the anchored search finds what
    /// `find_iter` finds (it skips starts inside a previous match).
    #[test]
    fn anchored_runs_at_every_position_find_what_find_iter_finds() {
        for source in SOURCES.iter().filter(|s| !s.ends_with("k?)")) {
            let anchored = AnchoredRegex::new(source);
            let full = reference(source);
            for text in TEXTS {
                let mut got = Vec::new();
                let starts = text.char_indices().map(|(i, _)| (i, None));
                anchored.matches_at(text, starts, |s, e| got.push(s..e));
                let want: Vec<Range<usize>> = full.find_iter(text).map(|m| m.range()).collect();
                assert_eq!(got, want, "{source} in {text:?}");
            }
        }
    }

    /// Every DFA `build.rs` compiled deserialises, and finds what the
    /// `regex` crate finds, run at every character boundary of each corpus
    /// segment it matches and of a sample of others; the test sources,
    /// which are not the pack's, are compiled at run time.
    #[cfg(feature = "prebuilt-dfas")]
    #[test]
    fn the_build_time_dfas_agree_with_the_regex_crate() {
        let table = built::ANCHORED_DFAS;
        assert!(table.len() > 200, "too few DFAs built: {}", table.len());
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "not sorted");
        for source in SOURCES {
            assert!(!AnchoredRegex::new(source).is_built(), "{source}");
        }
        let texts = crate::scan::tests::corpus_segments();
        let mut matched = 0;
        for &(source, ..) in table {
            let anchored = AnchoredRegex::new(source);
            assert!(anchored.is_built(), "{source}");
            let full = reference(source);
            let sample = texts.iter().take(40);
            for text in texts.iter().filter(|t| full.is_match(t)).chain(sample) {
                let mut got = Vec::new();
                let starts = text.char_indices().map(|(i, _)| (i, None));
                anchored.matches_at(text, starts, |s, e| got.push(s..e));
                let want: Vec<Range<usize>> = full.find_iter(text).map(|m| m.range()).collect();
                assert_eq!(got, want, "{source} in {text:?}");
                matched += want.len();
            }
        }
        assert!(matched > 400, "too few matches checked: {matched}");
    }

    /// Every exception regex of the built-in pack (`unless`,
    /// `unless_sentence`) agrees with the `regex` crate on every segment
    /// of the seeds and the labelled corpus.
    #[test]
    fn the_packs_exception_regexes_agree_with_the_regex_crate() {
        use crate::rule::RuleKind;
        let pack = crate::rule::compile::load(&crate::rule::compile::builtin_files()).unwrap();
        let mut regexes = Vec::new();
        for rule in &pack.rules {
            match &rule.kind {
                RuleKind::Pattern(p) => regexes.extend(p.unless.iter().chain(&p.unless_sentence)),
                RuleKind::Substitution(s) => regexes.extend(&s.unless),
                _ => {}
            }
        }
        assert!(
            regexes.len() > 20,
            "too few exception regexes: {}",
            regexes.len()
        );
        let texts = crate::scan::tests::corpus_segments();
        let mut matched = 0;
        for lazy in regexes {
            let full = reference(lazy.source());
            for text in &texts {
                let want: Vec<Range<usize>> = full.find_iter(text).map(|m| m.range()).collect();
                assert_eq!(lazy.find_iter(text), want, "{} in {text:?}", lazy.source());
                assert_eq!(lazy.is_match(text), !want.is_empty());
                matched += want.len();
            }
        }
        assert!(matched > 50, "too few matches checked: {matched}");
    }
}
