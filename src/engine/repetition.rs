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

use std::ops::Range;

use std::hash::BuildHasher;

use rustc_hash::FxHashMap;

use super::{Analysis, diagnostic};
use crate::diagnostic::{Diagnostic, Related};
use crate::document::SegmentKind;
use crate::document::sentence::{for_each_word, words};
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
/// compared as slices of integers. Built once per document.
#[derive(Debug, Default)]
pub struct DocWords {
    /// Word ranges in their segment's text, one segment after another.
    ranges: Vec<Range<usize>>,
    /// The id of each word in `ranges`.
    ids: Vec<u32>,
    /// Where each segment's words start in `ranges` and `ids`, then their
    /// length.
    bounds: Vec<usize>,
    /// The lower-case text of every id, one after another.
    text: String,
    /// Where each id's text lies in `text`.
    spans: Vec<Range<usize>>,
    /// Whether each id is a stop word.
    pub stop: Vec<bool>,
}

fn is_stopword(word: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());
    SET.contains(word)
}

impl DocWords {
    fn build(a: &Analysis<'_>) -> Self {
        let hasher = rustc_hash::FxBuildHasher;
        // About one word per six bytes of text; in a post, one distinct
        // word in three (a long text repeats more: its tables grow).
        let expected = a.doc.segments.iter().map(|s| s.text.len()).sum::<usize>() / 6;
        let distinct = (expected / 3).min(1 << 14);
        let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(distinct);
        let mut bounds = Vec::with_capacity(a.doc.segments.len() + 1);
        bounds.push(0);
        let mut out = DocWords {
            ranges: Vec::with_capacity(expected),
            ids: Vec::with_capacity(expected),
            bounds,
            text: String::with_capacity(distinct * 8),
            spans: Vec::with_capacity(distinct),
            stop: Vec::with_capacity(distinct),
        };
        let mut buf = String::new();
        for seg in &a.doc.segments {
            for_each_word(&seg.text, |r, lower| {
                let word = &seg.text[r.clone()];
                // Most words are lower case already: only the others are
                // copied to be lowered.
                let key = if !lower {
                    word
                } else {
                    buf.clear();
                    if word.is_ascii() {
                        buf.push_str(word);
                        buf.make_ascii_lowercase();
                    } else {
                        buf.extend(word.chars().flat_map(char::to_lowercase));
                    }
                    buf.as_str()
                };
                let hash = hasher.hash_one(key);
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
                            hasher.hash_one(&text[spans[id as usize].clone()])
                        });
                        id
                    }
                };
                out.ranges.push(r);
                out.ids.push(id);
            });
            out.bounds.push(out.ranges.len());
        }
        out
    }

    /// Word ranges of segment `seg`.
    fn seg_ranges(&self, seg: usize) -> &[Range<usize>] {
        &self.ranges[self.bounds[seg]..self.bounds[seg + 1]]
    }

    /// Word ids of segment `seg`.
    fn seg_ids(&self, seg: usize) -> &[u32] {
        &self.ids[self.bounds[seg]..self.bounds[seg + 1]]
    }

    /// The lower-case text of word `id`.
    fn word(&self, id: u32) -> &str {
        &self.text[self.spans[id as usize].clone()]
    }

    /// Number of distinct words.
    fn distinct(&self) -> usize {
        self.spans.len()
    }

    /// Word ids of segment `seg` that lie inside `range`.
    fn ids_in(&self, seg: usize, range: &Range<usize>) -> &[u32] {
        let ranges = self.seg_ranges(seg);
        let from = ranges.partition_point(|r| r.start < range.start);
        let to = ranges.partition_point(|r| r.start < range.end);
        &self.seg_ids(seg)[from..to]
    }
}

fn doc_words<'b>(a: &'b Analysis<'_>) -> &'b DocWords {
    a.words.get_or_init(|| DocWords::build(a))
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

fn duplicate_blocks(a: &Analysis<'_>, index: usize, min_words: usize, out: &mut Vec<Diagnostic>) {
    let rule = &a.rules.rules[index];
    let segments = &a.doc.segments[..a.prose];
    let dw = doc_words(a);
    let norms: Vec<&[u32]> = (0..segments.len()).map(|i| dw.seg_ids(i)).collect();
    let mut first: FxHashMap<&[u32], usize> = FxHashMap::default();
    // (first repeated block, last repeated block, first original block, last original)
    let mut runs: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut current: Option<(usize, usize, usize, usize)> = None;
    for i in 0..segments.len() {
        if norms[i].is_empty() {
            continue;
        }
        let original = *first.entry(norms[i]).or_insert(i);
        if let Some(run) = current.as_mut() {
            let next = run.3 + 1;
            if next < run.0 && norms[next] == norms[i] {
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

fn stuffing(
    a: &Analysis<'_>,
    index: usize,
    (min_n, max_n): (usize, usize),
    max_count: usize,
    per_1000: f64,
    out: &mut Vec<Diagnostic>,
) {
    let rule = &a.rules.rules[index];
    let dw = doc_words(a);
    let blocks: Vec<usize> = (0..a.prose)
        .filter(|&i| rule.applies_to(a.doc.segments[i].kind))
        .collect();
    let total: usize = blocks.iter().map(|&i| dw.seg_ids(i).len()).sum();
    if total == 0 {
        return;
    }
    let needed = max_count.max((per_1000 * total as f64 / 1000.0).ceil() as usize);
    // A stuffed n-gram repeats each of its words at least `needed` times.
    let mut freq = vec![0u32; dw.distinct()];
    for &i in &blocks {
        for &w in dw.seg_ids(i) {
            freq[w as usize] += 1;
        }
    }
    let frequent = |w: u32| freq[w as usize] as usize >= needed;
    // Any stuffed n-gram (n >= min_n) starts with a stuffed min_n-gram:
    // count those (made of frequent words only) first; most documents stop here.
    let mut short: FxHashMap<&[u32], usize> = FxHashMap::default();
    for &i in &blocks {
        for window in dw.seg_ids(i).windows(min_n) {
            if window.iter().all(|&w| frequent(w)) {
                *short.entry(window).or_default() += 1;
            }
        }
    }
    if short.values().all(|&c| c < needed) {
        return;
    }

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
                if dw.stop[gram[0] as usize] || dw.stop[gram[n - 1] as usize] {
                    continue;
                }
                if gram.iter().filter(|&&w| !dw.stop[w as usize]).count() < 2 {
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
            let line = a.source.line_of(a.file_span(*s, r).start);
            if lines.last() != Some(&line) {
                repeats += 1;
                if lines.len() < 13 {
                    lines.push(line);
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
