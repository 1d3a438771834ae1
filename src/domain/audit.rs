//! The audit of the dataset against its sources: every evidence span checked verbatim against
//! the source text, every object without evidence listed, and `data/AUDIT.md` generated from
//! the evidence, inference and correction records (record, field, the source's words, verdict).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{Dataset, Evidenced, IntegrityError, SourceId, problem};

/// One correction a release made to a record, with the source's words that justify it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// `resource/id`, e.g. `force-figures/afghan-taliban-active-personnel-2025`.
    pub record: String,
    /// The field corrected (`claimant`, `locations[0]`, `relations[0].until`, ...).
    pub field: String,
    /// What the record said before, in short.
    pub was: String,
    /// What it says now, in short.
    pub now: String,
    /// The source's words that decide it, verbatim.
    pub words: String,
    /// Why, in a sentence.
    pub why: String,
}

/// The corrections of one release (`data/corrections.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corrections {
    /// The release that made them.
    pub release: String,
    pub corrections: Vec<Correction>,
}

/// One object that carries evidence, with where it sits.
pub struct Item<'a> {
    /// `resource/id` of the record.
    pub record: String,
    /// Path inside the record (`figures[0]`, `locations[1]`, `relations[0]`); empty for the
    /// record itself.
    pub path: String,
    pub item: &'a dyn Evidenced,
}

impl Dataset {
    /// Every object that should carry evidence: each record, and each figure, place and
    /// relation inside one.
    pub fn evidenced<'a>(&'a self) -> Vec<Item<'a>> {
        let mut items = Vec::new();
        let mut push = |record: String, path: String, item: &'a dyn Evidenced| {
            items.push(Item { record, path, item })
        };
        for s in &self.sources {
            push(format!("sources/{}", s.id), String::new(), s);
        }
        for a in &self.actors {
            let record = format!("actors/{}", a.id);
            push(record.clone(), String::new(), a);
            for (i, r) in a.relations.iter().enumerate() {
                push(record.clone(), format!("relations[{i}]"), r);
            }
            for (i, p) in a.places.iter().enumerate() {
                push(record.clone(), format!("places[{i}]"), &p.location);
            }
        }
        for inc in &self.incidents {
            let record = format!("incidents/{}", inc.id);
            push(record.clone(), String::new(), inc);
            for (i, l) in inc.locations.iter().enumerate() {
                push(record.clone(), format!("locations[{i}]"), l);
            }
        }
        for c in &self.claims {
            let record = format!("claims/{}", c.id);
            push(record.clone(), String::new(), c);
            for (i, f) in c.figures.iter().enumerate() {
                push(record.clone(), format!("figures[{i}]"), f);
            }
        }
        for f in &self.force_figures {
            push(format!("force-figures/{}", f.id), String::new(), f);
        }
        items
    }

    /// Checks the evidence against the text of the sources given (`source id → text`): every
    /// object carries at least one span, and every span from a source whose text is given
    /// occurs in it verbatim. Spans from other sources are not checked.
    pub fn check_evidence(&self, texts: &BTreeMap<SourceId, String>) -> Vec<IntegrityError> {
        let mut errors = Vec::new();
        for Item { record, path, item } in self.evidenced() {
            let pointer = problem::pointer_of(&path);
            let at = |problem: String| IntegrityError {
                record: record.clone(),
                pointer: pointer.clone(),
                problem,
            };
            if item.evidence().is_empty() {
                errors.push(at(
                    "has no evidence: add the source's words that support it".into(),
                ));
            }
            for (i, e) in item.evidence().iter().enumerate() {
                if let Some(text) = texts.get(&e.source)
                    && !text.contains(&e.span)
                {
                    errors.push(at(format!(
                        "evidence[{i}]: the span “{}” does not occur verbatim in `{}`",
                        e.span, e.source
                    )));
                }
            }
        }
        errors
    }

    /// `data/AUDIT.md`: for every record, each field with the source's words behind it and a
    /// verdict (verbatim; fair inference, explained; corrected).
    pub fn audit_markdown(&self, corrections: &Corrections) -> String {
        let items = self.evidenced();
        let mut by_record: BTreeMap<&str, Vec<&Item<'_>>> = BTreeMap::new();
        for item in &items {
            by_record.entry(&item.record).or_default().push(item);
        }
        let records = by_record.len();
        // Corrections to the dataset's metadata have a section of their own.
        for c in &corrections.corrections {
            by_record.entry(&c.record).or_default();
        }
        let spans: usize = items.iter().map(|i| i.item.evidence().len()).sum();
        let inferences = items
            .iter()
            .filter(|i| i.item.inference().is_some())
            .count();
        let mut out = String::new();
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let _ = writeln!(
            out,
            "# Audit of the dataset against its source\n\n\
             Generated by `durand audit` from the `evidence` and `inference` fields of every record and from \
             `data/corrections.json`; do not edit by hand (a test fails when this file differs from what the \
             data generates). Release {release}: {records} records, {objects} objects with evidence, {spans} \
             verbatim spans (each checked against the source text by `durand validate --source-text`), \
             {inferences} inferences explained, {corrected} corrections.\n\n\
             Verdicts: **verbatim**: the source's words say it; **fair inference, explained**: Durand \
             concluded it, and the API's `inference` field says what and why; **corrected**: release \
             {correcting} changed it, for the reason given.",
            release = self.meta.release,
            objects = items.len(),
            corrected = corrections.corrections.len(),
            correcting = corrections.release,
        );
        for (record, items) in &by_record {
            let _ = writeln!(
                out,
                "\n## `{record}`\n\n| field | the source's words | verdict |\n|---|---|---|"
            );
            for item in items {
                let prefix = |field: Option<&str>| match (item.path.as_str(), field) {
                    ("", Some(f)) => f.to_owned(),
                    ("", None) => "(record)".to_owned(),
                    (p, Some(f)) => format!("{p}.{f}"),
                    (p, None) => p.to_owned(),
                };
                for e in item.item.evidence() {
                    let _ = writeln!(
                        out,
                        "| {} | “{}” ({}) | verbatim |",
                        prefix(e.supports.as_deref()),
                        cell(&e.span),
                        e.source
                    );
                }
                if let Some(inference) = item.item.inference() {
                    let _ = writeln!(
                        out,
                        "| {} | (see the spans above) | fair inference, explained: {} |",
                        prefix(None),
                        cell(inference)
                    );
                }
            }
            for c in corrections
                .corrections
                .iter()
                .filter(|c| c.record == *record)
            {
                let _ = writeln!(
                    out,
                    "| {} | “{}” | corrected in release {}: {} (was: {}; now: {}) |",
                    c.field,
                    cell(&c.words),
                    corrections.release,
                    cell(&c.why),
                    cell(&c.was),
                    cell(&c.now)
                );
            }
        }
        out
    }
}
