//! The dataset as a whole: its metadata, every record, and the integrity rules between them.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Actor, ActorId, Claim, ForceFigure, Incident, Source, SourceId, Sources};

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

/// One broken rule in the dataset: which record, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityError {
    /// `resource/id`, e.g. `claims/taliban-claims-55-soldiers-killed`.
    pub record: String,
    pub problem: String,
}

impl fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.record, self.problem)
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

    /// Checks every rule between records: ids unique, every reference resolves, every record
    /// valid on its own, contradictions mutual. Returns every problem found, not just the first.
    pub fn validate(&self) -> Result<(), Vec<IntegrityError>> {
        let mut errors = Vec::new();
        let mut err =
            |record: String, problem: String| errors.push(IntegrityError { record, problem });

        let ids = |kind: &str, ids: Vec<String>, err: &mut dyn FnMut(String, String)| {
            let mut seen = HashSet::new();
            for id in &ids {
                if !seen.insert(id.clone()) {
                    err(format!("{kind}/{id}"), "id is used twice".to_owned());
                }
            }
            seen
        };
        let sources = ids(
            "sources",
            self.sources.iter().map(|r| r.id.to_string()).collect(),
            &mut err,
        );
        let actors = ids(
            "actors",
            self.actors.iter().map(|r| r.id.to_string()).collect(),
            &mut err,
        );
        let incidents = ids(
            "incidents",
            self.incidents.iter().map(|r| r.id.to_string()).collect(),
            &mut err,
        );
        let claims = ids(
            "claims",
            self.claims.iter().map(|r| r.id.to_string()).collect(),
            &mut err,
        );
        ids(
            "force-figures",
            self.force_figures
                .iter()
                .map(|r| r.id.to_string())
                .collect(),
            &mut err,
        );

        let check_sources = |record: &str, s: &Sources, err: &mut dyn FnMut(String, String)| {
            for id in s.ids() {
                if !sources.contains(id.as_str()) {
                    err(record.to_owned(), format!("source `{id}` does not exist"));
                }
            }
        };
        let check = |record: &str,
                     set: &HashSet<String>,
                     kind: &str,
                     id: &str,
                     err: &mut dyn FnMut(String, String)| {
            if !set.contains(id) {
                err(record.to_owned(), format!("{kind} `{id}` does not exist"));
            }
        };

        let carriers: BTreeMap<&str, &str> = self
            .sources
            .iter()
            .filter_map(|s| s.cited_in.as_ref().map(|via| (s.id.as_str(), via.as_str())))
            .collect();
        for s in &self.sources {
            let record = format!("sources/{}", s.id);
            let mut seen = vec![s.id.as_str()];
            let mut next = carriers.get(s.id.as_str()).copied();
            while let Some(via) = next {
                if via == s.id.as_str() && seen.len() > 1 {
                    err(
                        record.clone(),
                        "its `cited_in` chain loops back to it".to_owned(),
                    );
                }
                if seen.contains(&via) {
                    break;
                }
                seen.push(via);
                next = carriers.get(via).copied();
            }
            if let Some(via) = &s.cited_in {
                check(&record, &sources, "source", via.as_str(), &mut err);
                if via == &s.id {
                    err(
                        record.clone(),
                        "a source cannot be cited in itself".to_owned(),
                    );
                }
            }
        }
        for s in &self.sources {
            let record = format!("sources/{}", s.id);
            if let Some(author) = &s.author {
                check(&record, &actors, "author", author.as_str(), &mut err);
            }
            for p in s.problems() {
                err(record.clone(), p);
            }
        }
        for a in &self.actors {
            let record = format!("actors/{}", a.id);
            check_sources(&record, &a.sources, &mut err);
            for p in a.problems() {
                err(record.clone(), p);
            }
            for (i, p) in a.places.iter().enumerate() {
                if let Some(c) = &p.location.according_to {
                    check(
                        &format!("{record}/places[{i}]"),
                        &claims,
                        "claim",
                        c.as_str(),
                        &mut err,
                    );
                }
            }
            for (i, r) in a.relations.iter().enumerate() {
                let record = format!("{record}/relations[{i}]");
                check(&record, &actors, "actor", r.actor.as_str(), &mut err);
                check_sources(&record, &r.sources, &mut err);
                if r.actor == a.id {
                    err(record, "an actor cannot relate to itself".to_owned());
                }
            }
        }
        let derived = self.claims_by_incident();
        for i in &self.incidents {
            let record = format!("incidents/{}", i.id);
            check_sources(&record, &i.sources, &mut err);
            for a in &i.actors {
                check(&record, &actors, "actor", a.actor.as_str(), &mut err);
            }
            for l in &i.locations {
                if let Some(c) = &l.according_to {
                    check(&record, &claims, "claim", c.as_str(), &mut err);
                }
            }
            for p in i.problems() {
                err(record.clone(), p);
            }
            if i.date_basis.is_none() {
                err(record.clone(), BASIS_REQUIRED.replace("{}", "date"));
            }
            let mut listed: Vec<String> = i.claims.iter().map(ToString::to_string).collect();
            listed.sort();
            let expected = derived.get(i.id.as_str()).cloned().unwrap_or_default();
            if !listed.is_empty() && listed != expected {
                err(
                    record,
                    format!(
                        "`claims` lists {listed:?} but the claims naming this incident are {expected:?}"
                    ),
                );
            }
        }
        let contradictions: BTreeSet<(&str, &str)> = self
            .claims
            .iter()
            .flat_map(|c| {
                c.contradicted_by
                    .iter()
                    .map(move |o| (c.id.as_str(), o.as_str()))
            })
            .collect();
        for c in &self.claims {
            let record = format!("claims/{}", c.id);
            check_sources(&record, &c.sources, &mut err);
            check(&record, &actors, "claimant", c.claimant.as_str(), &mut err);
            if let Some(via) = &c.relayed_by {
                check(&record, &actors, "actor", via.as_str(), &mut err);
            }
            for p in self.credit_problems(&c.claimant, c.relayed_by.as_ref(), &c.sources) {
                err(record.clone(), p);
            }
            for a in &c.about {
                check(&record, &actors, "actor", a.as_str(), &mut err);
            }
            if let Some(i) = &c.incident {
                check(&record, &incidents, "incident", i.as_str(), &mut err);
            }
            for o in &c.contradicted_by {
                check(&record, &claims, "claim", o.as_str(), &mut err);
                if !contradictions.contains(&(o.as_str(), c.id.as_str())) {
                    err(
                        record.clone(),
                        format!(
                            "contradicted by `{o}`, but `{o}` does not list this claim in `contradicted_by`"
                        ),
                    );
                }
            }
            for p in c.problems() {
                err(record.clone(), p);
            }
            if c.made_at_basis.is_none() {
                err(record.clone(), BASIS_REQUIRED.replace("{}", "made_at"));
            }
        }
        for f in &self.force_figures {
            let record = format!("force-figures/{}", f.id);
            check_sources(&record, &f.sources, &mut err);
            check(&record, &actors, "actor", f.actor.as_str(), &mut err);
            check(&record, &actors, "claimant", f.claimant.as_str(), &mut err);
            for p in self.credit_problems(&f.claimant, None, &f.sources) {
                err(record.clone(), p);
            }
            for p in f.problems() {
                err(record.clone(), p);
            }
            if f.as_of_basis.is_none() {
                err(record.clone(), BASIS_REQUIRED.replace("{}", "as_of"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn credit_problems(
        &self,
        claimant: &ActorId,
        relayed_by: Option<&ActorId>,
        cited: &Sources,
    ) -> Vec<String> {
        credit_problems(claimant, relayed_by, cited, &self.sources)
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
