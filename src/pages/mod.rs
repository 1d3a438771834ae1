//! Pages for people and embeds for newsrooms: server-rendered HTML and SVG drawn from the
//! same reads the API serves (no second data path), with nothing loaded from elsewhere (no
//! CDN, fonts, tiles or scripts of others).
//!
//! Rendering is pure (data in, markup out); [`data`] gathers what a page shows.

pub mod claims;
pub mod data;
pub mod dates;
pub mod embed;
pub mod force_chart;
pub mod home;
pub mod layout;
pub mod map;
pub mod theme;

use std::collections::HashMap;

use crate::domain::attribution::Context;
use crate::domain::{Claim, DatasetInfo, ForceComparison, Incident, PartialDate};

/// The dates of the dataset's earliest and latest dated records (open sides aside): the
/// period it covers runs from the start of the first to the end of the second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub earliest: PartialDate,
    pub latest: PartialDate,
}

impl Coverage {
    /// The period as an ISO 8601 interval, each side as precise as its record's date:
    /// `2012/2026-02-27`.
    pub fn interval(&self) -> String {
        format!(
            "{}/{}",
            dates::start(&self.earliest),
            dates::end(&self.latest)
        )
    }
}

/// What `/` shows.
pub struct Overview {
    pub info: DatasetInfo,
    /// The compared actors' forces, every metric.
    pub comparison: ForceComparison,
    /// Names and sources for the figures' credits.
    pub context: Context,
    pub coverage: Option<Coverage>,
    /// The newest claims (at most [`data::CLAIMS_LIMIT`]), attributed.
    pub claims: Vec<Claim>,
    /// Whether there are more claims than the page lists.
    pub more_claims: bool,
    /// The newest incidents (at most [`data::MAP_LIMIT`]), for the map.
    pub incidents: Vec<Incident>,
    /// Whether there are more incidents than the map shows.
    pub more_incidents: bool,
    /// Who made each claim that places an incident (`according_to`): claim id → claimant.
    pub placed_by: HashMap<String, String>,
}
