//! What is wrong with a record: each problem at the field it concerns, as a JSON Pointer, so a
//! write's 422 and `durand validate` name the same place (`/figures/2/value`).

use std::fmt;

/// One broken rule of a record: where in it (a JSON Pointer, empty for the record as a whole)
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

impl Problem {
    /// A problem at `pointer` (`/figures/0/value`; `""` for the whole record).
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// The same problem seen from a containing object: `/value` inside `/figures/2` is
    /// `/figures/2/value`.
    pub fn within(mut self, prefix: &str) -> Self {
        self.pointer.insert_str(0, prefix);
        self
    }
}

/// Prefixes every problem's pointer with `prefix`.
pub fn within(problems: Vec<Problem>, prefix: &str) -> Vec<Problem> {
    problems.into_iter().map(|p| p.within(prefix)).collect()
}

/// Every item's problems, each seen from the list at `field` that holds it: `/value` of the
/// third of `/figures` is `/figures/2/value`.
pub fn each<T>(field: &str, items: &[T], problems: impl Fn(&T) -> Vec<Problem>) -> Vec<Problem> {
    items
        .iter()
        .enumerate()
        .flat_map(|(i, item)| within(problems(item), &format!("{field}/{i}")))
        .collect()
}

/// Problems for required text that says nothing (empty, or only white space), each at its
/// field: `[("name", &actor.name)]`. The schemas state the same rule (`minLength: 1` and a
/// pattern asking for one character that is not white space).
pub fn blank(fields: &[(&str, &str)]) -> Vec<Problem> {
    fields
        .iter()
        .filter(|(_, text)| text.trim().is_empty())
        .map(|(name, _)| Problem::at(format!("/{name}"), format!("`{name}` is blank")))
        .collect()
}

/// A serde-style path (`figures[0].value`; `.` or empty for the root) as a JSON Pointer
/// (`/figures/0/value`).
pub fn pointer_of(path: &str) -> String {
    path.replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}
