//! `/v1/{resource}/{id}/revisions` and `/v1/changes`: who changed what, when, and the feed a
//! mirror syncs from.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};

use super::as_of::Db;
use super::pagination::{Cursor, Page, PageLinks, page_type};
use super::params::Limit;
use super::responses::get_endpoint;
use crate::domain::ids::is_slug;
use crate::domain::{FeedChange, Resource, Revision};
use crate::error::ApiError;
use crate::extract::Params;
use crate::store;
use crate::store::changes::FeedPosition;

/// The only order either list has; cursors are bound to it.
const VERSION_ORDER: &str = "version";

page_type!(
    /// A page of one record's revisions, oldest first.
    RevisionPage,
    Revision
);

/// The paging parameters of both history listings, after their own: documented once, but for
/// the cursors each takes ([`history_params`]).
#[derive(IntoParams)]
#[expect(dead_code, reason = "documents the parameters the listings parse")]
#[into_params(parameter_in = Query)]
struct HistoryPageParams {
    /// Page size, 1 to 500.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500, default = 50)]
    limit: Option<Limit>,
    /// The listing's own description, from [`history_params`].
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    /// Time travel: the history as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`): nothing after it; the same request always returns the
    /// same bytes.
    #[param(inline)]
    as_of: Option<crate::domain::AsOf>,
}

/// `limit`, `cursor` and `as_of`, with `cursor` taking the cursors issued for `issued_for`.
fn history_params(issued_for: &str) -> Vec<Parameter> {
    let mut params = HistoryPageParams::into_params(|| Some(ParameterIn::Query));
    for param in params.iter_mut().filter(|p| p.name == "cursor") {
        param.description = Some(format!(
            "Opaque cursor from `meta.next_cursor` of the previous page (base64url). Only a \
             cursor\nthis API issued for {issued_for} is accepted; any other is a 400."
        ));
    }
    params
}

/// Query parameters of `GET /v1/{resource}/{id}/revisions` ([`history_params`]).
#[derive(Debug, Deserialize)]
pub struct ListRevisionsParams {
    limit: Option<Limit>,
    cursor: Option<String>,
    as_of: Option<crate::domain::AsOf>,
}

impl IntoParams for ListRevisionsParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        history_params("the same record")
    }
}

/// The record a revisions path names, or a 404 saying what exists.
fn record(path: &(String, String)) -> Result<(Resource, &str), ApiError> {
    let (resource, id) = path;
    let resource: Resource = resource.parse().map_err(|()| {
        let all: Vec<&str> = Resource::ALL.iter().map(|r| r.as_str()).collect();
        ApiError::Absent(format!(
            "There is no collection `{resource}`; revisions are kept for {}.",
            all.join(", ")
        ))
    })?;
    Ok((resource, id.as_str()))
}

get_endpoint! {
    /// List a record's revisions
    ///
    /// Every change ever made to one record, oldest first: the dataset version and time of each,
    /// who made it (the writing key's name, or `import` for a bulk load), whether it created,
    /// updated or deleted the record, and the stored document before and after.
    ///
    /// A deleted record still has its history; its last revision is the delete, with the reason.
    /// An id that never existed is a 404, as is a `resource` that is not one of the five
    /// collections.
    ///
    /// The documents are as stored: incidents without their derived `claims` list (it follows
    /// from the claims' `incident`), claims and force figures without the generated
    /// `attribution`.
    "/{resource}/{id}/revisions", "history",
    params(
        ("resource" = Resource, Path, description = "The record's collection", example = "claims"),
        ("id" = String, Path, description = "The record's id", example = "pakistan-claims-133-taliban-killed"),
        ListRevisionsParams,
    ),
    paged(description = "A page of the record's revisions, oldest first", body = RevisionPage),
    errors: LookupErrors;
    pub async fn list_revisions(
        req: HttpRequest,
        db: Db,
        path: web::Path<(String, String)>,
        Params(params): Params<ListRevisionsParams>,
        _: super::format::JsonOnly,
    ) -> Result<HttpResponse, ApiError> {
        let (resource, id) = record(&path)?;
        let not_found = || ApiError::Absent(format!("No record in {resource} has the id `{id}`."));
        if !is_slug(id) {
            return Err(not_found());
        }
        let collection = format!("{resource}/{id}/revisions");
        let limit = Limit::or_default(params.limit);
        let after = match Cursor::decode(&collection, VERSION_ORDER, params.cursor.as_deref())? {
            Some(c) => Some(c.key_as::<i64>(&collection, 0)?),
            None => None,
        };
        let (pool, until) = db.history_bound(params.as_of).await?;
        let rows = store::changes::list_revisions(
            &pool,
            resource,
            id,
            after,
            until.unwrap_or(i64::MAX),
            i64::from(limit) + 1,
        )
        .await?;
        // Revisions are never removed, so a record with none never existed (a cursor past the
        // last one is not a cursor this API issued).
        if rows.is_empty() && after.is_none() {
            return Err(not_found());
        }
        let page = Page::new(
            &req,
            rows,
            limit,
            |r: &Revision| (vec![json!(r.version)], r.id.clone()),
            &collection,
            VERSION_ORDER,
        );
        Ok(page.respond_json::<RevisionPage>())
    }
}

/// A dataset version to read changes after: a whole number, 0 or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since(i64);

impl std::str::FromStr for Since {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Self(n)),
            _ => Err(format!(
                "must be a dataset version, a whole number of 0 or more, got `{s}`"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Since {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `since`, the first parameter of `GET /v1/changes` ([`ListChangesParams`]).
#[derive(IntoParams)]
#[expect(
    dead_code,
    reason = "documents the parameter `ListChangesParams` parses"
)]
#[into_params(parameter_in = Query)]
struct SinceParam {
    /// Changes made after this dataset version: the version of your copy (from an export's
    /// `Durand-Dataset-Version` header or `/v1/dataset`), or the largest `version` you have
    /// applied from this feed. At most the current dataset version.
    #[param(value_type = Option<i64>, minimum = 0, default = 0, example = 1)]
    since: Option<Since>,
}

/// Query parameters of `GET /v1/changes`: `since`, then [`history_params`].
#[derive(Debug, Deserialize)]
pub struct ListChangesParams {
    since: Option<Since>,
    limit: Option<Limit>,
    cursor: Option<String>,
    as_of: Option<crate::domain::AsOf>,
}

impl IntoParams for ListChangesParams {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = SinceParam::into_params(parameter_in);
        params.extend(history_params("`/v1/changes`"));
        params
    }
}

/// Paging facts about one page of the change feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePageMeta {
    /// Changes on this page.
    pub count: usize,
    /// The page size asked for (or the default).
    pub limit: u32,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// The dataset version when this page was read: no change on this page (or any page
    /// after it) is later. Once past the last page, ask again with `since` set to it.
    pub latest_version: i64,
}

/// A page of the change feed, in `(version, resource, id)` order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    #[schema(value_type = Vec<super::tagged::FeedChange>)]
    pub data: Vec<FeedChange>,
    pub meta: ChangePageMeta,
    pub links: PageLinks,
}

/// The changes' collection name, for cursors.
const CHANGES: &str = "changes";

/// Where a feed cursor points.
fn feed_position(cursor: Option<&str>) -> Result<Option<FeedPosition>, ApiError> {
    let Some(c) = Cursor::decode(CHANGES, VERSION_ORDER, cursor)? else {
        return Ok(None);
    };
    Ok(Some(FeedPosition {
        version: c.key_as(CHANGES, 0)?,
        resource: c.key_as(CHANGES, 1)?,
        id: c.id,
    }))
}

get_endpoint! {
    /// List changes since a dataset version
    ///
    /// The change feed: every change made by a dataset version after `since`, ordered by
    /// version, then resource, then id, so a newsroom app or a researcher's mirror can keep an
    /// exact copy without downloading everything again. Each entry says which record changed,
    /// how (`create`, `update`, `delete`), in which version, when and by whom, and carries the
    /// record as it became (`record`) or, for a delete, its `tombstone` (when, by whom, why).
    ///
    /// To sync:
    /// 1. Start from a full copy: `GET /v1/export`; its `Durand-Dataset-Version` response header
    ///    (also `version` in `/v1/dataset`) is the version of that copy.
    /// 2. Page through `GET /v1/changes?since=<that version>`, following `links.next` (or the
    ///    `Link` header) until `meta.next_cursor` is null, and apply each entry in order:
    ///    `create` or `update` → upsert `record` by `resource` and `id`; `delete` → remove it.
    /// 3. Next time, ask with `since` set to the largest `version` you applied (or to
    ///    `meta.latest_version` of your last page, once you have applied every page).
    ///
    /// The records are the stored documents: incidents come without their derived `claims` list
    /// (rebuild it from the claims' `incident`), claims and force figures without the generated
    /// `attribution`. Changes to the dataset's own metadata are not in the feed; read
    /// `/v1/dataset`.
    ///
    /// `since` greater than the current dataset version is a 400 that says the current version.
    "/changes", "history", params(ListChangesParams),
    paged(description = "A page of changes, oldest first", body = ChangePage),
    errors: ListErrors;
    pub async fn list_changes(
        req: HttpRequest,
        db: Db,
        Params(params): Params<ListChangesParams>,
        _: super::format::JsonOnly,
    ) -> Result<HttpResponse, ApiError> {
        let since = params.since.map_or(0, |s| s.0);
        let limit = Limit::or_default(params.limit);
        let after = feed_position(params.cursor.as_deref())?;
        // Read first, and the feed bounded by it: versions commit in order, so every change up to
        // `latest` is visible, and none on the page is newer than `meta.latest_version`.
        // A replica that has not replayed `since` yet hands the feed to the primary.
        let (pool, latest) = match db.history_bound(params.as_of).await? {
            (pool, Some(version)) => (pool, version),
            (_, None) => db.latest_at_least(since).await?,
        };
        if since > latest {
            return Err(ApiError::invalid(
                "since",
                format!(
                    "is {since}, but the dataset is at version {latest}; ask with `since` at most {latest}"
                ),
            ));
        }
        let rows =
            store::changes::list_changes(&pool, since, latest, after.as_ref(), i64::from(limit) + 1)
                .await?;
        let page = Page::new(
            &req,
            rows,
            limit,
            |c: &FeedChange| {
                (
                    vec![json!(c.version), json!(c.resource.as_str())],
                    c.id.clone(),
                )
            },
            CHANGES,
            VERSION_ORDER,
        );
        let mut response = HttpResponse::Ok();
        if let Some(link) = page.link_header() {
            response.insert_header(link);
        }
        Ok(response.json(ChangePage {
            meta: ChangePageMeta {
                count: page.meta.count,
                limit: page.meta.limit,
                next_cursor: page.meta.next_cursor,
                latest_version: latest,
            },
            links: page.links,
            data: page.data,
        }))
    }
}
