//! Incidents as a GeoJSON FeatureCollection (RFC 7946): one Point feature per located place.

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

/// One place of one incident. Incidents without a known place have no feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentFeature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[schema(example = "Feature")]
    pub kind: &'static str,
    /// `<incident id>#<place index>`.
    pub id: String,
    pub geometry: Point,
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
    pub country: String,
    /// How exactly the point places the event (`province`: a representative point of it).
    pub precision: GeoPrecision,
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
                    geometry: Point {
                        kind: "Point",
                        coordinates: [l.lon, l.lat],
                    },
                    properties: IncidentFeatureProperties {
                        incident: i.id.clone(),
                        title: i.title.clone(),
                        kind: i.kind,
                        date: i.date.clone(),
                        place: l.name.clone(),
                        admin1: l.admin1.clone(),
                        country: l.country.as_str().to_owned(),
                        precision: l.precision,
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
