//! `/actors/{id}`: one actor, its relations, the force figures about it (each credited), the
//! claims it made and the incidents it took part in.

use maud::{Markup, html};

use super::claim_page::actor_link;
use super::force_chart::{amount, credit, metric_title};
use super::incident_page::place;
use super::record_page::{self, RecordView, related};
use super::records::ActorView;
use super::{claims, dates};
use crate::domain::Incident;
use crate::domain::attribution::Context;
use crate::locale::Locale;

impl RecordView for ActorView {
    const KIND: &'static str = "Actor";

    fn title(&self, _: &Context) -> String {
        self.actor.name.clone()
    }

    fn description(&self) -> String {
        self.actor.description.clone()
    }

    fn content(&self, ctx: &Context, locale: &Locale) -> Markup {
        actor(self, ctx, locale)
    }
}

/// The actor's part in an incident, as the incident names it: "target", "claimed
/// responsibility" (a part is never taken for another).
fn roles(incident: &Incident, actor: &str) -> String {
    incident
        .actors
        .iter()
        .filter(|a| a.actor.as_str() == actor)
        .map(|a| a.role.as_str().replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The actor itself and what refers to it.
fn actor(view: &ActorView, ctx: &Context, locale: &Locale) -> Markup {
    let actor = &view.actor;
    let id = actor.id.as_str();
    html! {
        p class="lede" { (actor.description) }
        dl class="facts" {
            dt { "Kind" }
            dd { (actor.kind.as_str().replace('_', " ")) }
            @if !actor.aliases.is_empty() {
                dt { "Also called" }
                dd { (actor.aliases.join(", ")) }
            }
            @if let Some(country) = &actor.country {
                dt { "Country" }
                dd { (country.as_str()) }
            }
            @if let Some(founded) = &actor.founded {
                dt { "Founded" }
                dd { (dates::period(founded, locale)) }
            }
        }
        @if !actor.places.is_empty() {
            section aria-labelledby="places" {
                h2 id="places" { "Places" }
                ul class="places" {
                    @for p in &actor.places {
                        li { (p.tie.as_str()) ": " (place(&p.location, ctx)) }
                    }
                }
            }
        }
        @if !actor.relations.is_empty() {
            section aria-labelledby="relations" {
                h2 id="relations" { "Relations" }
                ul {
                    @for r in &actor.relations {
                        li {
                            (r.kind.as_str().replace('_', " ")) " with " (actor_link(ctx, r.actor.as_str()))
                            @if let Some(since) = &r.since { ", since " (dates::period(since, locale)) }
                            @if let Some(until) = &r.until { ", until " (dates::period(until, locale)) }
                            @if let Some(state) = &r.state { " (" (state.as_str()) ")" }
                            @if let Some(note) = &r.note { ". " (note) }
                            (record_page::basis(r, ctx))
                        }
                    }
                }
            }
        }
        (related("figures", "Force figures, each as its publisher stated it", view.figures.items.is_empty(), html! {
            ul class="figures" {
                @for f in &view.figures.items {
                    li data-qualifier=(f.qualifier.as_str()) {
                        strong { (metric_title(f.metric)) ": " (amount(f, locale)) } ", " (credit(f, ctx, locale)) "."
                        @if let Some(sentence) = &f.attribution { br; span class="attribution" { (sentence) } }
                        (record_page::basis(f, ctx))
                    }
                }
            }
        }, view.figures.more, &format!("/v1/force-figures?actor={id}")))
        (related("claims", "Claims it made", view.claims.items.is_empty(),
            claims::list(&view.claims.items, ctx, locale),
            view.claims.more, &format!("/v1/claims?claimant={id}")))
        (related("incidents", "Incidents it is named in", view.incidents.items.is_empty(), html! {
            ul {
                @for i in &view.incidents.items {
                    li {
                        a href=(format!("/incidents/{}", i.id)) { (i.title) }
                        ", " (dates::of_record(&i.date, i.date_basis, locale))
                        " (" (roles(i, id)) ")"
                    }
                }
            }
        }, view.incidents.more, &format!("/v1/incidents?actor={id}")))
        (record_page::grounds(actor, actor.sources.ids(), ctx, locale))
    }
}
