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

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::ops::Range;

use super::{Analysis, diagnostic};
use crate::diagnostic::{Diagnostic, Related};
use crate::document::sentence::words;
use crate::document::sentence::words as words_of;
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

fn normalised_words(text: &str) -> Vec<String> {
    words(text).map(|r| text[r].to_lowercase()).collect()
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
    let segments = &a.doc.segments;
    let norms: Vec<String> = segments
        .iter()
        .map(|s| normalised_words(&s.text).join(" "))
        .collect();
    let word_counts: Vec<usize> = norms
        .iter()
        .map(|n| {
            if n.is_empty() {
                0
            } else {
                n.split(' ').count()
            }
        })
        .collect();
    let mut first: HashMap<&str, usize> = HashMap::new();
    // (first repeated block, last repeated block, first original block, last original)
    let mut runs: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut current: Option<(usize, usize, usize, usize)> = None;
    for i in 0..segments.len() {
        if norms[i].is_empty() {
            continue;
        }
        let original = *first.entry(norms[i].as_str()).or_insert(i);
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
        if original < i && word_counts[i] >= min_words && rule.applies_to(segments[i].kind) {
            current = Some((i, i, original, original));
        }
    }
    runs.extend(current);

    for (start, end, orig_start, orig_end) in runs {
        let span = segments[start].file_span().start..segments[end].file_span().end;
        let first_span = segments[orig_start].file_span().start..segments[orig_end].file_span().end;
        let first_line = a.source.line_of(first_span.start).to_string();
        let blocks = end - start + 1;
        let count = blocks.to_string();
        let matched = preview(&segments[start].text);
        let mut d = diagnostic(
            a,
            index,
            span,
            &[
                ("match", &matched),
                ("count", &count),
                ("first_line", &first_line),
                ("per_1000", ""),
            ],
        );
        d.related.push(Related {
            span: first_span,
            label: "first copy".into(),
        });
        out.push(d);
    }
}

fn duplicate_sentences(
    a: &Analysis<'_>,
    index: usize,
    min_words: usize,
    out: &mut Vec<Diagnostic>,
) {
    let rule = &a.rules.rules[index];
    let mut first: HashMap<String, usize> = HashMap::new();
    for (k, s) in a.sentences.iter().enumerate() {
        if !rule.applies_to(a.doc.segments[s.seg].kind) {
            continue;
        }
        let norm = normalised_words(a.sentence_text(k));
        if norm.len() < min_words {
            continue;
        }
        let key = norm.join(" ");
        match first.get(&key) {
            None => {
                first.insert(key, k);
            }
            Some(&j) => {
                let first_span = a.sentence_span(j);
                let first_line = a.source.line_of(first_span.start).to_string();
                let matched = preview(a.sentence_text(k));
                let mut d = diagnostic(
                    a,
                    index,
                    a.sentence_span(k),
                    &[
                        ("match", &matched),
                        ("count", "1"),
                        ("first_line", &first_line),
                        ("per_1000", ""),
                    ],
                );
                d.related.push(Related {
                    span: first_span,
                    label: "first occurrence".into(),
                });
                out.push(d);
            }
        }
    }
}

/// Word ids of every block: words are interned (lower case) so n-grams are
/// compared as slices of integers.
struct Interned {
    /// Per block: (segment, word ranges, word ids).
    blocks: Vec<(usize, Vec<Range<usize>>, Vec<u32>)>,
    words: Vec<String>,
    stop: Vec<bool>,
    total: usize,
}

fn intern(a: &Analysis<'_>, index: usize) -> Interned {
    let rule = &a.rules.rules[index];
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut words: Vec<String> = Vec::new();
    let mut stop: Vec<bool> = Vec::new();
    let mut blocks = Vec::new();
    let mut total = 0;
    let mut buf = String::new();
    for (i, seg) in a.doc.segments.iter().enumerate() {
        if !rule.applies_to(seg.kind) {
            continue;
        }
        let ranges: Vec<Range<usize>> = words_of(&seg.text).collect();
        let mut seq = Vec::with_capacity(ranges.len());
        for r in &ranges {
            buf.clear();
            buf.extend(seg.text[r.clone()].chars().flat_map(char::to_lowercase));
            let id = match ids.get(buf.as_str()) {
                Some(&id) => id,
                None => {
                    let id = words.len() as u32;
                    ids.insert(buf.clone(), id);
                    stop.push(STOPWORDS.contains(&buf.as_str()));
                    words.push(buf.clone());
                    id
                }
            };
            seq.push(id);
        }
        total += seq.len();
        blocks.push((i, ranges, seq));
    }
    Interned {
        blocks,
        words,
        stop,
        total,
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
    let words = intern(a, index);
    if words.total == 0 {
        return;
    }
    let needed = max_count.max((per_1000 * words.total as f64 / 1000.0).ceil() as usize);
    // Any stuffed n-gram (n >= min_n) starts with a stuffed min_n-gram: count
    // those first; most documents stop here.
    let mut short: FxHashMap<&[u32], usize> = FxHashMap::default();
    for (_, _, seq) in &words.blocks {
        for window in seq.windows(min_n) {
            *short.entry(window).or_default() += 1;
        }
    }
    if short.values().all(|&c| c < needed) {
        return;
    }

    // n-gram → occurrences (segment, range), only for n-grams whose first
    // min_n words are frequent enough.
    let mut grams: FxHashMap<&[u32], Occurrences> = FxHashMap::default();
    for (seg, ranges, seq) in &words.blocks {
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
                if words.stop[gram[0] as usize] || words.stop[gram[n - 1] as usize] {
                    continue;
                }
                if gram.iter().filter(|&&w| !words.stop[w as usize]).count() < 2 {
                    continue;
                }
                grams
                    .entry(gram)
                    .or_default()
                    .push((*seg, ranges[start].start..ranges[start + n - 1].end));
            }
        }
    }
    let text_of = |gram: &[u32]| {
        gram.iter()
            .map(|&w| words.words[w as usize].as_str())
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
    let total_words = words.total;
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
