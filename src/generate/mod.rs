//! Synthetic data for load tests (`durand generate`): records shaped like the real dataset's,
//! made from it as templates, at any size, reproducible from a seed.
//!
//! Every record is a real record re-spun: new id, new date (every precision, closed and open
//! ranges), new points inside the region, and its actors and sources swapped for numbered
//! copies (`syn-pakistan-7`), so filters by actor stay selective as the data grows. Claims
//! attach to incidents (several per incident), and one incident in five has two claims that
//! contradict each other. Titles say "synthetic", and the dataset's metadata says so too.

mod load;

pub use load::load;

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::record::references_in;
use crate::domain::{
    Actor, Claim, ClaimId, ClaimStatus, Dataset, DatasetMeta, ForceFigure, Incident, PartialDate,
    Resource, Source,
};

/// How much to make, and from which seed.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub incidents: u64,
    pub claims: u64,
    pub seed: u64,
}

impl Plan {
    /// How many numbered copies of the template actors and sources: one per 20,000
    /// incidents, from 1 to 50 (800 actors at a million incidents).
    pub fn copies(&self) -> u64 {
        (self.incidents / 20_000).clamp(1, 50)
    }

    /// How many force figures: one per 1,000 incidents, from 10 to 1,000.
    pub fn force_figures(&self) -> u64 {
        (self.incidents / 1_000).clamp(10, 1_000)
    }

    /// How many claims name incident `i` (the claims go round the incidents in turn).
    pub fn claims_of(&self, i: u64) -> u64 {
        if self.incidents == 0 {
            return 0;
        }
        self.claims / self.incidents + u64::from(i < self.claims % self.incidents)
    }
}

/// Makes the records of a [`Plan`] from the records of a real dataset.
pub struct Generator {
    plan: Plan,
    templates: Dataset,
}

/// The id of copy `copy` of a template record's id.
fn copy_id(id: &str, copy: u64) -> String {
    format!("syn-{id}-{copy}")
}

/// The id of synthetic incident `i`.
pub fn incident_id(i: u64) -> String {
    format!("syn-incident-{i}")
}

/// The id of the `k`-th synthetic claim about incident `i`.
pub fn claim_id(i: u64, k: u64) -> String {
    format!("syn-claim-{i}-{k}")
}

/// A template record as copy `copy`: every actor and source it names swapped for that copy's.
/// References to claims and incidents are the caller's to set; any left are cleared.
fn respin<T: Serialize + DeserializeOwned>(resource: Resource, template: &T, copy: u64) -> Value {
    let mut doc = serde_json::to_value(template).expect("records serialise");
    for r in references_in(resource, &doc) {
        let new = match r.resource {
            Resource::Actors | Resource::Sources => Value::String(copy_id(&r.id, copy)),
            _ => Value::Null,
        };
        if let Some(slot) = doc.pointer_mut(&r.pointer) {
            *slot = new;
        }
    }
    respin_evidence(&mut doc, copy);
    doc
}

/// Evidence names its source too (not a reference: its rules are the evidence's own).
fn respin_evidence(node: &mut Value, copy: u64) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Array(items)) = map.get_mut("evidence") {
                for item in items {
                    if let Some(Value::String(id)) = item.get_mut("source") {
                        *id = copy_id(id, copy);
                    }
                }
            }
            map.values_mut().for_each(|v| respin_evidence(v, copy));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| respin_evidence(v, copy)),
        _ => {}
    }
}

fn parse<T: DeserializeOwned>(doc: Value) -> T {
    serde_json::from_value(doc).expect("a re-spun template is a valid record")
}

/// A date between 2001 and 2026 at a random precision: mostly days, then months, years,
/// closed ranges of days and ranges open on one side.
fn random_date(rng: &mut ChaCha8Rng) -> PartialDate {
    let first = NaiveDate::from_ymd_opt(2001, 1, 1).expect("a date");
    let day = first + Days::new(rng.random_range(0..9_400));
    let text = match rng.random_range(0..100) {
        0..60 => day.format("%Y-%m-%d").to_string(),
        60..75 => day.format("%Y-%m").to_string(),
        75..85 => day.format("%Y").to_string(),
        85..95 => {
            let end = day + Days::new(rng.random_range(1..30));
            format!("{}/{}", day.format("%Y-%m-%d"), end.format("%Y-%m-%d"))
        }
        95..98 => format!("../{}", day.format("%Y-%m-%d")),
        _ => format!("{}/..", day.format("%Y-%m-%d")),
    };
    PartialDate::parse(&text).expect("a generated date parses")
}

impl Generator {
    pub fn new(plan: Plan, templates: Dataset) -> Self {
        Self { plan, templates }
    }

    pub fn plan(&self) -> Plan {
        self.plan
    }

    /// A generator for record `n` of `stream`: the same seed always makes the same records,
    /// whatever the batch size.
    fn rng(&self, stream: u64, n: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.plan.seed);
        rng.set_stream(stream);
        rng.set_word_pos(u128::from(n) * 256);
        rng
    }

    /// The dataset's metadata: marked synthetic, with how it was made.
    pub fn meta(&self) -> DatasetMeta {
        let Plan {
            incidents,
            claims,
            seed,
        } = self.plan;
        DatasetMeta {
            release: format!("synthetic-{seed}"),
            title: format!("Synthetic data for load tests ({incidents} incidents)"),
            description: format!(
                "Made up by `durand generate --incidents {incidents} --claims {claims} --seed {seed}` \
                 from the shapes of the real dataset's records. Not real events: never cite it."
            ),
            synthetic: true,
            ..self.templates.meta.clone()
        }
    }

    /// Every copy of every template source.
    pub fn sources(&self) -> Vec<Source> {
        self.copies(
            Resource::Sources,
            &self.templates.sources,
            |doc, s, copy| {
                doc["title"] = format!("{} (synthetic copy {copy})", s.title).into();
            },
        )
    }

    /// Every copy of every template actor.
    pub fn actors(&self) -> Vec<Actor> {
        self.copies(Resource::Actors, &self.templates.actors, |doc, a, copy| {
            doc["name"] = format!("{} (synthetic {copy})", a.name).into();
        })
    }

    /// Every copy of every template of `resource`, re-spun, with the copy's id and what `label`
    /// marks as synthetic.
    fn copies<T: Serialize + DeserializeOwned>(
        &self,
        resource: Resource,
        templates: &[T],
        label: impl Fn(&mut Value, &T, u64),
    ) -> Vec<T> {
        let label = &label;
        (0..self.plan.copies())
            .flat_map(|copy| {
                templates.iter().map(move |t| {
                    let mut doc = respin(resource, t, copy);
                    let id = doc["id"].as_str().expect("a record has an id");
                    doc["id"] = copy_id(id, copy).into();
                    label(&mut doc, t, copy);
                    parse(doc)
                })
            })
            .collect()
    }

    /// Incident `i` and the claims about it.
    pub fn incident(&self, i: u64) -> (Incident, Vec<Claim>) {
        let mut rng = self.rng(1, i);
        let copy = rng.random_range(0..self.plan.copies());
        let templates = &self.templates.incidents;
        let template = &Incident {
            claims: Vec::new(),
            ..templates[rng.random_range(0..templates.len())].clone()
        };
        let mut doc = respin(Resource::Incidents, template, copy);
        doc["id"] = incident_id(i).into();
        doc["title"] = format!("{} (synthetic {i})", template.title).into();
        doc["date"] = random_date(&mut rng).value().into();
        if let Some(Value::Array(places)) = doc.get_mut("locations") {
            for place in places {
                place["according_to"] = Value::Null;
                if place["lat"].is_number() {
                    place["lat"] = (rng.random_range(29_000..37_000) as f64 / 1000.0).into();
                    place["lon"] = (rng.random_range(61_000..74_000) as f64 / 1000.0).into();
                }
            }
        }
        let incident: Incident = parse(doc);
        let n = self.plan.claims_of(i);
        let contradicting = n >= 2 && i.is_multiple_of(5);
        let claims = (0..n)
            .map(|k| self.claim(i, k, copy, &incident, contradicting && k < 2))
            .collect();
        (incident, claims)
    }

    /// The `k`-th claim about incident `i`; the first two contradict each other when
    /// `contradicting`.
    fn claim(&self, i: u64, k: u64, copy: u64, incident: &Incident, contradicting: bool) -> Claim {
        let mut rng = self.rng(2, i * 64 + k);
        let templates = &self.templates.claims;
        let template = &Claim {
            contradicted_by: Vec::new(),
            incident: None,
            ..templates[rng.random_range(0..templates.len())].clone()
        };
        let mut doc = respin(Resource::Claims, template, copy);
        doc["id"] = claim_id(i, k).into();
        doc["statement"] = format!("{} (synthetic {i}-{k})", template.statement).into();
        doc["made_at"] = random_date(&mut rng).value().into();
        doc["incident"] = if rng.random_range(0..10) == 0 {
            Value::Null
        } else {
            incident.id.as_str().into()
        };
        let mut claim: Claim = parse(doc);
        if contradicting {
            let other = claim_id(i, 1 - k);
            claim.contradicted_by = vec![ClaimId::parse(&other).expect("a synthetic claim id")];
            claim.status = ClaimStatus::Disputed;
        } else if matches!(claim.status, ClaimStatus::Disputed | ClaimStatus::Denied) {
            claim.status = ClaimStatus::Unverified;
        }
        claim
    }

    /// Force figure `n`.
    pub fn force_figure(&self, n: u64) -> ForceFigure {
        let mut rng = self.rng(3, n);
        let copy = rng.random_range(0..self.plan.copies());
        let templates = &self.templates.force_figures;
        let template = &templates[rng.random_range(0..templates.len())];
        let mut doc = respin(Resource::ForceFigures, template, copy);
        doc["id"] = format!("syn-figure-{n}").into();
        parse(doc)
    }

    /// The whole synthetic dataset in memory (for tests and small plans).
    pub fn dataset(&self) -> Dataset {
        let mut incidents = Vec::new();
        let mut claims = Vec::new();
        for i in 0..self.plan.incidents {
            let (incident, about) = self.incident(i);
            incidents.push(incident);
            claims.extend(about);
        }
        Dataset {
            meta: self.meta(),
            sources: self.sources(),
            actors: self.actors(),
            incidents,
            claims,
            force_figures: (0..self.plan.force_figures())
                .map(|n| self.force_figure(n))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator(incidents: u64, claims: u64) -> Generator {
        let plan = Plan {
            incidents,
            claims,
            seed: 7,
        };
        Generator::new(plan, Dataset::bundled().unwrap())
    }

    #[test]
    fn a_generated_dataset_passes_every_integrity_rule() {
        let dataset = generator(300, 700).dataset();
        assert_eq!(dataset.incidents.len(), 300);
        assert_eq!(dataset.claims.len(), 700);
        assert!(dataset.meta.synthetic);
        let problems = dataset.validate().err().unwrap_or_default();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_same_seed_makes_the_same_records_and_another_seed_others() {
        let a = generator(50, 100).incident(17);
        let b = generator(50, 100).incident(17);
        assert_eq!(a, b);
        let mut other = generator(50, 100);
        other.plan.seed = 8;
        assert_ne!(other.incident(17), a);
    }

    #[test]
    fn dates_of_every_precision_and_open_ranges_are_made() {
        let dataset = generator(400, 400).dataset();
        let values: Vec<&str> = dataset.incidents.iter().map(|i| i.date.value()).collect();
        assert!(values.iter().any(|v| v.len() == 4));
        assert!(values.iter().any(|v| v.len() == 7));
        assert!(values.iter().any(|v| v.len() == 10));
        assert!(values.iter().any(|v| v.starts_with("../")));
        assert!(values.iter().any(|v| v.ends_with("/..")));
    }
}
