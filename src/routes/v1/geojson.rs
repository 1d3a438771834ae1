//! Incidents as a GeoJSON FeatureCollection (RFC 7946): one feature per place an incident
//! names. A place with a point (a named site, town, district, province or country; the point
//! stands for what `precision` says) is a Point; a place without one ("along the border", a
//! region) has `geometry: null`, as RFC 7946 §3.2 allows for unlocated features, so maps plot
//! only what the source places.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{
    ClaimId, GeoPrecision, Incident, IncidentActor, IncidentId, IncidentKind, PartialDate,
};

/// A GeoJSON FeatureCollection of incident places.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentFeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    #[schema(example = "FeatureCollection")]
    pub kind: &'static str,
    pub features: Vec<IncidentFeature>,
}

/// One place of one incident. Incidents that name no place have no feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentFeature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[schema(example = "Feature")]
    pub kind: &'static str,
    /// `<incident id>#<place index>`.
    pub id: String,
    /// The point, or null where the source names no place that has one (precision `border`
    /// or `region`).
    pub geometry: Option<Point>,
    pub properties: IncidentFeatureProperties,
}

/// A GeoJSON Point.
#[derive(Debug, Serialize, ToSchema)]
pub struct Point {
    /// Always `Point`.
    #[serde(rename = "type")]
    #[schema(example = "Point")]
    pub kind: &'static str,
    /// `[longitude, latitude]` in WGS 84, as GeoJSON orders them.
    pub coordinates: [f64; 2],
}

/// What a feature says about its incident and place.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentFeatureProperties {
    pub incident: IncidentId,
    pub title: String,
    pub kind: IncidentKind,
    pub date: PartialDate,
    pub place: String,
    pub admin1: Option<String>,
    /// Null for a place along a border between countries.
    pub country: Option<String>,
    /// How exactly the source places the event (`province`: somewhere in the province).
    pub precision: GeoPrecision,
    /// What the point stands for ("a representative point of the named province"), or why
    /// there is none.
    pub represents: &'static str,
    /// The claim whose words place the event here, when only one party's claim does.
    pub according_to: Option<ClaimId>,
    pub actors: Vec<IncidentActor>,
    pub claims: Vec<ClaimId>,
    /// The incident's API address.
    pub url: String,
}

/// The FeatureCollection for `incidents`.
pub fn feature_collection(incidents: &[Incident]) -> IncidentFeatureCollection {
    let features = incidents
        .iter()
        .flat_map(|i| {
            i.locations
                .iter()
                .enumerate()
                .map(move |(n, l)| IncidentFeature {
                    kind: "Feature",
                    id: format!("{}#{n}", i.id),
                    geometry: l.point().map(|(lon, lat)| Point {
                        kind: "Point",
                        coordinates: [lon, lat],
                    }),
                    properties: IncidentFeatureProperties {
                        incident: i.id.clone(),
                        title: i.title.clone(),
                        kind: i.kind,
                        date: i.date.clone(),
                        place: l.name.clone(),
                        admin1: l.admin1.clone(),
                        country: l.country.as_ref().map(|c| c.as_str().to_owned()),
                        precision: l.precision,
                        represents: l.represents(),
                        according_to: l.according_to.clone(),
                        actors: i.actors.clone(),
                        claims: i.claims.clone(),
                        url: format!("/v1/incidents/{}", i.id),
                    },
                })
        })
        .collect();
    IncidentFeatureCollection {
        kind: "FeatureCollection",
        features,
    }
}
