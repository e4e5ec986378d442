//! The YAML shapes of rule and lexicon files, exactly as written.
//!
//! These types only mirror the files (`deny_unknown_fields`, locations kept
//! with [`Spanned`]); [`super::compile`] turns them into checked, compiled
//! rules. Nothing outside the rule module sees them.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::Severity;

/// A value with its location in the YAML file.
pub type S<T> = Spanned<T>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(rename_all = "lowercase")]
pub enum KindSpec {
    Pattern,
    Substitution,
    Require,
    Repetition,
}

/// Where a rule's required lexicons must occur (`requires_in:` of a
/// context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// In the sentence, or in what it inherits from: a pronoun's
    /// antecedent, an FAQ question, a list's lead-in.
    #[default]
    Sentence,
    /// Anywhere in the document: a page about a treatment is the context
    /// of every sentence on it.
    Page,
}

/// What a context condition does to a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// The condition removes the finding.
    Exempt,
    /// The condition lowers the finding one severity level.
    Downgrade,
    /// The condition changes nothing.
    #[default]
    Ignore,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    /// A hedge (lexicon `hedge`) in the same clause.
    #[serde(default)]
    pub hedged: Option<S<Policy>>,
    /// A negator (lexicon `negator`) shortly before the match, same clause.
    #[serde(default)]
    pub negated: Option<S<Policy>>,
    /// A citation (lexicon `citation`) in the same or the next sentence.
    #[serde(default)]
    pub cited: Option<S<Policy>>,
    /// The sentence is a question.
    #[serde(default)]
    pub question: Option<S<Policy>>,
    /// Lexicons that must each occur in the sentence (or, for a pronoun
    /// subject, in one of the two sentences before it).
    #[serde(default)]
    pub requires: Vec<S<String>>,
    /// Where `requires` looks: `sentence` (the default; with a pronoun's
    /// antecedent, an FAQ question, a list's lead-in) or `page` (anywhere
    /// in the document).
    #[serde(default)]
    pub requires_in: Option<S<Scope>>,
    /// Words before the match that a negator may be (default 4).
    #[serde(default)]
    pub negation_window: Option<S<usize>>,
    /// The match sits in a myth being rebutted ("Myth: …" up to "Fact: …",
    /// "It is a myth that …"). Default `exempt`.
    #[serde(default)]
    pub myth: Option<S<Policy>>,
    /// The match is inside a quotation attributed to a regulator, journal or
    /// researcher (lexicon `authority`). Testimonials are not exempt.
    /// Default `exempt`.
    #[serde(default)]
    pub quoted: Option<S<Policy>>,
    /// The match follows an attribution marker (lexicon `attribution`) in
    /// its sentence: a claim reported as someone else's ("clinics claim to
    /// reverse ageing", "touted as a hangover cure"). Default `exempt`.
    #[serde(default)]
    pub reported: Option<S<Policy>>,
    /// Lexicons of which the match itself must contain at least this many
    /// distinct terms (`{condition: 4}`: a list of four conditions).
    #[serde(default)]
    pub min_in_match: BTreeMap<String, S<usize>>,
    /// Lexicons whose presence in the sentence or the next one exempts the
    /// match ("well tolerated" followed by the side effects it has).
    #[serde(default)]
    pub exempt_near: Vec<S<String>>,
}

/// `when:` of a require rule: the sentences that trigger it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct WhenSpec {
    /// Lexicons that must all occur in one sentence.
    #[serde(default)]
    pub all: Vec<S<String>>,
    /// Phrases/regexes of which one must occur in that sentence too.
    #[serde(default)]
    pub phrases: Vec<S<String>>,
    #[serde(default)]
    pub regex: Vec<S<String>>,
    /// Triggering sentences needed (default 1).
    #[serde(default)]
    pub min: Option<S<usize>>,
    /// Fire only in a document that makes a claim: a pattern rule's finding
    /// of warning or error severity (a careful page that discusses a
    /// treatment without claims needs no disclaimer).
    #[serde(default)]
    pub claims: Option<S<bool>>,
}

/// `require:` of a require rule: what must then be present.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct RequireSpec {
    #[serde(default)]
    pub lexicons: Vec<S<String>>,
    #[serde(default)]
    pub phrases: Vec<S<String>>,
    #[serde(default)]
    pub regex: Vec<S<String>>,
    /// Distinct terms needed (default 1).
    #[serde(default)]
    pub min_distinct: Option<S<usize>>,
    /// What is missing, in words, for `{missing}` in the message.
    pub describe: S<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(rename_all = "kebab-case")]
pub enum RequireScope {
    Document,
    Section,
    /// The document's metadata (front matter fields, HTML meta tags) as
    /// `key: value` lines: when a document has any, it must match `require`
    /// (its `regex`es, multi-line, or `phrases`); `when` is not used.
    Metadata,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(rename_all = "lowercase")]
pub enum Detect {
    /// Paragraphs (or sentences) that appear twice.
    Duplicates,
    /// A phrase repeated beyond a count and density.
    Stuffing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Paragraph,
    Sentence,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    #[serde(default)]
    pub invalid: Vec<S<String>>,
    #[serde(default)]
    pub valid: Vec<S<String>>,
}

/// One rule file.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: S<String>,
    pub severity: S<Severity>,
    #[serde(default)]
    pub kind: Option<S<KindSpec>>,
    /// One line for `claimlint rules` and the default label.
    pub summary: S<String>,
    pub message: S<String>,
    #[serde(default)]
    pub label: Option<S<String>>,
    #[serde(default)]
    pub help: Option<S<String>>,
    #[serde(default)]
    pub note: Option<S<String>>,
    /// Segment kinds the rule looks at (default: all prose).
    #[serde(default)]
    pub scope: Vec<S<String>>,

    // pattern
    #[serde(default)]
    pub phrases: Vec<S<String>>,
    #[serde(default)]
    pub regex: Vec<S<String>>,
    /// Token patterns (see [`crate::rule::tokens`]).
    #[serde(default)]
    pub tokens: Vec<S<String>>,
    #[serde(default)]
    pub case_sensitive: bool,
    /// Regexes; a match overlapping the finding exempts it.
    #[serde(default)]
    pub unless: Vec<S<String>>,
    /// Regexes; a match anywhere in the sentence exempts the finding.
    #[serde(default)]
    pub unless_sentence: Vec<S<String>>,
    /// Report a sentence once, however many of the rule's triggers it
    /// holds (a list of conditions is one claim).
    #[serde(default)]
    pub once_per_sentence: Option<S<bool>>,
    #[serde(default)]
    pub context: Option<S<ContextSpec>>,

    // substitution
    #[serde(default)]
    pub swap: Option<S<BTreeMap<String, String>>>,

    // require
    #[serde(default)]
    pub within: Option<S<RequireScope>>,
    #[serde(default)]
    pub when: Option<S<WhenSpec>>,
    #[serde(default)]
    pub require: Option<S<RequireSpec>>,

    // repetition
    #[serde(default)]
    pub detect: Option<S<Detect>>,
    #[serde(default)]
    pub unit: Option<S<Unit>>,
    #[serde(default)]
    pub min_words: Option<S<usize>>,
    #[serde(default)]
    pub ngram: Option<S<[usize; 2]>>,
    #[serde(default)]
    pub max_count: Option<S<usize>>,
    #[serde(default)]
    pub max_per_1000_words: Option<S<f64>>,

    pub explain: S<String>,
    #[serde(default)]
    pub references: Vec<S<String>>,
    #[serde(default)]
    pub examples: Option<S<ExamplesSpec>>,
}

/// One lexicon file (under a `lexicon/` folder).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct LexiconSpec {
    pub lexicon: S<String>,
    pub description: S<String>,
    #[serde(default)]
    pub references: Vec<S<String>>,
    #[serde(default)]
    pub include: Vec<S<String>>,
    #[serde(default)]
    pub phrases: Vec<S<String>>,
    #[serde(default)]
    pub regex: Vec<S<String>>,
    #[serde(default)]
    pub case_sensitive: bool,
    /// Phrases; a term hit overlapping one of these is not a hit ("not only"
    /// is no negation).
    #[serde(default)]
    pub unless: Vec<S<String>>,
}

/// A word families file (`families.yaml` in a `lexicon/` folder): each
/// family lists words whose inflections and derivations a token pattern
/// treats as one word.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct FamiliesSpec {
    pub description: S<String>,
    pub families: Vec<S<Vec<S<String>>>>,
}

/// The facts file (`facts.yaml`): volatile facts (approvals, indications,
/// scheduling, crisis lines) that rule texts quote as `{fact.NAME}`, with
/// the date they were checked and their sources.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct FactsSpec {
    /// When the facts were last checked against their sources (YYYY-MM-DD).
    pub as_of: S<String>,
    pub facts: BTreeMap<String, FactSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
#[serde(deny_unknown_fields)]
pub struct FactSpec {
    /// The text substituted for `{fact.NAME}`.
    pub value: S<String>,
    /// Canonical sources for the fact.
    pub sources: Vec<S<String>>,
    /// When this fact was last checked, if not the file's `as_of`.
    #[serde(default)]
    pub as_of: Option<S<String>>,
}
