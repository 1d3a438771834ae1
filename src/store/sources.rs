//! Queries on sources.

use sqlx::{Postgres, QueryBuilder};

use super::{Reader, documents};

use super::keyset::{DocQueries, ListQueries, Order, Sorted, doc, push_eq};
use crate::domain::{Resource, Source, SourceId, SourceKind, SourceSort};

impl Sorted for SourceSort {
    fn order(self) -> Order {
        Order::by_id("s.id", self == Self::IdDesc)
    }
}

/// Filters on the sources collection; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct SourceFilter {
    pub kind: Option<SourceKind>,
}

fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, filter: &SourceFilter) {
    qb.push(" where true");
    push_eq(qb, "s.kind", filter.kind.map(SourceKind::as_str));
}

/// The sources collection's list and count queries.
pub const SOURCES: DocQueries<SourceFilter, Source> = ListQueries {
    table: "sources s",
    columns: "s.doc",
    keys_first: false,
    filter: push_filter,
    record: doc,
};

/// One source, if it exists.
#[tracing::instrument(skip(db))]
pub async fn get_source(db: &Reader, id: &SourceId) -> Result<Option<Source>, sqlx::Error> {
    documents::get(&mut *db.conn().await?, Resource::Sources, id.as_str()).await
}
