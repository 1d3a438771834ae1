//! Pages for people and embeds for newsrooms: server-rendered HTML and SVG drawn from the
//! same reads the API serves (no second data path), with nothing loaded from elsewhere (no
//! CDN, fonts, tiles or scripts of others).
//!
//! Rendering is pure (data in, markup out); [`data`] gathers what a page shows.

pub mod actor_page;
pub mod claim_page;
pub mod claims;
pub mod data;
pub mod dates;
pub mod embed;
pub mod force_chart;
pub mod home;
pub mod incident_page;
pub mod layout;
pub mod map;
pub mod record_page;
pub mod records;
pub mod theme;
pub mod timeline;

use std::collections::HashMap;

use crate::domain::attribution::Context;
use crate::domain::{Claim, DatasetInfo, ForceComparison, Incident, PartialDate};

/// How a page writes the addresses it gives machines (its JSON-LD and canonical link):
/// absolute under `DURAND_PUBLIC_URL` when that is set, else relative to the page (never
/// built from a client's `Host`, which the response cache does not key on).
#[derive(Debug, Clone, Default)]
pub struct Addresses(pub Option<crate::config::PublicUrl>);

impl Addresses {
    /// The address of `path` (which starts with `/`).
    pub fn of(&self, path: &str) -> String {
        match &self.0 {
            Some(base) => base.join(path),
            None => path.to_owned(),
        }
    }
}

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

/// The first records of a collection a page shows, and whether there are more: a page's size
/// stays bounded whatever the dataset holds.
pub struct Listed<T> {
    pub items: Vec<T>,
    pub more: bool,
}

/// What `/` shows.
pub struct Overview {
    /// The dataset's description, and the dates its incidents and claims cover.
    pub info: DatasetInfo,
    pub coverage: Option<Coverage>,
    /// The compared actors' forces, every metric.
    pub comparison: ForceComparison,
    /// Names and sources for the figures' credits and the claims.
    pub context: Context,
    /// The newest claims (at most [`data::CLAIMS_LIMIT`]), attributed.
    pub claims: Listed<Claim>,
    /// The newest incidents and whose claims place them.
    pub map: MapData,
    /// The actors by name (at most [`data::ACTORS_LIMIT`]), each linked to its page.
    pub actors: Listed<crate::domain::Actor>,
    /// The timeline's earliest, latest and newest entries (at most
    /// [`data::TIMELINE_LIMIT`]).
    pub timeline: timeline::Timeline,
}

/// What the map draws: the newest incidents (at most [`data::MAP_LIMIT`]), and who made
/// each claim that places one (`according_to`: claim id → claimant).
pub struct MapData {
    pub incidents: Listed<Incident>,
    pub placed_by: HashMap<String, String>,
}
