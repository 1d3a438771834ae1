//! What every record's page has: its heading and where it is in the dataset, the version shown
//! (with a selector of the versions that changed it), the sources' words behind it and what
//! Durand inferred, and its history.

use maud::{Markup, html};
use serde_json::Value;

use super::Addresses;
use super::layout::{self, Head};
use super::records::{HISTORY_LIMIT, RELATED_LIMIT, RecordPage};
use crate::domain::attribution::Context;
use crate::domain::evidence::Evidenced;
use crate::domain::{Operation, Resource, Revision, SourceId};
use crate::locale::Locale;

/// The page's address, at `as_of` when given.
pub fn address(resource: Resource, id: &str, as_of: Option<i64>) -> String {
    match as_of {
        Some(v) => format!("/{resource}/{id}?as_of={v}"),
        None => format!("/{resource}/{id}"),
    }
}

/// A record as its page shows it.
pub trait RecordView: Sized {
    /// What kind of record, in words ("Claim").
    const KIND: &'static str;
    /// The page's title and heading.
    fn title(&self, ctx: &Context) -> String;
    /// The page's description, for its `<meta>`.
    fn description(&self) -> String;
    /// The page's schema.org JSON-LD, if it has any.
    fn json_ld(&self, _page: &RecordPage<Self>, _addresses: &Addresses) -> Option<Value> {
        None
    }
    /// What the page shows of the record, between its heading and its history.
    fn content(&self, ctx: &Context, locale: &Locale) -> Markup;
}

/// A record's page: its content between the heading (with the version shown and the
/// record's address in the API) and the history; a deleted record's page says when and why.
pub fn page<T: RecordView>(
    record: &RecordPage<T>,
    locale: &Locale,
    addresses: &Addresses,
) -> Markup {
    let ctx = &record.context;
    let title = record.record.as_ref().map_or_else(
        || format!("{} {}", T::KIND, record.id),
        |view| view.title(ctx),
    );
    let description = record
        .record
        .as_ref()
        .map(RecordView::description)
        .unwrap_or_default();
    let json_ld = record
        .record
        .as_ref()
        .and_then(|view| view.json_ld(record, addresses));
    let main = record
        .record
        .as_ref()
        .map(|view| view.content(ctx, locale))
        .unwrap_or_default();
    let api = match record.as_of {
        Some(v) => format!("/v1/{}/{}?as_of={v}", record.resource, record.id),
        None => format!("/v1/{}/{}", record.resource, record.id),
    };
    let body = html! {
        nav aria-label="Breadcrumb" class="crumbs" {
            a href="/" { (record.dataset.title) } " › " (T::KIND) " " code { (record.id) }
        }
        h1 { (title) }
        @if let Some(v) = record.as_of {
            p class="warning" role="note" {
                "As it was at dataset version " (v) ". "
                a href=(address(record.resource, &record.id, None)) { "The latest version" } "."
            }
        }
        @if let Some(deleted) = record.deletion() {
            p class="warning" role="note" {
                strong { "Deleted" } " in dataset version " (deleted.version) " (" (when(deleted, locale)) ")"
                @if let Some(reason) = &deleted.reason { ": " (reason) }
                ". Its earlier versions remain readable below."
            }
        } @else {
            (main)
            p class="api" {
                "This record in the API: " a href=(api) type="application/json" { code { (api) } }
            }
        }
        (history(record, locale))
        p class="cite" {
            "From " a href="/" { (record.dataset.title) } ", version " (record.version) ". "
            a href=(record.dataset.licence_url) rel="license" { (record.dataset.licence) } "."
        }
    };
    layout::page(
        locale,
        Head {
            title: &format!("{title} — {}", record.dataset.title),
            description: &description,
            json_ld: json_ld.as_ref().map(layout::json_ld),
            canonical: Some(addresses.of(&address(record.resource, &record.id, record.as_of))),
        },
        body,
    )
}

/// A section listing records related to the one shown (the newest, at most
/// [`RELATED_LIMIT`]): `list`, or that there are none; with `more`, a link to all of them in
/// the API.
pub fn related(
    anchor: &str,
    heading: &str,
    empty: bool,
    list: Markup,
    more: bool,
    api: &str,
) -> Markup {
    html! {
        section aria-labelledby=(anchor) {
            h2 id=(anchor) { (heading) }
            @if empty {
                p { "None in the dataset." }
            } @else {
                (list)
                @if more {
                    p { "The newest " (RELATED_LIMIT) " are listed; " a href=(api) { "the API has them all" } "." }
                }
            }
        }
    }
}

/// When a revision was made, in the reader's words: "27 February 2026, 14:05 UTC".
fn when(revision: &Revision, locale: &Locale) -> String {
    format!(
        "{}, {} UTC",
        locale.day(revision.at.date_naive()),
        revision.at.format("%H:%M")
    )
}

/// What a revision did, in words.
fn did(operation: Operation) -> &'static str {
    match operation {
        Operation::Create => "created",
        Operation::Update => "changed",
        Operation::Delete => "deleted",
    }
}

/// The top-level fields a revision changed (all of them for a create or a delete).
pub fn changed_fields(revision: &Revision) -> Vec<String> {
    let fields = |v: Option<&Value>| v.and_then(Value::as_object).cloned().unwrap_or_default();
    let (before, after) = (
        fields(revision.before.as_ref()),
        fields(revision.after.as_ref()),
    );
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .chain(before.keys().filter(|k| !after.contains_key(*k)).cloned())
        .collect();
    changed.sort();
    changed
}

/// The history: the versions that changed the record (newest first, up to the one shown), each
/// a link to the page as it was then, and a form to pick one (it works without script).
fn history<T>(record: &RecordPage<T>, locale: &Locale) -> Markup {
    let listed = record
        .as_of
        .is_none_or(|v| record.history.items.iter().any(|r| r.version == v));
    let all = format!("/v1/{}/{}/revisions", record.resource, record.id);
    html! {
        section aria-labelledby="history" {
            h2 id="history" { "History" }
            form method="get" action=(address(record.resource, &record.id, None)) class="as-of" {
                label for="as-of" { "Show this record as it was at" }
                " "
                select id="as-of" name="as_of" {
                    option value="" selected[record.as_of.is_none()] { "the latest version" }
                    @if !listed {
                        @if let Some(v) = record.as_of {
                            option value=(v) selected { "version " (v) }
                        }
                    }
                    @for r in &record.history.items {
                        @if r.operation != Operation::Delete {
                            option value=(r.version) selected[record.as_of == Some(r.version)] {
                                "version " (r.version) " (" (did(r.operation)) " " (locale.day(r.at.date_naive())) ")"
                            }
                        }
                    }
                }
                " "
                button type="submit" { "Show" }
            }
            table class="history" {
                caption {
                    @if record.history.more {
                        "The newest " (HISTORY_LIMIT) " changes; "
                    } @else {
                        "Every change"
                        @if let Some(v) = record.as_of { " up to version " (v) }
                        "; "
                    }
                    a href=(all) { "all of them in the API" } "."
                }
                thead { tr { th scope="col" { "Version" } th scope="col" { "When" } th scope="col" { "By" } th scope="col" { "What" } th scope="col" { "Why" } } }
                tbody {
                    @for r in &record.history.items {
                        tr data-version=(r.version) {
                            td {
                                @if r.operation == Operation::Delete {
                                    (r.version)
                                } @else {
                                    a href=(address(record.resource, &record.id, Some(r.version))) { (r.version) }
                                }
                            }
                            td { (when(r, locale)) }
                            td { (r.author) }
                            td {
                                (did(r.operation))
                                @if r.operation == Operation::Update {
                                    @let fields = changed_fields(r);
                                    @if !fields.is_empty() {
                                        ": " @for (i, f) in fields.iter().enumerate() { @if i > 0 { ", " } code { (f) } }
                                    }
                                }
                            }
                            td { (r.reason.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

/// The closing section of a record's content: the sources' own words behind the record and
/// what Durand inferred, then its sources.
pub fn grounds(
    item: &dyn Evidenced,
    sources: &[SourceId],
    ctx: &Context,
    locale: &Locale,
) -> Markup {
    html! {
        section aria-labelledby="basis" {
            h2 id="basis" { "In the sources' words" }
            (basis(item, ctx))
            h3 class="basis" { "Sources" }
            (self::sources(sources, ctx, locale))
        }
    }
}

/// The sources of a record, each with its title, publisher and date, linked where it has an
/// address.
pub fn sources(ids: &[SourceId], ctx: &Context, locale: &Locale) -> Markup {
    html! {
        ul class="sources" {
            @for id in ids {
                li id=(format!("source-{id}")) {
                    @match ctx.sources.get(id.as_str()) {
                        Some(source) => {
                            @match &source.url {
                                Some(url) => a href=(url) rel="external noopener" { (source.title) },
                                None => (source.title),
                            }
                            @if let Some(publisher) = &source.publisher { ", " (publisher) }
                            @if let Some(published) = &source.published { ", " (super::dates::period(published, locale)) }
                            @if let Some(carrier) = source.cited_in.as_ref().and_then(|c| ctx.sources.get(c.as_str())) {
                                " (as cited in " (carrier.title) ")"
                            }
                        }
                        None => code { (id) },
                    }
                }
            }
        }
    }
}

/// The sources' own words behind `item` (marked as quotes, with the field each supports) and
/// what Durand inferred beyond them; nothing when there is neither.
pub fn basis(item: &dyn Evidenced, ctx: &Context) -> Markup {
    html! {
        @if !item.evidence().is_empty() {
            ul class="evidence" {
                @for e in item.evidence() {
                    li {
                        q { (e.span) }
                        " — "
                        (ctx.sources.get(e.source.as_str()).map_or(e.source.as_str(), |s| s.title.as_str()))
                        @if let Some(field) = &e.supports { " (supports " code { (field) } ")" }
                    }
                }
            }
        }
        @if let Some(inference) = item.inference() {
            p class="inference" { strong { "Inferred by Durand: " } (inference) }
        }
    }
}
