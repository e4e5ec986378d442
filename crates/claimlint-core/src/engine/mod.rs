//! Linting one document: scan, check context, build diagnostics.
//!
//! The engine never reads files and never prints. It takes a [`SourceFile`]
//! and a [`RuleSet`] and returns sorted [`Diagnostic`]s. Each segment is
//! scanned once by the shared [`crate::scan::Scanner`]; rules then only look
//! at their own hits and at lexicon hits in the same sentence.

mod answers;
mod context;
mod repetition;
mod require;
pub(crate) mod tokens;

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::document::{Document, Format, OffsetMap, ParseOptions, Segment};
use crate::rule::{LexIdx, RuleKind, RuleSet};
use crate::scan::{Hit, Owner};
use crate::source::SourceFile;

/// A sentence: segment index and range in that segment's text.
#[derive(Debug, Clone)]
pub struct SentenceRef {
    pub seg: usize,
    pub range: Range<usize>,
}

/// Everything the rules need to know about one document.
pub struct Analysis<'a> {
    pub rules: &'a RuleSet,
    pub source: &'a SourceFile,
    pub doc: Document,
    /// Scanner hits of every segment, one segment after another (see
    /// [`Analysis::seg_hits`]).
    hits: Vec<Hit>,
    /// Where each segment's hits start in `hits`, then `hits.len()`.
    hit_bounds: Vec<usize>,
    /// Lexicon hits after `unless` filtering, grouped by segment, then by
    /// lexicon (see [`Analysis::seg_lex`]).
    lex: Vec<Range<usize>>,
    /// Where the hits of (segment `s`, lexicon `l`) start in `lex`, at
    /// `s * lexicons + l`, then `lex.len()`.
    lex_bounds: Vec<usize>,
    /// Per segment, where its first myth-frame cue word ends (see
    /// [`Analysis::myth_cue_end`]).
    myth_cue_ends: Vec<usize>,
    /// All sentences in document order.
    pub sentences: Vec<SentenceRef>,
    /// Global index of each segment's first sentence.
    pub first_sentence: Vec<usize>,
    /// Interned words of every segment, built when a rule first needs them.
    pub(crate) words: std::sync::OnceLock<repetition::DocWords>,
    /// Hashes of every segment's words, which show most documents free of
    /// repetition without interning their words.
    pub(crate) word_hashes: std::sync::OnceLock<repetition::WordHashes>,
    /// Per sentence, whether its text in the file cites a source, once
    /// looked up; see [`Analysis::cites`].
    cited: std::sync::OnceLock<Vec<std::sync::OnceLock<bool>>>,
    /// Per lexicon, whether the document's prose holds any of its terms,
    /// once looked up; see [`Analysis::page_has`].
    on_page: std::sync::OnceLock<Vec<bool>>,
    /// Number of segments that are the file's prose; the segments after them
    /// are FAQ answers read together with their question (see `answers`),
    /// which only sentence-level rules look at.
    pub prose: usize,
    /// For each of those answer segments (by index minus `prose`): the global
    /// index of the question sentence, whose antecedents it shares.
    pub answered: Vec<usize>,
}

impl<'a> Analysis<'a> {
    #[cfg(test)]
    pub fn new(rules: &'a RuleSet, source: &'a SourceFile, format: Format) -> Self {
        Self::with_options(rules, source, format, &ParseOptions::default())
    }

    pub fn with_options(
        rules: &'a RuleSet,
        source: &'a SourceFile,
        format: Format,
        options: &ParseOptions,
    ) -> Self {
        let mut doc = Document::parse_with(source, format, options);
        let texts: Vec<&str> = doc.segments.iter().map(|s| s.text.as_str()).collect();
        rules.scanner.prepare(&texts);
        let prose = doc.segments.len();
        // Sized ahead from the text (about one hit per 10 bytes of prose
        // and one lexicon hit per 20 with the default pack), so the tables
        // are not copied as they grow.
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let mut hit_bounds = Vec::with_capacity(prose + 1);
        hit_bounds.push(0);
        let mut lex_bounds = Vec::with_capacity(prose * rules.lexicons.len() + 1);
        lex_bounds.push(0);
        let mut analysis = Self {
            rules,
            source,
            doc: Document::default(),
            hits: Vec::with_capacity(bytes / 10),
            hit_bounds,
            lex: Vec::with_capacity(bytes / 20),
            lex_bounds,
            myth_cue_ends: Vec::with_capacity(prose),
            sentences: Vec::with_capacity(doc.segments.iter().map(|s| s.sentences.len()).sum()),
            first_sentence: Vec::with_capacity(prose),
            prose,
            answered: Vec::new(),
            words: std::sync::OnceLock::new(),
            word_hashes: std::sync::OnceLock::new(),
            cited: std::sync::OnceLock::new(),
            on_page: std::sync::OnceLock::new(),
        };
        analysis.scan_segments(&doc, 0);
        let answers = analysis.faq_answers(&doc);
        for (segment, question) in answers {
            doc.segments.push(segment);
            analysis.answered.push(question);
        }
        analysis.scan_segments(&doc, prose);
        analysis.doc = doc;
        analysis
    }

    /// Scans segments `from..` of `doc` and appends their hits and sentences.
    fn scan_segments(&mut self, doc: &Document, from: usize) {
        let rules = self.rules;
        let nlex = rules.lexicons.len();
        // Per lexicon: hits counted, then where the next one goes.
        let mut next: Vec<usize> = vec![0; nlex];
        // Cancelling hits are rare: (lexicon, range) pairs.
        let mut unless: Vec<(usize, Range<usize>)> = Vec::new();
        let mut last = vec![None; nlex];
        let mut scratch = tokens::Scratch::default();
        for (i, seg) in doc.segments.iter().enumerate().skip(from) {
            let start = self.hits.len();
            rules.scanner.scan_into(&seg.text, &mut self.hits);
            self.hit_bounds.push(self.hits.len());
            let seg_hits = &self.hits[start..];
            let cues = seg_hits.iter().filter(|hit| hit.owner == Owner::MythCue);
            self.myth_cue_ends
                .push(cues.map(|hit| hit.range.end).min().unwrap_or(usize::MAX));
            unless.clear();
            unless.extend(seg_hits.iter().filter_map(|hit| match hit.owner {
                Owner::LexiconUnless(l) => Some((l, hit.range.clone())),
                _ => None,
            }));
            // A counting sort by lexicon; hits keep their order within one.
            next.fill(0);
            lexicon_hits(seg_hits, &unless, &rules.lexicons, &mut last, |l, _| {
                next[l] += 1;
            });
            self.lex_bounds.pop();
            let mut at = self.lex.len();
            for count in &mut next {
                self.lex_bounds.push(at);
                at += std::mem::replace(count, at);
            }
            self.lex_bounds.push(at);
            self.lex.resize(at, 0..0);
            let lex = &mut self.lex;
            lexicon_hits(seg_hits, &unless, &rules.lexicons, &mut last, |l, range| {
                lex[next[l]] = range.clone();
                next[l] += 1;
            });
            if rules.has_tokens {
                self.match_tokens(i, seg.kind, &seg.text, &seg.sentences, start, &mut scratch);
            }
            self.first_sentence.push(self.sentences.len());
            self.sentences
                .extend(seg.sentences.iter().map(|r| SentenceRef {
                    seg: i,
                    range: r.clone(),
                }));
        }
    }

    /// Adds the matches of the token patterns gated in segment `seg` (the
    /// last scanned, whose hits start at `start`) as trigger hits of their
    /// rules, keeping the segment's hits sorted.
    fn match_tokens(
        &mut self,
        seg: usize,
        kind: crate::document::SegmentKind,
        text: &str,
        sentences: &[Range<usize>],
        start: usize,
        scratch: &mut tokens::Scratch,
    ) {
        let tokens::Scratch {
            gates,
            runs,
            at_offsets,
            spans,
            toks,
            needed,
            found,
            ranges,
            starts,
        } = scratch;
        let rules = self.rules;
        let lex = SegLex {
            analysis: self,
            seg,
        };
        tokens::gates(rules, &self.hits[start..], &lex, gates);
        if gates.is_empty() {
            return;
        }
        let sentence_of = |at: usize| {
            sentences
                .partition_point(|s| s.start <= at)
                .saturating_sub(1)
        };
        // Per (pattern, sentence): the gate offsets, kept only where every
        // required item of the pattern occurs in the sentence.
        runs.clear();
        at_offsets.clear();
        for group in gates.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let (r, n, _, _) = group[0];
            // A rule that does not look at this kind of segment (`scope`)
            // is not read word by word in it.
            if !rules.rules[r].applies_to(kind) {
                continue;
            }
            let RuleKind::Pattern(p) = &rules.rules[r].kind else {
                continue;
            };
            let Some(pattern) = p.tokens.get(usize::from(n)) else {
                continue;
            };
            for same in group.chunk_by(|a, b| sentence_of(a.2) == sentence_of(b.2)) {
                if !same.iter().any(|g| g.3 == 0) {
                    continue;
                }
                let k = sentence_of(same[0].2);
                let Some(range) = sentences.get(k) else {
                    continue;
                };
                // Every other required item occurs in the sentence: as a
                // literal the scanner found, or as a lexicon term.
                let complete = pattern.also.iter().enumerate().all(|(i, atoms)| {
                    let item = u16::try_from(i + 1).unwrap_or(u16::MAX);
                    same.iter().any(|g| g.3 == item) || tokens::has_lexicon_item(atoms, range, &lex)
                });
                if complete {
                    let from = at_offsets.len();
                    at_offsets.extend(same.iter().filter(|g| g.3 == 0).map(|g| g.2));
                    runs.push((r, n, k, from..at_offsets.len()));
                }
            }
        }
        if runs.is_empty() {
            return;
        }
        // Only those sentences are read word by word: each is tokenized
        // once, into `toks`, at `spans[sentence]`.
        spans.clear();
        spans.resize(sentences.len(), None);
        toks.clear();
        needed.clear();
        needed.extend(runs.iter().map(|run| run.2));
        needed.sort_unstable();
        needed.dedup();
        for &k in needed.iter() {
            let Some(sentence) = sentences.get(k) else {
                continue;
            };
            let from = toks.len();
            tokens::tokenize_into(text, sentence.clone(), toks);
            spans[k] = Some(from..toks.len());
        }
        found.clear();
        for (r, n, k, at) in runs.iter() {
            let RuleKind::Pattern(p) = &rules.rules[*r].kind else {
                continue;
            };
            let Some(pattern) = p.tokens.get(usize::from(*n)) else {
                continue;
            };
            let Some(span) = spans.get(*k).cloned().flatten() else {
                continue;
            };
            let sentence = &toks[span.clone()];
            starts.clear();
            for &at in &at_offsets[at.clone()] {
                // The token holding the gate (it may sit inside a word); a
                // match that holds it starts at most `lead` tokens before.
                let gi = span.start + sentence.partition_point(|t| t.range.end <= at);
                let earliest = gi.saturating_sub(pattern.lead).max(span.start);
                starts.extend(earliest..=gi.min(span.end.saturating_sub(1)));
            }
            starts.sort_unstable();
            starts.dedup();
            ranges.clear();
            tokens::find_at(
                pattern,
                text,
                toks,
                &rules.families,
                span.end,
                starts,
                &lex,
                ranges,
            );
            found.extend(ranges.drain(..).map(|range| Hit {
                owner: Owner::Trigger(*r),
                range,
            }));
        }
        if found.is_empty() {
            return;
        }
        self.hits.append(found);
        self.hits[start..].sort_unstable_by(|a, b| {
            (a.range.start, std::cmp::Reverse(a.range.end), a.owner).cmp(&(
                b.range.start,
                std::cmp::Reverse(b.range.end),
                b.owner,
            ))
        });
        if let Some(bound) = self.hit_bounds.last_mut() {
            *bound = self.hits.len();
        }
    }

    /// Scanner hits of segment `seg`, sorted by start, longest first.
    pub fn seg_hits(&self, seg: usize) -> &[Hit] {
        &self.hits[self.hit_bounds[seg]..self.hit_bounds[seg + 1]]
    }

    /// Where the first myth-frame cue word of segment `seg` ends
    /// (`usize::MAX` when it has none).
    pub fn myth_cue_end(&self, seg: usize) -> usize {
        self.myth_cue_ends[seg]
    }

    /// Whether a term of lexicon `lex` occurs anywhere in the document's
    /// prose (FAQ answers read with their question add nothing new).
    pub fn page_has(&self, lex: LexIdx) -> bool {
        self.on_page.get_or_init(|| {
            let n = self.rules.lexicons.len();
            let mut found = vec![false; n];
            for seg in 0..self.prose {
                for (l, f) in found.iter_mut().enumerate() {
                    *f = *f || !self.seg_lex(seg, l).is_empty();
                }
            }
            found
        })[lex]
    }

    /// Hits of lexicon `lex` in segment `seg` (after `unless` filtering),
    /// sorted by start.
    pub fn seg_lex(&self, seg: usize, lex: LexIdx) -> &[Range<usize>] {
        let at = seg * self.rules.lexicons.len() + lex;
        &self.lex[self.lex_bounds[at]..self.lex_bounds[at + 1]]
    }

    /// Bare answers to FAQ questions, each as a segment holding the
    /// question read as a statement, mapped onto the answer's bytes.
    fn faq_answers(&self, doc: &Document) -> Vec<(Segment, usize)> {
        let mut out = Vec::new();
        let treatment = self.rules.special.treatment;
        for k in 0..self.sentences.len().saturating_sub(1) {
            let q = &self.sentences[k];
            let question = &doc.segments[q.seg].text[q.range.clone()];
            if !context::is_question(question) {
                continue;
            }
            let a = &self.sentences[k + 1];
            let answer = &doc.segments[a.seg].text[a.range.clone()];
            let Some(negative) = answers::bare_answer(answer) else {
                continue;
            };
            let subject_end = |at: usize| {
                let at = q.range.start + at;
                let lex = treatment?;
                self.seg_lex(q.seg, lex)
                    .iter()
                    .filter(|r| r.start == at)
                    .map(|r| r.end - q.range.start)
                    .max()
            };
            let Some(text) = answers::declarative(question, negative, subject_end) else {
                continue;
            };
            let span = doc.segments[a.seg].map.span(&a.range);
            let len = text.len();
            out.push((
                Segment {
                    kind: doc.segments[a.seg].kind,
                    map: OffsetMap::whole(len, span),
                    section: doc.segments[a.seg].section,
                    sentences: std::iter::once(0..len).collect(),
                    text,
                },
                k,
            ));
        }
        out
    }

    /// The sentence whose neighbours supply a pronoun's antecedent: the
    /// sentence itself, or for an FAQ answer, its question.
    pub fn antecedent_base(&self, k: usize) -> usize {
        let seg = self.sentences[k].seg;
        if seg >= self.prose {
            self.answered[seg - self.prose]
        } else {
            k
        }
    }

    /// Global index of the sentence of segment `seg` holding `offset`.
    pub fn sentence_at(&self, seg: usize, offset: usize) -> usize {
        let ranges = &self.doc.segments[seg].sentences;
        let local = ranges
            .partition_point(|r| r.start <= offset)
            .saturating_sub(1);
        self.first_sentence[seg] + local.min(ranges.len().saturating_sub(1))
    }

    /// Text of global sentence `k`.
    pub fn sentence_text(&self, k: usize) -> &str {
        let s = &self.sentences[k];
        &self.doc.segments[s.seg].text[s.range.clone()]
    }

    /// Hits of lexicon `lex` inside global sentence `k` (binary search:
    /// hits are sorted by start).
    pub fn lex_hits(&self, k: usize, lex: LexIdx) -> impl Iterator<Item = &Range<usize>> + '_ {
        let s = &self.sentences[k];
        self.lex_in(s.seg, lex, s.range.clone())
    }

    /// Hits of lexicon `lex` in segment `seg` that lie inside `range`.
    pub fn lex_in(
        &self,
        seg: usize,
        lex: LexIdx,
        range: Range<usize>,
    ) -> impl Iterator<Item = &Range<usize>> + '_ {
        let hits = self.seg_lex(seg, lex);
        let first = hits.partition_point(|r| r.start < range.start);
        hits[first..]
            .iter()
            .take_while(move |r| r.start < range.end)
            .filter(move |r| r.end <= range.end)
    }

    /// Scanner hits in segment `seg` that lie inside `range`.
    pub fn hits_in(&self, seg: usize, range: Range<usize>) -> impl Iterator<Item = &Hit> + '_ {
        let hits = self.seg_hits(seg);
        let first = hits.partition_point(|h| h.range.start < range.start);
        hits[first..]
            .iter()
            .take_while(move |h| h.range.start < range.end)
            .filter(move |h| h.range.end <= range.end)
    }

    pub fn has_lex(&self, k: usize, lex: LexIdx) -> bool {
        self.lex_hits(k, lex).next().is_some()
    }

    /// File byte span of a range in segment `seg`.
    pub fn file_span(&self, seg: usize, range: &Range<usize>) -> Range<usize> {
        self.doc.segments[seg].map.span(range)
    }

    /// File byte span of global sentence `k`.
    pub fn sentence_span(&self, k: usize) -> Range<usize> {
        let s = &self.sentences[k];
        self.file_span(s.seg, &s.range)
    }

    /// Whether sentence `k`, as written in the file (link destinations
    /// included), matches the citation lexicon. Several findings of a
    /// sentence, and of the sentence before it, ask: it is looked up once.
    pub fn cites(&self, k: usize) -> bool {
        let Some(citation) = self.rules.special.citation else {
            return false;
        };
        let memo = self.cited.get_or_init(|| {
            (0..self.sentences.len())
                .map(|_| std::sync::OnceLock::new())
                .collect()
        });
        *memo[k].get_or_init(|| {
            let raw = &self.source.text()[self.sentence_span(k)];
            self.rules.lexicons[citation].raw.is_match(raw)
        })
    }
}

/// The lexicon hits of one segment, for token patterns.
struct SegLex<'s, 'a> {
    analysis: &'s Analysis<'a>,
    seg: usize,
}

impl tokens::LexiconHits for SegLex<'_, '_> {
    fn hits(&self, lex: LexIdx) -> &[Range<usize>] {
        self.analysis.seg_lex(self.seg, lex)
    }
}

/// Calls `each(lexicon, range)` for every hit of a segment's lexicon terms
/// (`seg_hits`, sorted by start, longest first) that counts for `lexicon`:
/// a term counts for its own lexicon and every lexicon that includes it,
/// unless a cancelling term of that lexicon overlaps it (`unless`). A term
/// of two lexicons that one includes (a treatment that is also a
/// condition) counts once for it: hits with the same range are next to
/// each other, and `last` keeps each lexicon's last range.
fn lexicon_hits(
    seg_hits: &[Hit],
    unless: &[(LexIdx, Range<usize>)],
    lexicons: &[crate::rule::Lexicon],
    last: &mut [Option<Range<usize>>],
    mut each: impl FnMut(LexIdx, &Range<usize>),
) {
    last.fill(None);
    for hit in seg_hits {
        let Owner::Lexicon(own) = hit.owner else {
            continue;
        };
        for &l in &lexicons[own].reports_to {
            if last[l].as_ref() == Some(&hit.range)
                || unless
                    .iter()
                    .any(|(u, cancel)| *u == l && overlaps(cancel, &hit.range))
            {
                continue;
            }
            last[l] = Some(hit.range.clone());
            each(l, &hit.range);
        }
    }
}

pub fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Lints `source` (in `format`) with `rules`.
pub fn lint(rules: &RuleSet, source: &SourceFile, format: Format) -> Vec<Diagnostic> {
    run(rules, source, format, &ParseOptions::default(), false).diagnostics
}

/// The note added to a finding raised because it is in a title or heading.
pub const HEADLINE_NOTE: &str = "raised one severity level: it is in a title or heading, which many readers see without the text that qualifies it (a misleading headline is the worst kind)";

/// Spans (headings) asked which holds a range: sorted by start, with the
/// furthest end so far, so that a lookup is a search instead of a scan (a
/// long file has thousands of headings and of findings).
struct Spans {
    sorted: Vec<Range<usize>>,
    /// The furthest end among `sorted[..=i]`.
    reach: Vec<usize>,
}

impl Spans {
    fn new(mut sorted: Vec<Range<usize>>) -> Self {
        sorted.sort_unstable_by_key(|s| s.start);
        let mut furthest = 0;
        let reach = sorted
            .iter()
            .map(|s| {
                furthest = furthest.max(s.end);
                furthest
            })
            .collect();
        Spans { sorted, reach }
    }

    /// Whether one of the spans starts at or before `range` and ends at or
    /// after it.
    fn hold(&self, range: &Range<usize>) -> bool {
        let before = self.sorted.partition_point(|s| s.start <= range.start);
        before > 0 && range.end <= self.reach[before - 1]
    }
}

/// Raises pattern and substitution findings that lie in a title or heading
/// one severity level (info → warning → error), with [`HEADLINE_NOTE`].
fn raise_headlines(analysis: &Analysis<'_>, out: &mut [Diagnostic]) {
    let headings: Vec<Range<usize>> = analysis
        .doc
        .segments
        .iter()
        .filter(|s| s.kind.is_heading())
        .map(|s| s.file_span())
        .collect();
    if headings.is_empty() {
        return;
    }
    let headings = Spans::new(headings);
    for d in out {
        let sentence_level = analysis
            .rules
            .rule(&d.rule)
            .is_some_and(|r| matches!(r.kind, RuleKind::Pattern(_) | RuleKind::Substitution(_)));
        if sentence_level && d.severity < Severity::Error && headings.hold(&d.span) {
            d.severity = match d.severity {
                Severity::Info => Severity::Warning,
                Severity::Warning | Severity::Error => Severity::Error,
            };
            d.notes.push(HEADLINE_NOTE.to_string());
        }
    }
}

/// Every finding of every rule in `source`, before each claim is reduced
/// to one finding (see [`run`]).
#[cfg(test)]
pub fn lint_every_rule(rules: &RuleSet, source: &SourceFile, format: Format) -> Vec<Diagnostic> {
    run(rules, source, format, &ParseOptions::default(), true).diagnostics
}

/// What the engine found in one file.
pub struct Findings {
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Where the parser found comments (see
    /// [`Document::comments`](crate::document::Document::comments)), for
    /// suppressions.
    pub comments: Vec<Range<usize>>,
}

/// Lints `source` with `rules`: every finding of every rule when
/// `every_rule` (what `test-rules` checks a rule's examples against),
/// else each claim reduced to one finding.
pub fn run(
    rules: &RuleSet,
    source: &SourceFile,
    format: Format,
    options: &ParseOptions,
    every_rule: bool,
) -> Findings {
    let (mut diagnostics, comments) = findings(rules, source, format, options);
    if !every_rule {
        one_finding_per_claim(rules, &mut diagnostics);
    }
    Findings {
        diagnostics,
        comments,
    }
}

/// Every finding, sorted, each rule's duplicates removed; and the
/// document's comments.
fn findings(
    rules: &RuleSet,
    source: &SourceFile,
    format: Format,
    options: &ParseOptions,
) -> (Vec<Diagnostic>, Vec<Range<usize>>) {
    let mut analysis = Analysis::with_options(rules, source, format, options);
    let mut out = Vec::new();
    context::pattern_and_substitution(&analysis, &mut out);
    raise_headlines(&analysis, &mut out);
    let claims = out.iter().any(|d| {
        d.severity >= Severity::Warning
            && rules
                .rule(&d.rule)
                .is_some_and(|r| matches!(r.kind, RuleKind::Pattern(_)))
    });
    for (index, rule) in rules.rules.iter().enumerate() {
        match &rule.kind {
            RuleKind::Require(req) => require::check(&analysis, index, req, claims, &mut out),
            RuleKind::Repetition(rep) => repetition::check(&analysis, index, rep, &mut out),
            RuleKind::Pattern(_) | RuleKind::Substitution(_) => {}
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
    (out, std::mem::take(&mut analysis.doc.comments))
}

/// Reports each claim once: of the pattern findings of one category whose
/// spans overlap, only the most severe (then the longest, then the first)
/// stays, with a note
/// naming the others; and no pattern finding is reported inside a pasted
/// duplicate (the duplicate is, once, and the findings of its first copy
/// are; substitutions stay, for their fixes). `out` is sorted by position.
fn one_finding_per_claim(rules: &RuleSet, out: &mut Vec<Diagnostic>) {
    let kind = |d: &Diagnostic| rules.rule(&d.rule).map(|r| &r.kind);
    let duplicates: Vec<Range<usize>> = out
        .iter()
        .filter(|d| {
            matches!(
                kind(d),
                Some(RuleKind::Repetition(
                    crate::rule::Repetition::Duplicates { .. }
                ))
            )
        })
        .map(|d| d.span.clone())
        .collect();
    let mut keep = vec![true; out.len()];
    // Kept pattern findings whose span may still overlap what follows.
    let mut open: Vec<usize> = Vec::new();
    for i in 0..out.len() {
        // Substitutions stay: each carries a fix `--fix` applies.
        if !matches!(kind(&out[i]), Some(RuleKind::Pattern(_))) {
            continue;
        }
        let span = out[i].span.clone();
        if duplicates
            .iter()
            .any(|dup| dup.start <= span.start && span.end <= dup.end && dup != &span)
        {
            keep[i] = false;
            continue;
        }
        open.retain(|&j| out[j].span.end > span.start);
        let rival = open
            .iter()
            .position(|&j| out[j].category == out[i].category && overlaps(&out[j].span, &span));
        match rival {
            None => open.push(i),
            Some(at) => {
                let j = open[at];
                let len = |d: &Diagnostic| d.span.end - d.span.start;
                let better = (out[i].severity, len(&out[i])) > (out[j].severity, len(&out[j]));
                let (winner, loser) = if better {
                    open[at] = i;
                    (i, j)
                } else {
                    (j, i)
                };
                keep[loser] = false;
                let note = format!("also reported by {}", out[loser].rule);
                out[winner].notes.push(note);
            }
        }
    }
    let mut i = 0;
    out.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// Builds a diagnostic for rule `index` with the rule's own texts.
pub(crate) fn diagnostic(
    analysis: &Analysis<'_>,
    index: usize,
    span: Range<usize>,
    vars: &[(&str, &str)],
) -> Diagnostic {
    let rule = &analysis.rules.rules[index];
    Diagnostic {
        rule: rule.id.clone(),
        category: rule.category.clone(),
        severity: rule.severity,
        message: rule.message.render(vars),
        span,
        label: rule.label.clone().unwrap_or_else(|| rule.summary.clone()),
        suggestion: None,
        fix: None,
        help: rule.help.clone(),
        notes: rule.note.iter().cloned().collect(),
        related: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::Spans;
    use std::ops::Range;

    /// A lookup answers what a scan of all the spans answers, overlapping
    /// and nested spans included.
    #[test]
    fn spans_hold_what_a_scan_says() {
        let spans: Vec<Range<usize>> = vec![30..40, 0..10, 12..14, 5..8, 20..50, 41..45, 60..60];
        let lookup = Spans::new(spans.clone());
        let mut held = 0;
        for start in 0..70 {
            for end in start..70 {
                let range = start..end;
                let want = spans.iter().any(|s| s.start <= start && end <= s.end);
                assert_eq!(lookup.hold(&range), want, "{range:?}");
                held += usize::from(want);
            }
        }
        assert!(held > 100, "too few held ranges: {held}");
    }

    /// Every token pattern of the built-in pack matches at least one of its
    /// rule's invalid examples, so `test-rules` covers each variant a rule
    /// names and no pattern is dead.
    #[cfg(feature = "default-rules")]
    #[test]
    fn every_token_pattern_of_the_pack_matches_one_of_its_examples() {
        use super::{Analysis, SegLex, tokens};
        use crate::rule::RuleKind;
        use crate::source::SourceFile;

        let rules = crate::default_rules().unwrap_or_else(|_| panic!("the pack loads"));
        let mut uncovered = Vec::new();
        let mut patterns = 0;
        for rule in &rules.rules {
            let RuleKind::Pattern(p) = &rule.kind else {
                continue;
            };
            for (n, pattern) in p.tokens.iter().enumerate() {
                patterns += 1;
                let covered = rule.examples.invalid.iter().any(|(text, _)| {
                    let (name, format) = crate::examples::example_format(text);
                    let source = SourceFile::new(name, text.clone());
                    let a = Analysis::new(&rules, &source, format);
                    a.doc.segments.iter().enumerate().any(|(seg, segment)| {
                        let lex = SegLex { analysis: &a, seg };
                        segment.sentences.iter().any(|sentence| {
                            let mut toks = Vec::new();
                            tokens::tokenize_into(&segment.text, sentence.clone(), &mut toks);
                            let mut found = Vec::new();
                            tokens::find(
                                pattern,
                                &segment.text,
                                &toks,
                                &rules.families,
                                0..toks.len(),
                                &lex,
                                &mut found,
                            );
                            !found.is_empty()
                        })
                    })
                });
                if !covered {
                    uncovered.push(format!("{} pattern {}", rule.id, n + 1));
                }
            }
        }
        assert!(patterns > 50, "only {patterns} token patterns in the pack");
        assert!(
            uncovered.is_empty(),
            "token patterns no invalid example of their rule matches:\n  {}",
            uncovered.join("\n  ")
        );
    }
}
