//! ISO 3166-1 alpha-2 country codes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a string is not a country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. `PK`, `AF`)")]
pub struct InvalidCountry(pub String);

/// An ISO 3166-1 alpha-2 country code, such as `PK` or `AF`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "PK", pattern = "^[A-Z]{2}$")]
pub struct CountryCode(String);

impl CountryCode {
    /// Parses two capital ASCII letters. (Whether the code is assigned is not checked.)
    pub fn parse(s: &str) -> Result<Self, InvalidCountry> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidCountry(s.to_owned()))
        }
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = InvalidCountry;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0
    }
}
