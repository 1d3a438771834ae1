//! Writing single records to the current tables: the document and the columns, child rows
//! and citations derived from it, always together.
//!
//! Each upsert writes only when the document differs from the stored one, so rewriting an
//! unchanged record changes nothing (not even its row's `xmin`, nor its row version). Used by
//! bulk imports, editors' writes, and the backfill of row versions.

use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;

use crate::domain::{Actor, Claim, ForceFigure, Incident, Record, Resource, Source, SourceId};

/// Why a document could not be encoded (never happens for the domain types).
pub(crate) fn doc<T: Serialize>(value: &T) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(value).map_err(|e| sqlx::Error::Encode(e.into()))
}

/// An incident as stored: its `claims` are derived from the claims table on every read,
/// never stored.
pub(super) fn stored_incident(incident: &Incident) -> Incident {
    Incident {
        claims: Vec::new(),
        ..incident.clone()
    }
}

/// A claim as stored: its `attribution` is derived on every read, never stored.
pub(super) fn stored_claim(claim: &Claim) -> Claim {
    Claim {
        attribution: None,
        ..claim.clone()
    }
}

/// A force figure as stored: its `attribution` is derived on every read, never stored.
pub(super) fn stored_force_figure(figure: &ForceFigure) -> ForceFigure {
    ForceFigure {
        attribution: None,
        ..figure.clone()
    }
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

/// The tables holding a resource's child rows (derived from each record's document), and
/// the column in them that names the record.
const fn child_tables(resource: Resource) -> (&'static [&'static str], &'static str) {
    match resource {
        Resource::Actors => (&["actor_relations"], "actor_id"),
        Resource::Incidents => (&["incident_actors", "incident_locations"], "incident_id"),
        Resource::Claims => (&["claim_about", "claim_contradictions"], "claim_id"),
        Resource::Sources | Resource::ForceFigures => (&[], "id"),
    }
}

/// Deletes record `id`'s child rows (see [`child_tables`]), so that they can be written again
/// or go with it. The names are fixed here, never input.
pub(super) async fn clear_children(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<(), sqlx::Error> {
    let (tables, parent) = child_tables(resource);
    for table in tables {
        sqlx::query(&format!("delete from {table} where {parent} = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Writes a record's row with `$sql`, an upsert binding `$args` then the stored document
/// (`$stored` encoded) that returns a row only when the document changed: the stored document
/// when it was written, `None` when unchanged.
macro_rules! upsert_row {
    ($conn:expr, $stored:expr, $sql:literal, $($arg:expr),+ $(,)?) => {{
        let stored = doc($stored)?;
        sqlx::query_scalar!($sql, $($arg,)+ &stored)
            .fetch_optional(&mut *$conn)
            .await?
            .map(|_| stored)
    }};
}

/// Upserts a source. Returns the stored document when it was written, `None` when unchanged.
pub(crate) async fn upsert_source(
    conn: &mut PgConnection,
    source: &Source,
) -> Result<Option<Value>, sqlx::Error> {
    let written = upsert_row!(
        conn,
        source,
        r#"
        insert into sources (id, kind, doc) values ($1, $2, $3)
        on conflict (id) do update set kind = excluded.kind, doc = excluded.doc
            where sources.doc is distinct from excluded.doc
        returning true as "written!"
        "#,
        source.id.as_str(),
        source.kind.as_str(),
    );
    Ok(written)
}

pub(crate) async fn upsert_actor(
    conn: &mut PgConnection,
    actor: &Actor,
) -> Result<Option<Value>, sqlx::Error> {
    let written = upsert_row!(
        conn,
        actor,
        r#"
        insert into actors (id, kind, country, doc) values ($1, $2, $3, $4)
        on conflict (id) do update
            set kind = excluded.kind, country = excluded.country, doc = excluded.doc
            where actors.doc is distinct from excluded.doc
        returning true as "written!"
        "#,
        actor.id.as_str(),
        actor.kind.as_str(),
        actor.country.as_ref().map(|c| c.as_str()),
    );
    if written.is_some() {
        clear_children(conn, Resource::Actors, actor.id.as_str()).await?;
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
    Ok(written)
}

pub(crate) async fn upsert_incident(
    conn: &mut PgConnection,
    incident: &Incident,
) -> Result<Option<Value>, sqlx::Error> {
    let written = upsert_row!(
        conn,
        &stored_incident(incident),
        r#"
        insert into incidents (id, kind, date_start, date_end, date_precision, doc)
        values ($1, $2, $3, $4, $5, $6)
        on conflict (id) do update
            set kind = excluded.kind, date_start = excluded.date_start,
                date_end = excluded.date_end, date_precision = excluded.date_precision,
                doc = excluded.doc
            where incidents.doc is distinct from excluded.doc
        returning true as "written!"
        "#,
        incident.id.as_str(),
        incident.kind.as_str(),
        incident.date.start(),
        incident.date.end(),
        incident.date.precision().as_str(),
    );
    if written.is_some() {
        let id = incident.id.as_str();
        clear_children(conn, Resource::Incidents, id).await?;
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
        let countries: Vec<Option<String>> = l
            .iter()
            .map(|l| l.country.as_ref().map(|c| c.as_str().to_owned()))
            .collect();
        let admin1: Vec<Option<String>> = l.iter().map(|l| l.admin1.clone()).collect();
        let lats: Vec<Option<f64>> = l.iter().map(|l| l.lat).collect();
        let lons: Vec<Option<f64>> = l.iter().map(|l| l.lon).collect();
        sqlx::query!(
            r#"
            insert into incident_locations (incident_id, position, country, admin1, lat, lon)
            select $1, r.position - 1, r.country, r.admin1, r.lat, r.lon
            from unnest($2::text[], $3::text[], $4::float8[], $5::float8[])
                with ordinality as r(country, admin1, lat, lon, position)
            "#,
            id,
            &countries as &[Option<String>],
            &admin1 as &[Option<String>],
            &lats as &[Option<f64>],
            &lons as &[Option<f64>],
        )
        .execute(&mut *conn)
        .await?;
        cite(conn, "incidents", id, incident.sources.ids()).await?;
    }
    Ok(written)
}

pub(crate) async fn upsert_claim(
    conn: &mut PgConnection,
    claim: &Claim,
) -> Result<Option<Value>, sqlx::Error> {
    let written = upsert_row!(
        conn,
        &stored_claim(claim),
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
        returning true as "written!"
        "#,
        claim.id.as_str(),
        claim.claimant.as_str(),
        claim.kind.as_str(),
        claim.status.as_str(),
        claim.incident.as_ref().map(|i| i.as_str()),
        claim.made_at.start(),
        claim.made_at.end(),
        claim.made_at.precision().as_str(),
    );
    if written.is_some() {
        let id = claim.id.as_str();
        clear_children(conn, Resource::Claims, id).await?;
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
    Ok(written)
}

pub(crate) async fn upsert_force_figure(
    conn: &mut PgConnection,
    figure: &ForceFigure,
) -> Result<Option<Value>, sqlx::Error> {
    let written = upsert_row!(
        conn,
        &stored_force_figure(figure),
        r#"
        insert into force_figures (id, actor_id, claimant_id, metric, as_of_start, as_of_end, doc)
        values ($1, $2, $3, $4, $5, $6, $7)
        on conflict (id) do update
            set actor_id = excluded.actor_id, claimant_id = excluded.claimant_id,
                metric = excluded.metric, as_of_start = excluded.as_of_start,
                as_of_end = excluded.as_of_end, doc = excluded.doc
            where force_figures.doc is distinct from excluded.doc
        returning true as "written!"
        "#,
        figure.id.as_str(),
        figure.actor.as_str(),
        figure.claimant.as_str(),
        figure.metric.as_str(),
        figure.as_of.start(),
        figure.as_of.end(),
    );
    if written.is_some() {
        cite(
            conn,
            "force-figures",
            figure.id.as_str(),
            figure.sources.ids(),
        )
        .await?;
    }
    Ok(written)
}

/// The stored document of one record, or `None` when there is no such record.
pub async fn stored_doc(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<Option<Value>, sqlx::Error> {
    super::documents::get(conn, resource, id).await
}

/// Writes any record to the current tables; returns the stored document when it changed.
pub async fn upsert(
    conn: &mut PgConnection,
    record: &Record,
) -> Result<Option<Value>, sqlx::Error> {
    match record {
        Record::Source(r) => upsert_source(conn, r).await,
        Record::Actor(r) => upsert_actor(conn, r).await,
        Record::Incident(r) => upsert_incident(conn, r).await,
        Record::Claim(r) => upsert_claim(conn, r).await,
        Record::ForceFigure(r) => upsert_force_figure(conn, r).await,
    }
}
