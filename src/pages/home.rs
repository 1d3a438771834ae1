//! `/`: the dataset at a glance, for the editor deciding whether to use it.

use maud::{Markup, html};
use serde_json::json;

use super::force_chart;
use super::layout::{self, Head};
use super::theme::Theme;
use super::{Addresses, Overview, claims, data, dates, embed, map, timeline};
use crate::locale::Locale;

/// Downloads offered on the page: label, address, media type (for JSON-LD).
const DOWNLOADS: &[(&str, &str, &str)] = &[
    ("Incidents (CSV)", "/v1/incidents?format=csv", "text/csv"),
    ("Claims (CSV)", "/v1/claims?format=csv", "text/csv"),
    (
        "Force figures (CSV)",
        "/v1/force-figures?format=csv",
        "text/csv",
    ),
    (
        "Incidents (GeoJSON)",
        "/v1/incidents?format=geojson",
        "application/geo+json",
    ),
    (
        "The whole dataset (NDJSON)",
        "/v1/export",
        "application/x-ndjson",
    ),
    (
        "The API's description (OpenAPI 3.1)",
        "/v1/openapi.json",
        "application/json",
    ),
];

/// The width the page's charts are drawn at: about the width they are shown at, so their
/// text stays readable.
const PAGE_CHART_WIDTH: u32 = 440;

/// The width the page's timeline is drawn at (it spans the page's column).
const PAGE_TIMELINE_WIDTH: u32 = 720;

/// The page.
pub fn page(overview: &Overview, locale: &Locale, addresses: &Addresses) -> Markup {
    let meta = &overview.info.meta;
    let main = html! {
        h1 { (meta.title) }
        @if meta.synthetic {
            p class="warning" role="note" {
                strong { "Synthetic data." }
                " These records were made up by durand generate for load tests: they are not real events and must never be cited."
            }
        }
        p class="lede" { (meta.description) }
        dl class="facts" {
            dt { "Version" }
            dd { (overview.info.version) " (release " (meta.release) "), changed " (locale.day(overview.info.changed_at.date_naive())) }
            dt { "Records" }
            dd {
                (locale.number(overview.info.counts.actors)) " actors, "
                (locale.number(overview.info.counts.claims)) " claims, "
                (locale.number(overview.info.counts.incidents)) " incidents, "
                (locale.number(overview.info.counts.force_figures)) " force figures, "
                (locale.number(overview.info.counts.sources)) " sources"
            }
            @if let Some(coverage) = &overview.coverage {
                dt { "Incidents and claims dated" }
                dd {
                    (dates::side_in_words(dates::start(&coverage.earliest), locale))
                    " – " (dates::side_in_words(dates::end(&coverage.latest), locale))
                }
            }
            dt { "Licence" }
            dd { a href=(meta.licence_url) rel="license" { (meta.licence) } }
        }

        section aria-labelledby="forces" {
            h2 id="forces" { "Force strength" }
            p {
                "Pakistan and the Afghan Taliban, metric by metric. Each bar is one figure as its publisher stated it, with its qualifier drawn: "
                "two publishers' numbers are two bars, never one."
            }
            @if overview.comparison.metrics.is_empty() {
                p { "The dataset holds no force figure for these actors." }
            }
            (force_chart::legend(&overview.comparison.metrics))
            div class="charts" {
                @for (i, metric) in overview.comparison.metrics.iter().enumerate() {
                    figure id=(format!("metric-{}", metric.metric.as_str())) {
                        (force_chart::chart(metric, &overview.context, locale, Theme::Light, PAGE_CHART_WIDTH, &[], &format!("chart-{i}")))
                        figcaption {
                            ul {
                                @for figure in metric.actors.iter().flat_map(|a| &a.figures) {
                                    @if let Some(sentence) = &figure.attribution {
                                        li class="attribution" { (sentence) }
                                    }
                                }
                                @for claim in &metric.stated {
                                    @if let Some(sentence) = &claim.attribution {
                                        li class="stated" { (sentence) }
                                    }
                                }
                            }
                            (embed::snippet(&data::COMPARED, metric.metric, &format!("snippet-{i}")))
                        }
                    }
                }
            }
        }

        section aria-labelledby="when" {
            h2 id="when" { "When" }
            p {
                "Incidents, dated when they happened, and claims, dated when they were made, each as precisely as it is known: "
                "a day is a tick; a month, a year or a range is a bar over every day the date may mean; a date known by one end only fades out towards the other; a date with a bound Durand estimated is paler, and its label says so. "
                "Each links to its record. " (overview.timeline.shown(locale)) " "
                a href="/v1/timeline" { "The whole timeline is in the API" } "."
            }
            figure id="when-timeline" {
                (timeline::chart(&overview.timeline, locale, Theme::Light, PAGE_TIMELINE_WIDTH, &[], "timeline", false))
                figcaption {
                    (embed::iframe_snippet(embed::TIMELINE_ADDRESS, embed::TIMELINE_TITLE, embed::timeline_height(&overview.timeline, locale, overview.info.version), "snippet-timeline"))
                }
            }
        }

        section aria-labelledby="claims" {
            h2 id="claims" { "Claims" }
            p {
                "Every statement here is somebody's claim, never a fact. Open one for its figures as stated, its status, the claims that contradict it (linked both ways) and a sentence to print. "
                @if overview.claims.more { "The newest " (locale.number(data::CLAIMS_LIMIT)) " are listed; " } @else { "All are listed; " }
                a href="/v1/claims" { "the API has them all" } "."
            }
            (claims::list(&overview.claims.items, &overview.context, locale))
        }

        section aria-labelledby="actors" {
            h2 id="actors" { "Who" }
            p {
                "The parties, the sources speaking in their own voice, and the people the sources do not name, each with its page: its figures, its claims, its incidents. "
                @if overview.actors.more { "The first " (locale.number(data::ACTORS_LIMIT)) " by name are listed; " a href="/v1/actors" { "the API has them all" } "." }
            }
            ul class="actors" {
                @for actor in &overview.actors.items {
                    li { a href=(format!("/actors/{}", actor.id)) { (actor.name) } " (" (actor.kind.as_str().replace('_', " ")) ")" }
                }
            }
        }

        section aria-labelledby="places" {
            h2 id="places" { "Where" }
            p {
                "The places of the " @if overview.map.incidents.more { "newest " (locale.number(data::MAP_LIMIT)) " " }
                "incidents, each as precisely as the source or a party's claim places it. "
                a href="/v1/incidents?format=geojson" { "All of them as GeoJSON" } "."
            }
            (map::map(&overview.map.incidents.items, &overview.map.placed_by, &overview.context, Theme::Light))
        }

        section aria-labelledby="downloads" {
            h2 id="downloads" { "Downloads and the API" }
            ul {
                @for (label, href, _) in DOWNLOADS {
                    li { a href=(href) { (label) } }
                }
                li { a href="/docs/" { "API documentation" } " (try every endpoint in the browser)" }
            }
        }

        section aria-labelledby="cite" {
            h2 id="cite" { "How to cite" }
            blockquote id="citation" { (meta.citation) }
            p { "Licence: " a href=(meta.licence_url) rel="license" { (meta.licence) } "." }
        }
    };
    layout::page(
        locale,
        Head {
            title: &meta.title,
            description: &meta.description,
            json_ld: Some(layout::json_ld(&dataset_json_ld(overview, addresses))),
            canonical: Some(addresses.of("/")),
        },
        main,
    )
}

/// schema.org `Dataset` for the page (Google Dataset Search reads it), its addresses written
/// by `addresses` (absolute only under a configured public address).
pub fn dataset_json_ld(overview: &Overview, addresses: &Addresses) -> serde_json::Value {
    let meta = &overview.info.meta;
    let distribution: Vec<_> = DOWNLOADS
        .iter()
        .map(|(label, href, media_type)| {
            json!({
                "@type": "DataDownload",
                "name": label,
                "encodingFormat": media_type,
                "contentUrl": addresses.of(href),
            })
        })
        .collect();
    let mut dataset = json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": meta.title,
        "description": meta.description,
        "url": addresses.of("/"),
        "license": meta.licence_url,
        "citation": meta.citation,
        "isAccessibleForFree": true,
        "version": overview.info.version.to_string(),
        "dateModified": overview.info.changed_at.to_rfc3339(),
        "creator": {"@type": "Organization", "name": "Durand"},
        "keywords": ["Pakistan", "Afghanistan", "armed conflict", "Tehreek-e-Taliban Pakistan", "Afghan Taliban", "force strength"],
        "spatialCoverage": {
            "@type": "Place",
            "name": "Pakistan and Afghanistan",
            "geo": {"@type": "GeoShape", "box": "23.0 59.5 39.0 78.5"},
        },
        "distribution": distribution,
    });
    if let Some(coverage) = &overview.coverage {
        dataset["temporalCoverage"] = json!(coverage.interval());
    }
    dataset
}
