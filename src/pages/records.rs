//! What a record's page shows (`/claims/{id}`, `/actors/{id}`, `/incidents/{id}`): the record
//! as the API serves it at the version asked for, the names and sources it refers to, the
//! records around it (each list bounded), and its history up to that version.

use std::collections::HashMap;

use crate::domain::attribution::Context;
use crate::domain::{
    Actor, ActorId, Claim, ClaimId, ClaimSort, DatasetMeta, ForceFigure, ForceFigureSort, Incident,
    IncidentId, IncidentSort, Operation, Resource, Revision,
};
use crate::error::ApiError;
use crate::representation;
use crate::store::claims::{CLAIMS, ClaimFilter};
use crate::store::force_figures::{FORCE_FIGURES, ForceFigureFilter};
use crate::store::incidents::{INCIDENTS, IncidentFilter};
use crate::store::{self, Reader};

use super::Listed;
use super::data::newest_where;
use crate::store::keyset::{ListQueries, Sorted};

/// The most revisions a page lists (the newest); the API has them all.
pub const HISTORY_LIMIT: i64 = 100;

/// The most related records a page lists of each kind (an actor's claims, incidents and
/// figures; an incident's claims; a claim's contradictions): the page stays bounded.
pub const RELATED_LIMIT: i64 = 100;

/// A record's page: the record (or that it had been deleted), what it refers to, its history.
pub struct RecordPage<T> {
    pub id: String,
    pub resource: Resource,
    /// The record as of the version shown; `None` when it had been deleted by then (the
    /// history's newest revision says when and why).
    pub record: Option<T>,
    /// Names of the actors and the sources the page mentions.
    pub context: Context,
    /// Its revisions up to the version shown, newest first.
    pub history: Listed<Revision>,
    /// The version shown (`as_of`), or `None` for the current data.
    pub as_of: Option<i64>,
    /// The dataset's title, licence and citation, and the version the page was read at.
    pub dataset: DatasetMeta,
    pub version: i64,
}

impl<T> RecordPage<T> {
    /// The revision that deleted the record, when the page shows a deleted one.
    pub fn deletion(&self) -> Option<&Revision> {
        self.history
            .items
            .first()
            .filter(|r| self.record.is_none() && r.operation == Operation::Delete)
    }
}

/// The newest records of a collection that pass `filter` (at most [`RELATED_LIMIT`]).
async fn related<F, R, T>(
    queries: &ListQueries<F, R, T>,
    reader: &Reader,
    filter: &F,
    order: impl Sorted,
) -> Result<Listed<T>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    newest_where(queries, reader, filter, order, RELATED_LIMIT).await
}

/// A claim with the incident it refers to and the claims contradicting it.
pub struct ClaimView {
    pub claim: Claim,
    /// The incident's title.
    pub incident: Option<(IncidentId, String)>,
    /// What each contradicting claim states (claim id → statement; at most
    /// [`RELATED_LIMIT`] of them), read in one query; their claimants are in the context.
    pub contradicting: HashMap<String, String>,
}

/// An actor with what it claimed, took part in, and the force figures about it.
pub struct ActorView {
    pub actor: Actor,
    pub claims: Listed<Claim>,
    pub incidents: Listed<Incident>,
    pub figures: Listed<ForceFigure>,
}

/// An incident with the claims about it.
pub struct IncidentView {
    pub incident: Incident,
    pub claims: Listed<Claim>,
}

/// The page of `id` in `resource`, read with `read` (the record and the names and sources it
/// needs); a 404 when the record never existed at the version read.
async fn page<T>(
    reader: &Reader,
    resource: Resource,
    id: &str,
    read: impl AsyncFnOnce(&Reader) -> Result<Option<(T, Context)>, ApiError>,
) -> Result<RecordPage<T>, ApiError> {
    let not_found = || ApiError::NotFound {
        resource,
        id: id.to_owned(),
    };
    if !crate::domain::ids::is_slug(id) {
        return Err(not_found());
    }
    let mut revisions =
        store::changes::newest_revisions(reader, resource, id, HISTORY_LIMIT + 1).await?;
    if revisions.is_empty() {
        return Err(not_found());
    }
    let more = revisions.len() as i64 > HISTORY_LIMIT;
    revisions.truncate(HISTORY_LIMIT as usize);
    let (record, context) = match read(reader).await? {
        Some((record, context)) => (Some(record), context),
        None => (None, Context::default()),
    };
    let dataset = store::dataset::get_meta(reader)
        .await?
        .ok_or_else(representation::not_loaded)?;
    let stamp = store::dataset::stamp(reader)
        .await?
        .ok_or_else(representation::not_loaded)?;
    Ok(RecordPage {
        id: id.to_owned(),
        resource,
        record,
        context,
        history: Listed {
            items: revisions,
            more,
        },
        as_of: reader.version(),
        dataset,
        version: stamp.version,
    })
}

/// Adds the names of `ids` and the sources `sources` to `context`.
async fn name(
    reader: &Reader,
    context: &mut Context,
    ids: impl IntoIterator<Item = String>,
    sources: impl IntoIterator<Item = String>,
) -> Result<(), ApiError> {
    let ids: Vec<String> = ids
        .into_iter()
        .filter(|id| !context.actors.contains_key(id))
        .collect();
    context
        .actors
        .extend(store::lookups::actor_names(reader, &ids).await?);
    let sources: Vec<String> = sources
        .into_iter()
        .filter(|id| !context.sources.contains_key(id))
        .collect();
    context
        .sources
        .extend(store::lookups::sources(reader, &sources).await?);
    Ok(())
}

/// The page of claim `id`.
pub async fn claim(reader: &Reader, id: &str) -> Result<RecordPage<ClaimView>, ApiError> {
    page(reader, Resource::Claims, id, async |reader| {
        let Ok(id) = ClaimId::parse(id) else {
            return Ok(None);
        };
        let Some(claim) = representation::claim(reader, &id).await? else {
            return Ok(None);
        };
        let others: Vec<String> = claim
            .contradicted_by
            .iter()
            .take(RELATED_LIMIT as usize)
            .map(ToString::to_string)
            .collect();
        let contradicting = store::lookups::statements(reader, &others).await?;
        let mut context =
            store::lookups::attribution_context(reader, std::slice::from_ref(&claim), &[]).await?;
        let about = claim.about.iter().map(ToString::to_string);
        name(reader, &mut context, about, []).await?;
        let incident = match &claim.incident {
            Some(incident) => store::incidents::get_incident(reader, incident)
                .await?
                .map(|i| (i.id, i.title)),
            None => None,
        };
        Ok(Some((
            ClaimView {
                claim,
                incident,
                contradicting,
            },
            context,
        )))
    })
    .await
}

/// The page of actor `id`.
pub async fn actor(reader: &Reader, id: &str) -> Result<RecordPage<ActorView>, ApiError> {
    page(reader, Resource::Actors, id, async |reader| {
        let Ok(id) = ActorId::parse(id) else {
            return Ok(None);
        };
        let Some(actor) = store::actors::get_actor(reader, &id).await? else {
            return Ok(None);
        };
        let claimed = ClaimFilter {
            claimant: Some(id.clone()),
            ..ClaimFilter::default()
        };
        let mut claims = related(&CLAIMS, reader, &claimed, ClaimSort::MadeAtDesc).await?;
        representation::attribute_claims(reader, &mut claims.items).await?;
        let took_part = IncidentFilter {
            actor: Some(id.clone()),
            ..IncidentFilter::default()
        };
        let incidents = related(&INCIDENTS, reader, &took_part, IncidentSort::DateDesc).await?;
        let about = ForceFigureFilter {
            actors: vec![id.clone()],
            ..ForceFigureFilter::default()
        };
        let mut figures = related(&FORCE_FIGURES, reader, &about, ForceFigureSort::Metric).await?;
        representation::attribute_figures(reader, &mut figures.items).await?;
        let mut context =
            store::lookups::attribution_context(reader, &claims.items, &figures.items).await?;
        let according: Vec<String> = actor
            .places
            .iter()
            .filter_map(|p| p.location.according_to.as_ref().map(ToString::to_string))
            .collect();
        context
            .claimants
            .extend(store::lookups::claimants(reader, &according).await?);
        let related = actor
            .relations
            .iter()
            .map(|r| r.actor.to_string())
            .chain(context.claimants.values().cloned())
            .collect::<Vec<_>>();
        let sources = actor
            .sources
            .ids()
            .iter()
            .chain(actor.relations.iter().flat_map(|r| r.sources.ids()))
            .map(ToString::to_string)
            .collect::<Vec<_>>();
        name(reader, &mut context, related, sources).await?;
        Ok(Some((
            ActorView {
                actor,
                claims,
                incidents,
                figures,
            },
            context,
        )))
    })
    .await
}

/// The page of incident `id`.
pub async fn incident(reader: &Reader, id: &str) -> Result<RecordPage<IncidentView>, ApiError> {
    page(reader, Resource::Incidents, id, async |reader| {
        let Ok(id) = IncidentId::parse(id) else {
            return Ok(None);
        };
        let Some(incident) = store::incidents::get_incident(reader, &id).await? else {
            return Ok(None);
        };
        let about = ClaimFilter {
            incident: Some(id.clone()),
            ..ClaimFilter::default()
        };
        let mut claims = related(&CLAIMS, reader, &about, ClaimSort::MadeAtDesc).await?;
        representation::attribute_claims(reader, &mut claims.items).await?;
        let mut context = store::lookups::attribution_context(reader, &claims.items, &[]).await?;
        let according: Vec<String> = incident
            .locations
            .iter()
            .filter_map(|l| l.according_to.as_ref().map(ToString::to_string))
            .collect();
        let placed_by: HashMap<String, String> =
            store::lookups::claimants(reader, &according).await?;
        context.claimants.extend(placed_by);
        let actors = incident
            .actors
            .iter()
            .map(|a| a.actor.to_string())
            .chain(context.claimants.values().cloned())
            .collect::<Vec<_>>();
        let sources = incident.sources.ids().iter().map(ToString::to_string);
        name(reader, &mut context, actors, sources).await?;
        Ok(Some((IncidentView { incident, claims }, context)))
    })
    .await
}
