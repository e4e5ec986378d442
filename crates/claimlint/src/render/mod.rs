//! Output for people: the terminal's annotated snippets and GitHub's
//! workflow commands. The machine formats (JSON, SARIF, compact) are
//! [`claimlint_core::render`]'s.

pub mod github;
pub mod human;
