//! Full-text search across actors, claims, incidents and sources.
//!
//! Each table has a generated, GIN-indexed `search` column (see the search migration); a query
//! is parsed with `websearch_to_tsquery` (quoted phrases, `or`, `-word`) and hits are ranked
//! with `ts_rank`, names and titles weighing more than descriptions.

use super::Reader;
use crate::domain::SearchHitType;

/// A keyset position in the ranked hits: the last hit served.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchAfter {
    pub rank: f32,
    pub hit_type: SearchHitType,
    pub id: String,
}

/// One search hit as the database ranks and highlights it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SearchHitRow {
    #[sqlx(rename = "type", try_from = "String")]
    pub hit_type: SearchHitType,
    pub id: String,
    /// `ts_rank` of the record's document against the query (a `real`, so it survives a
    /// round trip through a JSON cursor exactly).
    pub rank: f32,
    /// The record's name or title; for a claim, its statement.
    pub title: String,
    /// For a claim, the claimant's name.
    pub claimant_name: Option<String>,
    /// The main text with the matches marked `<mark>…</mark>`.
    pub snippet: String,
}

/// One page of hits for `query`, best first (rank descending, then type, then id), after
/// `after`; only of `only` when given. A query that matches nothing (or holds only stop words)
/// gives no hits.
///
/// Ranks and keyset are computed on ids alone; titles and highlights (`ts_headline` is the
/// costly part) only for the page served.
#[tracing::instrument(skip(db))]
pub async fn search(
    db: &Reader,
    query: &str,
    only: Option<SearchHitType>,
    after: Option<&SearchAfter>,
    limit: i64,
) -> Result<Vec<SearchHitRow>, sqlx::Error> {
    sqlx::query_as::<_, SearchHitRow>(
        r#"
        with q as (select websearch_to_tsquery('english'::regconfig, $1) as query),
        docs as (
            select 'actor'::text as type, id, search from actors
            union all
            select 'claim'::text, id, search from claims
            union all
            select 'incident'::text, id, search from incidents
            union all
            select 'source'::text, id, search from sources
        ),
        hits as (
            select d.type, d.id, ts_rank(d.search, q.query) as rank
            from docs d, q
            where ($2::text is null or $2 = d.type) and d.search @@ q.query
        ),
        page as (
            select h.type, h.id, h.rank
            from hits h
            where $3::real is null
               or h.rank < $3
               or (h.rank = $3 and (h.type, h.id) > ($4::text, $5::text))
            order by h.rank desc, h.type, h.id
            limit $6
        )
        select p.type, p.id, p.rank,
               coalesce(a.doc ->> 'name', c.doc ->> 'statement', i.doc ->> 'title',
                        s.doc ->> 'title') as title,
               claimant.doc ->> 'name' as claimant_name,
               ts_headline('english'::regconfig,
                   coalesce(a.doc ->> 'description', c.doc ->> 'statement',
                            i.doc ->> 'summary', s.doc ->> 'note', s.doc ->> 'title', ''),
                   q.query,
                   'StartSel=<mark>, StopSel=</mark>, MaxWords=25, MinWords=8') as snippet
        from page p
        cross join q
        left join actors a on p.type = 'actor' and a.id = p.id
        left join claims c on p.type = 'claim' and c.id = p.id
        left join actors claimant on claimant.id = c.claimant_id
        left join incidents i on p.type = 'incident' and i.id = p.id
        left join sources s on p.type = 'source' and s.id = p.id
        order by p.rank desc, p.type, p.id
        "#,
    )
    .bind(query)
    .bind(only.map(SearchHitType::as_str))
    .bind(after.map(|a| a.rank))
    .bind(after.map(|a| a.hit_type.as_str()))
    .bind(after.map(|a| a.id.as_str()))
    .bind(limit)
    .fetch_all(&mut *db.conn().await?)
    .await
}
