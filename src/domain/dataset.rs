//! The dataset as a whole: its metadata, every record, and the integrity rules between them.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Actor, ActorId, Claim, ForceFigure, Incident, Record, Resource, Source, SourceId, Sources,
};

/// What the dataset is, which version it is, and how to cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetMeta {
    /// The curated release label of the dataset files (e.g. `1`). Not the dataset version:
    /// that integer is bumped by every write and served as `version` by `/v1/dataset`.
    #[schema(example = "1")]
    pub release: String,
    /// When the dataset was last changed.
    pub updated: DateTime<Utc>,
    pub title: String,
    pub description: String,
    /// SPDX identifier of the data licence.
    #[schema(example = "CC-BY-4.0")]
    pub licence: String,
    #[schema(format = "uri")]
    pub licence_url: String,
    /// How to cite the dataset in print.
    pub citation: String,
    /// What this release changed and why, in a few sentences (the full list is in
    /// `data/AUDIT.md`).
    pub release_notes: Option<String>,
    /// True when the records were made up by `durand generate` for load tests: not real
    /// events, never to be cited. Such a database refuses the real dataset, and the other way
    /// round.
    #[serde(default)]
    pub synthetic: bool,
}

impl DatasetMeta {
    /// Whether this release is newer than `other`'s: both labels are integers and this one is
    /// larger. Labels that are not integers are never compared.
    pub fn supersedes(&self, other: &DatasetMeta) -> bool {
        match (self.release.parse::<u64>(), other.release.parse::<u64>()) {
            (Ok(mine), Ok(theirs)) => mine > theirs,
            _ => false,
        }
    }
}

/// Every record of the dataset, as the files in `data/` hold it and `durand export` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub meta: DatasetMeta,
    pub sources: Vec<Source>,
    pub actors: Vec<Actor>,
    pub incidents: Vec<Incident>,
    pub claims: Vec<Claim>,
    pub force_figures: Vec<ForceFigure>,
}

/// One broken rule in the dataset: which record, where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityError {
    /// `resource/id`, e.g. `claims/taliban-claims-55-soldiers-killed`.
    pub record: String,
    /// JSON Pointer of the field in the record (`/figures/0/value`); empty for the record as
    /// a whole.
    pub pointer: String,
    pub problem: String,
}

impl fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}: {}", self.record, self.pointer, self.problem)
    }
}

/// The curated dataset says where every date comes from (writes may leave it unrecorded).
const BASIS_REQUIRED: &str =
    "`{}_basis` is required in the curated dataset: `stated`, `bounded` or `estimated`";

/// The dataset files shipped in the binary, so that `durand serve` can load them anywhere.
const BUNDLED: [(&str, &str); 6] = [
    ("dataset.json", include_str!("../../data/dataset.json")),
    ("sources.json", include_str!("../../data/sources.json")),
    ("actors.json", include_str!("../../data/actors.json")),
    ("incidents.json", include_str!("../../data/incidents.json")),
    ("claims.json", include_str!("../../data/claims.json")),
    (
        "force-figures.json",
        include_str!("../../data/force-figures.json"),
    ),
];

/// Why dataset files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{file}: {source}")]
    Parse {
        file: String,
        source: serde_path_to_error::Error<serde_json::Error>,
    },
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LoadError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|source| LoadError::Parse {
        file: file.to_owned(),
        source,
    })
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })
}

impl Dataset {
    /// The dataset bundled in the binary (the files in `data/` at build time).
    pub fn bundled() -> Result<Self, LoadError> {
        Self::from_files(|name| {
            let (_, text) = BUNDLED
                .iter()
                .find(|(n, _)| *n == name)
                .expect("bundled file");
            Ok((*text).to_owned())
        })
    }

    /// Reads a dataset from a directory of files like `data/`, or from one `durand export` file.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        if path.is_dir() {
            Self::from_files(|name| read(&path.join(name)))
        } else {
            parse(&path.display().to_string(), &read(path)?)
        }
    }

    fn from_files(read: impl Fn(&str) -> Result<String, LoadError>) -> Result<Self, LoadError> {
        Ok(Self {
            meta: parse("dataset.json", &read("dataset.json")?)?,
            sources: parse("sources.json", &read("sources.json")?)?,
            actors: parse("actors.json", &read("actors.json")?)?,
            incidents: parse("incidents.json", &read("incidents.json")?)?,
            claims: parse("claims.json", &read("claims.json")?)?,
            force_figures: parse("force-figures.json", &read("force-figures.json")?)?,
        })
    }

    /// Sorts every collection by id, the order `durand export` prints.
    pub fn sort(&mut self) {
        self.sources.sort_by(|a, b| a.id.cmp(&b.id));
        self.actors.sort_by(|a, b| a.id.cmp(&b.id));
        self.incidents.sort_by(|a, b| a.id.cmp(&b.id));
        self.claims.sort_by(|a, b| a.id.cmp(&b.id));
        self.force_figures.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// The claims about each incident, as derived from the claims' `incident` field.
    pub fn claims_by_incident(&self) -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for claim in &self.claims {
            if let Some(incident) = &claim.incident {
                map.entry(incident.to_string())
                    .or_default()
                    .push(claim.id.to_string());
            }
        }
        map.values_mut().for_each(|ids| ids.sort());
        map
    }

    /// How many records of every kind the dataset holds.
    pub fn record_count(&self) -> usize {
        self.sources.len()
            + self.actors.len()
            + self.incidents.len()
            + self.claims.len()
            + self.force_figures.len()
    }

    /// Every record, as the one type the rules are written for.
    pub fn records(&self) -> Vec<Record> {
        let mut records: Vec<Record> = Vec::new();
        records.extend(self.sources.iter().cloned().map(Record::Source));
        records.extend(self.actors.iter().cloned().map(Record::Actor));
        records.extend(self.incidents.iter().cloned().map(Record::Incident));
        records.extend(self.claims.iter().cloned().map(Record::Claim));
        records.extend(self.force_figures.iter().cloned().map(Record::ForceFigure));
        records
    }

    /// Checks every rule: each record's own ([`Record::problems`]), every reference resolves
    /// ([`Record::references`]), and the rules between records (ids unique, contradictions
    /// mutual, no `cited_in` loop, incidents' claims derived, credit, dates' basis). Returns
    /// every problem found, not just the first.
    pub fn validate(&self) -> Result<(), Vec<IntegrityError>> {
        let mut errors = Vec::new();
        let records = self.records();
        let mut ids: BTreeMap<Resource, HashSet<&str>> = BTreeMap::new();
        for record in &records {
            if !ids
                .entry(record.resource())
                .or_default()
                .insert(record.id())
            {
                errors.push(IntegrityError {
                    record: format!("{}/{}", record.resource(), record.id()),
                    pointer: "/id".into(),
                    problem: "id is used twice".into(),
                });
            }
        }
        // Computed once: which claims name each incident, every (claim, contradicting) pair,
        // and each source's carrier.
        let by_incident = self.claims_by_incident();
        let contradictions: HashSet<(&str, &str)> = self
            .claims
            .iter()
            .flat_map(|c| {
                c.contradicted_by
                    .iter()
                    .map(move |o| (c.id.as_str(), o.as_str()))
            })
            .collect();
        let carriers: BTreeMap<&SourceId, &SourceId> = self
            .sources
            .iter()
            .filter_map(|s| s.cited_in.as_ref().map(|via| (&s.id, via)))
            .collect();
        for record in &records {
            let name = format!("{}/{}", record.resource(), record.id());
            let mut err = |pointer: String, problem: String| {
                errors.push(IntegrityError {
                    record: name.clone(),
                    pointer,
                    problem,
                })
            };
            for p in record.problems() {
                err(p.pointer, p.message);
            }
            for r in record.references() {
                if !ids
                    .get(&r.resource)
                    .is_some_and(|set| set.contains(r.id.as_str()))
                {
                    let what = r.resource.as_str().trim_end_matches('s');
                    err(r.pointer, format!("{what} `{}` does not exist", r.id));
                }
            }
            match record {
                Record::Source(s) => {
                    if cites_itself_through(s, &carriers) {
                        err(
                            "/cited_in".into(),
                            "its `cited_in` chain loops back to it".into(),
                        );
                    }
                }
                Record::Incident(i) => {
                    let mut listed: Vec<String> =
                        i.claims.iter().map(ToString::to_string).collect();
                    listed.sort();
                    let expected = by_incident.get(i.id.as_str()).cloned().unwrap_or_default();
                    if !listed.is_empty() && listed != expected {
                        err(
                            "/claims".into(),
                            format!(
                                "`claims` lists {listed:?} but the claims naming this incident are {expected:?}"
                            ),
                        );
                    }
                    if i.date_basis.is_none() {
                        err("/date_basis".into(), BASIS_REQUIRED.replace("{}", "date"));
                    }
                }
                Record::Claim(c) => {
                    for (n, o) in c.contradicted_by.iter().enumerate() {
                        // A missing claim is reported as a dangling reference.
                        let exists = ids
                            .get(&Resource::Claims)
                            .is_some_and(|set| set.contains(o.as_str()));
                        if exists && !contradictions.contains(&(o.as_str(), c.id.as_str())) {
                            err(
                                format!("/contradicted_by/{n}"),
                                format!(
                                    "contradicted by `{o}`, but `{o}` does not list this claim in `contradicted_by`"
                                ),
                            );
                        }
                    }
                    for p in credit_problems(
                        &c.claimant,
                        c.relayed_by.as_ref(),
                        &c.sources,
                        &self.sources,
                    ) {
                        err("/claimant".into(), p);
                    }
                    if c.made_at_basis.is_none() {
                        err(
                            "/made_at_basis".into(),
                            BASIS_REQUIRED.replace("{}", "made_at"),
                        );
                    }
                }
                Record::ForceFigure(f) => {
                    for p in credit_problems(&f.claimant, None, &f.sources, &self.sources) {
                        err("/claimant".into(), p);
                    }
                    if f.as_of_basis.is_none() {
                        err("/as_of_basis".into(), BASIS_REQUIRED.replace("{}", "as_of"));
                    }
                }
                Record::Actor(_) => {}
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Every source id cited anywhere, for reporting unused sources.
    pub fn cited_sources(&self) -> BTreeSet<String> {
        let mut cited: BTreeSet<String> = BTreeSet::new();
        let mut all: Vec<&Sources> = Vec::new();
        for a in &self.actors {
            all.push(&a.sources);
            all.extend(a.relations.iter().map(|r| &r.sources));
        }
        all.extend(self.incidents.iter().map(|i| &i.sources));
        all.extend(self.claims.iter().map(|c| &c.sources));
        all.extend(self.force_figures.iter().map(|f| &f.sources));
        cited.extend(all.iter().flat_map(|s| s.ids()).map(ToString::to_string));
        cited.extend(
            self.sources
                .iter()
                .filter_map(|s| s.cited_in.as_ref())
                .map(ToString::to_string),
        );
        cited
    }
}

/// A number is credited to whom the source credits it, and nobody else: a record citing a
/// second-hand source (one known through `cited_in`) by author A must be credited to A (as
/// claimant, or as the one who relayed it); a record credited to an actor who authors
/// second-hand sources must cite one of them. `sources` are the dataset's sources (only the
/// second-hand ones with an author matter).
pub fn credit_problems(
    claimant: &ActorId,
    relayed_by: Option<&ActorId>,
    cited: &Sources,
    sources: &[Source],
) -> Vec<String> {
    let second_hand = |s: &&Source| s.cited_in.is_some() && s.author.is_some();
    let credited = |a: &ActorId| a == claimant || Some(a) == relayed_by;
    let mut problems = Vec::new();
    for s in sources.iter().filter(second_hand) {
        let author = s.author.as_ref().expect("filtered on author");
        if cited.ids().contains(&s.id) && !credited(author) {
            problems.push(format!(
                "cites `{}`, which is `{author}`'s, but credits `{claimant}`: credit the number to whom the source credits it, or do not cite `{}`",
                s.id, s.id
            ));
        }
    }
    let own: Vec<&SourceId> = sources
        .iter()
        .filter(second_hand)
        .filter(|s| s.author.as_ref() == Some(claimant))
        .map(|s| &s.id)
        .collect();
    if !own.is_empty() && !own.iter().any(|id| cited.ids().contains(id)) {
        problems.push(format!(
            "is credited to `{claimant}` but cites none of its sources ({}): a figure credited to a source must cite it",
            own.iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    problems
}

/// Whether following `cited_in` (the `carriers` map) from `source` comes back to it.
fn cites_itself_through(source: &Source, carriers: &BTreeMap<&SourceId, &SourceId>) -> bool {
    let mut seen: Vec<&SourceId> = vec![&source.id];
    let mut next = source.cited_in.as_ref();
    while let Some(via) = next {
        if via == &source.id {
            // A source cited in itself directly is its own rule ([`Source::problems`]).
            return seen.len() > 1;
        }
        if seen.contains(&via) {
            return false;
        }
        seen.push(via);
        next = carriers.get(via).copied();
    }
    false
}
