//! Ready-to-print attribution sentences, generated from the data (never stored).
//!
//! A newsroom must cite every number it prints: who said it, when, whether it was verified,
//! and where it was published. These sentences say exactly that, in a fixed form.

use std::collections::HashMap;

use super::{
    ActorKind, Claim, ClaimStatus, DatePrecision, ForceFigure, PartialDate, Source, SourceId,
};

/// What attribution needs to know beyond the record: names of actors, the sources, and who
/// made the claims that contradict a claim.
#[derive(Debug, Default)]
pub struct Context {
    /// Actor id → (name, kind).
    pub actors: HashMap<String, (String, ActorKind)>,
    /// Source id → source.
    pub sources: HashMap<String, Source>,
    /// Claim id → claimant actor id (for the claims in `contradicted_by`).
    pub claimants: HashMap<String, String>,
}

/// "27 February 2026", "February 2026", "2025", or "21 February 2026 to 27 February 2026".
fn date_text(d: &PartialDate) -> String {
    match d.precision() {
        DatePrecision::Day => d.start().format("%-d %B %Y").to_string(),
        DatePrecision::Month => d.start().format("%B %Y").to_string(),
        DatePrecision::Year => d.start().format("%Y").to_string(),
        DatePrecision::Range => format!(
            "{} to {}",
            d.start().format("%-d %B %Y"),
            d.end().format("%-d %B %Y")
        ),
    }
}

/// "on 27 February 2026", "in February 2026", "between 21 and 27 February 2026".
fn when(d: &PartialDate) -> String {
    match d.precision() {
        DatePrecision::Day => format!("on {}", date_text(d)),
        DatePrecision::Month | DatePrecision::Year => format!("in {}", date_text(d)),
        DatePrecision::Range => format!(
            "between {} and {}",
            d.start().format("%-d %B %Y"),
            d.end().format("%-d %B %Y")
        ),
    }
}

impl Context {
    /// "Pakistan", "the Afghan Taliban", "Reuters": states and media take no article.
    fn actor(&self, id: &str) -> String {
        match self.actors.get(id) {
            Some((name, ActorKind::State | ActorKind::Media)) => name.clone(),
            Some((name, _)) => format!("the {name}"),
            None => id.to_owned(),
        }
    }

    /// "“Pakistan-Afghanistan war” (27 February 2026)", or the publisher, "as cited in" its carrier.
    fn source(&self, id: &SourceId) -> String {
        // Follows the `cited_in` chain, stopping at a source already named: a cycle (which
        // writes refuse, but a sentence must never loop on) ends the chain.
        let mut parts: Vec<String> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let mut next = Some(id.as_str());
        while let Some(current) = next.filter(|c| !seen.contains(c)) {
            seen.push(current);
            let Some(s) = self.sources.get(current) else {
                parts.push(current.to_owned());
                break;
            };
            let name = match &s.publisher {
                Some(publisher) => publisher.clone(),
                None => format!("“{}”", s.title),
            };
            parts.push(match &s.published {
                Some(d) => format!("{name} ({})", date_text(d)),
                None => name,
            });
            next = s.cited_in.as_ref().map(|via| via.as_str());
        }
        parts.join(", as cited in ")
    }

    /// The record's sources, skipping those already named as the carrier of another.
    fn sources(&self, ids: &[SourceId]) -> String {
        let carriers: Vec<&SourceId> = ids
            .iter()
            .filter_map(|id| {
                self.sources
                    .get(id.as_str())
                    .and_then(|s| s.cited_in.as_ref())
            })
            .collect();
        ids.iter()
            .filter(|id| !carriers.contains(id))
            .map(|id| self.source(id))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn list(&self, ids: &[String]) -> String {
        let mut names: Vec<String> = ids.iter().map(|id| self.actor(id)).collect();
        names.dedup();
        match names.len() {
            0 => "another party".to_owned(),
            1 => names.remove(0),
            _ => {
                let last = names.pop().unwrap_or_default();
                format!("{} and {last}", names.join(", "))
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// "Pakistan said on 27 February 2026, through Mosharraf Zaidi (...); not independently
/// verified. Source: “Pakistan-Afghanistan war” (27 February 2026)."
pub fn for_claim(c: &Claim, ctx: &Context) -> String {
    let via = match &c.spokesperson {
        Some(s) => match &s.name {
            Some(name) => format!(", through {name} ({})", s.role),
            None => format!(", through its {}", s.role.to_lowercase()),
        },
        None => String::new(),
    };
    let others: Vec<String> = c
        .contradicted_by
        .iter()
        .filter_map(|o| ctx.claimants.get(o.as_str()).cloned())
        .collect();
    let status = match c.status {
        ClaimStatus::Unverified => "not independently verified".to_owned(),
        ClaimStatus::Disputed => format!("disputed by {}", ctx.list(&others)),
        ClaimStatus::Denied => format!("denied by {}", ctx.list(&others)),
        ClaimStatus::Confirmed => "independently confirmed".to_owned(),
        ClaimStatus::Retracted => "since retracted".to_owned(),
    };
    format!(
        "{} said {}{via}; {status}. Source: {}.",
        capitalise(&ctx.actor(c.claimant.as_str())),
        when(&c.made_at),
        ctx.sources(c.sources.ids()),
    )
}

/// "More than 600,000 active personnel, according to the International Institute for
/// Strategic Studies, for 2025. Source: ... (2025), as cited in ...."
pub fn for_force_figure(f: &ForceFigure, ctx: &Context) -> String {
    let amount = f
        .text
        .clone()
        .or_else(|| f.value.map(|v| v.to_string()))
        .unwrap_or_default();
    format!(
        "{} ({}), according to {}, for {}. Source: {}.",
        capitalise(&amount),
        ctx.actor(f.actor.as_str()),
        ctx.actor(f.claimant.as_str()),
        date_text(&f.as_of),
        ctx.sources(f.sources.ids()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: &str, title: &str, cited_in: Option<&str>) -> (String, Source) {
        let source: Source = serde_json::from_value(serde_json::json!({
            "id": id, "publisher": null, "title": title, "kind": "news_report",
            "published": null, "url": null, "cited_in": cited_in, "note": null
        }))
        .unwrap();
        (id.to_owned(), source)
    }

    #[test]
    fn a_cited_in_chain_is_followed_and_a_loop_ends_it() {
        let ctx = Context {
            actors: HashMap::new(),
            sources: [
                source("a", "A", Some("b")),
                source("b", "B", Some("a")),
                source("c", "C", Some("b")),
            ]
            .into_iter()
            .collect(),
            claimants: HashMap::new(),
        };
        let id = |s: &str| SourceId::parse(s).unwrap();
        assert_eq!(
            ctx.source(&id("c")),
            "“C”, as cited in “B”, as cited in “A”"
        );
        assert_eq!(ctx.source(&id("a")), "“A”, as cited in “B”");
        assert_eq!(ctx.source(&id("missing")), "missing");
    }
}
