//! Records as the API serves them: the stored record plus what reads derive (the attribution
//! sentence). One set of functions for the GET of a record, the pages that list them, and the
//! write path, whose `If-Match` compares the hash of exactly these bytes.

use crate::caching::etag_of;
use crate::domain::{Claim, ClaimId, ForceFigure, ForceFigureId, Resource, attribution};
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
    let mut claim = store::claims::get_claim(reader, id).await?;
    if let Some(c) = &mut claim {
        attribute_claims(reader, std::slice::from_mut(c)).await?;
    }
    Ok(claim)
}

/// One force figure as `GET /v1/force-figures/{id}` serves it, if it exists.
pub async fn force_figure(
    reader: &Reader,
    id: &ForceFigureId,
) -> Result<Option<ForceFigure>, sqlx::Error> {
    let mut figure = store::force_figures::get_force_figure(reader, id).await?;
    if let Some(f) = &mut figure {
        attribute_figures(reader, std::slice::from_mut(f)).await?;
    }
    Ok(figure)
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
        Resource::Sources => served(reader, id, store::sources::get_source).await?,
        Resource::Actors => served(reader, id, store::actors::get_actor).await?,
        Resource::Incidents => served(reader, id, store::incidents::get_incident).await?,
        Resource::Claims => served(reader, id, claim).await?,
        Resource::ForceFigures => served(reader, id, force_figure).await?,
    })
}

/// The record `read` finds under `id`, as served; `None` when there is none (or `id` is
/// malformed, so none could be).
async fn served<I: TryFrom<String>, T: serde::Serialize>(
    reader: &Reader,
    id: &str,
    read: impl AsyncFn(&Reader, &I) -> Result<Option<T>, sqlx::Error>,
) -> Result<Option<Representation>, sqlx::Error> {
    let Ok(id) = I::try_from(id.to_owned()) else {
        return Ok(None);
    };
    Ok(read(reader, &id).await?.map(|r| Representation::of(&r)))
}
