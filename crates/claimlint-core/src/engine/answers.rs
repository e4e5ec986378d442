//! FAQ answers: "Is ketamine addictive? No." is a claim that ketamine is not
//! addictive, although neither sentence says so on its own.
//!
//! A question (a sentence ending in `?` that opens with an auxiliary verb)
//! followed by a bare answer ("No.", "Yes.", "No, it isn't.", "Absolutely
//! not.") is read as one declarative sentence: the question's subject, the
//! auxiliary, `not` when the answer is negative, and the rest of the
//! question. That statement is checked like any sentence, and its findings
//! are reported on the answer.

use std::ops::Range;

use crate::document::sentence::words;

const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "does", "do", "did", "can", "could", "will", "would", "has",
    "have", "should", "may",
];
const SUBJECT_WORDS: &[&str] = &[
    "it", "this", "that", "they", "these", "those", "you", "i", "we", "there", "he", "she",
];
const ANSWER_OPENERS: &[&str] = &[
    "yes",
    "no",
    "nope",
    "absolutely",
    "definitely",
    "not",
    "never",
];
const NEGATIVE_WORDS: &[&str] = &[
    "no", "nope", "not", "never", "isn't", "aren't", "doesn't", "don't", "can't", "won't",
    "wasn't", "didn't", "cannot",
];
/// An answer longer than this is a sentence in its own right.
const MAX_ANSWER_WORDS: usize = 5;

/// Whether `answer` is a bare yes/no answer, and if so whether it is
/// negative.
pub fn bare_answer(answer: &str) -> Option<bool> {
    let is = |word: &str, list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(word));
    let mut ws = words(answer).map(|r| &answer[r]);
    let first = ws.next()?;
    if !is(first, ANSWER_OPENERS) {
        return qualified_answer(answer);
    }
    // The opener and at most one word past the limit, to tell it is passed.
    let mut all = [""; MAX_ANSWER_WORDS + 1];
    all[0] = first;
    let mut n = 1;
    for w in ws.take(MAX_ANSWER_WORDS) {
        all[n] = w;
        n += 1;
    }
    if n > MAX_ANSWER_WORDS {
        return None;
    }
    let ws = &all[..n];
    if first.eq_ignore_ascii_case("not") && n > 1 && !ws[1].eq_ignore_ascii_case("at") {
        return None;
    }
    Some(ws.iter().any(|w| is(w, NEGATIVE_WORDS)))
}

/// A short qualifier, a comma, then the answer: "Under medical supervision,
/// no.", "In short, yes." (at most [`MAX_QUALIFIED_WORDS`] words).
fn qualified_answer(answer: &str) -> Option<bool> {
    let trimmed = answer.trim_end().trim_end_matches(['.', '!', ' ']);
    let (qualifier, last) = trimmed.rsplit_once(',')?;
    let last = last.trim();
    if qualifier.trim().is_empty() || words(answer).count() > MAX_QUALIFIED_WORDS {
        return None;
    }
    if last.eq_ignore_ascii_case("yes") {
        Some(false)
    } else if last.eq_ignore_ascii_case("no") {
        Some(true)
    } else {
        None
    }
}

/// A qualified answer ("Under medical supervision, no.") longer than this is
/// a sentence in its own right.
const MAX_QUALIFIED_WORDS: usize = 8;

/// Words that may qualify a treatment name at the start of a question's
/// subject ("at-home" is two).
const MAX_SUBJECT_QUALIFIERS: usize = 3;

/// The declarative reading of `question` answered with `negative`.
/// `subject_end` gives, for an offset in `question`, the end of a treatment
/// name starting there (so "Is ketamine therapy safe?" has the subject
/// "ketamine therapy").
pub fn declarative(
    question: &str,
    negative: bool,
    subject_end: impl Fn(usize) -> Option<usize>,
) -> Option<String> {
    let q = question
        .trim_end()
        .trim_end_matches(['?', ' ', '*', '_', '"', ')']);
    let mut ws = words(q).peekable();
    // Skip an FAQ marker ("Q:", "Q1.").
    let first = ws.peek()?.clone();
    let first_word = q[first.clone()].to_ascii_lowercase();
    let (aux_range, rest_start) = if first_word == "q"
        || first_word.starts_with('q') && first_word[1..].chars().all(|c| c.is_ascii_digit())
    {
        ws.next();
        let aux = ws.next()?;
        (aux.clone(), aux.end)
    } else {
        let aux = ws.next()?;
        (aux.clone(), aux.end)
    };
    let aux = q[aux_range.clone()].to_ascii_lowercase();
    if !AUXILIARIES.contains(&aux.as_str()) {
        return None;
    }
    let rest = q[rest_start..].trim_start();
    let rest_at = q.len() - rest.len();
    if rest.is_empty() {
        return None;
    }
    // The subject is a treatment name, with the words before it that
    // qualify it ("at-home KAP", "IV ketamine"); else a pronoun or the
    // question's first word.
    let opens_with_pronoun = words(rest)
        .next()
        .is_some_and(|w| SUBJECT_WORDS.contains(&rest[w].to_ascii_lowercase().as_str()));
    let named = words(rest)
        .take(if opens_with_pronoun {
            0
        } else {
            MAX_SUBJECT_QUALIFIERS + 1
        })
        .find_map(|w| subject_end(rest_at + w.start).filter(|&end| end > rest_at + w.start));
    let subject: Range<usize> = match named {
        Some(end) => rest_at..end,
        None => {
            let w = words(rest).next()?;
            let word = rest[w.clone()].to_ascii_lowercase();
            if !SUBJECT_WORDS.contains(&word.as_str()) && w.end >= rest.len() {
                return None;
            }
            rest_at + w.start..rest_at + w.end
        }
    };
    let predicate = q[subject.end..].trim();
    if predicate.is_empty() {
        return None;
    }
    let not = if negative { " not" } else { "" };
    Some(format!("{} {aux}{not} {predicate}.", &q[subject]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(q: &str, a: &str, treatment: &str) -> Option<String> {
        let negative = bare_answer(a)?;
        declarative(q, negative, |at| {
            q[at..]
                .to_ascii_lowercase()
                .starts_with(treatment)
                .then_some(at + treatment.len())
        })
    }

    #[test]
    fn bare_answers() {
        assert_eq!(bare_answer("No."), Some(true));
        assert_eq!(bare_answer("Yes!"), Some(false));
        assert_eq!(bare_answer("No, it isn't."), Some(true));
        assert_eq!(bare_answer("Absolutely not."), Some(true));
        assert_eq!(bare_answer("Not at all."), Some(true));
        assert_eq!(bare_answer("Yes, absolutely."), Some(false));
        assert_eq!(bare_answer("Not everyone responds."), None);
        assert_eq!(
            bare_answer("No, but it can be misused outside a clinic."),
            None
        );
        assert_eq!(bare_answer("Ketamine is a dissociative anaesthetic."), None);
    }

    #[test]
    fn answers_after_a_short_qualifier() {
        assert_eq!(bare_answer("Under medical supervision, no."), Some(true));
        assert_eq!(bare_answer("In short, yes."), Some(false));
        assert_eq!(bare_answer("For most people, yes!"), Some(false));
        assert_eq!(bare_answer("Under supervision, it is rare."), None);
        assert_eq!(
            bare_answer("When it is given in a clinic with monitoring and screening, no."),
            None,
            "too long to be a bare answer"
        );
    }

    #[test]
    fn questions_become_statements() {
        assert_eq!(
            read("Is ketamine addictive?", "No.", "ketamine").as_deref(),
            Some("ketamine is not addictive.")
        );
        assert_eq!(
            read("Is ketamine therapy safe?", "Yes.", "ketamine therapy").as_deref(),
            Some("ketamine therapy is safe.")
        );
        assert_eq!(
            read("Does TMS have side effects?", "No.", "tms").as_deref(),
            Some("TMS does not have side effects.")
        );
        assert_eq!(
            read("Is it FDA-approved for depression?", "Yes.", "ketamine").as_deref(),
            Some("it is FDA-approved for depression.")
        );
        assert_eq!(
            read("Q: Can you get addicted to ketamine?", "No.", "ketamine").as_deref(),
            Some("you can not get addicted to ketamine.")
        );
        assert_eq!(
            read("Is at-home KAP legal and safe?", "Yes.", "kap").as_deref(),
            Some("at-home KAP is legal and safe.")
        );
        assert_eq!(
            read(
                "Are IV ketamine infusions addictive?",
                "No.",
                "ketamine infusions"
            )
            .as_deref(),
            Some("IV ketamine infusions are not addictive.")
        );
        assert_eq!(
            read("Is it true that ketamine is addictive?", "No.", "ketamine").as_deref(),
            Some("it is not true that ketamine is addictive.")
        );
        assert_eq!(read("What is ketamine?", "No.", "ketamine"), None);
        assert_eq!(
            read("Is ketamine addictive?", "It can be.", "ketamine"),
            None
        );
    }
}
