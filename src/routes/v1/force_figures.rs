//! `/v1/force-figures` and `/v1/force-comparison`: force-strength numbers, side by side.

use actix_web::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::format::JSON_CSV;
use super::listing::keyset_collection;
use super::listing::list_endpoint;
use super::listing::{Docs, Filters};
use super::params::{ActorList, DateBound};
use super::record::record_endpoint;
use super::responses::get_endpoint;
use crate::domain::ForceFigureSort;
use crate::domain::{AsOf, ForceComparison, ForceFigure, ForceFigureId, ForceMetric};
use crate::error::ApiError;
use crate::representation;
use crate::store;
use crate::store::force_figures::ForceFigureFilter;

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

get_endpoint! {
    /// Compare forces
    ///
    /// For each metric, every listed actor's figures with qualifier and sources, and the ratio of
    /// the first actor's number to the second's where both have one. Pakistan against the Afghan
    /// Taliban on active personnel: more than 600,000 against 172,000, a ratio of about 3.49.
    "/force-comparison", "force-figures", params(ForceComparisonParams),
    json("The comparison", ForceComparison), errors: LookupErrors;
    force_comparison: |pool, params| representation::force_comparison(&pool, params.actors.0, params.metric).await?
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
