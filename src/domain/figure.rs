//! Figures: a number with its meaning, exactly as qualified by whoever stated it.

use super::evidence::evidenced;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Problem;

string_enum! {
    /// How a stated number is qualified. "More than 200" is `more_than` 200, never 201.
    pub enum Qualifier {
        /// The number as stated, with no qualifier ("133", "a total of 133").
        Exact = "exact",
        /// "At least N".
        AtLeast = "at_least",
        /// "More than N".
        MoreThan = "more_than",
        /// "Fewer than N" / "less than N".
        LessThan = "less_than",
        /// "About N", "around N".
        Approximately = "approximately",
        /// "Up to N".
        UpTo = "up_to",
        /// No number was given ("dozens", "multiple", "nuclear-armed"): `value` is null and
        /// `text` says what was said.
        Unquantified = "unquantified",
    }
}

evidenced! {
    /// A number stated in a claim or a force figure, with what it counts and how it was qualified.
    ///
    /// A figure has no claimant or sources of its own: it only exists inside a claim or a force
    /// figure, which carry both.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[schema(example = json!({"metric": "wounded", "value": 200, "qualifier": "more_than", "unit": "people", "subject": "Afghan Taliban members", "text": "more than 200 wounded", "note": null}))]
    pub struct Figure {
        /// What is counted, in snake_case: `killed`, `wounded`, `posts_destroyed`, ...
        #[schema(pattern = "^[a-z][a-z0-9_]*$")]
        pub metric: String,
        /// The number as stated; null when the source gave none (`qualifier` is then `unquantified`).
        #[schema(minimum = 0)]
        pub value: Option<i64>,
        pub qualifier: Qualifier,
        /// The unit counted: `people`, `posts`, `vehicles`, ...
        pub unit: Option<String>,
        /// Who or what the number is about, in words: "Pakistani soldiers".
        #[schema(min_length = 1, pattern = r"\S")]
        pub subject: String,
        /// The amount as the source put it ("more than 200", "dozens"); required when `value` is null.
        pub text: Option<String>,
        pub note: Option<String>,
    }
    /// The source's words behind the number and its qualifier.
    evidence;
    /// What Durand inferred beyond those words (what is counted, the qualifier), and why.
    inference;
}

/// Checks that a metric name is snake_case.
pub(crate) fn is_metric_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks that a value and its qualifier agree: a number unless `unquantified`, and then text.
pub(crate) fn amount_problems(
    value: Option<i64>,
    qualifier: Qualifier,
    text: Option<&str>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    match (value, qualifier) {
        (Some(_), Qualifier::Unquantified) => problems.push(Problem::at(
            "/value",
            "an `unquantified` figure must have a null `value`",
        )),
        (None, q) if q != Qualifier::Unquantified => problems.push(Problem::at(
            "/value",
            format!(
                "a figure qualified `{q}` needs a `value`; use `unquantified` with `text` when no number was given"
            ),
        )),
        (None, _) if text.is_none_or(str::is_empty) => problems.push(Problem::at(
            "/text",
            "an `unquantified` figure needs `text` saying what the source said",
        )),
        (Some(v), _) if v < 0 => {
            problems.push(Problem::at("/value", format!("`value` {v} is negative")))
        }
        _ => {}
    }
    problems
}

impl Figure {
    /// What is wrong with this figure, if anything.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = amount_problems(self.value, self.qualifier, self.text.as_deref());
        problems.extend(super::problem::blank(&[("subject", &self.subject)]));
        if !is_metric_name(&self.metric) {
            problems.push(Problem::at(
                "/metric",
                format!("metric `{}` is not snake_case", self.metric),
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(value: Option<i64>, qualifier: Qualifier, text: Option<&str>) -> Figure {
        Figure {
            metric: "killed".into(),
            value,
            qualifier,
            unit: None,
            subject: "soldiers".into(),
            text: text.map(Into::into),
            note: None,
            evidence: Vec::new(),
            inference: None,
        }
    }

    #[test]
    fn value_and_qualifier_must_agree() {
        assert!(
            figure(Some(200), Qualifier::MoreThan, None)
                .problems()
                .is_empty()
        );
        assert!(
            figure(None, Qualifier::Unquantified, Some("dozens"))
                .problems()
                .is_empty()
        );
        assert_eq!(
            figure(None, Qualifier::Unquantified, None).problems().len(),
            1
        );
        assert_eq!(figure(None, Qualifier::AtLeast, None).problems().len(), 1);
        assert_eq!(
            figure(Some(12), Qualifier::Unquantified, Some("dozens"))
                .problems()
                .len(),
            1
        );
    }
}
