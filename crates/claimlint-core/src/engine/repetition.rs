//! `repetition` rules: duplicated blocks and phrase stuffing.
//!
//! Duplicates compare normalised text (lower case, words only). A run of
//! consecutive repeated blocks — a whole post pasted twice — is one finding
//! spanning the repeat, with the first copy as a related location. Short
//! blocks (headings) never start a run but may continue one.
//!
//! Stuffing counts word n-grams inside blocks; an n-gram repeated at least
//! `max_count` times and at least `max_per_1000_words` times per 1,000 words
//! is reported once, at its first occurrence. Shorter n-grams contained in a
//! reported one are not reported again.
//!
//! Both first hash every word ([`WordHashes`]), which is enough to show
//! that most documents repeat nothing: blocks are compared by their words'
//! hashes (a match confirmed on the words), and stuffing is ruled out by
//! counting words and n-grams per hash bucket, an upper bound of their
//! counts. Only a document that may hold a stuffed phrase has its words
//! interned ([`DocWords`]).

use std::ops::Range;

use std::hash::BuildHasher;

use rustc_hash::FxHashMap;

use super::{Analysis, diagnostic};
use crate::diagnostic::{Diagnostic, Related};
use crate::document::SegmentKind;
use crate::document::sentence::{for_each_word, word_hash, words};
use crate::rule::{Repetition, Unit};

/// Occurrences of an n-gram: (segment, range in the segment's text).
type Occurrences = Vec<(usize, Range<usize>)>;

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "for", "on", "with", "as", "by", "at", "is",
    "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "from",
    "can", "may", "has", "have", "had", "not", "no", "but", "if", "so", "such", "than", "their",
    "they", "them", "which", "who", "what", "how", "also", "more", "most", "some", "any", "all",
    "into", "about", "your", "you", "our", "we", "i", "he", "she", "his", "her", "do", "does",
];

/// Every segment's words, interned in lower case, so blocks and n-grams are
/// compared as slices of integers. Built once per document, when
/// [`WordHashes`] cannot show that a rule has nothing to report; it reads
/// the words and hashes found there.
#[derive(Debug, Default)]
pub struct DocWords {
    /// The id of each word of [`WordHashes`], in the same order.
    ids: Vec<u32>,
    /// The lower-case text of every id, one after another.
    text: String,
    /// Where each id's text lies in `text`.
    spans: Vec<Range<usize>>,
    /// Whether each id is a stop word.
    stop: Vec<bool>,
}

/// `word` in lower case: itself when it has nothing to lower (`lower` is
/// false), otherwise lowered into `buf`.
fn lowered<'w>(word: &'w str, lower: bool, buf: &'w mut String) -> &'w str {
    if !lower {
        return word;
    }
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    buf.as_str()
}

/// Whether `word` may have a letter to lower: an ASCII capital or any
/// non-ASCII character.
fn needs_lowering(word: &str) -> bool {
    !word.is_ascii() || word.bytes().any(|b| b.is_ascii_uppercase())
}

/// Every segment's words as hashes of their lower-case text, without
/// interning them. Enough to show that a document has no duplicated block
/// and no stuffed phrase (most documents have neither) before
/// [`DocWords`] is built: equal words have equal hashes, so hashes that
/// differ prove that words differ.
#[derive(Debug, Default)]
pub struct WordHashes {
    /// Word ranges in their segment's text, one segment after another.
    ranges: Vec<Range<usize>>,
    /// The hash of each word in `ranges`, lowered.
    hashes: Vec<u64>,
    /// Where each segment's words start in `ranges` and `hashes`, then
    /// their length.
    bounds: Vec<usize>,
}

impl WordHashes {
    fn build(a: &Analysis<'_>) -> Self {
        let expected = a.doc.segments.iter().map(|s| s.text.len()).sum::<usize>() / 6;
        let mut bounds = Vec::with_capacity(a.doc.segments.len() + 1);
        bounds.push(0);
        let mut out = WordHashes {
            ranges: Vec::with_capacity(expected),
            hashes: Vec::with_capacity(expected),
            bounds,
        };
        let mut buf = String::new();
        for seg in &a.doc.segments {
            for_each_word(&seg.text, &mut buf, |r, hash| {
                out.hashes.push(hash);
                out.ranges.push(r);
            });
            out.bounds.push(out.hashes.len());
        }
        out
    }

    /// Word hashes of segment `seg`.
    fn seg(&self, seg: usize) -> &[u64] {
        &self.hashes[self.bounds[seg]..self.bounds[seg + 1]]
    }

    /// Word ranges of segment `seg`.
    fn seg_ranges(&self, seg: usize) -> &[Range<usize>] {
        &self.ranges[self.bounds[seg]..self.bounds[seg + 1]]
    }
}

fn word_hashes<'b>(a: &'b Analysis<'_>) -> &'b WordHashes {
    a.word_hashes.get_or_init(|| WordHashes::build(a))
}

/// Whether a block of at least `min_words` words among the first `blocks`
/// segments may repeat an earlier one (only such a block starts a
/// repeat): `false` proves that none does, as no two have the same word
/// hashes.
fn may_repeat_block(wh: &WordHashes, blocks: usize, min_words: usize) -> bool {
    let hasher = rustc_hash::FxBuildHasher;
    let mut seen = rustc_hash::FxHashSet::default();
    (0..blocks)
        .map(|i| wh.seg(i))
        .filter(|words| !words.is_empty() && words.len() >= min_words)
        .any(|words| !seen.insert(hasher.hash_one(words)))
}

/// Buckets of [`may_stuff`]'s counts.
const SKETCH_BITS: u32 = 12;

/// Whether a run of `n` words of `blocks` may occur `needed` times with
/// each of its words occurring `needed` times, the first test
/// [`stuffing`] makes: `false` proves that none does. Words and runs are
/// counted by hash bucket, and a bucket's count is at least that of
/// anything in it.
fn may_stuff(wh: &WordHashes, blocks: &[usize], n: usize, needed: usize) -> bool {
    let bucket = |h: u64| (h >> (64 - SKETCH_BITS)) as usize;
    let mut words = vec![0u32; 1 << SKETCH_BITS];
    for &i in blocks {
        for &h in wh.seg(i) {
            words[bucket(h)] += 1;
        }
    }
    let frequent = |h: u64| words[bucket(h)] as usize >= needed;
    let hasher = rustc_hash::FxBuildHasher;
    let mut runs = vec![0u32; 1 << SKETCH_BITS];
    for &i in blocks {
        for run in wh.seg(i).windows(n) {
            if run.iter().all(|&h| frequent(h)) {
                let count = &mut runs[bucket(hasher.hash_one(run))];
                *count += 1;
                if *count as usize >= needed {
                    return true;
                }
            }
        }
    }
    false
}

fn is_stopword(word: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());
    SET.contains(word)
}

impl DocWords {
    fn build(a: &Analysis<'_>, wh: &WordHashes) -> Self {
        // In a post, one distinct word in three (a long text repeats more:
        // its tables grow).
        let distinct = (wh.hashes.len() / 3).min(1 << 14);
        let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(distinct);
        let mut out = DocWords {
            ids: Vec::with_capacity(wh.hashes.len()),
            text: String::with_capacity(distinct * 8),
            spans: Vec::with_capacity(distinct),
            stop: Vec::with_capacity(distinct),
        };
        let mut buf = String::new();
        for (seg, bounds) in a.doc.segments.iter().zip(wh.bounds.windows(2)) {
            let words = bounds[0]..bounds[1];
            for (r, &hash) in wh.ranges[words.clone()].iter().zip(&wh.hashes[words]) {
                let word = &seg.text[r.clone()];
                let key = lowered(word, needs_lowering(word), &mut buf);
                let (text, spans) = (&out.text, &out.spans);
                let found = table.find(hash, |&id| &text[spans[id as usize].clone()] == key);
                let id = match found {
                    Some(&id) => id,
                    None => {
                        let id = out.spans.len() as u32;
                        let start = out.text.len();
                        out.text.push_str(key);
                        out.spans.push(start..out.text.len());
                        out.stop.push(is_stopword(key));
                        let (text, spans) = (&out.text, &out.spans);
                        table.insert_unique(hash, id, |&id| {
                            word_hash(&text[spans[id as usize].clone()])
                        });
                        id
                    }
                };
                out.ids.push(id);
            }
        }
        out
    }
}

/// A document's interned words with their places.
#[derive(Clone, Copy)]
struct Words<'b> {
    places: &'b WordHashes,
    interned: &'b DocWords,
}

impl<'b> Words<'b> {
    /// Word ranges of segment `seg`.
    fn seg_ranges(&self, seg: usize) -> &'b [Range<usize>] {
        self.places.seg_ranges(seg)
    }

    /// Word ids of segment `seg`.
    fn seg_ids(&self, seg: usize) -> &'b [u32] {
        let b = &self.places.bounds;
        &self.interned.ids[b[seg]..b[seg + 1]]
    }

    /// The lower-case text of word `id`.
    fn word(&self, id: u32) -> &'b str {
        &self.interned.text[self.interned.spans[id as usize].clone()]
    }

    /// Number of distinct words.
    fn distinct(&self) -> usize {
        self.interned.spans.len()
    }

    /// Whether word `id` is a stop word.
    fn stop(&self, id: u32) -> bool {
        self.interned.stop[id as usize]
    }

    /// Word ids of segment `seg` that lie inside `range`.
    fn ids_in(&self, seg: usize, range: &Range<usize>) -> &'b [u32] {
        let ranges = self.seg_ranges(seg);
        let from = ranges.partition_point(|r| r.start < range.start);
        let to = ranges.partition_point(|r| r.start < range.end);
        &self.seg_ids(seg)[from..to]
    }
}

fn doc_words<'b>(a: &'b Analysis<'_>) -> Words<'b> {
    let places = word_hashes(a);
    let interned = a.words.get_or_init(|| DocWords::build(a, places));
    Words { places, interned }
}

fn preview(text: &str) -> String {
    let ws: Vec<Range<usize>> = words(text).take(8).collect();
    match ws.last() {
        Some(last) if last.end < text.len() => format!("{}…", &text[..last.end]),
        _ => text.to_string(),
    }
}

pub(super) fn check(a: &Analysis<'_>, index: usize, rep: &Repetition, out: &mut Vec<Diagnostic>) {
    match *rep {
        Repetition::Duplicates {
            unit: Unit::Paragraph,
            min_words,
        } => duplicate_blocks(a, index, min_words, out),
        Repetition::Duplicates {
            unit: Unit::Sentence,
            min_words,
        } => duplicate_sentences(a, index, min_words, out),
        Repetition::Stuffing {
            min_n,
            max_n,
            max_count,
            max_per_1000_words,
        } => stuffing(a, index, (min_n, max_n), max_count, max_per_1000_words, out),
    }
}

/// Whether prose blocks `i` and `j` have the same words, lowered (in
/// `bufs` when they need it).
fn same_words(
    a: &Analysis<'_>,
    wh: &WordHashes,
    (i, j): (usize, usize),
    bufs: &mut (String, String),
) -> bool {
    let words = |seg: usize| {
        let text = &a.doc.segments[seg].text;
        wh.seg_ranges(seg).iter().map(move |r| &text[r.clone()])
    };
    let (x, y) = bufs;
    wh.seg(i).len() == wh.seg(j).len()
        && words(i)
            .zip(words(j))
            .all(|(u, v)| lowered(u, needs_lowering(u), x) == lowered(v, needs_lowering(v), y))
}

/// The runs of repeated blocks among the prose blocks, whose words are
/// `norms` (equal words, equal norms). Each match of norms is confirmed by
/// `same(i, j)`; `None` when one is not (norms that are hashes collided).
fn block_runs<K: Eq + std::hash::Hash>(
    a: &Analysis<'_>,
    index: usize,
    min_words: usize,
    norms: &[&[K]],
    mut same: impl FnMut(usize, usize) -> bool,
) -> Option<Vec<Run>> {
    let rule = &a.rules.rules[index];
    let segments = &a.doc.segments[..norms.len()];
    let mut first: FxHashMap<&[K], usize> = FxHashMap::default();
    let mut runs: Vec<Run> = Vec::new();
    let mut current: Option<Run> = None;
    for i in 0..segments.len() {
        if norms[i].is_empty() {
            continue;
        }
        let original = *first.entry(norms[i]).or_insert(i);
        if original < i && !same(original, i) {
            return None;
        }
        if let Some(run) = current.as_mut() {
            let next = run.3 + 1;
            if next < run.0 && norms[next] == norms[i] {
                if !same(next, i) {
                    return None;
                }
                run.1 = i;
                run.3 = next;
                continue;
            }
            runs.push(*run);
            current = None;
        }
        // A heading that repeats the document title (front matter `title`
        // and the `#` heading under it) is not a pasted duplicate.
        let title_again =
            segments[original].kind == SegmentKind::Title && segments[i].kind.is_heading();
        if original < i
            && !title_again
            && norms[i].len() >= min_words
            && rule.applies_to(segments[i].kind)
        {
            current = Some((i, i, original, original));
        }
    }
    runs.extend(current);
    Some(runs)
}

/// (first repeated block, last repeated block, first original block, last
/// original block).
type Run = (usize, usize, usize, usize);

fn duplicate_blocks(a: &Analysis<'_>, index: usize, min_words: usize, out: &mut Vec<Diagnostic>) {
    let segments = &a.doc.segments[..a.prose];
    let wh = word_hashes(a);
    if !may_repeat_block(wh, a.prose, min_words) {
        return;
    }
    // Blocks compared by their words' hashes, each match confirmed on the
    // words themselves; on a hash collision (never seen), by interned words.
    let hashed: Vec<&[u64]> = (0..segments.len()).map(|i| wh.seg(i)).collect();
    let mut bufs = Default::default();
    let same = |i, j| same_words(a, wh, (i, j), &mut bufs);
    let runs = block_runs(a, index, min_words, &hashed, same)
        .or_else(|| {
            let dw = doc_words(a);
            let ids: Vec<&[u32]> = (0..segments.len()).map(|i| dw.seg_ids(i)).collect();
            block_runs(a, index, min_words, &ids, |_, _| true)
        })
        .unwrap_or_default();

    for (start, end, orig_start, orig_end) in runs {
        let span = segments[start].file_span().start..segments[end].file_span().end;
        let first_span = segments[orig_start].file_span().start..segments[orig_end].file_span().end;
        let blocks = end - start + 1;
        let count = blocks.to_string();
        let matched = preview(&segments[start].text);
        out.push(repeat_diagnostic(
            a,
            index,
            span,
            first_span,
            &matched,
            &count,
            "first copy",
        ));
    }
}

/// Repeats of a stuffed phrase given as related locations (the first one
/// on each line, up to this many lines).
const MAX_RELATED: usize = 12;

/// A finding on repeated text at `span`, with the first copy as a related
/// location.
fn repeat_diagnostic(
    a: &Analysis<'_>,
    index: usize,
    span: Range<usize>,
    first_span: Range<usize>,
    matched: &str,
    count: &str,
    first_label: &str,
) -> Diagnostic {
    let first_line = a.source.line_of(first_span.start).to_string();
    let mut d = diagnostic(
        a,
        index,
        span,
        &[
            ("match", matched),
            ("count", count),
            ("first_line", &first_line),
            ("per_1000", ""),
        ],
    );
    d.related.push(Related {
        span: first_span,
        label: first_label.into(),
    });
    d
}

fn duplicate_sentences(
    a: &Analysis<'_>,
    index: usize,
    min_words: usize,
    out: &mut Vec<Diagnostic>,
) {
    let rule = &a.rules.rules[index];
    let dw = doc_words(a);
    let mut first: FxHashMap<&[u32], usize> = FxHashMap::default();
    for (k, s) in a.sentences.iter().enumerate() {
        if s.seg >= a.prose || !rule.applies_to(a.doc.segments[s.seg].kind) {
            continue;
        }
        let key = dw.ids_in(s.seg, &s.range);
        if key.len() < min_words {
            continue;
        }
        match first.get(key) {
            None => {
                first.insert(key, k);
            }
            Some(&j) => {
                let first_span = a.sentence_span(j);
                let matched = preview(a.sentence_text(k));
                out.push(repeat_diagnostic(
                    a,
                    index,
                    a.sentence_span(k),
                    first_span,
                    &matched,
                    "1",
                    "first occurrence",
                ));
            }
        }
    }
}

/// The runs of `n` words of `blocks` made of words that occur `needed`
/// times, with their counts, if one of them occurs `needed` times: any
/// stuffed n-gram starts with one.
fn stuffed_prefixes<'b>(
    dw: Words<'b>,
    blocks: &[usize],
    n: usize,
    needed: usize,
) -> Option<FxHashMap<&'b [u32], usize>> {
    // A stuffed n-gram repeats each of its words at least `needed` times.
    let mut freq = vec![0u32; dw.distinct()];
    for &i in blocks {
        for &w in dw.seg_ids(i) {
            freq[w as usize] += 1;
        }
    }
    let frequent = |w: u32| freq[w as usize] as usize >= needed;
    let mut short: FxHashMap<&[u32], usize> = FxHashMap::default();
    for &i in blocks {
        for window in dw.seg_ids(i).windows(n) {
            if window.iter().all(|&w| frequent(w)) {
                *short.entry(window).or_default() += 1;
            }
        }
    }
    short.values().any(|&c| c >= needed).then_some(short)
}

fn stuffing(
    a: &Analysis<'_>,
    index: usize,
    (min_n, max_n): (usize, usize),
    max_count: usize,
    per_1000: f64,
    out: &mut Vec<Diagnostic>,
) {
    let rule = &a.rules.rules[index];
    let blocks: Vec<usize> = (0..a.prose)
        .filter(|&i| rule.applies_to(a.doc.segments[i].kind))
        .collect();
    let wh = word_hashes(a);
    let total: usize = blocks.iter().map(|&i| wh.seg(i).len()).sum();
    if total == 0 {
        return;
    }
    let needed = max_count.max((per_1000 * total as f64 / 1000.0).ceil() as usize);
    if !may_stuff(wh, &blocks, min_n, needed) {
        return;
    }
    let dw = doc_words(a);
    let Some(short) = stuffed_prefixes(dw, &blocks, min_n, needed) else {
        return;
    };

    // n-gram → occurrences (segment, range), only for n-grams whose first
    // min_n words are frequent enough.
    let mut grams: FxHashMap<&[u32], Occurrences> = FxHashMap::default();
    for &seg in &blocks {
        let (ranges, seq) = (dw.seg_ranges(seg), dw.seg_ids(seg));
        for start in 0..seq.len() {
            let Some(prefix) = seq.get(start..start + min_n) else {
                break;
            };
            if short.get(prefix).copied().unwrap_or(0) < needed {
                continue;
            }
            for n in min_n..=max_n {
                let Some(gram) = seq.get(start..start + n) else {
                    break;
                };
                if dw.stop(gram[0]) || dw.stop(gram[n - 1]) {
                    continue;
                }
                if gram.iter().filter(|&&w| !dw.stop(w)).count() < 2 {
                    continue;
                }
                grams
                    .entry(gram)
                    .or_default()
                    .push((seg, ranges[start].start..ranges[start + n - 1].end));
            }
        }
    }
    let text_of = |gram: &[u32]| {
        gram.iter()
            .map(|&w| dw.word(w))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut candidates: Vec<(String, Occurrences)> = grams
        .into_iter()
        .filter(|(_, occ)| occ.len() >= needed)
        .map(|(gram, occ)| (text_of(gram), occ))
        .collect();
    // Longest first, then most frequent, then alphabetical (deterministic).
    candidates.sort_by(|x, y| {
        let nx = x.0.split(' ').count();
        let ny = y.0.split(' ').count();
        (ny, y.1.len(), &x.0).cmp(&(nx, x.1.len(), &y.0))
    });
    let total_words = total;
    let mut reported: Vec<(String, usize)> = Vec::new();
    for (gram, occ) in candidates {
        let padded = format!(" {gram} ");
        if reported
            .iter()
            .any(|(r, count)| format!(" {r} ").contains(&padded) && count * 2 >= occ.len())
        {
            continue;
        }
        let (seg, range) = occ[0].clone();
        let span = a.file_span(seg, &range);
        let matched = a.doc.segments[seg].text[range].to_string();
        let count = occ.len().to_string();
        let density = format!("{:.1}", occ.len() as f64 * 1000.0 / total_words as f64);
        let mut d = diagnostic(
            a,
            index,
            span,
            &[
                ("match", &matched),
                ("count", &count),
                ("first_line", ""),
                ("per_1000", &density),
            ],
        );
        // Only the lines shown are computed; a stuffed file may repeat a
        // phrase tens of thousands of times.
        let mut lines: Vec<usize> = Vec::new();
        let mut repeats = 0;
        for (s, r) in &occ[1..] {
            let at = a.file_span(*s, r);
            let line = a.source.line_of(at.start);
            if lines.last() != Some(&line) {
                repeats += 1;
                if lines.len() < 13 {
                    lines.push(line);
                }
                // The repeats on the lines listed are related locations.
                if repeats <= MAX_RELATED {
                    d.related.push(Related {
                        span: at,
                        label: "repeated here".into(),
                    });
                }
            }
        }
        let shown: Vec<String> = lines.iter().take(12).map(usize::to_string).collect();
        let more = if repeats > 12 {
            format!(" and {} more", repeats - 12)
        } else {
            String::new()
        };
        d.notes
            .push(format!("repeated on lines {}{more}", shown.join(", ")));
        out.push(d);
        reported.push((gram, occ.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;
    use crate::rule::{RuleKind, RuleSet};
    use crate::source::SourceFile;

    /// The corpus's documents (seeds and labelled posts) and a few made to
    /// repeat: blocks and phrases that differ only in case (ASCII and not),
    /// a title heading under a front-matter title, and a stuffed phrase.
    fn documents() -> Vec<SourceFile> {
        let mut docs = crate::scan::tests::corpus_files();
        let para = "Ketamine therapy helps many people feel better every single day.";
        let stuffed = "Visit the best ketamine clinic in Denver for care.";
        let made = [
            format!(
                "{para}\n\nA short line.\n\n{}\n\nA short line.\n",
                para.to_uppercase()
            ),
            "Études show that ketamine helps people with long depression.\n\n\
             ÉTUDES show that Ketamine helps people with long depression.\n"
                .to_string(),
            "---\ntitle: Ketamine for depression and anxiety in Denver today\n---\n\n\
             # Ketamine for depression and anxiety in Denver today\n\nText.\n"
                .to_string(),
            (0..8)
                .map(|i| format!("{} {i}.\n\n", stuffed.replace("best", "BEST")))
                .collect(),
            "Ketamine therapy helps many people feel better every single day.\n\n\
             Ketamine therapy helps many people feel better every single night.\n"
                .to_string(),
        ];
        docs.extend(
            made.into_iter()
                .enumerate()
                .map(|(i, t)| SourceFile::new(format!("made-{i}.md"), t)),
        );
        docs
    }

    fn pack() -> RuleSet {
        crate::rule::compile::load(&crate::rule::compile::builtin_files()).unwrap()
    }

    /// The index of the pack's repetition rule of the given kind.
    fn rule(pack: &RuleSet, stuffing: bool) -> usize {
        pack.rules
            .iter()
            .position(|r| match &r.kind {
                RuleKind::Repetition(Repetition::Stuffing { .. }) => stuffing,
                RuleKind::Repetition(Repetition::Duplicates {
                    unit: Unit::Paragraph,
                    ..
                }) => !stuffing,
                _ => false,
            })
            .unwrap()
    }

    /// Blocks compared by word hashes (each match confirmed on the words)
    /// give the runs that interned words give, and the hash screen lets
    /// through every document with a run, and few others.
    #[test]
    fn hashed_blocks_find_the_runs_interned_words_find() {
        let pack = pack();
        let index = rule(&pack, false);
        let RuleKind::Repetition(Repetition::Duplicates { min_words, .. }) = pack.rules[index].kind
        else {
            unreachable!()
        };
        let (mut with_runs, mut screened_out) = (0, 0);
        let docs = documents();
        for source in &docs {
            let a = Analysis::new(&pack, source, Format::Markdown);
            let wh = word_hashes(&a);
            let dw = doc_words(&a);
            let ids: Vec<&[u32]> = (0..a.prose).map(|i| dw.seg_ids(i)).collect();
            let exact = block_runs(&a, index, min_words, &ids, |_, _| true).unwrap();
            let hashed: Vec<&[u64]> = (0..a.prose).map(|i| wh.seg(i)).collect();
            let got = block_runs(&a, index, min_words, &hashed, |i, j| {
                same_words(&a, wh, (i, j), &mut Default::default())
            });
            assert_eq!(got.as_ref(), Some(&exact), "{}", source.path());
            let may = may_repeat_block(wh, a.prose, min_words);
            assert!(may || exact.is_empty(), "{}", source.path());
            with_runs += usize::from(!exact.is_empty());
            screened_out += usize::from(!may);
            // A collision (words that differ under equal hashes) gives up.
            if !exact.is_empty() {
                assert_eq!(
                    block_runs(&a, index, min_words, &hashed, |_, _| false),
                    None
                );
            }
        }
        assert!(with_runs >= 3, "too few documents with runs: {with_runs}");
        assert!(
            screened_out * 2 > docs.len(),
            "screened out {screened_out} of {}",
            docs.len()
        );
    }

    /// Words compare lowered, whatever their case, and only when all of
    /// them do.
    #[test]
    fn blocks_compare_lowered_words() {
        let pack = pack();
        let source = SourceFile::new(
            "t.md",
            "Études show it works.\n\nÉTUDES show IT works.\n\nÉtudes show it worked.\n",
        );
        let a = Analysis::new(&pack, &source, Format::Markdown);
        let wh = word_hashes(&a);
        let mut bufs = Default::default();
        assert!(same_words(&a, wh, (0, 1), &mut bufs));
        assert!(!same_words(&a, wh, (0, 2), &mut bufs));
    }

    /// The stuffing screen lets through every document whose runs of
    /// frequent words reach the count, and few others.
    #[test]
    fn the_stuffing_screen_misses_no_stuffed_prefix() {
        let pack = pack();
        let index = rule(&pack, true);
        let RuleKind::Repetition(Repetition::Stuffing {
            min_n,
            max_count,
            max_per_1000_words,
            ..
        }) = pack.rules[index].kind
        else {
            unreachable!()
        };
        let (mut stuffed, mut screened_out) = (0, 0);
        let docs = documents();
        for source in &docs {
            let a = Analysis::new(&pack, source, Format::Markdown);
            let blocks: Vec<usize> = (0..a.prose)
                .filter(|&i| pack.rules[index].applies_to(a.doc.segments[i].kind))
                .collect();
            let wh = word_hashes(&a);
            let total: usize = blocks.iter().map(|&i| wh.seg(i).len()).sum();
            let needed =
                max_count.max((max_per_1000_words * total as f64 / 1000.0).ceil() as usize);
            let exact = stuffed_prefixes(doc_words(&a), &blocks, min_n, needed).is_some();
            let may = may_stuff(wh, &blocks, min_n, needed);
            assert!(may || !exact, "{}", source.path());
            stuffed += usize::from(exact);
            screened_out += usize::from(!may);
        }
        assert!(stuffed >= 1, "no stuffed document");
        assert!(
            screened_out * 2 > docs.len(),
            "screened out {screened_out} of {}",
            docs.len()
        );
    }
}
