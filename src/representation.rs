//! Records as the API serves them: the stored record plus what reads derive (the attribution
//! sentence). One set of functions for the GET of a record, the pages that list them, and the
//! write path, whose `If-Match` compares the hash of exactly these bytes.

use crate::caching::etag_of;
use crate::domain::force_comparison::{ForceComparison, compare};
use crate::domain::{
    ActorId, Claim, ClaimId, ClaimKind, ClaimSort, DatasetInfo, ForceFigure, ForceFigureId,
    ForceFigureSort, ForceMetric, Resource, attribution,
};
use crate::error::ApiError;
use crate::store::claims::ClaimFilter;
use crate::store::force_figures::ForceFigureFilter;
use crate::store::keyset::Sorted;
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

/// The error of a read that finds no dataset: one is loaded at start-up, so it is a bug.
pub fn not_loaded() -> ApiError {
    ApiError::Internal(anyhow::anyhow!(
        "no dataset loaded: serve loads one at start-up"
    ))
}

/// The dataset's description as `GET /v1/dataset` serves it (and the pages show it).
pub async fn dataset_info(reader: &Reader) -> Result<DatasetInfo, ApiError> {
    let meta = store::dataset::get_meta(reader)
        .await?
        .ok_or_else(not_loaded)?;
    let stamp = store::dataset::stamp(reader)
        .await?
        .ok_or_else(not_loaded)?;
    let counts = store::dataset::counts(reader).await?;
    Ok(DatasetInfo {
        meta,
        version: stamp.version,
        changed_at: stamp.changed_at,
        counts,
    })
}

/// The comparison `GET /v1/force-comparison` serves (and the pages draw): the figures of two
/// to ten existing `actors`, of one metric or all, attributed, with the comparisons the
/// sources state about the first two.
pub async fn force_comparison(
    reader: &Reader,
    actors: Vec<ActorId>,
    metric: Option<ForceMetric>,
) -> Result<ForceComparison, ApiError> {
    if actors.len() < 2 {
        return Err(ApiError::invalid(
            "actors",
            "needs at least two distinct actor ids, comma-separated (e.g. `pakistan,afghan-taliban`)",
        ));
    }
    if actors.len() > 10 {
        return Err(ApiError::invalid("actors", "takes at most 10 actor ids"));
    }
    for actor in &actors {
        if !store::actors::actor_exists(reader, actor).await? {
            return Err(ApiError::NotFound {
                resource: Resource::Actors,
                id: actor.to_string(),
            });
        }
    }
    let filter = ForceFigureFilter {
        actors: actors.clone(),
        metric,
        dated: None,
    };
    // A comparison is small by nature (a few metrics per actor), so it is one query, capped.
    let mut figures = store::force_figures::FORCE_FIGURES
        .page(reader, &filter, &ForceFigureSort::Id.order(), None, 1000)
        .await?;
    attribute_figures(reader, &mut figures).await?;
    let comparisons = ClaimFilter {
        about: Some(actors[0].clone()),
        kind: Some(ClaimKind::Comparison),
        ..ClaimFilter::default()
    };
    let mut stated = store::claims::CLAIMS
        .page(reader, &comparisons, &ClaimSort::Id.order(), None, 100)
        .await?;
    attribute_claims(reader, &mut stated).await?;
    Ok(compare(actors, figures, &stated))
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
