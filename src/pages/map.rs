//! Incidents on a map drawn without a tile server: the region's country outlines (vendored
//! from Natural Earth by `scripts/map`, in `region.json`) and a mark for each place that has
//! a point, sized by what the point stands for. Places without a point are listed, not drawn.

use std::sync::LazyLock;

use maud::{Markup, html};
use serde::Deserialize;

use super::theme::Theme;
use crate::domain::{GeoPrecision, Incident, Location};

/// The outlines and the projection they were drawn in.
#[derive(Deserialize)]
struct Region {
    source: String,
    /// West, south, east, north, in degrees.
    bbox: [f64; 4],
    /// The parallel the equirectangular projection is true along.
    parallel: f64,
    width: f64,
    height: f64,
    countries: Vec<Country>,
}

#[derive(Deserialize)]
struct Country {
    name: String,
    /// SVG path data in the projected coordinates.
    d: String,
}

static REGION: LazyLock<Region> = LazyLock::new(|| {
    serde_json::from_str(include_str!("region.json")).expect("region.json is the vendored map")
});

/// The countries drawn a shade darker: the two the dataset is about.
const SUBJECTS: &[&str] = &["Afghanistan", "Pakistan"];

impl Region {
    /// Where `(lon, lat)` falls on the drawing, if inside it.
    fn project(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let [west, south, east, north] = self.bbox;
        if !(west..=east).contains(&lon) || !(south..=north).contains(&lat) {
            return None;
        }
        let scale = self.width / ((east - west) * self.parallel.to_radians().cos());
        Some((
            (lon - west) * self.parallel.to_radians().cos() * scale,
            (north - lat) * scale,
        ))
    }
}

/// The radius of a place's mark: a site is a dot, an area's representative point a ring as
/// wide as the area roughly is, so that nobody reads a province's centre as the spot.
fn radius(precision: GeoPrecision) -> f64 {
    match precision {
        GeoPrecision::Exact => 4.0,
        GeoPrecision::Locality => 6.0,
        GeoPrecision::District => 10.0,
        GeoPrecision::Province => 18.0,
        _ => 34.0,
    }
}

/// A place of an incident, with the incident it belongs to.
pub struct Place<'a> {
    pub incident: &'a Incident,
    pub location: &'a Location,
}

/// Every place of `incidents`: those with a point, and those without.
pub fn places(incidents: &[Incident]) -> (Vec<Place<'_>>, Vec<Place<'_>>) {
    incidents
        .iter()
        .flat_map(|incident| {
            incident
                .locations
                .iter()
                .map(move |location| Place { incident, location })
        })
        .partition(|p| p.location.point().is_some())
}

/// The map of `incidents`, and beside it the list of their places that have no point.
pub fn map(incidents: &[Incident], theme: Theme) -> Markup {
    let region = &*REGION;
    let colours = theme.colours();
    let (with_point, without) = places(incidents);
    html! {
        div class="map" {
            figure {
                svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="map-title map-desc"
                    viewBox=(format!("0 0 {} {}", region.width, region.height)) width="100%"
                    style="max-width:640px;height:auto" {
                    title id="map-title" { "Incidents with a point, on a map of Pakistan, Afghanistan and their neighbours" }
                    desc id="map-desc" {
                        (with_point.len()) " places drawn; a ring's size says what its point stands for: a site, or a representative point of a town, district, province or country."
                    }
                    rect width="100%" height="100%" fill="#eaf2f8" {}
                    @for country in &region.countries {
                        path d=(country.d) class="country"
                            fill=(if SUBJECTS.contains(&country.name.as_str()) { "#efe6cf" } else { "#f7f7f2" })
                            stroke="#8a8f98" stroke-width="0.8" stroke-linejoin="round" {
                            title { (country.name) }
                        }
                    }
                    @for place in &with_point {
                        @if let Some((x, y)) = place.location.point().and_then(|(lon, lat)| region.project(lon, lat)) {
                            g class="place" data-incident=(place.incident.id.as_str())
                                data-precision=(place.location.precision.as_str()) {
                                title {
                                    (place.incident.title) ": " (place.location.name) " (" (place.location.represents()) ")"
                                }
                                @if place.location.precision != GeoPrecision::Exact {
                                    circle cx=(round(x)) cy=(round(y)) r=(radius(place.location.precision))
                                        fill=(colours.bar) fill-opacity="0.12" stroke=(colours.bar)
                                        stroke-width="1.2" stroke-dasharray="3 2" {}
                                }
                                circle cx=(round(x)) cy=(round(y)) r="3" fill=(colours.bar) {}
                            }
                        }
                    }
                }
                figcaption {
                    "A dot is a place's point; a dashed ring around it, the area the point stands for (the event may have been anywhere in it). "
                    "Outlines: " (region.source) ". Boundaries are drawn as Natural Earth draws them and imply no position on disputed territory."
                }
            }
            div class="unplaced" {
                h3 { "Not on the map" }
                @if without.is_empty() {
                    p { "Every place has a point." }
                } @else {
                    p { "The source names these places without anything that can be located, so they have no point:" }
                    ul {
                        @for place in &without {
                            li data-incident=(place.incident.id.as_str()) {
                                (place.location.name) " — " (place.incident.title)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A coordinate to a tenth of a unit.
fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_outlines_hold_both_subject_countries_and_project_kabul_inside() {
        let region = &*REGION;
        for name in SUBJECTS {
            assert!(region.countries.iter().any(|c| c.name == *name), "{name}");
        }
        let (x, y) = region
            .project(69.2075, 34.5553)
            .expect("Kabul is in the region");
        assert!((0.0..region.width).contains(&x) && (0.0..region.height).contains(&y));
        assert_eq!(region.project(0.0, 0.0), None);
    }
}
