//! Record ids: stable, human-readable kebab-case slugs that never change once published.

use std::fmt;

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a valid id: ids are 1–100 characters of lowercase letters, digits and single hyphens, e.g. `afghan-taliban`"
)]
pub struct InvalidId(pub String);

/// What ids look like, as a regular expression for the spec.
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// The longest id, in characters (ids are ASCII).
pub const MAX_ID_LEN: usize = 100;

/// True when `s` is a kebab-case slug: `[a-z0-9]+(-[a-z0-9]+)*`, at most 100 characters.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

macro_rules! id_type {
    ($(#[doc = $doc:literal])* $name:ident, $example:literal) => {
        $(#[doc = $doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        // By hand rather than derived: the derive cannot say `maxLength` for a newtype.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: Vec<&str> = [$($doc),*].iter().map(|l| l.trim()).collect();
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(doc.join("\n")))
                    .pattern(Some(SLUG_PATTERN))
                    .min_length(Some(1))
                    .max_length(Some(MAX_ID_LEN))
                    .examples([$example])
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Parses a slug, rejecting anything that is not lowercase kebab-case.
            pub fn parse(s: impl Into<String>) -> Result<Self, InvalidId> {
                let s = s.into();
                if is_slug(&s) { Ok(Self(s)) } else { Err(InvalidId(s)) }
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// Id of an actor, e.g. `ttp`.
    ActorId, "afghan-taliban"
);
id_type!(
    /// Id of a source, e.g. `iiss-2025`.
    SourceId, "iiss-2025"
);
id_type!(
    /// Id of a claim.
    ClaimId, "pakistan-claims-133-taliban-killed"
);
id_type!(
    /// Id of an incident.
    IncidentId, "pakistan-strikes-taliban-positions-2026-02-27"
);
id_type!(
    /// Id of a force-strength figure.
    ForceFigureId, "pakistan-active-personnel-2025"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_kebab_case() {
        assert!(is_slug("ttp"));
        assert!(is_slug("afghan-taliban"));
        assert!(is_slug("iiss-2025"));
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "Ttp",
            "a b",
            "a_b",
            "é",
            &"a".repeat(101),
        ] {
            assert!(!is_slug(bad), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn ids_deserialize_only_from_slugs() {
        assert!(serde_json::from_str::<ActorId>("\"ttp\"").is_ok());
        let err = serde_json::from_str::<ActorId>("\"TTP\"").unwrap_err();
        assert!(err.to_string().contains("not a valid id"));
    }
}
