//! `/actors/{id}`: one actor, its relations, the force figures about it (each credited), the
//! claims it made and the incidents it took part in.

use maud::{Markup, html};

use super::claim_page::actor_link;
use super::force_chart::{amount, credit, metric_title};
use super::record_page::{self, Shell};
use super::records::{ActorView, RELATED_LIMIT, RecordPage};
use super::{claims, dates};
use crate::domain::attribution::Context;
use crate::locale::Locale;

/// The actor's page.
pub fn page(record: &RecordPage<ActorView>, locale: &Locale) -> Markup {
    let title = record
        .record
        .as_ref()
        .map_or_else(|| format!("Actor {}", record.id), |v| v.actor.name.clone());
    let description = record
        .record
        .as_ref()
        .map(|v| v.actor.description.clone())
        .unwrap_or_default();
    let main = match &record.record {
        Some(view) => actor(view, &record.context, locale),
        None => html! {},
    };
    record_page::page(
        record,
        Shell {
            title: &title,
            kind: "Actor",
            description: &description,
            json_ld: None,
        },
        locale,
        main,
    )
}

/// "The newest 100 are listed" when a list is cut at its bound.
fn bounded(more: bool, api: &str) -> Markup {
    html! {
        @if more {
            p { "The newest " (RELATED_LIMIT) " are listed; " a href=(api) { "the API has them all" } "." }
        }
    }
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
        (record_page::basis(actor, ctx))
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
        @if !view.figures.items.is_empty() {
            section aria-labelledby="figures" {
                h2 id="figures" { "Force figures" }
                p { "Each as its publisher stated it." }
                ul class="figures" {
                    @for f in &view.figures.items {
                        li data-qualifier=(f.qualifier.as_str()) {
                            strong { (metric_title(f.metric)) ": " (amount(f, locale)) } ", " (credit(f, ctx, locale))
                        }
                    }
                }
                (bounded(view.figures.more, &format!("/v1/force-figures?actor={id}")))
            }
        }
        section aria-labelledby="claims" {
            h2 id="claims" { "Claims it made" }
            @if view.claims.items.is_empty() {
                p { "None in the dataset." }
            } @else {
                (claims::list(&view.claims.items, ctx, locale))
                (bounded(view.claims.more, &format!("/v1/claims?claimant={id}")))
            }
        }
        section aria-labelledby="incidents" {
            h2 id="incidents" { "Incidents it took part in" }
            @if view.incidents.items.is_empty() {
                p { "None in the dataset." }
            } @else {
                ul {
                    @for i in &view.incidents.items {
                        li {
                            a href=(format!("/incidents/{}", i.id)) { (i.title) }
                            ", " (dates::period(&i.date, locale))
                        }
                    }
                }
                (bounded(view.incidents.more, &format!("/v1/incidents?actor={id}")))
            }
        }
        section aria-labelledby="basis" {
            h2 id="basis" { "Sources" }
            (record_page::sources(actor.sources.ids(), ctx, locale))
        }
    }
}
