//! Ready-to-print attribution sentences, generated from the data (never stored).
//!
//! A newsroom must cite every number it prints: who said it, when, whether it was verified,
//! and where it was published. These sentences say exactly that, in a fixed form.

use std::collections::HashMap;

use super::{
    ActorKind, Claim, ClaimKind, ClaimStatus, Dataset, DateBasis, DatePrecision, ForceFigure,
    PartialDate, Source, SourceId, Spokesperson,
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

/// One side of a date as written: "27 February 2026", "February 2026" or "2025".
fn period_text(text: &str) -> String {
    match PartialDate::parse(text) {
        Ok(d) => match d.precision() {
            DatePrecision::Day => d.start().format("%-d %B %Y").to_string(),
            DatePrecision::Month => d.start().format("%B %Y").to_string(),
            _ => d.start().format("%Y").to_string(),
        },
        Err(_) => text.to_owned(),
    }
}

/// The two sides of a range, each as precise as written: ("October 2025", "27 February
/// 2026"); `None` for an open side.
fn sides(d: &PartialDate) -> (Option<String>, Option<String>) {
    let side = |s: &str| (s != "..").then(|| period_text(s));
    match d.value().split_once('/') {
        Some((a, b)) => (side(a), side(b)),
        None => (Some(period_text(d.value())), Some(period_text(d.value()))),
    }
}

/// "on 27 February 2026", "in February 2026", "between 21 and 27 February 2026", "by 27
/// February 2026" (open start), "since 2022" (open end); "(date estimated by Durand)" after a
/// date whose bounds are Durand's, and "(date inferred from the source)" after a day the source
/// fixes without stating it (undated, but bounded on both sides by what it says).
fn when(d: &PartialDate, basis: Option<DateBasis>) -> String {
    let text = match (d.precision(), sides(d)) {
        (DatePrecision::Day, (Some(day), _)) => format!("on {day}"),
        (DatePrecision::Month | DatePrecision::Year, (Some(p), _)) => format!("in {p}"),
        (_, (None, Some(end))) => format!("by {end}"),
        (_, (Some(start), None)) => format!("since {start}"),
        (_, (Some(start), Some(end))) => format!("between {}", span(&start, &end)),
        (_, (None, None)) => "at a date not given".to_owned(),
    };
    match (basis, d.precision()) {
        (Some(DateBasis::Estimated), _) => format!("{text} (date estimated by Durand)"),
        (Some(DateBasis::Bounded), DatePrecision::Day) => {
            format!("{text} (date inferred from the source)")
        }
        _ => text,
    }
}

/// "21 and 27 February 2026", "21 February and 3 March 2026", "October 2025 and 27 February
/// 2026": the shared month and year said once.
fn span(start: &str, end: &str) -> String {
    let (s, e): (Vec<&str>, Vec<&str>) = (start.split(' ').collect(), end.split(' ').collect());
    match (s.as_slice(), e.as_slice()) {
        ([d1, m1, y1], [_, m2, y2]) if m1 == m2 && y1 == y2 => format!("{d1} and {end}"),
        ([d1, m1, y1], [_, _, y2]) if y1 == y2 => format!("{d1} {m1} and {end}"),
        _ => format!("{start} and {end}"),
    }
}

/// "for 2025", "as of 27 February 2026", "undated" (held by the source's date, from when is
/// not said), "from 2022 on".
fn period(d: &PartialDate, basis: Option<DateBasis>) -> String {
    let text = match (d.precision(), sides(d)) {
        (DatePrecision::Day, (Some(day), _)) => format!("as of {day}"),
        (DatePrecision::Month | DatePrecision::Year, (Some(p), _)) => format!("for {p}"),
        (_, (None, _)) => "undated".to_owned(),
        (_, (Some(start), None)) => format!("from {start} on"),
        (_, (Some(start), Some(end))) => format!("for {start} to {end}"),
    };
    match basis {
        Some(DateBasis::Estimated) => format!("{text} (date estimated by Durand)"),
        _ => text,
    }
}

impl Context {
    /// The context for a whole dataset (every actor, source and claim).
    pub fn from_dataset(dataset: &Dataset) -> Self {
        Self {
            actors: dataset
                .actors
                .iter()
                .map(|a| (a.id.to_string(), (a.name.clone(), a.kind)))
                .collect(),
            sources: dataset
                .sources
                .iter()
                .map(|s| (s.id.to_string(), s.clone()))
                .collect(),
            claimants: dataset
                .claims
                .iter()
                .map(|c| (c.id.to_string(), c.claimant.to_string()))
                .collect(),
        }
    }

    /// The kind of the actor `id`, when it is known.
    pub fn kind(&self, id: &str) -> Option<ActorKind> {
        self.actors.get(id).map(|(_, kind)| *kind)
    }

    /// "Pakistan", "the Afghan Taliban", "Reuters", "Tehreek-e-Taliban Pakistan", "Unnamed
    /// officials": states, media, armed groups (named by proper names) and unnamed voices take
    /// no article; governments, coalitions and institutes do.
    pub fn actor(&self, id: &str) -> String {
        match self.actors.get(id) {
            Some((
                name,
                ActorKind::State
                | ActorKind::Media
                | ActorKind::ArmedGroup
                | ActorKind::Unnamed
                | ActorKind::SourceVoice,
            )) => name.clone(),
            Some((name, _)) => format!("the {name}"),
            None => id.to_owned(),
        }
    }

    /// "“Pakistan-Afghanistan war” (27 February 2026)"; "International Institute for Strategic
    /// Studies, “2025 data”" (a date the title says is not repeated); each followed by "as
    /// cited in" its carrier.
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
                Some(publisher) => format!("{publisher}, “{}”", s.title),
                None => format!("“{}”", s.title),
            };
            // A date the title already says ("2025 data") is not said twice.
            parts.push(match s.published.as_ref().map(date_text) {
                Some(date) if !s.title.contains(&date) => format!("{name} ({date})"),
                _ => name,
            });
            next = s.cited_in.as_ref().map(|via| via.as_str());
        }
        parts.join(", as cited in ")
    }

    /// The record's sources, skipping those already named as the carrier of another.
    pub fn sources(&self, ids: &[SourceId]) -> String {
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

/// "27 February 2026", "February 2026", "2025", "October 2025 to 27 February 2026": a date as
/// precise as written (sources' publication dates).
fn date_text(d: &PartialDate) -> String {
    match sides(d) {
        (Some(a), Some(b)) if a == b => a,
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (None, Some(b)) => format!("by {b}"),
        (Some(a), None) => format!("from {a}"),
        (None, None) => String::new(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// "Pakistan said on 27 February 2026, through Mosharraf Zaidi, a spokesman for the prime
/// minister on foreign media; not independently verified. Source: “Pakistan-Afghanistan war”
/// (27 February 2026)." The source's own voice and unnamed voices are said to be exactly that.
pub fn for_claim(c: &Claim, ctx: &Context) -> String {
    let when = when(&c.made_at, c.made_at_basis);
    let via = match &c.spokesperson {
        Some(Spokesperson {
            name: Some(name),
            role,
        }) => format!(", through {name}, {role}"),
        Some(Spokesperson { name: None, role }) => {
            format!(", through {role} (not named in the source)")
        }
        None => String::new(),
    };
    let relay = c
        .relayed_by
        .as_ref()
        .map(|r| format!(", as cited by {}", ctx.actor(r.as_str())))
        .unwrap_or_default();
    let who = match (ctx.kind(c.claimant.as_str()), c.kind) {
        (Some(ActorKind::SourceVoice), ClaimKind::Assessment) => {
            format!("The source's own analysis, published {when}{via}{relay}")
        }
        (Some(ActorKind::SourceVoice), ClaimKind::Comparison) => {
            format!("The source's own comparison, published {when}{via}{relay}")
        }
        (Some(ActorKind::SourceVoice), _) => {
            format!(
                "Stated in the source's own voice, without naming who supplied it, {when}{via}{relay}"
            )
        }
        _ => {
            // "said this by 27 February 2026": with an object, "by" cannot read as the agent.
            let verb = match (c.kind, c.made_at.first_day()) {
                (ClaimKind::Responsibility, _) => "claimed responsibility",
                (ClaimKind::Trend, None) => "reported this",
                (ClaimKind::Trend, Some(_)) => "reported",
                (_, None) => "said this",
                (_, Some(_)) => "said",
            };
            format!(
                "{} {verb} {when}{via}{relay}",
                capitalise(&ctx.actor(c.claimant.as_str()))
            )
        }
    };
    let others: Vec<String> = c
        .contradicted_by
        .iter()
        .filter_map(|o| ctx.claimants.get(o.as_str()).cloned())
        .collect();
    let status = match c.status {
        ClaimStatus::Unverified if c.kind == ClaimKind::Assessment => {
            "an assessment, not a verifiable fact".to_owned()
        }
        ClaimStatus::Unverified if c.kind == ClaimKind::Characterisation => {
            "a characterisation, not a verifiable fact".to_owned()
        }
        ClaimStatus::Unverified => "not independently verified".to_owned(),
        ClaimStatus::Disputed => format!("disputed by {}", ctx.list(&others)),
        ClaimStatus::Denied => format!("denied by {}", ctx.list(&others)),
        ClaimStatus::Confirmed => "independently confirmed".to_owned(),
        ClaimStatus::Retracted => "since retracted".to_owned(),
    };
    format!("{who}; {status}. Source: {}.", ctx.sources(c.sources.ids()))
}

/// "172,000" → "172,000", 600000 → "600,000".
fn thousands(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// "Pakistan: more than 600,000 active personnel, according to the International Institute
/// for Strategic Studies, for 2025. Source: ..."; "The Afghan Taliban: at least six aircraft
/// (their condition is unknown), stated in the source's own voice, without naming who supplied
/// it, undated. Source: ...".
pub fn for_force_figure(f: &ForceFigure, ctx: &Context) -> String {
    let label = f.metric.as_str().replace('_', " ");
    let amount = match (&f.text, f.value) {
        (Some(text), _) if text.chars().any(char::is_alphabetic) => text.clone(),
        (Some(text), _) => format!("{text} {label}"),
        (None, Some(v)) => format!("{} {label}", thousands(v)),
        (None, None) => label,
    };
    let caveat = f
        .caveat
        .as_ref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let credit = match ctx.kind(f.claimant.as_str()) {
        Some(ActorKind::SourceVoice) => {
            "stated in the source's own voice, without naming who supplied it".to_owned()
        }
        _ => format!("according to {}", ctx.actor(f.claimant.as_str())),
    };
    format!(
        "{}: {amount}{caveat}, {credit}, {}. Source: {}.",
        capitalise(&ctx.actor(f.actor.as_str())),
        period(&f.as_of, f.as_of_basis),
        ctx.sources(f.sources.ids()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: &str, title: &str, cited_in: Option<&str>) -> (String, Source) {
        let source: Source = serde_json::from_value(serde_json::json!({
            "id": id, "publisher": null, "author": null, "title": title, "kind": "news_report",
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

#[cfg(test)]
mod date_tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn dates_say_as_much_as_the_source_and_no_more() {
        assert_eq!(when(&d("2026-02-27"), None), "on 27 February 2026");
        assert_eq!(when(&d("2026-02"), None), "in February 2026");
        assert_eq!(
            when(&d("../2026-02-27"), Some(DateBasis::Bounded)),
            "by 27 February 2026"
        );
        assert_eq!(when(&d("2022/.."), None), "since 2022");
        assert_eq!(
            when(&d("2026-02-21/2026-02-27"), Some(DateBasis::Estimated)),
            "between 21 and 27 February 2026 (date estimated by Durand)"
        );
        assert_eq!(
            when(&d("2025-10/2026-02-27"), None),
            "between October 2025 and 27 February 2026"
        );
        assert_eq!(
            when(&d("2026-01-30/2026-02-02"), None),
            "between 30 January and 2 February 2026"
        );
        assert_eq!(period(&d("../2026-02-27"), None), "undated");
        assert_eq!(period(&d("2025"), None), "for 2025");
        assert_eq!(thousands(172000), "172,000");
        assert_eq!(thousands(6), "6");
    }
}
