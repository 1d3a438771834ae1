//! The claims as a reader meets them: who claims what, the figures as qualified, the status,
//! the claims that contradict each one (linked both ways), and the sentence to print.

use maud::{Markup, html};

use super::dates;
use super::force_chart::{self, qualifier_words};
use crate::domain::attribution::Context;
use crate::domain::claim::claim_title;
use crate::domain::{Claim, ClaimStatus, Figure};
use crate::locale::Locale;

/// A figure of a claim as stated: the source's words when it gave them ("more than 200
/// wounded"), else the qualified number and what it counts.
fn figure(figure: &Figure, locale: &Locale) -> String {
    match (&figure.text, figure.value) {
        (Some(text), _) => text.clone(),
        (None, Some(v)) => format!(
            "{}{} {}",
            qualifier_words(figure.qualifier),
            locale.number(v),
            figure.metric.replace('_', " ")
        ),
        (None, None) => figure.metric.replace('_', " "),
    }
}

/// The claim's quote and its figures as stated, as entries of a `<dl>`; with `basis`, each
/// figure with the sources' words behind it.
pub(super) fn stated(claim: &Claim, locale: &Locale, basis: Option<&Context>) -> Markup {
    html! {
        @if let Some(quote) = &claim.quote {
            dt { "In their words" }
            dd { q { (quote) } }
        }
        @if !claim.figures.is_empty() {
            dt { "Figures, as stated" }
            dd {
                ul {
                    @for f in &claim.figures {
                        li data-qualifier=(f.qualifier.as_str()) {
                            (figure(f, locale)) " (" (f.subject) ")"
                            @if let Some(ctx) = basis { (super::record_page::basis(f, ctx)) }
                        }
                    }
                }
            }
        }
    }
}

/// Words a status badge says.
pub(super) fn status_words(status: ClaimStatus) -> &'static str {
    match status {
        ClaimStatus::Unverified => "unverified",
        ClaimStatus::Disputed => "disputed",
        ClaimStatus::Confirmed => "confirmed",
        ClaimStatus::Denied => "denied",
        ClaimStatus::Retracted => "retracted",
    }
}

/// The anchor of a claim on the page.
fn anchor(id: &str) -> String {
    format!("claim-{id}")
}

/// The claims, each a disclosure: its summary says who claims what and its status; opened, it
/// shows the figures, the quote, the claims contradicting it and the attribution sentence.
pub fn list(claims: &[Claim], ctx: &Context, locale: &Locale) -> Markup {
    let shown = |id: &str| claims.iter().any(|c| c.id.as_str() == id);
    html! {
        ol class="claims" {
            @for claim in claims {
                @let claimant = force_chart::name(ctx, claim.claimant.as_str());
                li {
                    details id=(anchor(claim.id.as_str())) class="claim" data-status=(claim.status.as_str()) {
                        summary {
                            span class=(format!("status status-{}", claim.status.as_str())) { (status_words(claim.status)) }
                            " "
                            strong { (claimant) }
                            ": " (claim.statement)
                        }
                        dl class="facts" {
                            dt { "Made" }
                            dd { (dates::of_record(&claim.made_at, claim.made_at_basis, locale)) }
                            (stated(claim, locale, None))
                            @if let Some(note) = &claim.status_note {
                                dt { "Status" }
                                dd { (note) }
                            }
                            @if !claim.contradicted_by.is_empty() {
                                dt { "Contradicted by" }
                                dd {
                                    ul class="contradictions" {
                                        @for other in &claim.contradicted_by {
                                            @let who = ctx.claimants.get(other.as_str()).map(|a| force_chart::name(ctx, a));
                                            li {
                                                @if shown(other.as_str()) {
                                                    a href=(format!("#{}", anchor(other.as_str()))) data-contradiction=(other.as_str()) {
                                                        (claim_title(who, &title_of(claims, other.as_str())))
                                                    }
                                                } @else {
                                                    a href=(format!("/claims/{}", other.as_str())) data-contradiction=(other.as_str()) {
                                                        (who.unwrap_or(other.as_str())) " (claim " (other.as_str()) ")"
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @if let Some(sentence) = &claim.attribution {
                            @let id = format!("attribution-{}", claim.id.as_str());
                            p class="attribution" {
                                span id=(id) { (sentence) }
                                " "
                                button type="button" data-copy=(id) { "Copy" }
                            }
                        }
                        p { a href=(format!("/claims/{}", claim.id.as_str())) { "The claim's page: its sources' words and its history" } }
                    }
                }
            }
        }
    }
}

/// The statement of the listed claim `id` (empty when it is not listed).
fn title_of(claims: &[Claim], id: &str) -> String {
    claims
        .iter()
        .find(|c| c.id.as_str() == id)
        .map(|c| c.statement.clone())
        .unwrap_or_default()
}
