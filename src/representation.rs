//! Records as the API serves them: the stored record plus what reads derive (the attribution
//! sentence). One set of functions for the GET of a record, the pages that list them, and the
//! write path, whose `If-Match` compares the hash of exactly these bytes.

use crate::caching::etag_of;
use crate::domain::{
    ActorId, Claim, ClaimId, ForceFigure, ForceFigureId, IncidentId, Resource, SourceId,
    attribution,
};
use crate::store::{self, Reader};

/// Fills in each claim's `attribution` sentence.
pub async fn attribute_claims(reader: &Reader, claims: &mut [Claim]) -> Result<(), sqlx::Error> {
    let ctx = store::lookups::attribution_context(reader, claims, &[]).await?;
    for c in claims.iter_mut() {
        c.attribution = Some(attribution::for_claim(c, &ctx));
    }
    Ok(())
}

/// Fills in each force figure's `attribution` sentence.
pub async fn attribute_figures(
    reader: &Reader,
    figures: &mut [ForceFigure],
) -> Result<(), sqlx::Error> {
    let ctx = store::lookups::attribution_context(reader, &[], figures).await?;
    for f in figures.iter_mut() {
        f.attribution = Some(attribution::for_force_figure(f, &ctx));
    }
    Ok(())
}

/// One claim as `GET /v1/claims/{id}` serves it, if it exists.
pub async fn claim(reader: &Reader, id: &ClaimId) -> Result<Option<Claim>, sqlx::Error> {
    let Some(claim) = store::claims::get_claim(reader, id).await? else {
        return Ok(None);
    };
    let mut claims = [claim];
    attribute_claims(reader, &mut claims).await?;
    let [claim] = claims;
    Ok(Some(claim))
}

/// One force figure as `GET /v1/force-figures/{id}` serves it, if it exists.
pub async fn force_figure(
    reader: &Reader,
    id: &ForceFigureId,
) -> Result<Option<ForceFigure>, sqlx::Error> {
    let Some(figure) = store::force_figures::get_force_figure(reader, id).await? else {
        return Ok(None);
    };
    let mut figures = [figure];
    attribute_figures(reader, &mut figures).await?;
    let [figure] = figures;
    Ok(Some(figure))
}

/// The exact bytes a GET of a record serves, and their strong ETag.
#[derive(Debug, Clone)]
pub struct Representation {
    pub bytes: Vec<u8>,
    pub etag: String,
}

impl Representation {
    fn of<T: serde::Serialize>(record: &T) -> Self {
        let bytes = serde_json::to_vec(record).expect("records serialise");
        let etag = etag_of(&bytes);
        Self { bytes, etag }
    }
}

/// The record `resource/id` as `GET /v1/{resource}/{id}` serves it, or `None` when no such
/// record exists (or the id is malformed, so none could).
pub async fn of(
    reader: &Reader,
    resource: Resource,
    id: &str,
) -> Result<Option<Representation>, sqlx::Error> {
    Ok(match resource {
        Resource::Sources => match SourceId::parse(id) {
            Ok(id) => store::sources::get_source(reader, &id)
                .await?
                .map(|r| Representation::of(&r)),
            Err(_) => None,
        },
        Resource::Actors => match ActorId::parse(id) {
            Ok(id) => store::actors::get_actor(reader, &id)
                .await?
                .map(|r| Representation::of(&r)),
            Err(_) => None,
        },
        Resource::Incidents => match IncidentId::parse(id) {
            Ok(id) => store::incidents::get_incident(reader, &id)
                .await?
                .map(|r| Representation::of(&r)),
            Err(_) => None,
        },
        Resource::Claims => match ClaimId::parse(id) {
            Ok(id) => claim(reader, &id).await?.map(|r| Representation::of(&r)),
            Err(_) => None,
        },
        Resource::ForceFigures => match ForceFigureId::parse(id) {
            Ok(id) => force_figure(reader, &id)
                .await?
                .map(|r| Representation::of(&r)),
            Err(_) => None,
        },
    })
}
