//! The checks a record passes before it is written, beyond its own shape: that every record it
//! names exists, the credit rule against the sources known second-hand, no `cited_in` loop,
//! and contradictions kept mutual. Each runs on the writer's transaction, under the lock.

use std::collections::BTreeSet;

use serde_json::Value;
use sqlx::PgConnection;

use super::CurationError;
use super::validation::Validators;
use crate::domain::problem::Problem;
use crate::domain::record::references_in;
use crate::domain::{Change, Claim, ClaimId, Record, Reference, Resource};
use crate::store;
use crate::store::curation;

/// A problem per reference that resolves to no current record.
async fn dangling(
    conn: &mut PgConnection,
    references: &[Reference],
) -> Result<Vec<Problem>, sqlx::Error> {
    Ok(curation::dangling(conn, references)
        .await?
        .into_iter()
        .map(|(reference, deleted)| {
            let what = reference.resource.as_str().trim_end_matches('s');
            let state = if deleted {
                "was deleted"
            } else {
                "does not exist"
            };
            Problem::at(
                reference.pointer,
                format!("{what} `{}` {state}", reference.id),
            )
        })
        .collect())
}

/// The record `doc` parses to, or every problem at once: what the schema, the domain types and
/// the record's rules find, and, when any of those fail, every dangling reference too (read
/// from the body itself), so one bad field hides nothing else.
#[tracing::instrument(skip_all)]
pub async fn validated(
    conn: &mut PgConnection,
    validators: &Validators,
    resource: Resource,
    doc: Value,
) -> Result<Record, CurationError> {
    let references = references_in(resource, &doc);
    match validators.record(resource, doc) {
        Ok(record) => Ok(record),
        Err(mut problems) => {
            // A field already reported (a malformed id, a NUL) is not looked up as well.
            let unreported: Vec<Reference> = references
                .into_iter()
                .filter(|r| !problems.iter().any(|p| p.pointer == r.pointer))
                .collect();
            problems.extend(dangling(conn, &unreported).await?);
            Err(CurationError::Invalid(problems))
        }
    }
}

/// The record, once every record it names exists, its credit holds and its `cited_in` chain
/// does not loop; else every problem found.
#[tracing::instrument(skip_all)]
pub async fn consistent(conn: &mut PgConnection, record: Record) -> Result<Record, CurationError> {
    let mut problems = dangling(conn, &record.references()).await?;
    let credit = match &record {
        Record::Claim(c) => Some((&c.claimant, c.relayed_by.as_ref(), &c.sources)),
        Record::ForceFigure(f) => Some((&f.claimant, None, &f.sources)),
        _ => None,
    };
    if let Some((claimant, relayed_by, cited)) = credit {
        let sources = curation::second_hand_sources(conn).await?;
        for problem in
            crate::domain::dataset::credit_problems(claimant, relayed_by, cited, &sources)
        {
            problems.push(Problem::at("/claimant", problem));
        }
    }
    if let Record::Source(source) = &record
        && let Some(via) = &source.cited_in
        && curation::cited_in_chain(conn, via.as_str())
            .await?
            .iter()
            .any(|s| s == source.id.as_str())
    {
        problems.push(Problem::at(
            "/cited_in",
            format!(
                "`{via}` is itself cited in this source (directly or not): the chain would loop"
            ),
        ));
    }
    if problems.is_empty() {
        Ok(record)
    } else {
        Err(CurationError::Invalid(problems))
    }
}

/// Keeps contradictions mutual: the claims `claim` now names as contradicting it list it
/// back, and those it no longer names stop listing it. Writes them and returns their
/// revisions, or the problems that stop it.
#[tracing::instrument(skip_all)]
pub async fn reconcile_contradictions(
    conn: &mut PgConnection,
    claim: &Claim,
    before: &[ClaimId],
) -> Result<Vec<Change>, CurationError> {
    let now: BTreeSet<&ClaimId> = claim.contradicted_by.iter().collect();
    let was: BTreeSet<&ClaimId> = before.iter().collect();
    let mut changes = Vec::new();
    let mut problems = Vec::new();
    for other_id in now.symmetric_difference(&was) {
        let Some(mut other) = curation::claim(conn, other_id).await? else {
            continue; // reported as a dangling reference
        };
        let before_doc =
            store::records::stored_doc(conn, Resource::Claims, other_id.as_str()).await?;
        if now.contains(other_id) {
            if other.contradicted_by.contains(&claim.id) {
                continue;
            }
            other.contradicted_by.push(claim.id.clone());
        } else {
            other.contradicted_by.retain(|c| c != &claim.id);
            if let Some(problem) = other.problems().into_iter().next() {
                problems.push(Problem::at(
                    "/contradicted_by",
                    format!(
                        "no longer naming `{other_id}` would leave that claim invalid ({problem}); change it first"
                    ),
                ));
                continue;
            }
        }
        if let Some(after) = store::records::upsert(conn, &Record::Claim(other)).await? {
            changes.push(Change {
                resource: Resource::Claims,
                id: other_id.to_string(),
                before: before_doc,
                after: Some(after),
                reason: None,
            });
        }
    }
    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(CurationError::Invalid(problems))
    }
}
