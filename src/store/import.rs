//! Writing a whole dataset: idempotent, all-or-nothing.
//!
//! Each record is upserted only when its document differs from the stored one, and its
//! child rows (relations, actors, locations, citations, ...) are rewritten only then, so
//! importing the same dataset twice changes nothing. Records absent from the import are
//! left alone: deleting is an editor's act with history (see the curation issue), not a
//! side effect of a bulk load.

use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use crate::domain::{Actor, Claim, Dataset, ForceFigure, Incident, Source, SourceId};

/// How many records an import added, changed and left as they were, per resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub sources: Tally,
    pub actors: Tally,
    pub incidents: Tally,
    pub claims: Tally,
    pub force_figures: Tally,
    /// Whether the dataset metadata (version, citation, ...) changed.
    pub meta_changed: bool,
}

/// Added, changed and unchanged records of one resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
}

impl Tally {
    fn count(&mut self, outcome: Option<bool>) {
        match outcome {
            Some(true) => self.inserted += 1,
            Some(false) => self.updated += 1,
            None => self.unchanged += 1,
        }
    }
}

impl ImportReport {
    /// True when the import changed nothing at all.
    pub fn is_noop(&self) -> bool {
        let all = [
            self.sources,
            self.actors,
            self.incidents,
            self.claims,
            self.force_figures,
        ];
        !self.meta_changed && all.iter().all(|t| t.inserted == 0 && t.updated == 0)
    }
}

/// Why a document could not be encoded (never happens for the domain types).
fn doc<T: Serialize>(value: &T) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(value).map_err(|e| sqlx::Error::Encode(e.into()))
}

/// Writes a validated dataset in one transaction. Call [`Dataset::validate`] first: the
/// foreign keys would reject a broken dataset too, but with a far less helpful message.
#[tracing::instrument(skip_all, fields(version = %dataset.meta.version))]
pub async fn import_dataset(pool: &PgPool, dataset: &Dataset) -> Result<ImportReport, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut report = ImportReport {
        meta_changed: sqlx::query_scalar!(
            r#"
            insert into dataset_meta (singleton, version, updated_at, doc)
            values (true, $1, $2, $3)
            on conflict (singleton) do update
                set version = excluded.version, updated_at = excluded.updated_at, doc = excluded.doc
                where dataset_meta.doc is distinct from excluded.doc
            returning true as "changed!"
            "#,
            dataset.meta.version,
            dataset.meta.updated,
            doc(&dataset.meta)?,
        )
        .fetch_optional(&mut *tx)
        .await?
        .is_some(),
        ..ImportReport::default()
    };
    for source in &dataset.sources {
        report.sources.count(upsert_source(&mut tx, source).await?);
    }
    for actor in &dataset.actors {
        report.actors.count(upsert_actor(&mut tx, actor).await?);
    }
    for incident in &dataset.incidents {
        report
            .incidents
            .count(upsert_incident(&mut tx, incident).await?);
    }
    for claim in &dataset.claims {
        report.claims.count(upsert_claim(&mut tx, claim).await?);
    }
    for figure in &dataset.force_figures {
        report
            .force_figures
            .count(upsert_force_figure(&mut tx, figure).await?);
    }
    tx.commit().await?;
    Ok(report)
}

/// Replaces the citations of one record.
async fn cite(
    conn: &mut PgConnection,
    resource: &str,
    id: &str,
    sources: impl IntoIterator<Item = &SourceId>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from citations where resource = $1 and record_id = $2",
        resource,
        id
    )
    .execute(&mut *conn)
    .await?;
    let mut ids: Vec<String> = sources.into_iter().map(ToString::to_string).collect();
    ids.sort();
    ids.dedup();
    sqlx::query!(
        r#"
        insert into citations (resource, record_id, source_id)
        select $1, $2, unnest($3::text[])
        "#,
        resource,
        id,
        &ids,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Upserts a source. `Some(true)`: inserted; `Some(false)`: updated; `None`: unchanged.
async fn upsert_source(
    conn: &mut PgConnection,
    source: &Source,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        insert into sources (id, kind, doc) values ($1, $2, $3)
        on conflict (id) do update set kind = excluded.kind, doc = excluded.doc
            where sources.doc is distinct from excluded.doc
        returning (xmax = 0) as "inserted!"
        "#,
        source.id.as_str(),
        source.kind.as_str(),
        doc(source)?,
    )
    .fetch_optional(&mut *conn)
    .await
}

async fn upsert_actor(conn: &mut PgConnection, actor: &Actor) -> Result<Option<bool>, sqlx::Error> {
    let outcome = sqlx::query_scalar!(
        r#"
        insert into actors (id, kind, country, doc) values ($1, $2, $3, $4)
        on conflict (id) do update
            set kind = excluded.kind, country = excluded.country, doc = excluded.doc
            where actors.doc is distinct from excluded.doc
        returning (xmax = 0) as "inserted!"
        "#,
        actor.id.as_str(),
        actor.kind.as_str(),
        actor.country.as_ref().map(|c| c.as_str()),
        doc(actor)?,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if outcome.is_some() {
        sqlx::query!(
            "delete from actor_relations where actor_id = $1",
            actor.id.as_str()
        )
        .execute(&mut *conn)
        .await?;
        let related: Vec<String> = actor
            .relations
            .iter()
            .map(|r| r.actor.to_string())
            .collect();
        let kinds: Vec<String> = actor.relations.iter().map(|r| r.kind.to_string()).collect();
        sqlx::query!(
            r#"
            insert into actor_relations (actor_id, position, related_actor_id, kind)
            select $1, r.position - 1, r.related, r.kind
            from unnest($2::text[], $3::text[]) with ordinality as r(related, kind, position)
            "#,
            actor.id.as_str(),
            &related,
            &kinds,
        )
        .execute(&mut *conn)
        .await?;
        let sources = actor
            .sources
            .ids()
            .iter()
            .chain(actor.relations.iter().flat_map(|r| r.sources.ids()));
        cite(conn, "actors", actor.id.as_str(), sources).await?;
    }
    Ok(outcome)
}

async fn upsert_incident(
    conn: &mut PgConnection,
    incident: &Incident,
) -> Result<Option<bool>, sqlx::Error> {
    // `claims` is derived from the claims table on every read; it is never stored.
    let stored = Incident {
        claims: Vec::new(),
        ..incident.clone()
    };
    let outcome = sqlx::query_scalar!(
        r#"
        insert into incidents (id, kind, date_start, date_end, date_precision, doc)
        values ($1, $2, $3, $4, $5, $6)
        on conflict (id) do update
            set kind = excluded.kind, date_start = excluded.date_start,
                date_end = excluded.date_end, date_precision = excluded.date_precision,
                doc = excluded.doc
            where incidents.doc is distinct from excluded.doc
        returning (xmax = 0) as "inserted!"
        "#,
        incident.id.as_str(),
        incident.kind.as_str(),
        incident.date.start(),
        incident.date.end(),
        incident.date.precision().as_str(),
        doc(&stored)?,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if outcome.is_some() {
        let id = incident.id.as_str();
        sqlx::query!("delete from incident_actors where incident_id = $1", id)
            .execute(&mut *conn)
            .await?;
        sqlx::query!("delete from incident_locations where incident_id = $1", id)
            .execute(&mut *conn)
            .await?;
        let actors: Vec<String> = incident
            .actors
            .iter()
            .map(|a| a.actor.to_string())
            .collect();
        let roles: Vec<String> = incident.actors.iter().map(|a| a.role.to_string()).collect();
        sqlx::query!(
            r#"
            insert into incident_actors (incident_id, actor_id, role)
            select $1, actor, role from unnest($2::text[], $3::text[]) as r(actor, role)
            on conflict do nothing
            "#,
            id,
            &actors,
            &roles,
        )
        .execute(&mut *conn)
        .await?;
        let l = &incident.locations;
        let countries: Vec<String> = l.iter().map(|l| l.country.as_str().to_owned()).collect();
        let admin1: Vec<Option<String>> = l.iter().map(|l| l.admin1.clone()).collect();
        let lats: Vec<f64> = l.iter().map(|l| l.lat).collect();
        let lons: Vec<f64> = l.iter().map(|l| l.lon).collect();
        sqlx::query!(
            r#"
            insert into incident_locations (incident_id, position, country, admin1, lat, lon)
            select $1, r.position - 1, r.country, r.admin1, r.lat, r.lon
            from unnest($2::text[], $3::text[], $4::float8[], $5::float8[])
                with ordinality as r(country, admin1, lat, lon, position)
            "#,
            id,
            &countries,
            &admin1 as &[Option<String>],
            &lats,
            &lons,
        )
        .execute(&mut *conn)
        .await?;
        cite(conn, "incidents", id, incident.sources.ids()).await?;
    }
    Ok(outcome)
}

async fn upsert_claim(conn: &mut PgConnection, claim: &Claim) -> Result<Option<bool>, sqlx::Error> {
    let outcome = sqlx::query_scalar!(
        r#"
        insert into claims (id, claimant_id, kind, status, incident_id,
                            made_start, made_end, made_precision, doc)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        on conflict (id) do update
            set claimant_id = excluded.claimant_id, kind = excluded.kind,
                status = excluded.status, incident_id = excluded.incident_id,
                made_start = excluded.made_start, made_end = excluded.made_end,
                made_precision = excluded.made_precision, doc = excluded.doc
            where claims.doc is distinct from excluded.doc
        returning (xmax = 0) as "inserted!"
        "#,
        claim.id.as_str(),
        claim.claimant.as_str(),
        claim.kind.as_str(),
        claim.status.as_str(),
        claim.incident.as_ref().map(|i| i.as_str()),
        claim.made_at.start(),
        claim.made_at.end(),
        claim.made_at.precision().as_str(),
        doc(&Claim {
            attribution: None,
            ..claim.clone()
        })?,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if outcome.is_some() {
        let id = claim.id.as_str();
        sqlx::query!("delete from claim_about where claim_id = $1", id)
            .execute(&mut *conn)
            .await?;
        sqlx::query!("delete from claim_contradictions where claim_id = $1", id)
            .execute(&mut *conn)
            .await?;
        let about: Vec<String> = claim.about.iter().map(ToString::to_string).collect();
        sqlx::query!(
            r#"
            insert into claim_about (claim_id, actor_id)
            select $1, unnest($2::text[]) on conflict do nothing
            "#,
            id,
            &about,
        )
        .execute(&mut *conn)
        .await?;
        let others: Vec<String> = claim
            .contradicted_by
            .iter()
            .map(ToString::to_string)
            .collect();
        sqlx::query!(
            r#"
            insert into claim_contradictions (claim_id, contradicted_by_id)
            select $1, unnest($2::text[]) on conflict do nothing
            "#,
            id,
            &others,
        )
        .execute(&mut *conn)
        .await?;
        cite(conn, "claims", id, claim.sources.ids()).await?;
    }
    Ok(outcome)
}

async fn upsert_force_figure(
    conn: &mut PgConnection,
    figure: &ForceFigure,
) -> Result<Option<bool>, sqlx::Error> {
    let outcome = sqlx::query_scalar!(
        r#"
        insert into force_figures (id, actor_id, claimant_id, metric, as_of_start, as_of_end, doc)
        values ($1, $2, $3, $4, $5, $6, $7)
        on conflict (id) do update
            set actor_id = excluded.actor_id, claimant_id = excluded.claimant_id,
                metric = excluded.metric, as_of_start = excluded.as_of_start,
                as_of_end = excluded.as_of_end, doc = excluded.doc
            where force_figures.doc is distinct from excluded.doc
        returning (xmax = 0) as "inserted!"
        "#,
        figure.id.as_str(),
        figure.actor.as_str(),
        figure.claimant.as_str(),
        figure.metric.as_str(),
        figure.as_of.start(),
        figure.as_of.end(),
        doc(&ForceFigure {
            attribution: None,
            ..figure.clone()
        })?,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if outcome.is_some() {
        cite(
            conn,
            "force-figures",
            figure.id.as_str(),
            figure.sources.ids(),
        )
        .await?;
    }
    Ok(outcome)
}
