//! Handlers of the pages for people (`/`) and the embeds for newsrooms (`/embed/...`). They
//! are not part of the API's spec; their data comes from the reads the API serves.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, ContentType, Header, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::v1::as_of::Db;
use super::v1::params::{ActorList, DateBound, date_range};
use crate::domain::{ActorId, AsOf, ForceMetric};
use crate::error::ApiError;
use crate::extract::Params;
use crate::locale::Locale;
use crate::pages::embed::{self, Drawing, Embed};
use crate::pages::layout;
use crate::pages::record_page::{self, RecordView};
use crate::pages::records::{self, RecordPage};
use crate::pages::theme::Theme;
use crate::pages::{self, Addresses, home};
use crate::store::timeline::TimelineFilter;

/// The paths of the pages, the embeds and their script (all read-only), for the 405 a
/// wrong method on them gets.
pub const PATHS: &[&str] = &[
    "/",
    RECORD_PAGES,
    "/embed/force-comparison",
    "/embed/timeline",
    "/assets/pages.js",
];

/// The pages of single records: `/claims/{id}`, `/actors/{id}`, `/incidents/{id}`.
const RECORD_PAGES: &str = "/{resource:(?:actors|claims|incidents)}/{id}";

/// Registers the pages and embeds.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home_page)
        .service(record_pages)
        .service(force_comparison_embed)
        .service(timeline_embed)
        .service(script);
}

/// The pages' script: the same bytes until the server is rebuilt.
#[get("/assets/pages.js")]
async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(layout::SCRIPT)
}

/// `/` takes no parameters: anything in its query is a 400, as in the API (and cannot make
/// the response cache keep another copy of the page).
#[derive(Debug, Deserialize, IntoParams)]
struct HomeParams {}

/// `/`: the dataset at a glance.
#[get("/")]
#[tracing::instrument(skip_all)]
async fn home_page(
    db: Db,
    _: Params<HomeParams>,
    addresses: web::Data<Addresses>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let locale = Locale::negotiate(&request);
    let reader = db.at(None).await?;
    let overview = pages::data::overview(&reader).await?;
    Ok(page(
        &locale,
        home::page(&overview, &locale, &addresses).into_string(),
        false,
    ))
}

/// Query parameters of a record's page: the version to show; absent, the current data (and
/// empty, as the page's own form sends "the latest version", a redirect to it).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RecordPageParams {
    /// A dataset version (`42`) or time (RFC 3339), as the API's `as_of`.
    as_of: Option<String>,
}

impl RecordPageParams {
    fn as_of(&self) -> Result<Option<AsOf>, ApiError> {
        match self.as_of.as_deref() {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|e: String| ApiError::invalid("as_of", e)),
        }
    }
}

/// `/claims/{id}`, `/actors/{id}`, `/incidents/{id}`: one record, its history and the version
/// shown. A record deleted by that version is a 410 page with its history; one that did not
/// exist then, a 404 problem.
#[get("/{resource:(?:actors|claims|incidents)}/{id}")]
#[tracing::instrument(skip_all)]
async fn record_pages(
    db: Db,
    path: web::Path<(String, String)>,
    Params(params): Params<RecordPageParams>,
    addresses: web::Data<Addresses>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (resource, id) = path.into_inner();
    // The form's "latest version" sends an empty `as_of`: the page has one address for that.
    // (The request's own path, still percent-encoded as sent, is a valid header value.)
    if params.as_of.as_deref() == Some("") {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, request.path()))
            .finish());
    }
    let locale = Locale::negotiate(&request);
    let reader = db.at(params.as_of()?).await?;
    let (present, markup) = match resource.as_str() {
        "claims" => shown(&records::claim(&reader, &id).await?, &locale, &addresses),
        "actors" => shown(&records::actor(&reader, &id).await?, &locale, &addresses),
        _ => shown(&records::incident(&reader, &id).await?, &locale, &addresses),
    };
    let mut response = page(&locale, markup.into_string(), false);
    if !present {
        *response.status_mut() = actix_web::http::StatusCode::GONE;
    }
    Ok(response)
}

/// A record's page, and whether it shows the record (rather than that it was deleted).
fn shown<T: RecordView>(
    record: &RecordPage<T>,
    locale: &Locale,
    addresses: &Addresses,
) -> (bool, maud::Markup) {
    (
        record.record.is_some(),
        record_page::page(record, locale, addresses),
    )
}

/// Which representation of an embed: the SVG, or a page holding it (for an iframe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
enum EmbedFormat {
    Svg,
    Html,
}

/// Query parameters of `/embed/force-comparison`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ForceEmbedParams {
    /// Two to ten distinct actor ids, comma-separated.
    #[param(value_type = String)]
    actors: ActorList,
    /// The metric drawn.
    metric: ForceMetric,
    /// `light` (the default) or `dark`.
    theme: Option<Theme>,
    /// The width in CSS pixels, 280 to 1600 (640 by default); the chart scales down to its
    /// container.
    width: Option<u32>,
    /// `svg` or `html` (a page for an iframe). Without it, a request that accepts HTML gets
    /// the page and any other the SVG.
    format: Option<EmbedFormat>,
    /// The data as it was at a dataset version or time.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// `/embed/force-comparison`: one metric's chart, with its attribution and source line.
#[get("/embed/force-comparison")]
#[tracing::instrument(skip_all)]
async fn force_comparison_embed(
    db: Db,
    Params(params): Params<ForceEmbedParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let width = embed_width(params.width)?;
    let locale = Locale::negotiate(&request);
    let reader = db.at(params.as_of).await?;
    let chart = pages::data::force_chart(&reader, params.actors.0, params.metric).await?;
    let embed = Embed {
        drawing: Drawing::Force {
            comparison: &chart.comparison,
            context: &chart.context,
        },
        locale: &locale,
        theme: params.theme.unwrap_or_default(),
        width,
        version: chart.version,
    };
    Ok(embed_response(&embed, params.format, &request))
}

/// Query parameters of `/embed/timeline`: those of `/v1/timeline`, and the embed's.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TimelineEmbedParams {
    /// Entries dated on or after this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), matching on
    /// overlap, as in `/v1/timeline`.
    from: Option<DateBound>,
    /// Entries dated on or before this date.
    to: Option<DateBound>,
    /// Only what this actor took part in, said, or was the subject of (404 if none has the id).
    actor: Option<ActorId>,
    /// `light` (the default) or `dark`.
    theme: Option<Theme>,
    /// The width in CSS pixels, 280 to 1600 (640 by default).
    width: Option<u32>,
    /// `svg` or `html` (a page for an iframe); without it, as `Accept` says.
    format: Option<EmbedFormat>,
    /// The data as it was at a dataset version or time.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// `/embed/timeline`: the timeline's earliest, latest and newest entries, each drawn as
/// precisely as it is dated, with the licence and how many are left out.
#[get("/embed/timeline")]
#[tracing::instrument(skip_all)]
async fn timeline_embed(
    db: Db,
    Params(params): Params<TimelineEmbedParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let width = embed_width(params.width)?;
    let filter = TimelineFilter {
        actor: params.actor,
        dates: date_range(params.from.as_ref(), params.to.as_ref())?,
    };
    let locale = Locale::negotiate(&request);
    let reader = db.at(params.as_of).await?;
    let timeline = pages::data::timeline(&reader, filter).await?;
    let embed = Embed {
        drawing: Drawing::Timeline(&timeline),
        locale: &locale,
        theme: params.theme.unwrap_or_default(),
        width,
        version: pages::data::version(&reader).await?,
    };
    Ok(embed_response(&embed, params.format, &request))
}

/// An embed's `width`, within its bounds (the default when not given).
fn embed_width(width: Option<u32>) -> Result<u32, ApiError> {
    let width = width.unwrap_or(embed::DEFAULT_WIDTH);
    if !(embed::MIN_WIDTH..=embed::MAX_WIDTH).contains(&width) {
        return Err(ApiError::invalid(
            "width",
            format!(
                "must be from {} to {} (CSS pixels)",
                embed::MIN_WIDTH,
                embed::MAX_WIDTH
            ),
        ));
    }
    Ok(width)
}

/// An embed as asked: the page for an iframe (`format=html`, or a request accepting HTML),
/// else the SVG.
fn embed_response(
    embed: &Embed,
    format: Option<EmbedFormat>,
    request: &HttpRequest,
) -> HttpResponse {
    let html = match format {
        Some(format) => format == EmbedFormat::Html,
        None => accepts_html(request),
    };
    if html {
        page(embed.locale, embed.html().into_string(), true)
    } else {
        let mut response = HttpResponse::Ok()
            .content_type("image/svg+xml; charset=utf-8")
            .body(embed.svg());
        embeddable(&mut response, embed.locale, true);
        response
    }
}

/// Middleware: a page's error, to a browser (a request that accepts HTML), is a page saying
/// what went wrong, with the problem document's status, title and detail (and its headers);
/// any other client gets the problem document. Innermost, so that the handler's and its
/// extractors' errors (a bad `as_of`) are covered, and the error stays attached for the
/// database circuit.
pub async fn problems_as_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let for_people = crate::caching::is_page(req.path()) && accepts_html(req.request());
    let res = next.call(req).await?;
    let problem = for_people
        .then(|| res.response().error())
        .flatten()
        .and_then(|e| e.as_error::<ApiError>())
        .map(ApiError::problem);
    let Some(problem) = problem else {
        return Ok(res.map_into_boxed_body());
    };
    let locale = Locale::negotiate(res.request());
    let (req, res) = res.into_parts();
    let mut res = res.set_body(BoxBody::new(
        layout::problem(&locale, &problem).into_string(),
    ));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    embeddable(&mut res, &locale, req.path().starts_with("/embed/"));
    // The same address answers a problem document to other clients.
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept"));
    Ok(ServiceResponse::new(req, res))
}

/// Whether the request's `Accept` names HTML with a quality above zero (a browser loading a
/// page or an iframe does; an `<img>` does not).
fn accepts_html(request: &impl HttpMessage) -> bool {
    header::Accept::parse(request).is_ok_and(|accept| {
        accept
            .0
            .iter()
            .any(|m| m.item.essence_str() == "text/html" && m.quality > header::Quality::ZERO)
    })
}

/// An HTML page, with the headers every page carries.
fn page(locale: &Locale, body: String, framed: bool) -> HttpResponse {
    let mut response = HttpResponse::Ok()
        .insert_header(ContentType::html())
        .body(body);
    embeddable(&mut response, locale, framed);
    response
}

/// The headers of a page or an embed: what it may load (only from this server), whether
/// other sites may frame it (embeds: yes) and its language. The caching middleware adds
/// `Vary: Accept-Language`, with the ETag and `Cache-Control`.
fn embeddable<B>(response: &mut HttpResponse<B>, locale: &Locale, framed: bool) {
    let headers = response.headers_mut();
    let ancestors = if framed { "*" } else { "'self'" };
    let policy = format!(
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
    );
    if let Ok(v) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(locale.text_lang()) {
        headers.insert(header::CONTENT_LANGUAGE, v);
    }
}
