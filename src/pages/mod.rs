//! Pages for people and embeds for newsrooms: server-rendered HTML and SVG drawn from the
//! same reads the API serves (no second data path), with nothing loaded from elsewhere (no
//! CDN, fonts, tiles or scripts of others).
//!
//! Rendering is pure (data in, markup out); [`data`] gathers what a page shows.

pub mod data;
pub mod dates;
pub mod embed;
pub mod force_chart;
pub mod home;
pub mod layout;
pub mod locale;
pub mod theme;

use chrono::NaiveDate;

use crate::domain::attribution::Context;
use crate::domain::{DatasetInfo, ForceComparison};

/// The first and last day the dataset's dated records may mean (open-ended dates aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

/// What `/` shows.
pub struct Overview {
    pub info: DatasetInfo,
    /// The compared actors' forces, every metric.
    pub comparison: ForceComparison,
    /// Names and sources for the figures' credits.
    pub context: Context,
    pub coverage: Option<Coverage>,
}
