//! `/claims/{id}`: one claim for a reader, as somebody's claim (never a fact), with its
//! schema.org `Claim` (author = the claimant, appearance = its sources).

use maud::{Markup, html};
use serde_json::{Value, json};

use super::claims::{stated, status_words};
use super::force_chart::name;
use super::record_page::{self, RecordView};
use super::records::{ClaimView, RecordPage};
use super::{Addresses, dates};
use crate::domain::attribution::Context;
use crate::domain::claim::claim_title;
use crate::domain::evidence::DateBasis;
use crate::domain::{ActorKind, Claim, SourceKind};
use crate::locale::Locale;

/// A link to an actor's page, named.
pub fn actor_link(ctx: &Context, id: &str) -> Markup {
    html! { a href=(format!("/actors/{id}")) { (name(ctx, id)) } }
}

impl RecordView for ClaimView {
    const KIND: &'static str = "Claim";

    fn title(&self, ctx: &Context) -> String {
        claim_title(
            Some(name(ctx, self.claim.claimant.as_str())),
            &self.claim.statement,
        )
    }

    fn description(&self) -> String {
        self.claim.attribution.clone().unwrap_or_default()
    }

    fn json_ld(&self, page: &RecordPage<Self>, addresses: &Addresses) -> Option<Value> {
        Some(json_ld(page, &self.claim, addresses))
    }

    fn content(&self, ctx: &Context, locale: &Locale) -> Markup {
        claim(self, ctx, locale)
    }
}

/// The claim itself.
fn claim(view: &ClaimView, ctx: &Context, locale: &Locale) -> Markup {
    let claim = &view.claim;
    html! {
        p {
            span class=(format!("status status-{}", claim.status.as_str())) data-status=(claim.status.as_str()) { (status_words(claim.status)) }
            " A claim by " (actor_link(ctx, claim.claimant.as_str())) ", not a fact."
        }
        @if let Some(sentence) = &claim.attribution {
            p class="attribution" {
                span id="attribution" { (sentence) }
                " "
                button type="button" data-copy="attribution" { "Copy" }
            }
        }
        dl class="facts" {
            dt { "Claimed by" }
            dd {
                (actor_link(ctx, claim.claimant.as_str()))
                @if let Some(s) = &claim.spokesperson {
                    ", through " @if let Some(n) = &s.name { (n) ", " } (s.role)
                }
                @if let Some(relay) = &claim.relayed_by {
                    "; relayed by " (actor_link(ctx, relay.as_str()))
                }
            }
            dt { "Made" }
            dd {
                (dates::of_record(&claim.made_at, claim.made_at_basis, locale))
                @if let Some(note) = &claim.made_at_note { br; small { (note) } }
            }
            dt { "Kind" }
            dd { (claim.kind.as_str().replace('_', " ")) }
            @if !claim.about.is_empty() {
                dt { "About" }
                dd { @for (i, a) in claim.about.iter().enumerate() { @if i > 0 { ", " } (actor_link(ctx, a.as_str())) } }
            }
            @if let Some((id, title)) = &view.incident {
                dt { "Incident" }
                dd { a href=(format!("/incidents/{id}")) { (title) } }
            }
            (stated(claim, locale, Some(ctx)))
            dt { "Status" }
            dd {
                (status_words(claim.status))
                @if let Some(note) = &claim.status_note { ": " (note) }
            }
            @if !claim.contradicted_by.is_empty() {
                dt { "Contradicted by" }
                dd {
                    ul class="contradictions" {
                        @for other in &claim.contradicted_by {
                            @let who = ctx.claimants.get(other.as_str()).map(|c| name(ctx, c));
                            li {
                                a href=(format!("/claims/{other}")) data-contradiction=(other.as_str()) {
                                    @match view.contradicting.get(other.as_str()) {
                                        Some(statement) => (claim_title(who, statement)),
                                        None => { "claim " (other) },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (record_page::grounds(claim, claim.sources.ids(), ctx, locale))
    }
}

/// An actor as a schema.org node: a state as a government, a de facto government as an
/// organisation said to be one (schema.org has no word for it), any other as an organisation
/// (every actor is a body of people, never one person).
fn actor_node(ctx: &Context, id: &str, addresses: &Addresses) -> Value {
    let mut node = json!({
        "@type": "Organization",
        "name": name(ctx, id),
        "url": addresses.of(&format!("/actors/{id}")),
    });
    match ctx.kind(id) {
        Some(ActorKind::State) => node["@type"] = json!("GovernmentOrganization"),
        Some(ActorKind::DeFactoGovernment) => node["description"] = json!("de facto government"),
        _ => {}
    }
    node
}

/// Who made the claim, as schema.org's `author`: the claimant; for a claim in a source's own
/// voice, the source's publisher (else the source, by its title), since the source is the one
/// claiming.
fn author(claim: &Claim, ctx: &Context, addresses: &Addresses) -> Value {
    let claimant = claim.claimant.as_str();
    if ctx.kind(claimant) != Some(ActorKind::SourceVoice) {
        return actor_node(ctx, claimant, addresses);
    }
    let source = claim
        .sources
        .ids()
        .first()
        .and_then(|id| ctx.sources.get(id.as_str()));
    let name = source.map_or_else(
        || name(ctx, claimant).to_owned(),
        |s| s.publisher.clone().unwrap_or_else(|| s.title.clone()),
    );
    json!({
        "@type": "Organization",
        "name": name,
        "description": "the source, in its own voice",
    })
}

/// A date schema.org reads as a `Date`: one day, month or year (ISO 8601's reduced
/// precision), not a range or an open side.
fn schema_date(date: &crate::domain::PartialDate) -> Option<&str> {
    (!date.value().contains('/')).then_some(date.value())
}

/// The schema.org `Claim`: the claimant as author, its sources as its appearances, when it was
/// made (only when the source dates it to one day, month or year: a range or an estimate is no
/// `datePublished`).
pub fn json_ld(record: &RecordPage<ClaimView>, claim: &Claim, addresses: &Addresses) -> Value {
    let ctx = &record.context;
    let appearance: Vec<Value> = claim
        .sources
        .ids()
        .iter()
        .filter_map(|id| ctx.sources.get(id.as_str()))
        .map(|source| {
            let kind = match source.kind {
                SourceKind::NewsReport | SourceKind::Wire => "NewsArticle",
                SourceKind::ThinkTank => "Report",
                SourceKind::Dataset => "Dataset",
                SourceKind::OfficialStatement => "CreativeWork",
            };
            let mut node = json!({"@type": kind, "name": source.title});
            if let Some(url) = &source.url {
                node["url"] = json!(url);
            }
            if let Some(publisher) = &source.publisher {
                node["publisher"] = json!({"@type": "Organization", "name": publisher});
            }
            if let Some(date) = source.published.as_ref().and_then(schema_date) {
                node["datePublished"] = json!(date);
            }
            node
        })
        .collect();
    let mut node = json!({
        "@context": "https://schema.org",
        "@type": "Claim",
        "url": addresses.of(&format!("/claims/{}", claim.id)),
        "text": claim.statement,
        "author": author(claim, ctx, addresses),
        "appearance": appearance,
        "isPartOf": {"@type": "Dataset", "name": record.dataset.title, "url": addresses.of("/")},
    });
    if !claim.about.is_empty() {
        let about: Vec<Value> = claim
            .about
            .iter()
            .map(|a| actor_node(ctx, a.as_str(), addresses))
            .collect();
        node["about"] = json!(about);
    }
    // A date Durand estimated is no date the claim was published on.
    let estimated = claim.made_at_basis == Some(DateBasis::Estimated);
    if let Some(date) = schema_date(&claim.made_at).filter(|_| !estimated) {
        node["datePublished"] = json!(date);
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PartialDate;

    #[test]
    fn only_a_single_date_is_a_schema_org_date() {
        let date = |s: &str| PartialDate::parse(s).unwrap();
        assert_eq!(schema_date(&date("2026-02-27")), Some("2026-02-27"));
        assert_eq!(schema_date(&date("2025")), Some("2025"));
        assert_eq!(schema_date(&date("../2026-02-27")), None);
        assert_eq!(schema_date(&date("2026-01/2026-02")), None);
    }
}
