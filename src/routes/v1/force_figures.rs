//! `/v1/force-figures` and `/v1/force-comparison`: force-strength numbers, side by side.

use actix_web::get;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::format::JSON_CSV;
use super::listing::keyset_collection;
use super::listing::list_endpoint;
use super::listing::{Docs, Filters};
use super::params::{ActorList, DateBound};
use super::record::record_endpoint;
use super::responses::get_endpoint;
use crate::domain::{ActorId, AsOf, Claim, ClaimKind, ForceFigure, ForceFigureId, ForceMetric};
use crate::domain::{ClaimSort, ForceFigureSort};
use crate::error::ApiError;
use crate::representation;
use crate::store;
use crate::store::claims::ClaimFilter;
use crate::store::force_figures::ForceFigureFilter;
use crate::store::keyset::Sorted;

keyset_collection! {
    /// The force figures collection; each figure with its attribution sentence.
    ForceFigures { ForceFigure, ForceFigurePage: "A page of force figures.", ForceFigures, ForceFigureFilter, ForceFigureSort::Id }
    queries: store::force_figures::FORCE_FIGURES, then: representation::attribute_figures;
    key: |f| f.metric;
    formats: JSON_CSV;
}

/// Filters of `GET /v1/force-figures`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListForceFiguresParams {
    /// Only figures about these actors: distinct actor ids (each 1 to 100 characters),
    /// comma-separated.
    #[param(
        value_type = Option<String>,
        example = "pakistan,afghan-taliban",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*(,[a-z0-9]+(-[a-z0-9]+)*)*$"
    )]
    actor: Option<ActorList>,
    /// Only figures of this metric.
    metric: Option<ForceMetric>,
    /// Only figures describing a period that overlaps this date (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`): `dated=2025` gives the figures for 2025. (Named `dated`, not after
    /// the figures' `as_of` field: `as_of` is time travel, as on every read.)
    #[param(example = "2025")]
    dated: Option<DateBound>,
}

impl Filters for ListForceFiguresParams {
    type Of = ForceFigures;
    const DOCS: Docs = Docs::count("`true` adds `meta.total`, the number of matching figures.");
    fn filter(&self) -> Result<ForceFigureFilter, ApiError> {
        Ok(ForceFigureFilter {
            actors: self.actor.as_ref().map(|a| a.0.clone()).unwrap_or_default(),
            metric: self.metric,
            dated: self.dated.as_ref().map(|d| (d.first_day(), d.last_day())),
        })
    }
}

list_endpoint! {
    /// List force figures
    ///
    /// Force-strength numbers in id order, each with the actor counted, who published the number,
    /// its qualifier as stated ("more than 600,000" is `more_than` 600000), the period it
    /// describes, and its sources.
    list_force_figures: "/force-figures", "force-figures", ListForceFiguresParams,
    ok: "A page of force figures",
    content: [(ForceFigurePage = "application/json"), (String = "text/csv")]
}

/// Query parameters of `GET /v1/force-comparison`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForceComparisonParams {
    /// Two to ten distinct actor ids (each 1 to 100 characters), comma-separated. The ratio
    /// compares the first two.
    #[param(
        value_type = String,
        example = "pakistan,afghan-taliban",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*(,[a-z0-9]+(-[a-z0-9]+)*){1,9}$"
    )]
    actors: ActorList,
    /// Only this metric.
    metric: Option<ForceMetric>,
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// One actor's figures for one metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActorFigures {
    pub actor: ActorId,
    /// Every figure for this actor and metric: dated ones first, newest period first, then
    /// undated ones (an open start, `../2026-02-27`); empty when there is none.
    pub figures: Vec<ForceFigure>,
}

/// The ratio between the first two actors' figures for a metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ratio {
    /// The first actor's value divided by the second's, rounded to two decimals.
    #[schema(example = 3.49)]
    pub value: f64,
    /// The figure divided (the first actor's).
    pub numerator: ForceFigureId,
    /// The figure divided by (the second actor's).
    pub denominator: ForceFigureId,
    /// False when either figure is not `exact` (e.g. "more than 600,000"): the ratio is then
    /// of the stated numbers, not of the true amounts.
    pub exact: bool,
}

/// Every listed actor's figures for one metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricComparison {
    pub metric: ForceMetric,
    /// One entry per requested actor, in request order.
    pub actors: Vec<ActorFigures>,
    /// Null unless the first two actors both have a figure with a number, and the second's is
    /// not zero. Uses each actor's first figure with a number, in the order of `figures`.
    pub ratio: Option<Ratio>,
    /// Comparisons the sources state in their own words for this metric, beside the computed
    /// ratio (the explainer's "less than a third of Pakistan's personnel"): claims of kind
    /// `comparison` about the first two actors with a figure of this metric, attributed.
    pub stated: Vec<Claim>,
}

/// Force figures of several actors, metric by metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForceComparison {
    /// The actors compared, in request order.
    pub actors: Vec<ActorId>,
    /// One entry per metric that any of the actors has a figure for, in metric order.
    pub metrics: Vec<MetricComparison>,
}

fn ratio(numerator: Option<&ForceFigure>, denominator: Option<&ForceFigure>) -> Option<Ratio> {
    let (n, d) = (numerator?, denominator?);
    let (nv, dv) = (n.value?, d.value?);
    if dv == 0 {
        return None;
    }
    Some(Ratio {
        value: (nv as f64 / dv as f64 * 100.0).round() / 100.0,
        numerator: n.id.clone(),
        denominator: d.id.clone(),
        exact: n.qualifier == crate::domain::Qualifier::Exact
            && d.qualifier == crate::domain::Qualifier::Exact,
    })
}

/// Groups figures into a comparison of `actors`, metric by metric, with the comparisons the
/// sources state (`stated`: claims of kind `comparison`).
fn compare(actors: Vec<ActorId>, figures: Vec<ForceFigure>, stated: &[Claim]) -> ForceComparison {
    let mut metrics: Vec<ForceMetric> = figures.iter().map(|f| f.metric).collect();
    metrics.sort();
    metrics.dedup();
    let metrics = metrics
        .into_iter()
        .map(|metric| {
            let per_actor: Vec<ActorFigures> = actors
                .iter()
                .map(|actor| {
                    let mut own: Vec<ForceFigure> = figures
                        .iter()
                        .filter(|f| f.metric == metric && &f.actor == actor)
                        .cloned()
                        .collect();
                    // An undated figure is not the newest: it may be older than any dated one.
                    own.sort_by_key(|f| {
                        (
                            f.as_of.first_day().is_none(),
                            std::cmp::Reverse(f.as_of.end()),
                            f.id.clone(),
                        )
                    });
                    ActorFigures {
                        actor: actor.clone(),
                        figures: own,
                    }
                })
                .collect();
            let newest_with_value = |i: usize| {
                per_actor
                    .get(i)
                    .and_then(|a| a.figures.iter().find(|f| f.value.is_some()))
            };
            let ratio = ratio(newest_with_value(0), newest_with_value(1));
            let stated = stated
                .iter()
                .filter(|c| actors.iter().take(2).all(|a| c.about.contains(a)))
                .filter(|c| c.figures.iter().any(|f| f.metric == metric.as_str()))
                .cloned()
                .collect();
            MetricComparison {
                metric,
                actors: per_actor,
                ratio,
                stated,
            }
        })
        .collect();
    ForceComparison { actors, metrics }
}

get_endpoint! {
    /// Compare forces
    ///
    /// For each metric, every listed actor's figures with qualifier and sources, and the ratio of
    /// the first actor's number to the second's where both have one. Pakistan against the Afghan
    /// Taliban on active personnel: more than 600,000 against 172,000, a ratio of about 3.49.
    "/force-comparison", "force-figures", params(ForceComparisonParams),
    json("The comparison", ForceComparison), errors: LookupErrors;
    force_comparison: |pool, params| {
        let actors = params.actors.0;
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
            if !store::actors::actor_exists(&pool, actor).await? {
                return Err(ApiError::NotFound {
                    resource: crate::domain::Resource::Actors,
                    id: actor.to_string(),
                });
            }
        }
        let filter = ForceFigureFilter {
            actors: actors.clone(),
            metric: params.metric,
            dated: None,
        };
        // A comparison is small by nature (a few metrics per actor), so it is one query, capped.
        let mut figures = store::force_figures::FORCE_FIGURES
            .page(&pool, &filter, &ForceFigureSort::Id.order(), None, 1000)
            .await?;
        representation::attribute_figures(&pool, &mut figures).await?;
        let comparisons = ClaimFilter {
            about: Some(actors[0].clone()),
            kind: Some(ClaimKind::Comparison),
            ..ClaimFilter::default()
        };
        let mut stated = store::claims::CLAIMS
            .page(&pool, &comparisons, &ClaimSort::Id.order(), None, 100)
            .await?;
        representation::attribute_claims(&pool, &mut stated).await?;
        compare(actors, figures, &stated)
    }
}

record_endpoint! {
    /// Get a force figure
    ///
    /// One force-strength figure by id, with who stated it, when, its source and an attribution
    /// sentence. Its `ETag` is what `PATCH` and `DELETE` need in `If-Match`.
    get_force_figure: "/force-figures/{id}", "force-figures", ForceFigure, ForceFigures(ForceFigureId),
    id: ("The figure's id", "pakistan-active-personnel-2025"), ok: "The force figure",
    read: representation::force_figure
}
