//! Queries on actors.

use sqlx::{Postgres, QueryBuilder};

use super::{Reader, documents};

use super::keyset::{DocQueries, KeyKind, ListQueries, Order, Sorted, doc, push_eq};
use crate::domain::{Actor, ActorId, ActorKind, ActorSort, CountryCode, Resource};

impl Sorted for ActorSort {
    fn order(self) -> Order {
        match self {
            Self::Id => Order::by_id("a.id", false),
            Self::IdDesc => Order::by_id("a.id", true),
            Self::Name => Order::by("(a.doc->>'name')", KeyKind::Text, "a.id", false),
            Self::NameDesc => Order::by("(a.doc->>'name')", KeyKind::Text, "a.id", true),
        }
    }
}

/// Filters on the actors collection; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct ActorFilter {
    pub kind: Option<ActorKind>,
    pub country: Option<CountryCode>,
}

fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, filter: &ActorFilter) {
    qb.push(" where true");
    push_eq(qb, "a.kind", filter.kind.map(ActorKind::as_str));
    push_eq(
        qb,
        "a.country",
        filter.country.as_ref().map(CountryCode::as_str),
    );
}

/// The actors collection's list and count queries.
pub const ACTORS: DocQueries<ActorFilter, Actor> = ListQueries {
    table: "actors a",
    columns: "a.doc",
    keys_first: false,
    filter: push_filter,
    record: doc,
};

/// One actor, if it exists.
#[tracing::instrument(skip(db))]
pub async fn get_actor(db: &Reader, id: &ActorId) -> Result<Option<Actor>, sqlx::Error> {
    documents::get(&mut *db.conn().await?, Resource::Actors, id.as_str()).await
}

/// Whether an actor exists, for sub-collections that must 404 on an unknown actor.
#[tracing::instrument(skip(db))]
pub async fn actor_exists(db: &Reader, id: &ActorId) -> Result<bool, sqlx::Error> {
    documents::exists(&mut *db.conn().await?, Resource::Actors, id.as_str()).await
}
