//! `require` rules: when a sentence matches `when`, the document (or the
//! section) must contain what `require` names — or one finding is reported,
//! anchored on the first triggering sentence.
//!
//! A required term that is negated ("no side effects") does not count: it is
//! the opposite of naming the risk.

use std::collections::BTreeSet;
use std::ops::Range;

use super::{Analysis, diagnostic};
use crate::diagnostic::Diagnostic;
use crate::document::sentence::words;
use crate::rule::{LexIdx, Require, RequireScope};
use crate::scan::Owner;

/// Words a negator may be before a required term and still negate it.
const NEGATION_WINDOW: usize = 3;

/// The anchor of a triggering sentence: the first hit of the first `when`
/// lexicon (or of the inline group). `None` if the sentence does not trigger.
fn trigger_anchor(a: &Analysis<'_>, req: &Require, k: usize) -> Option<Range<usize>> {
    let s = &a.sentences[k];
    let mut anchor: Option<Range<usize>> = None;
    let mut lacks_one = false;
    for &lex in &req.when_all {
        match a.lex_hits(k, lex).next() {
            Some(first) => {
                anchor.get_or_insert(first.clone());
            }
            None => lacks_one = true,
        }
    }
    if let Some(group) = req.when_group {
        let hit = a
            .hits_in(s.seg, s.range.clone())
            .find(|h| h.owner == Owner::Group(group))?;
        anchor.get_or_insert(hit.range.clone());
    }
    // A sentence with none of the terms itself does not trigger (most do
    // not, and are not looked at further). A term it lacks may come from
    // context, as for pattern rules ("It relieves pain" after a sentence
    // naming the treatment).
    let anchor = anchor?;
    let from_context = |lex: LexIdx| a.has_lex(k, lex) || super::context::inherits(a, k, lex);
    if lacks_one && !req.when_all.iter().all(|&lex| from_context(lex)) {
        return None;
    }
    Some(anchor)
}

fn negated(a: &Analysis<'_>, seg: usize, range: &Range<usize>) -> bool {
    let Some(neg) = a.rules.special.negator else {
        return false;
    };
    let text = &a.doc.segments[seg].text;
    // Negators ending before the term, nearest first; a few words back at most.
    let hits = a.seg_lex(seg, neg);
    let before = hits.partition_point(|n| n.start < range.start);
    hits[..before]
        .iter()
        .rev()
        .take(NEGATION_WINDOW + 1)
        .any(|n| {
            n.end <= range.start && {
                let between = &text[n.end..range.start];
                !between.contains([',', ';', ':', '.']) && words(between).count() < NEGATION_WINDOW
            }
        })
}

/// `within: metadata`: a document with metadata (Markdown or MDX front
/// matter, HTML meta tags; see [`crate::document::Document::meta`]) must
/// match `require`. The metadata is seen as `key: value` lines (so
/// `^author:` matches a key). The finding is anchored on the title.
fn check_metadata(a: &Analysis<'_>, index: usize, req: &Require, out: &mut Vec<Diagnostic>) {
    if a.doc.meta.is_empty() {
        return;
    }
    let lines: String = a
        .doc
        .meta
        .iter()
        .map(|(k, v)| format!("{k}: {v}\n"))
        .collect();
    if req.raw.is_match(&lines) {
        return;
    }
    let prose = &a.doc.segments[..a.prose];
    let title = prose
        .iter()
        .find(|s| s.kind == crate::document::SegmentKind::Title)
        .or_else(|| prose.iter().find(|s| s.kind.is_heading()))
        .or_else(|| prose.first());
    let anchor = title.map_or(0..0, |s| s.file_span());
    let matched = a
        .doc
        .meta("title")
        .unwrap_or(&a.source.text()[anchor.clone()]);
    out.push(diagnostic(
        a,
        index,
        anchor.clone(),
        &[
            ("match", matched),
            ("missing", &req.describe),
            ("found", "0"),
            ("min", "1"),
        ],
    ));
}

/// Checks require rule `index`; `claims` says whether the document makes a
/// claim (see `when.claims`).
pub(super) fn check(
    a: &Analysis<'_>,
    index: usize,
    req: &Require,
    claims: bool,
    out: &mut Vec<Diagnostic>,
) {
    if req.when_claims && !claims {
        return;
    }
    if req.within == RequireScope::Metadata {
        return check_metadata(a, index, req, out);
    }
    let rule = &a.rules.rules[index];
    let nsections = a.doc.sections.len();
    let bucket_of = |seg: usize| match req.within {
        RequireScope::Document | RequireScope::Metadata => 0,
        RequireScope::Section => a.doc.segments[seg].section,
    };
    let nbuckets = match req.within {
        RequireScope::Document | RequireScope::Metadata => 1,
        RequireScope::Section => nsections,
    };

    // Triggering sentences per bucket.
    let mut triggers: Vec<Vec<(usize, Range<usize>)>> = vec![Vec::new(); nbuckets];
    for (k, s) in a.sentences.iter().enumerate() {
        let seg = &a.doc.segments[s.seg];
        if s.seg >= a.prose || !rule.applies_to(seg.kind) {
            continue;
        }
        if let Some(anchor) = trigger_anchor(a, req, k) {
            triggers[bucket_of(s.seg)].push((s.seg, anchor));
        }
    }

    for (bucket, found) in triggers.iter().enumerate() {
        if found.len() < req.min_triggers {
            continue;
        }
        // Distinct required terms present (not negated) in the bucket; once
        // there are enough, the rest need not be looked at.
        let mut distinct = BTreeSet::new();
        for (seg_index, seg) in a.doc.segments[..a.prose].iter().enumerate() {
            if distinct.len() >= req.min_distinct {
                break;
            }
            if bucket_of(seg_index) != bucket {
                continue;
            }
            let mut consider = |r: &Range<usize>| {
                if !negated(a, seg_index, r) {
                    distinct.insert(seg.text[r.clone()].to_lowercase());
                }
            };
            for &lex in &req.require_lexicons {
                for r in a.seg_lex(seg_index, lex) {
                    consider(r);
                }
            }
            if let Some(group) = req.require_group {
                for h in a
                    .seg_hits(seg_index)
                    .iter()
                    .filter(|h| h.owner == Owner::Group(group))
                {
                    consider(&h.range);
                }
            }
        }
        // Citations also live in link destinations and reference lists that
        // are not prose: look for them in the file's raw text (when the
        // prose does not already hold enough terms).
        if distinct.len() < req.min_distinct
            && let Some(citation) = a.rules.special.citation
            && req.require_lexicons.contains(&citation)
            && req.within == RequireScope::Document
            && a.rules.lexicons[citation].raw.is_match(a.source.text())
        {
            distinct.insert("(citation)".into());
        }
        if distinct.len() >= req.min_distinct {
            continue;
        }
        let (seg, anchor) = &found[0];
        let matched = &a.doc.segments[*seg].text[anchor.clone()];
        let span = a.file_span(*seg, anchor);
        let found_count = distinct.len().to_string();
        let min = req.min_distinct.to_string();
        let mut d = diagnostic(
            a,
            index,
            span,
            &[
                ("match", matched),
                ("missing", &req.describe),
                ("found", &found_count),
                ("min", &min),
            ],
        );
        if found.len() > 1 {
            d.notes.push(format!(
                "{} sentences make this kind of claim; the first is marked",
                found.len()
            ));
        }
        if !distinct.is_empty() {
            d.notes.push(format!(
                "found only: {}",
                distinct.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        out.push(d);
    }
}
