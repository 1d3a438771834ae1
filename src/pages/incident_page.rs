//! `/incidents/{id}`: one incident, dated and placed as precisely as its sources (and no more),
//! with who took part in which role and the claims about it.

use maud::{Markup, html};

use super::claim_page::actor_link;
use super::force_chart::name;
use super::record_page::{self, RecordView, related};
use super::records::IncidentView;
use super::{claims, dates};
use crate::domain::Location;
use crate::domain::attribution::Context;
use crate::locale::Locale;

impl RecordView for IncidentView {
    const KIND: &'static str = "Incident";

    fn title(&self, _: &Context) -> String {
        self.incident.title.clone()
    }

    fn description(&self) -> String {
        self.incident.summary.clone()
    }

    fn content(&self, ctx: &Context, locale: &Locale) -> Markup {
        incident(self, ctx, locale)
    }
}

/// A place as precisely as the source gives it: its name, its divisions, what its point (if
/// any) stands for, and whose claim puts it there.
pub(super) fn place(location: &Location, ctx: &Context) -> Markup {
    let divisions: Vec<&str> = [&location.admin2, &location.admin1]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(location.country.as_ref().map(|c| c.as_str()))
        .collect();
    html! {
        strong { (location.name) }
        @if !divisions.is_empty() { " (" (divisions.join(", ")) ")" }
        ". Precision: " (location.precision.as_str()) "; "
        @match location.point() {
            Some((lon, lat)) => { "point " (lat) ", " (lon) ", " (location.represents()) "." }
            None => "no point: the source names no place to put one.",
        }
        @if let Some(claim) = &location.according_to {
            " "
            em {
                "Placed here by "
                a href=(format!("/claims/{claim}")) {
                    @match ctx.claimants.get(claim.as_str()) {
                        Some(claimant) => { (name(ctx, claimant)) "'s claim" },
                        None => "a claim",
                    }
                }
                " only."
            }
        }
        (record_page::basis(location, ctx))
    }
}

/// The incident itself.
fn incident(view: &IncidentView, ctx: &Context, locale: &Locale) -> Markup {
    let incident = &view.incident;
    html! {
        p class="lede" { (incident.summary) }
        dl class="facts" {
            dt { "When" }
            dd {
                (dates::of_record(&incident.date, incident.date_basis, locale))
                @if let Some(note) = &incident.date_note { br; small { (note) } }
            }
            dt { "Kind" }
            dd { (incident.kind.as_str().replace('_', " ")) }
            @if !incident.actors.is_empty() {
                dt { "Who" }
                dd {
                    ul {
                        @for a in &incident.actors {
                            li { (actor_link(ctx, a.actor.as_str())) ": " (a.role.as_str().replace('_', " ")) }
                        }
                    }
                }
            }
            dt { "Where" }
            dd {
                @if incident.locations.is_empty() {
                    "The sources name no place."
                } @else {
                    ul class="places" {
                        @for l in &incident.locations { li { (place(l, ctx)) } }
                    }
                }
            }
        }
        (related("claims", "Claims about it", view.claims.items.is_empty(),
            claims::list(&view.claims.items, ctx, locale),
            view.claims.more, &format!("/v1/claims?incident={}", incident.id)))
        (record_page::grounds(incident, incident.sources.ids(), ctx, locale))
    }
}
