//! Building list queries: filters, keyset position, order and limit.
//!
//! List queries vary in their filters and sort order, so they are built with
//! `sqlx::QueryBuilder`: every value is a bound parameter, and the only SQL text pushed is
//! from the fixed column names below, never from input. (Queries with a fixed shape use the
//! compile-time checked macros, but for the reads by id in `documents`, whose table comes
//! from a closed enum.)

use chrono::NaiveDate;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{FromRow, Postgres, QueryBuilder};

use super::Reader;

/// A sort key value of the last record served.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyValue {
    Date(NaiveDate),
    Text(String),
}

/// The type of a sort column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Date,
    Text,
}

/// How a list is ordered: an optional key column, then the id column as the tie-breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// The sort column (a fixed SQL expression) and its type, or `None` to sort by id alone.
    pub column: Option<(&'static str, KeyKind)>,
    /// The id column, the tie-breaker.
    pub id: &'static str,
    pub descending: bool,
}

impl Order {
    /// Order by `column`, then id.
    pub const fn by(
        column: &'static str,
        kind: KeyKind,
        id: &'static str,
        descending: bool,
    ) -> Self {
        Self {
            column: Some((column, kind)),
            id,
            descending,
        }
    }

    /// Order by id alone.
    pub const fn by_id(id: &'static str, descending: bool) -> Self {
        Self {
            column: None,
            id,
            descending,
        }
    }
}

/// Where the next page starts: strictly after this key and id, in the order's direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub key: Option<KeyValue>,
    pub id: String,
}

fn push_value(qb: &mut QueryBuilder<'_, Postgres>, value: &KeyValue) {
    match value {
        KeyValue::Date(d) => qb.push_bind(*d),
        KeyValue::Text(t) => qb.push_bind(t.clone()),
    };
}

/// Appends ` and <position condition>`: a row-value comparison, so an index on
/// `(column, id)` serves it as a seek.
pub fn push_after(qb: &mut QueryBuilder<'_, Postgres>, order: &Order, after: Option<&Position>) {
    let Some(after) = after else { return };
    let op = if order.descending { " < " } else { " > " };
    match (order.column, &after.key) {
        (Some((column, _)), Some(key)) => {
            qb.push(" and (")
                .push(column)
                .push(", ")
                .push(order.id)
                .push(")")
                .push(op)
                .push("(");
            push_value(qb, key);
            qb.push(", ").push_bind(after.id.clone()).push(")");
        }
        _ => {
            qb.push(" and ")
                .push(order.id)
                .push(op)
                .push_bind(after.id.clone());
        }
    }
}

/// Appends ` order by <column> <dir>, <id> <dir> limit <limit>`.
pub fn push_order_limit(qb: &mut QueryBuilder<'_, Postgres>, order: &Order, limit: i64) {
    let dir = if order.descending { " desc" } else { " asc" };
    qb.push(" order by ");
    if let Some((column, _)) = order.column {
        qb.push(column).push(dir).push(", ");
    }
    qb.push(order.id).push(dir).push(" limit ").push_bind(limit);
}

/// Opens a "keys first" page: `<select> from <from>` joined to a derived table that finds the
/// page's keys. Push the filters, [`push_after`] and [`push_order_limit`] for the inner query
/// (over the same `from`), then [`push_keys_first_close`]. The inner query can walk covering
/// indexes alone; the outer reads only the page's rows, by id, and orders them by the inner
/// keys, so no plan scans the table (or an `as_of` view) to find them.
pub fn push_keys_first_open(qb: &mut QueryBuilder<'_, Postgres>, from: &str, order: &Order) {
    qb.push(" join (select ");
    if let Some((column, _)) = order.column {
        qb.push(column).push(" as page_key, ");
    }
    qb.push(order.id).push(" as page_id from ").push(from);
}

/// Closes what [`push_keys_first_open`] opened and orders the page by its keys (the limit
/// again, so the planner knows the page is small).
pub fn push_keys_first_close(qb: &mut QueryBuilder<'_, Postgres>, order: &Order, limit: i64) {
    let dir = if order.descending { " desc" } else { " asc" };
    qb.push(") page on page.page_id = ").push(order.id);
    qb.push(" order by ");
    if order.column.is_some() {
        qb.push("page.page_key").push(dir).push(", ");
    }
    qb.push("page.page_id")
        .push(dir)
        .push(" limit ")
        .push_bind(limit);
}

/// Appends ` and <column> = <value>` when the filter is set.
pub fn push_eq<'a>(qb: &mut QueryBuilder<'a, Postgres>, column: &'static str, value: Option<&str>) {
    if let Some(v) = value {
        qb.push(" and ")
            .push(column)
            .push(" = ")
            .push_bind(v.to_owned());
    }
}

/// The date filter of the dated collections: records whose date may fall on or after `from`
/// and on or before `to` (overlap); `None` leaves that end open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Appends the date filter of the dated collections: rows whose days `start`..=`end` may meet
/// `dates` (overlap; an end left `None` is open).
pub fn push_overlaps(
    qb: &mut QueryBuilder<'_, Postgres>,
    (start, end): (&'static str, &'static str),
    DateRange { from, to }: DateRange,
) {
    if let Some(from) = from {
        qb.push(" and ").push(end).push(" >= ").push_bind(from);
    }
    if let Some(to) = to {
        qb.push(" and ").push(start).push(" <= ").push_bind(to);
    }
}

/// Appends a full-text match of `column` (a `tsvector`) against `q` (websearch syntax) when set.
pub fn push_matches(qb: &mut QueryBuilder<'_, Postgres>, column: &'static str, q: Option<&str>) {
    if let Some(q) = q {
        qb.push(" and ")
            .push(column)
            .push(" @@ websearch_to_tsquery('english', ")
            .push_bind(q.to_owned())
            .push(")");
    }
}

/// A collection's sort order (`crate::domain::sort`) as SQL: the columns it orders by.
pub trait Sorted {
    /// The SQL order this sort means.
    fn order(self) -> Order;
}

/// A collection's list and count queries: its table, what a page reads of each row and how a
/// row becomes a record, and how its filters become a `where` clause.
pub struct ListQueries<F: ?Sized, R, T> {
    /// The table and its alias, e.g. `actors a`.
    pub table: &'static str,
    /// What a page reads of each row, e.g. `a.doc`.
    pub columns: &'static str,
    /// Whether a page finds its keys first ([`push_keys_first_open`]): for the collections
    /// whose filters covering indexes can answer.
    pub keys_first: bool,
    /// Appends the `where` clause for a filter (always starting with `where true`).
    pub filter: fn(&mut QueryBuilder<'_, Postgres>, &F),
    /// The record a row holds ([`doc`] where `columns` are one document).
    pub record: fn(R) -> T,
}

/// The list queries of a collection whose rows are read as one JSON document each.
pub type DocQueries<F, T> = ListQueries<F, (Json<T>,), T>;

/// The record of a row that is one JSON document.
pub fn doc<T>((Json(doc),): (Json<T>,)) -> T {
    doc
}

impl<F: ?Sized, R, T> ListQueries<F, R, T>
where
    R: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    /// One page of the records matching `filter` in `order`, after `after`.
    #[tracing::instrument(name = "list", skip_all, fields(table = self.table, limit = limit))]
    pub async fn page(
        &self,
        db: &Reader,
        filter: &F,
        order: &Order,
        after: Option<&Position>,
        limit: i64,
    ) -> Result<Vec<T>, sqlx::Error> {
        let mut qb = QueryBuilder::new("select ");
        qb.push(self.columns).push(" from ").push(self.table);
        if self.keys_first {
            push_keys_first_open(&mut qb, self.table, order);
        }
        (self.filter)(&mut qb, filter);
        push_after(&mut qb, order, after);
        push_order_limit(&mut qb, order, limit);
        if self.keys_first {
            push_keys_first_close(&mut qb, order, limit);
        }
        let rows: Vec<R> = qb
            .build_query_as()
            .fetch_all(&mut *db.conn().await?)
            .await?;
        Ok(rows.into_iter().map(self.record).collect())
    }

    /// How many records match `filter` (for `count=true`).
    #[tracing::instrument(skip_all, fields(table = self.table))]
    pub async fn count(&self, db: &Reader, filter: &F) -> Result<i64, sqlx::Error> {
        let mut qb = QueryBuilder::new("select count(*) from ");
        qb.push(self.table);
        (self.filter)(&mut qb, filter);
        qb.build_query_scalar()
            .fetch_one(&mut *db.conn().await?)
            .await
    }
}
