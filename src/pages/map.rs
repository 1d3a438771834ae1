//! Incidents on a map drawn without a tile server: the region's country outlines (vendored
//! from Natural Earth by `scripts/map`, in `region.json`) and a mark for each place that has
//! a point, sized by what the point stands for. Places without a point are listed, not drawn.

use std::sync::LazyLock;

use maud::{Markup, html};
use serde::Deserialize;

use std::collections::HashMap;

use super::force_chart;
use super::theme::Theme;
use crate::domain::attribution::Context;
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

impl Place<'_> {
    /// Who places the event here, when it is one party's claim: "according to Pakistan".
    fn according_to(&self, placed_by: &HashMap<String, String>, ctx: &Context) -> Option<String> {
        let claim = self.location.according_to.as_ref()?;
        Some(match placed_by.get(claim.as_str()) {
            Some(claimant) => format!("according to {}", force_chart::name(ctx, claimant)),
            None => format!("according to the claim {claim}"),
        })
    }
}

/// Every place of `incidents`, in three lists: those drawn, those whose point falls outside
/// the map's frame, and those without a point.
fn places(incidents: &[Incident]) -> [Vec<Place<'_>>; 3] {
    let mut lists = [Vec::new(), Vec::new(), Vec::new()];
    for incident in incidents {
        for location in &incident.locations {
            let list = match location.point() {
                Some((lon, lat)) if REGION.project(lon, lat).is_some() => 0,
                Some(_) => 1,
                None => 2,
            };
            lists[list].push(Place { incident, location });
        }
    }
    lists
}

/// The map of `incidents`, and beside it the places it does not draw: those outside its frame
/// and those without a point. `placed_by` and `ctx` name the party whose claim puts a place
/// there (`according_to`): such a place is drawn hollow, as that party's account.
pub fn map(
    incidents: &[Incident],
    placed_by: &HashMap<String, String>,
    ctx: &Context,
    theme: Theme,
) -> Markup {
    let region = &*REGION;
    let colours = theme.colours();
    let [drawn, outside, without] = places(incidents);
    html! {
        div class="map" {
            figure {
                svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="map-title map-desc"
                    viewBox=(format!("0 0 {} {}", region.width, region.height)) width="100%"
                    style="max-width:640px;height:auto" {
                    title id="map-title" { "Incidents with a point, on a map of Pakistan, Afghanistan and their neighbours" }
                    desc id="map-desc" {
                        (drawn.len()) " places drawn. A filled dot is a place the source gives; a hollow one, a place as one party's claim puts it. A dashed ring marks a point that stands for an area."
                    }
                    rect width="100%" height="100%" fill="#eaf2f8" {}
                    @for country in &region.countries {
                        path d=(country.d) class="country"
                            fill=(if SUBJECTS.contains(&country.name.as_str()) { "#efe6cf" } else { "#f7f7f2" })
                            stroke="#8a8f98" stroke-width="0.8" stroke-linejoin="round" {
                            title { (country.name) }
                        }
                    }
                    @for place in &drawn {
                        @if let Some((x, y)) = place.location.point().and_then(|(lon, lat)| region.project(lon, lat)) {
                            @let claimed = place.according_to(placed_by, ctx);
                            g class="place" data-incident=(place.incident.id.as_str())
                                data-precision=(place.location.precision.as_str())
                                data-claimed=(claimed.is_some()) {
                                title {
                                    (place.incident.title) ": " (place.location.name) " (" (place.location.represents()) ")"
                                    @if let Some(claimed) = &claimed { ", " (claimed) }
                                }
                                @if place.location.precision != GeoPrecision::Exact {
                                    circle cx=(round(x)) cy=(round(y)) r=(radius(place.location.precision))
                                        fill=(colours.bar) fill-opacity="0.12" stroke=(colours.bar)
                                        stroke-width="1.2" stroke-dasharray="3 2" {}
                                }
                                @if claimed.is_some() {
                                    circle cx=(round(x)) cy=(round(y)) r="3.5" fill="#ffffff"
                                        stroke=(colours.bar) stroke-width="2" {}
                                } @else {
                                    circle cx=(round(x)) cy=(round(y)) r="3" fill=(colours.bar) {}
                                }
                            }
                        }
                    }
                }
                figcaption {
                    "A filled dot is a place the source gives; a hollow dot, a place as one party's claim puts it (its tooltip names the party). "
                    "A dashed ring marks a point that stands for an area (the event may have been anywhere in it); the ring's size shows the kind of area (district, province, country), not its extent. "
                    "Outlines: " (region.source) ". Boundaries are drawn as Natural Earth draws them and imply no position on disputed territory."
                }
                details class="drawn" {
                    summary { "The places drawn, as a list" }
                    ul {
                        @for place in &drawn {
                            li {
                                (place.location.name) " (" (place.location.represents()) ")"
                                @if let Some(claimed) = place.according_to(placed_by, ctx) { ", " (claimed) }
                                " — " (incident_link(place.incident))
                            }
                        }
                    }
                }
            }
            div class="unplaced" {
                h3 { "Not on the map" }
                @if outside.is_empty() && without.is_empty() {
                    p { "Every place is drawn." }
                }
                @if !without.is_empty() {
                    p { "The source names these places without anything that can be located, so they have no point:" }
                    ul {
                        @for place in &without {
                            li data-incident=(place.incident.id.as_str()) {
                                (place.location.name) " — " (incident_link(place.incident))
                                @if let Some(claimed) = place.according_to(placed_by, ctx) { " (" (claimed) ")" }
                            }
                        }
                    }
                }
                @if !outside.is_empty() {
                    p { "These have a point outside the map's frame:" }
                    ul {
                        @for place in &outside {
                            li data-incident=(place.incident.id.as_str()) data-outside="true" {
                                (place.location.name) " — " (incident_link(place.incident))
                                @if let Some(claimed) = place.according_to(placed_by, ctx) { " (" (claimed) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A link to an incident's page, by its title.
fn incident_link(incident: &Incident) -> Markup {
    html! { a href=(format!("/incidents/{}", incident.id)) { (incident.title) } }
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
