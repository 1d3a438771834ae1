//! The dataset's types: what Durand stores, validates and serves.
//!
//! The same types read the dataset files, are written to Postgres and are served by the API,
//! so a record that cannot be constructed here can be neither imported nor served.

/// Declares a closed vocabulary serialised as snake_case strings, with `as_str`, `parse` and
/// `ALL`.
///
/// `$text` is a `tt`, not a `literal`: a `literal` fragment reaches derive macros wrapped in an
/// invisible group, which utoipa's `#[serde(rename)]` parsing skips, so the spec listed the
/// Rust variant names (`MoreThan`) instead of the served values (`more_than`).
macro_rules! string_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt,)* }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The value as written in JSON, CSV and the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value written `text`, if there is one.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// For columns read with sqlx's `try_from = "String"`.
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(text: String) -> Result<Self, String> {
                Self::parse(&text)
                    .ok_or_else(|| format!("`{text}` is not a {}", stringify!($name)))
            }
        }
    };
}

pub(crate) use string_enum;

pub mod actor;
pub mod as_of;
pub mod attribution;
pub mod audit;
pub mod changes;
pub mod claim;
pub mod country;
pub mod counts;
pub mod dataset;
pub mod dataset_info;
pub mod evidence;
pub mod figure;
pub mod force_comparison;
pub mod force_figure;
pub mod history;
pub mod ids;
pub mod incident;
pub mod partial_date;
pub mod problem;
pub mod record;
pub mod resource;
pub mod search;
pub mod sort;
pub mod source;
pub mod sources;
pub mod timeline;

pub use actor::{Actor, ActorKind, ActorPlace, PlaceTie, Relation, RelationKind, RelationState};
pub use as_of::AsOf;
pub use changes::{FeedChange, Operation, Revision};
pub use claim::{Claim, ClaimKind, ClaimStatus, Spokesperson};
pub use country::CountryCode;
pub use counts::Counts;
pub use dataset::{Dataset, DatasetMeta, IntegrityError};
pub use dataset_info::DatasetInfo;
pub use evidence::{DateBasis, Evidence, Evidenced};
pub use figure::{Figure, Qualifier};
pub use force_comparison::{ActorFigures, ForceComparison, MetricComparison, Ratio};
pub use force_figure::{ForceFigure, ForceMetric};
pub use history::{Change, Tombstone};
pub use ids::{ActorId, ClaimId, ForceFigureId, IncidentId, SourceId};
pub use incident::{ActorRole, GeoPrecision, Incident, IncidentActor, IncidentKind, Location};
pub use partial_date::{DatePrecision, PartialDate};
pub use problem::Problem;
pub use record::{Record, Reference};
pub use resource::Resource;
pub use search::SearchHitType;
pub use sort::{ActorSort, ClaimSort, ForceFigureSort, IncidentSort, SourceSort};
pub use source::{Source, SourceKind};
pub use sources::Sources;
pub use timeline::TimelineEntryType;
