//! Writing a generated dataset: one `COPY` transaction for version 1, with progress, then a
//! history of edits through the curation layer, as editors would make them.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use sqlx::PgPool;

use super::{Generator, claim_id};
use crate::curation::{Author, Curator, IfMatch, Validators};
use crate::domain::Resource;
use crate::progress::Progress;
use crate::store::bulk;

/// Incidents generated and written per `COPY` round.
const BATCH: u64 = 5_000;

/// Loads `generator`'s dataset into an empty database as version 1, then makes `edits`
/// edits, each its own version. Returns the last version.
pub async fn load(pool: &PgPool, generator: Generator, edits: u64) -> anyhow::Result<i64> {
    let plan = generator.plan();
    let mut tx = bulk::begin(pool, &generator.meta(), "generate").await?;
    bulk::sources(&mut tx, Some(1), &generator.sources()).await?;
    bulk::actors(&mut tx, Some(1), &generator.actors()).await?;
    let mut progress = Progress::new(plan.incidents, "incidents");
    let mut start = 0;
    while start < plan.incidents {
        let end = (start + BATCH).min(plan.incidents);
        let (incidents, claims): (Vec<_>, Vec<_>) =
            (start..end).map(|i| generator.incident(i)).unzip();
        let claims: Vec<_> = claims.into_iter().flatten().collect();
        bulk::incidents(&mut tx, Some(1), &incidents).await?;
        bulk::claims(&mut tx, Some(1), &claims).await?;
        progress.advance(end - start);
        start = end;
    }
    progress.finish();
    let figures: Vec<_> = (0..plan.force_figures())
        .map(|n| generator.force_figure(n))
        .collect();
    bulk::force_figures(&mut tx, Some(1), &figures).await?;
    eprintln!("generate: committing version 1 and analysing");
    let mut version = bulk::finish(tx).await?;
    bulk::analyze(pool).await?;

    let curator = Curator::new(pool.clone(), Validators::compile(&crate::openapi::spec())?);
    let author = Author {
        key_id: 0,
        name: "generate",
    };
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    rng.set_stream(9);
    let mut progress = Progress::new(edits, "edits");
    for e in 0..edits {
        let i = rng.random_range(0..plan.incidents.max(1));
        let written = if plan.claims_of(i) > 0 {
            let note = json!({"status_note": format!("Synthetic edit {e}: reviewed again.")});
            curator
                .patch(
                    author,
                    Resource::Claims,
                    &claim_id(i, 0),
                    note,
                    &IfMatch::any(),
                )
                .await?
        } else {
            let summary = json!({"summary": format!("Synthetic incident, edited ({e}).")});
            let id = super::incident_id(i);
            curator
                .patch(author, Resource::Incidents, &id, summary, &IfMatch::any())
                .await?
        };
        version = written.version.unwrap_or(version);
        progress.advance(1);
    }
    progress.finish();
    Ok(version)
}
