//! What changed between two versions of the answers, for the history and the instructor.

use serde::{Deserialize, Serialize};

use super::schema::{Answers, Value};

/// One changed answer: before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The answers that differ between two versions, in key order.
pub fn diff(before: &Answers, after: &Answers) -> Vec<Change> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| Change {
            key: k.clone(),
            before: before.get(k).cloned(),
            after: after.get(k).cloned(),
        })
        .collect()
}

/// Several successive diffs folded into one: each key's first "before" and last "after",
/// keys that came back to where they were dropped.
pub fn compose(diffs: &[Vec<Change>]) -> Vec<Change> {
    let mut folded: Vec<Change> = Vec::new();
    for change in diffs.iter().flatten() {
        match folded.iter_mut().find(|c| c.key == change.key) {
            Some(existing) => existing.after = change.after.clone(),
            None => folded.push(change.clone()),
        }
    }
    folded.retain(|c| c.before != c.after);
    folded.sort_by(|a, b| a.key.cmp(&b.key));
    folded
}
