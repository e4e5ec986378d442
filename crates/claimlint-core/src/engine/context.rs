//! Sentence-level rules (`pattern`, `substitution`) and their context checks.
//!
//! Negation and hedging are decided inside the sentence, near the match:
//! a negator counts only if it comes at most `negation_window` words before
//! the match with no clause break (`,` `;` `:` brackets, dashes, "but",
//! "however"…) in between; a hedge counts anywhere in the same clause,
//! where clauses are split only at contrasts (`;`, "but", "however",
//! "although"…). A citation counts in the same sentence or the next one, and
//! is looked for in the raw file text, so link destinations, footnote
//! markers and DOIs in Markdown count.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{Analysis, diagnostic, overlaps};
use crate::diagnostic::{Diagnostic, Fix};
use crate::document::SegmentKind;
use crate::document::sentence::words;
use crate::rule::{Pattern, Policy, RuleKind, Scope};
use crate::scan::Owner;

const CLAUSE_WORDS: &[&str] = &[
    "but", "however", "although", "though", "yet", "except", "whereas", "while", "unlike",
];
const CONTRAST_WORDS: &[&str] = &["but", "however", "although", "though", "whereas", "yet"];

/// Whether `between` (text between a negator and a match) breaks a clause.
fn breaks_clause(between: &str) -> bool {
    if between.contains([',', ';', ':', '(', ')', '—', '–', '"']) || between.contains(" - ") {
        return true;
    }
    words(between).any(|w| {
        let word = &between[w];
        CLAUSE_WORDS.iter().any(|c| word.eq_ignore_ascii_case(c))
    })
}

fn breaks_contrast(between: &str) -> bool {
    between.contains(';')
        || between.contains(", which")
        || between.contains(", so ")
        || between.contains("which is why")
        || words(between).any(|w| {
            let word = &between[w];
            CONTRAST_WORDS.iter().any(|c| word.eq_ignore_ascii_case(c))
        })
}

/// Whether `between` (text between a match and a hedge after it) opens a
/// relative clause or an aside, which the hedge then qualifies instead of
/// the match: "promotes neuroplasticity — …, which may help restore mood",
/// "absorb all the nutrients which are often lost".
fn opens_aside(between: &str) -> bool {
    between.contains(['—', '–', '('])
        || between.contains(" - ")
        || words(between).any(|w| {
            let word = &between[w];
            RELATIVE_WORDS.iter().any(|c| word.eq_ignore_ascii_case(c))
        })
}

const RELATIVE_WORDS: &[&str] = &["which", "who", "whom", "whose", "where"];

/// Whether a hedge after a comma opens a participial clause ("…form new
/// neural connections, potentially providing long-term relief"): it
/// qualifies the consequence, not the claim before the comma.
fn opens_participle(between: &str, after_hedge: &str) -> bool {
    between.contains(',')
        && words(after_hedge).next().is_some_and(|w| {
            let word = &after_hedge[w];
            word.len() > 4 && word.ends_with("ing")
        })
}

/// Opens a myth being rebutted: "Myth:", "Myth #2 -", "It is a myth that",
/// "Some clinics claim that".
static MYTH_OPEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:common\s+)?(?:myth|misconception)s?\s*(?:#?\s*\d+)?\s*[:\-\u{2013}\u{2014}]|it\s+is\s+(?:a\s+)?(?:common\s+)?(?:myth|misconception|not\s+true)\s+that|(?:some|many|other)\s+(?:people|clinics|sites|websites|ads|advertisers|marketers|providers)\s+(?:claim|say|believe|suggest|promise|advertise)\s+that|you\s+(?:may|might)\s+have\s+(?:heard|read)\s+that)",
    )
    .expect("valid regex")
});
/// Closes it: "Fact:", "Reality:", "The truth:".
static MYTH_CLOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:fact|facts|reality|truth|the\s+truth|the\s+evidence)\s*[:\-\u{2013}\u{2014}]|\bbut\b|\bhowever\b|;")
        .expect("valid regex")
});

#[cfg(test)]
use crate::rule::MYTH_CUE_WORDS;

/// The cue words searched for directly: the reference the scanner's cue
/// hits are tested against.
#[cfg(test)]
static MYTH_CUES: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(MYTH_CUE_WORDS)
        .expect("valid literals")
});

/// Whether `range` of `text` sits in a myth frame opened earlier in the same
/// segment and not yet closed by a fact marker or a contrast (the form
/// [`in_myth_frame_of`] takes, with the cue words searched for here).
#[cfg(test)]
fn in_myth_frame(text: &str, range: &Range<usize>) -> bool {
    MYTH_CUES.is_match(&text[..range.start]) && opened_myth_frame(text, range)
}

/// [`in_myth_frame`] for `range` of segment `seg`, whose cue words the
/// scanner has found already.
fn in_myth_frame_of(a: &Analysis<'_>, seg: usize, range: &Range<usize>) -> bool {
    a.myth_cue_end(seg) <= range.start && opened_myth_frame(&a.doc.segments[seg].text, range)
}

/// [`in_myth_frame`] once a cue word is known to end before `range`.
fn opened_myth_frame(text: &str, range: &Range<usize>) -> bool {
    let before = &text[..range.start];
    let Some(open) = MYTH_OPEN.find_iter(before).last() else {
        return false;
    };
    !MYTH_CLOSE.is_match(&before[open.end()..])
}

/// Whether a term is negated ("no risk of rejection" names no risk): a
/// negator at most three words before it, in the same clause.
fn negated_term(a: &Analysis<'_>, seg: usize, range: &Range<usize>) -> bool {
    let Some(neg) = a.rules.special.negator else {
        return false;
    };
    let text = &a.doc.segments[seg].text;
    // Negators ending before the term, nearest first; three words back at most.
    let hits = a.seg_lex(seg, neg);
    let before = hits.partition_point(|n| n.start < range.start);
    hits[..before].iter().rev().take(8).any(|n| {
        n.end <= range.start && {
            let between = &text[n.end..range.start];
            !breaks_clause(between) && words(between).count() < 3
        }
    })
}

/// Whether `range` of `text` is inside double quotation marks.
pub fn in_quotes(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].matches('"').count();
    before % 2 == 1 && text[range.end..].contains('"')
}

/// Whether sentence `k` takes lexicon `lex` from its context when it lacks
/// it itself:
///
/// - a pronoun subject ("It is completely safe") takes the treatment named in
///   one of the two sentences before (for an FAQ answer read with its
///   question: before and in the question);
/// - an answer that opens with "Yes" or "No" takes its question's terms;
/// - a list item takes the terms of the sentence that introduces the list
///   ("NAD+ infusions:" / "- Repairs damaged DNA").
pub(super) fn inherits(a: &Analysis<'_>, k: usize, lex: usize) -> bool {
    let base = a.antecedent_base(k);
    let pronoun = a.rules.special.pronoun.is_some_and(|p| a.has_lex(k, p));
    if pronoun
        && (0..=2)
            .filter(|&d| d > 0 || base != k)
            .filter_map(|d| base.checked_sub(d))
            .any(|j| a.has_lex(j, lex))
    {
        return true;
    }
    let seg = a.sentences[k].seg;
    if k > 0 && seg < a.prose {
        let text = a.sentence_text(k).trim_start_matches(['*', '_', ' ']);
        let opens_answer = ["yes", "no"].iter().any(|w| {
            let b = text.as_bytes();
            b.len() > w.len()
                && b[..w.len()].eq_ignore_ascii_case(w.as_bytes())
                && !b[w.len()].is_ascii_alphanumeric()
        });
        if opens_answer && is_question(a.sentence_text(k - 1)) && a.has_lex(k - 1, lex) {
            return true;
        }
    }
    if seg < a.prose && a.doc.segments[seg].kind == SegmentKind::ListItem {
        // The nearest sentence before the list that is not itself a list item.
        let lead_in = (0..k)
            .rev()
            .find(|&j| a.doc.segments[a.sentences[j].seg].kind != SegmentKind::ListItem);
        if let Some(j) = lead_in
            && k - j <= 12
            && (a.has_lex(j, lex) || inherits(a, j, lex))
        {
            return true;
        }
    }
    false
}

/// Whether a sentence is a question.
pub fn is_question(sentence: &str) -> bool {
    sentence
        .trim_end_matches(['"', '\'', ')', ']', '*', '_', ' '])
        .ends_with('?')
}

/// Outcome of the context checks for one match.
enum Verdict {
    Keep { downgraded: Vec<&'static str> },
    Drop,
}

fn check_pattern(
    a: &Analysis<'_>,
    pattern: &Pattern,
    seg: usize,
    range: &Range<usize>,
    k: usize,
) -> Verdict {
    let ctx = &pattern.context;
    let text = &a.doc.segments[seg].text;
    let sent = &a.sentences[k].range;
    let sentence = &text[sent.clone()];
    let local = range.start - sent.start..range.end.min(sent.end) - sent.start;

    if ctx.question == Policy::Exempt && is_question(sentence) {
        return Verdict::Drop;
    }
    for &lex in &ctx.requires {
        let found = match ctx.requires_in {
            Scope::Sentence => a.has_lex(k, lex) || inherits(a, k, lex),
            Scope::Page => a.page_has(lex),
        };
        if !found {
            return Verdict::Drop;
        }
    }
    for &(lex, min) in &ctx.min_in_match {
        let mut terms: Vec<String> = a
            .seg_lex(seg, lex)
            .iter()
            .filter(|r| r.start >= range.start && r.end <= range.end)
            .map(|r| text[r.clone()].to_lowercase())
            .collect();
        terms.sort();
        terms.dedup();
        if terms.len() < min {
            return Verdict::Drop;
        }
    }
    if pattern
        .unless
        .iter()
        .any(|re| re.overlaps_match(sentence, &local))
    {
        return Verdict::Drop;
    }
    if ctx.exempt_near.iter().any(|&lex| {
        (k..=k + 1).filter(|&j| j < a.sentences.len()).any(|j| {
            a.lex_hits(j, lex)
                .any(|r| !negated_term(a, a.sentences[j].seg, r))
        })
    }) {
        return Verdict::Drop;
    }
    if ctx.myth == Policy::Exempt && in_myth_frame_of(a, seg, range) {
        return Verdict::Drop;
    }
    if ctx.quoted == Policy::Exempt
        && let Some(authority) = a.rules.special.authority
        && (in_quotes(text, range) || a.doc.segments[seg].kind == SegmentKind::Quote)
    {
        // Attributed in the sentence, or in the sentence that introduces
        // the quotation.
        let attributed = a.has_lex(k, authority) || (k > 0 && a.has_lex(k - 1, authority));
        if attributed {
            return Verdict::Drop;
        }
    }
    if ctx.reported == Policy::Exempt
        && let Some(attribution) = a.rules.special.attribution
        && a.lex_hits(k, attribution).any(|h| h.end <= range.start)
    {
        return Verdict::Drop;
    }
    if pattern
        .unless_sentence
        .iter()
        .any(|re| re.is_match(sentence))
    {
        return Verdict::Drop;
    }
    if ctx.negated == Policy::Exempt
        && let Some(neg) = a.rules.special.negator
    {
        let negated = a.lex_hits(k, neg).any(|n| {
            n.end <= range.start && {
                let between = &text[n.end..range.start];
                !breaks_clause(between) && words(between).count() < ctx.negation_window
            }
        });
        if negated {
            return Verdict::Drop;
        }
    }
    if ctx.negated == Policy::Exempt
        && let Some(no_evidence) = a.rules.special.no_evidence
        && a.lex_hits(k, no_evidence).any(|h| h.end <= range.start)
    {
        return Verdict::Drop;
    }
    let mut downgraded = Vec::new();
    if ctx.hedged != Policy::Ignore
        && let Some(hedge) = a.rules.special.hedge
    {
        let hedged = a.lex_hits(k, hedge).any(|h| {
            if overlaps(h, range) {
                // A hedge that starts before the match qualifies its first
                // words ("early studies show"); one inside it is the claim's
                // own wording.
                return h.start < range.start;
            }
            if h.end <= range.start {
                !breaks_contrast(&text[h.end..range.start])
            } else {
                let between = &text[range.end..h.start];
                !breaks_contrast(between)
                    && !opens_aside(between)
                    && !opens_participle(between, &text[h.end..])
            }
        });
        if hedged {
            match ctx.hedged {
                Policy::Exempt => return Verdict::Drop,
                Policy::Downgrade => downgraded.push("the claim is hedged"),
                Policy::Ignore => {}
            }
        }
    }
    if ctx.cited != Policy::Ignore {
        // Cited in the sentence or in the next one (unless that is a
        // heading).
        let cited = a.cites(k)
            || (k + 1 < a.sentences.len()
                && !a.doc.segments[a.sentences[k + 1].seg].kind.is_heading()
                && a.cites(k + 1));
        if cited {
            match ctx.cited {
                Policy::Exempt => return Verdict::Drop,
                Policy::Downgrade => downgraded.push("a source is cited"),
                Policy::Ignore => {}
            }
        }
    }
    Verdict::Keep { downgraded }
}

/// Keeps the leftmost-longest of overlapping matches (input sorted by start,
/// longest first).
fn non_overlapping(found: &mut Vec<(Range<usize>, Diagnostic)>, out: &mut Vec<Diagnostic>) {
    found.sort_by(|a, b| {
        (a.0.start, std::cmp::Reverse(a.0.end)).cmp(&(b.0.start, std::cmp::Reverse(b.0.end)))
    });
    let mut last_end = None;
    for (range, d) in found.drain(..) {
        if last_end.is_some_and(|end| range.start < end) {
            continue;
        }
        last_end = Some(range.end);
        out.push(d);
    }
}

/// Adapts the case of `replacement` to the case of `found` ("Side Affects"
/// → "Side Effects", "SIDE AFFECTS" → "SIDE EFFECTS").
pub fn match_case(found: &str, replacement: &str) -> String {
    let found_words: Vec<&str> = found.split_whitespace().collect();
    let letters: String = found.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.chars().count() > 1 && letters.chars().all(char::is_uppercase) {
        return replacement.to_uppercase();
    }
    let title = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let all_title = found_words.len() > 1 && found_words.iter().all(|w| title(w));
    let mut out = String::with_capacity(replacement.len());
    for (i, word) in replacement.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let capitalise = if all_title {
            true
        } else {
            i == 0 && found_words.first().is_some_and(|w| title(w))
        };
        if capitalise {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(word);
        }
    }
    out
}

/// A heading that opens a list of sources ("References", "Sources",
/// "Further reading"): the entries under it are titles of papers, not the
/// page's claims.
static REFERENCE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[\d.\s]*(?:references|sources|citations|bibliography|works\s+cited|further\s+reading|studies\s+cited|literature)\b",
    )
    .expect("valid regex")
});

/// Whether segment `seg` is under a references heading.
fn in_reference_section(a: &Analysis<'_>, seg: usize) -> bool {
    let segment = &a.doc.segments[seg];
    a.doc
        .sections
        .get(segment.section)
        .copied()
        .flatten()
        .is_some_and(|h| h != seg && REFERENCE_HEADING.is_match(a.doc.segments[h].text.trim()))
}

pub(super) fn pattern_and_substitution(a: &Analysis<'_>, out: &mut Vec<Diagnostic>) {
    let rules = &a.rules.rules;
    // Per rule: candidate findings in a segment, with their sentence for a
    // rule reported once per sentence (`None` otherwise).
    let mut found: Vec<(usize, Option<usize>, Range<usize>, Diagnostic)> = Vec::new();
    let mut group: Vec<(Range<usize>, Diagnostic)> = Vec::new();
    for (seg_index, seg) in a.doc.segments.iter().enumerate() {
        if in_reference_section(a, seg_index) {
            continue;
        }
        found.clear();
        for hit in a.seg_hits(seg_index) {
            let (index, swap) = match hit.owner {
                Owner::Trigger(r) => (r, None),
                Owner::Swap(r, n) => (r, Some(n)),
                _ => continue,
            };
            let rule = &rules[index];
            if !rule.applies_to(seg.kind) || seg.sentences.is_empty() {
                continue;
            }
            let k = a.sentence_at(seg_index, hit.range.start);
            let matched = &seg.text[hit.range.clone()];
            let span = a.file_span(seg_index, &hit.range);
            match (&rule.kind, swap) {
                (RuleKind::Pattern(pattern), None) => {
                    let Verdict::Keep { downgraded } =
                        check_pattern(a, pattern, seg_index, &hit.range, k)
                    else {
                        continue;
                    };
                    let mut d = diagnostic(a, index, span, &[("match", matched)]);
                    if seg_index >= a.prose {
                        let question = a.sentence_text(a.answered[seg_index - a.prose]);
                        d.notes.push(format!(
                            "this answer, read with its question “{question}”, says: “{}”",
                            seg.text
                        ));
                    }
                    for reason in downgraded {
                        let lower = d.severity.downgraded();
                        if lower != d.severity {
                            d.notes.push(format!(
                                "reported as {lower}, not {}, because {reason}; a qualifier does not make an unsupported claim accurate",
                                d.severity
                            ));
                            d.severity = lower;
                        }
                    }
                    let sentence = pattern.once_per_sentence.then_some(k);
                    found.push((index, sentence, hit.range.clone(), d));
                }
                (RuleKind::Substitution(sub), Some(n)) => {
                    let Some((_, replacement)) = sub.swaps.get(n) else {
                        continue;
                    };
                    let sent = &a.sentences[k].range;
                    let sentence = &seg.text[sent.clone()];
                    let local = hit.range.start.saturating_sub(sent.start)
                        ..hit.range.end.min(sent.end).saturating_sub(sent.start);
                    if sub
                        .unless
                        .iter()
                        .any(|re| re.overlaps_match(sentence, &local))
                    {
                        continue;
                    }
                    let suggestion = match_case(matched, replacement);
                    let mut d = diagnostic(
                        a,
                        index,
                        span.clone(),
                        &[("match", matched), ("suggestion", &suggestion)],
                    );
                    // Only an exact, single-line edit is safe to apply.
                    if a.source.text().get(span.clone()) == Some(matched) {
                        d.fix = Some(Fix {
                            span,
                            replacement: suggestion.clone(),
                        });
                    }
                    d.suggestion = Some(suggestion);
                    found.push((index, None, hit.range.clone(), d));
                }
                _ => {}
            }
        }
        // Per rule (a stable sort keeps each rule's findings in order). A
        // rule with `once_per_sentence` reports a sentence once: what else
        // it matched there ("stem cells for MS, long COVID and COVID-19") is
        // one claim, named in a note.
        found.sort_by_key(|(index, ..)| *index);
        let mut found = found.drain(..).peekable();
        let mut last_sentence = None;
        while let Some((index, sentence, range, d)) = found.next() {
            match (sentence, group.last_mut()) {
                (Some(k), Some((_, first))) if last_sentence == Some(k) => {
                    first.notes.push(format!(
                        "the same sentence also says “{}”",
                        a.source.text().get(d.span.clone()).unwrap_or_default()
                    ));
                }
                _ => group.push((range, d)),
            }
            last_sentence = sentence;
            if found.peek().is_none_or(|next| next.0 != index) {
                non_overlapping(&mut group, out);
                last_sentence = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_matching() {
        assert_eq!(match_case("Side Affects", "side effects"), "Side Effects");
        assert_eq!(match_case("side affects", "side effects"), "side effects");
        assert_eq!(match_case("SIDE AFFECTS", "side effects"), "SIDE EFFECTS");
        assert_eq!(match_case("Side affects", "side effects"), "Side effects");
        assert_eq!(match_case("spravado", "Spravato"), "Spravato");
    }

    #[test]
    fn clause_breaks() {
        assert!(breaks_clause(", ketamine is "));
        assert!(breaks_clause(" but it is "));
        assert!(!breaks_clause(" a "));
        assert!(is_question("Is ketamine addictive?"));
        assert!(is_question("Is it \"safe?\""));
        assert!(!is_question("No."));
    }

    #[test]
    fn myth_frames() {
        let at = |text: &str, needle: &str| {
            let i = text.find(needle).unwrap();
            in_myth_frame(text, &(i..i + needle.len()))
        };
        assert!(at("Myth: Ketamine cures depression.", "cures"));
        assert!(at("Myth #2 - ketamine cures depression", "cures"));
        assert!(at("It is a myth that ketamine cures depression.", "cures"));
        assert!(at(
            "Some clinics claim that ketamine cures depression.",
            "cures"
        ));
        assert!(!at(
            "Myth: ketamine is dangerous. Fact: ketamine cures depression.",
            "cures"
        ));
        assert!(!at(
            "Some clinics claim that it is risky, but ketamine cures depression.",
            "cures"
        ));
        assert!(!at("Ketamine cures depression.", "cures"));
        assert!(!at(
            "That ketamine is risky is a myth. Ketamine cures depression.",
            "cures"
        ));
        // Every form of opening, and one spelled with a non-ASCII case
        // variant, gets past the cue search.
        for opening in [
            "Common misconceptions #3 \u{2014}",
            "MYTHS -",
            "Miſconception:",
            "It is not true that",
            "Many advertisers promise that",
            "You might have read that",
        ] {
            let text = format!("{opening} ketamine cures depression.");
            assert!(at(&text, "cures"), "{text}");
        }
    }

    /// The scanner's cue words end where a search of each segment for them
    /// finds the first, so a cue ends before a finding exactly when the
    /// text before the finding holds one; and findings in myth frames are
    /// dropped by both forms.
    #[test]
    fn cue_words_found_by_the_scanner_end_where_a_search_finds_them() {
        let pack = crate::rule::compile::load(&crate::rule::compile::builtin_files()).unwrap();
        let mut docs = crate::scan::tests::corpus_files();
        docs.push(crate::source::SourceFile::new(
            "made.md",
            "A MISCONCEPTION: ketamine cures. ThAt is a Myth-buster. No cue here.\n\n\
             Some clinics claim that ketamine cures depression. Fact: it does not.\n",
        ));
        let (mut with, mut without) = (0, 0);
        for doc in &docs {
            let a = Analysis::new(&pack, doc, crate::document::Format::Markdown);
            for (seg, segment) in a.doc.segments.iter().enumerate() {
                let text = &segment.text;
                let first = MYTH_CUES.find(text).map_or(usize::MAX, |m| m.end());
                assert_eq!(a.myth_cue_end(seg), first, "{}: {text:?}", doc.path());
                if first == usize::MAX {
                    without += 1;
                } else {
                    with += 1;
                    let range = text.len()..text.len();
                    assert_eq!(
                        in_myth_frame_of(&a, seg, &range),
                        in_myth_frame(text, &range)
                    );
                }
            }
        }
        assert!(
            with > 100 && without > 100,
            "{with} with cues, {without} without"
        );
    }

    /// The cue words' letters fold to ASCII letters only, so the ASCII
    /// case-insensitive cue search misses nothing the regex finds.
    #[test]
    fn myth_cues_have_no_non_ascii_case_variants() {
        let ascii_folds = |letters: &str| {
            let hir = regex_syntax::Parser::new()
                .parse(&format!("(?i)[{letters}]"))
                .unwrap();
            let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) =
                hir.kind()
            else {
                panic!("not a class: {hir:?}");
            };
            class.ranges().iter().all(|r| r.end().is_ascii())
        };
        assert!(ascii_folds(&MYTH_CUE_WORDS.concat()));
        assert!(
            !ascii_folds("s") && !ascii_folds("k"),
            "ſ and K fold to s and k"
        );
    }

    #[test]
    fn quotation_marks() {
        let text = r#"The FDA says "ketamine is not approved for depression" in its warning."#;
        let i = text.find("not approved").unwrap();
        assert!(in_quotes(text, &(i..i + 12)));
        let j = text.find("warning").unwrap();
        assert!(!in_quotes(text, &(j..j + 7)));
    }
}
