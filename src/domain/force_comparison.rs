//! Force comparisons: several actors' force figures side by side, metric by metric, with the
//! ratio of the first two where both have a number, and the comparisons the sources state.

use serde::Serialize;
use utoipa::ToSchema;

use super::{ActorId, Claim, ForceFigure, ForceFigureId, ForceMetric, Qualifier};

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
        exact: n.qualifier == Qualifier::Exact && d.qualifier == Qualifier::Exact,
    })
}

/// Groups figures into a comparison of `actors`, metric by metric, with the comparisons the
/// sources state (`stated`: claims of kind `comparison`).
pub fn compare(
    actors: Vec<ActorId>,
    figures: Vec<ForceFigure>,
    stated: &[Claim],
) -> ForceComparison {
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
