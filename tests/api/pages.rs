//! The pages for people (`/`) and the embeds for newsrooms (`/embed/...`): drawn from the
//! API's data, attributed as it is, cached like it, and checked like its parameters.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, reply};

const PERSONNEL: &str =
    "/embed/force-comparison?actors=pakistan,afghan-taliban&metric=active_personnel";

/// GETs `path` with extra headers; returns status, headers and the body as text.
pub(crate) async fn fetch(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut request = app.client.get(format!("{}{path}", app.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.text().await.expect("body"))
}

/// The value of header `name`, which must be there.
pub(crate) fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
}

/// The JSON-LD block of a page.
fn json_ld(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD block");
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).expect("JSON-LD is JSON")
}

#[sqlx::test]
async fn the_home_page_shows_both_personnel_figures_as_stated_and_credited(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (status, headers, html) = fetch(&app, "/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en\" dir=\"ltr\""),
        "{}",
        &html[..80]
    );
    // The qualifier as stated, the IISS credit where the source gives it, and the Taliban's
    // figure in the source's own voice (not IISS, not 2025).
    for text in [
        "more than 600,000 active personnel",
        "according to the International Institute for Strategic Studies, for 2025 (date estimated by Durand)",
        "172,000 personnel",
        "in the source's own voice, undated (reported by 27 February 2026)",
        "data-qualifier=\"more_than\" data-figure=\"pakistan-active-personnel-2025\"",
    ] {
        assert!(html.contains(text), "no {text:?} on the page");
    }
    // Two publishers' combat-aircraft numbers for Pakistan are two bars, never one.
    for figure in [
        "pakistan-combat-aircraft-2025",
        "pakistan-combat-aircraft-hundreds",
    ] {
        assert!(
            html.contains(&format!("data-figure=\"{figure}\"")),
            "{figure}"
        );
    }
    // Downloads, citation, licence, version and the docs.
    for link in [
        "href=\"/v1/incidents?format=csv\"",
        "href=\"/v1/incidents?format=geojson\"",
        "href=\"/v1/export\"",
        "href=\"/docs/\"",
        "href=\"https://creativecommons.org/licenses/by/4.0/\"",
    ] {
        assert!(html.contains(link), "no {link} on the page");
    }
    assert!(
        html.contains("Built from one news explainer"),
        "the citation"
    );
    // Nothing is loaded from elsewhere: no address outside this server in src attributes.
    assert!(!html.contains("src=\"http"), "an external resource");
}

#[sqlx::test]
async fn the_home_page_is_cached_and_validated_like_the_api(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, headers, _) = fetch(&app, "/", &[]).await;
    let etag = header(&headers, "etag").to_owned();
    assert!(header(&headers, "cache-control").contains("max-age"));
    assert!(header(&headers, "vary").contains("Accept-Language"));
    assert_eq!(header(&headers, "durand-dataset-version"), "1");
    // Anything in the query is a problem, as in the API: no copies of the page to keep.
    app.get("/?utm_source=x")
        .await
        .assert_bad_parameter("utm_source");
    let (status, _, body) = fetch(&app, "/", &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    // Frames of other sites may not show the page (the embeds are for that).
    assert!(header(&headers, "content-security-policy").contains("frame-ancestors 'self'"));
}

#[sqlx::test]
async fn numbers_and_dates_follow_accept_language(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, headers, german) = fetch(&app, "/", &[("accept-language", "de-DE,de;q=0.9")]).await;
    assert!(
        german.contains("more than 600.000 active personnel"),
        "German grouping"
    );
    assert!(
        german.contains("reported by 27 Februar 2026"),
        "a German month"
    );
    // The text stays English until translated, and says so.
    assert_eq!(header(&headers, "content-language"), "en");
    assert!(german.contains("<html lang=\"en\" dir=\"ltr\" data-locale=\"de-DE\""));
    // The response cache keeps languages apart.
    let (_, _, english) = fetch(&app, "/", &[("accept-language", "en-GB")]).await;
    assert!(english.contains("more than 600,000 active personnel"));
    let (_, _, unknown) = fetch(&app, "/", &[("accept-language", "tlh, *;q=0.1")]).await;
    assert!(
        unknown.contains("more than 600,000 active personnel"),
        "English by default"
    );
}

#[sqlx::test]
async fn the_home_page_describes_the_dataset_in_schema_org_json_ld(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, html) = fetch(&app, "/", &[]).await;
    let dataset = json_ld(&html);
    assert_eq!(dataset["@context"], "https://schema.org");
    assert_eq!(dataset["@type"], "Dataset");
    assert_eq!(
        dataset["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert_eq!(dataset["version"], "1");
    assert_eq!(dataset["creator"]["@type"], "Organization");
    assert_eq!(dataset["spatialCoverage"]["geo"]["@type"], "GeoShape");
    // From the earliest dated record (the 2012 attack, dated to the year) to the source's
    // date, each as precise as the record: not "2012-01-01".
    assert_eq!(dataset["temporalCoverage"], "2012/2026-02-27");
    assert!(
        html.contains("<dd>2012 – 27 February 2026</dd>"),
        "the period in words"
    );
    // Every distribution is served, as the media type it says.
    let distributions = dataset["distribution"].as_array().unwrap();
    let formats: Vec<&str> = distributions
        .iter()
        .map(|d| d["encodingFormat"].as_str().unwrap())
        .collect();
    for format in ["text/csv", "application/geo+json", "application/x-ndjson"] {
        assert!(formats.contains(&format), "{format} in {formats:?}");
    }
    for distribution in distributions {
        let url = distribution["contentUrl"].as_str().unwrap();
        let response = app.request(reqwest::Method::GET, url).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let media_type = header(response.headers(), "content-type").to_owned();
        let format = distribution["encodingFormat"].as_str().unwrap();
        assert!(
            media_type.starts_with(format),
            "{url}: {media_type} is not {format}"
        );
    }
}

#[sqlx::test]
async fn an_embed_is_an_svg_with_its_own_attribution_and_source_line(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (status, headers, svg) = fetch(&app, PERSONNEL, &[("accept", "image/*")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "content-type"),
        "image/svg+xml; charset=utf-8"
    );
    assert!(svg.starts_with("<?xml"), "a standalone SVG document");
    for text in [
        "role=\"img\"",
        "more than 600,000 active personnel",
        "according to the International Institute for Strategic Studies, for 2025 (date estimated by Durand)",
        "Source: International Institute for Strategic Studies",
        "CC BY 4.0",
    ] {
        assert!(svg.contains(text), "no {text:?} in the SVG");
    }
    // The "more than" bar runs on past its number; the exact one does not.
    let more_than = svg
        .split("data-figure=\"pakistan-active-personnel-2025\"")
        .nth(1)
        .unwrap();
    let more_than = &more_than[..more_than.find("</g>").unwrap()];
    assert!(more_than.contains("url(#embed-run-on)"), "{more_than}");
    let exact = svg
        .split("data-figure=\"afghan-taliban-active-personnel-2025\"")
        .nth(1)
        .unwrap();
    let exact = &exact[..exact.find("</g>").unwrap()];
    assert!(!exact.contains("run-on"), "{exact}");
    // Cacheable like the API, and framable anywhere.
    assert!(headers.contains_key("etag"));
    assert!(header(&headers, "cache-control").starts_with("public"));
    assert!(header(&headers, "content-security-policy").contains("frame-ancestors *"));
}

#[sqlx::test]
async fn an_embed_in_a_frame_is_a_page_themed_and_sized_as_asked(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let path = format!("{PERSONNEL}&theme=dark&width=400");
    let (_, headers, html) = fetch(&app, &path, &[("accept", "text/html,*/*;q=0.8")]).await;
    assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
    assert!(html.contains("viewBox=\"0 0 400 "), "the width asked for");
    assert!(html.contains("#1a202c"), "the dark background");
    // `format` wins over `Accept`.
    let (_, headers, _) = fetch(
        &app,
        &format!("{path}&format=svg"),
        &[("accept", "text/html")],
    )
    .await;
    assert_eq!(
        header(&headers, "content-type"),
        "image/svg+xml; charset=utf-8"
    );
}

#[sqlx::test]
async fn an_actor_without_a_figure_is_said_to_have_none_not_drawn_as_zero(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, svg) = fetch(
        &app,
        "/embed/force-comparison?actors=pakistan,afghan-taliban&metric=helicopters&format=svg",
        &[],
    )
    .await;
    assert!(
        svg.contains("Pakistan</tspan> — no figure for this metric in the dataset"),
        "{svg}"
    );
    assert!(svg.contains("23 helicopters"), "{svg}");
    // A caveat the source attaches travels with the number.
    let (_, _, aircraft) = fetch(
        &app,
        "/embed/force-comparison?actors=pakistan,afghan-taliban&metric=aircraft&format=svg",
        &[],
    )
    .await;
    assert!(
        aircraft.contains("at least six aircraft (their condition is unknown)"),
        "{aircraft}"
    );
}

#[sqlx::test]
async fn bad_embed_parameters_are_problems_that_say_what_is_wrong(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let embed = "/embed/force-comparison?actors=pakistan,afghan-taliban";
    app.get(&format!("{embed}&metric=active_personnel&width=5"))
        .await
        .assert_bad_parameter("width");
    app.get(embed).await.assert_bad_parameter("metric");
    app.get(&format!("{embed}&metric=tanks"))
        .await
        .assert_bad_parameter("metric");
    app.get(&format!("{embed}&metric=helicopters&theme=pink"))
        .await
        .assert_bad_parameter("theme");
    app.get(&format!("{embed}&metric=helicopters&colour=red"))
        .await
        .assert_bad_parameter("colour");
    app.get("/embed/force-comparison?actors=pakistan&metric=helicopters")
        .await
        .assert_bad_parameter("actors");
    let missing = reply(
        app.request(
            reqwest::Method::GET,
            "/embed/force-comparison?actors=pakistan,nobody&metric=helicopters",
        )
        .await,
    )
    .await;
    missing.assert_problem(404);
}

#[sqlx::test]
async fn the_pages_script_is_served_from_this_server(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, html) = fetch(&app, "/", &[]).await;
    assert!(html.contains("<script src=\"/assets/pages.js\" defer>"));
    let (status, headers, script) = fetch(&app, "/assets/pages.js", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(header(&headers, "content-type").starts_with("text/javascript"));
    assert!(script.contains("data-copy"));
}

#[sqlx::test]
async fn the_map_draws_only_places_with_a_point_and_lists_the_others(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, html) = fetch(&app, "/", &[]).await;
    let map = &html[html.find("<div class=\"map\">").expect("a map")..];
    let map = &map[..map.find("</section>").unwrap()];
    // Seven places have a point: Pakistan's, Afghanistan's (two incidents), Kabul, Paktia,
    // Kandahar and Bajaur; each is one mark, with what its point stands for.
    assert_eq!(map.matches("<g class=\"place\"").count(), 7, "{map}");
    assert!(map.contains("Bajaur (a representative point of the named district)"));
    // A province's point is drawn with the ring of the area it stands for.
    assert!(map.contains("data-precision=\"province\""));
    // Kabul, Paktia and Kandahar are placed by Pakistan's account: drawn hollow, and said so.
    assert_eq!(map.matches("data-claimed=\"true\"").count(), 3, "{map}");
    assert!(
        map.contains("Kabul (a representative point of the named province), according to Pakistan")
    );
    // The places without one are listed, not drawn.
    let unplaced = &map[map.find("Not on the map").unwrap()..];
    for place in [
        "along the border — <a href=\"/incidents/",
        "Border clashes",
        "Pakistani military positions along the border",
    ] {
        assert!(unplaced.contains(place), "{place} not listed: {unplaced}");
    }
    // Every place drawn is listed too, linked to its incident's page (a map is no list).
    let drawn =
        &map[map.find("The places drawn, as a list").unwrap()..map.find("Not on the map").unwrap()];
    assert_eq!(drawn.matches("<a href=\"/incidents/").count(), 7, "{drawn}");
    assert_eq!(
        unplaced.matches("<li data-incident=").count(),
        3,
        "{unplaced}"
    );
}

/// The `<details>` of claim `id` on the page.
fn claim_block<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<details id=\"claim-{id}\""))
        .unwrap_or_else(|| panic!("no claim {id} on the page"));
    let rest = &html[start..];
    &rest[..rest.find("</details>").unwrap()]
}

#[sqlx::test]
async fn each_claim_shows_its_status_figures_sentence_and_contradictions_both_ways(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, html) = fetch(&app, "/", &[]).await;
    let claims: Vec<Value> = app.walk("/v1/claims", 100).await;
    assert_eq!(
        html.matches("<details id=\"claim-").count(),
        claims.len(),
        "every claim listed"
    );
    let mut pairs = 0;
    for claim in &claims {
        let id = claim["id"].as_str().unwrap();
        let block = claim_block(&html, id);
        let status = claim["status"].as_str().unwrap();
        assert!(
            block.contains(&format!(
                "<span class=\"status status-{status}\">{status}</span>"
            )),
            "{id}"
        );
        // The sentence to print, with its copy button.
        let sentence = claim["attribution"].as_str().unwrap();
        assert!(
            block.contains(&format!("<span id=\"attribution-{id}\">")),
            "{id}"
        );
        assert!(
            block.contains(&format!("data-copy=\"attribution-{id}\"")),
            "{id}"
        );
        assert!(
            block.contains(&sentence.replace('\'', "&#39;").replace('"', "&quot;"))
                || block.contains(sentence),
            "{id}: {sentence}"
        );
        // Figures as stated: the source's own words, qualifier kept.
        for figure in claim["figures"].as_array().unwrap() {
            if let Some(text) = figure["text"].as_str() {
                assert!(
                    block.contains(text) || block.contains(&text.replace('\'', "&#39;")),
                    "{id}: {text}"
                );
            }
        }
        // A contradiction links to the other claim, and the other links back.
        for other in claim["contradicted_by"].as_array().unwrap() {
            let other = other.as_str().unwrap();
            assert!(
                block.contains(&format!("href=\"#claim-{other}\"")),
                "{id} -> {other}"
            );
            assert!(
                claim_block(&html, other).contains(&format!("href=\"#claim-{id}\"")),
                "{other} -> {id}"
            );
            pairs += 1;
        }
    }
    assert!(pairs >= 2, "the dataset has contradicting claims");
}

#[sqlx::test]
async fn a_synthetic_dataset_is_shown_with_a_warning_not_to_cite_it(pool: PgPool) {
    let plan = durand::generate::Plan {
        incidents: 30,
        claims: 60,
        seed: 3,
    };
    let generator =
        durand::generate::Generator::new(plan, durand::domain::Dataset::bundled().unwrap());
    durand::generate::load(&pool, generator, 2).await.unwrap();
    let app = TestApp::serve(pool);
    let (status, _, html) = fetch(&app, "/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<strong>Synthetic data.</strong>"),
        "the warning"
    );
    assert!(html.contains("must never be cited"));
}

#[sqlx::test]
async fn the_home_page_lists_at_most_its_bound_of_incidents_and_says_there_are_more(pool: PgPool) {
    // One incident more than the map draws: the page stays bounded and says so.
    let plan = durand::generate::Plan {
        incidents: 501,
        claims: 10,
        seed: 5,
    };
    let generator =
        durand::generate::Generator::new(plan, durand::domain::Dataset::bundled().unwrap());
    durand::generate::load(&pool, generator, 0).await.unwrap();
    let app = TestApp::serve(pool);
    let (status, _, html) = fetch(&app, "/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("The places of the newest 500 incidents"),
        "the bound is said"
    );
    let map = &html[html.find("<div class=\"map\">").expect("a map")..];
    let map = &map[..map.find("</section>").unwrap()];
    let incidents: std::collections::HashSet<&str> = map
        .split("data-incident=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    // Exactly the places of the newest 500 incidents, as the API orders them.
    let newest = app.get_ok("/v1/incidents?sort=-date&limit=500").await;
    let expected: std::collections::HashSet<&str> = newest["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["locations"].as_array().unwrap().is_empty())
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(incidents, expected, "the newest 500, not 501");
}

/// The text of a page: its markup's entities for quotes and apostrophes decoded, as the
/// record's JSON has them.
fn text(html: &str) -> String {
    html.replace("&#39;", "'").replace("&quot;", "\"")
}

#[sqlx::test]
async fn every_claim_has_a_page_with_its_sentence_sources_and_schema_org_claim(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let claims: Vec<Value> = app.walk("/v1/claims", 100).await;
    let sources: Vec<Value> = app.walk("/v1/sources", 100).await;
    let mut dated = 0;
    for claim in &claims {
        let id = claim["id"].as_str().unwrap();
        let (status, headers, html) = fetch(&app, &format!("/claims/{id}"), &[]).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        assert!(header(&headers, "content-type").starts_with("text/html"));
        assert!(header(&headers, "etag").starts_with('"'));
        let page = text(&html);
        // The sentence to print, with its copy button; the status; the claimant's page.
        assert!(
            page.contains(claim["attribution"].as_str().unwrap()),
            "{id}"
        );
        assert!(html.contains("data-copy=\"attribution\""), "{id}");
        let status = claim["status"].as_str().unwrap();
        assert!(html.contains(&format!("data-status=\"{status}\"")), "{id}");
        let claimant = claim["claimant"].as_str().unwrap();
        assert!(
            html.contains(&format!("href=\"/actors/{claimant}\"")),
            "{id}"
        );
        // The sources' own words, marked as quotes.
        for evidence in claim["evidence"].as_array().unwrap() {
            let span = evidence["span"].as_str().unwrap();
            assert!(page.contains(&format!("<q>{span}</q>")), "{id}: {span}");
        }
        // Each contradiction links to the other claim's page.
        for other in claim["contradicted_by"].as_array().unwrap() {
            let other = other.as_str().unwrap();
            assert!(
                html.contains(&format!("href=\"/claims/{other}\"")),
                "{id} -> {other}"
            );
        }
        // schema.org Claim: the claimant as author, the sources as appearances, and a
        // datePublished only where the claim's date is one day, month or year.
        let ld = json_ld(&html);
        assert_eq!(ld["@type"], "Claim");
        assert_eq!(ld["url"], format!("/claims/{id}"));
        assert_eq!(ld["text"], claim["statement"]);
        let actor = app.get_ok(&format!("/v1/actors/{claimant}")).await;
        if actor["kind"] == "source_voice" {
            // The source claims in its own voice: it is the author, not an actor page.
            assert_eq!(ld["author"]["description"], "the source, in its own voice");
            assert!(ld["author"].get("url").is_none(), "{id}");
        } else {
            assert_eq!(ld["author"]["name"], actor["name"], "{id}");
            assert_eq!(ld["author"]["url"], format!("/actors/{claimant}"));
        }
        if actor["kind"] == "de_facto_government" {
            assert_eq!(ld["author"]["@type"], "Organization", "{id}");
            assert_eq!(ld["author"]["description"], "de facto government");
        }
        let all_sources = Value::Array(sources.clone());
        let titles: Vec<Value> = claim["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| crate::helpers::by_id(&all_sources, s.as_str().unwrap())["title"].clone())
            .collect();
        let appearances: Vec<Value> = ld["appearance"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].clone())
            .collect();
        assert_eq!(appearances, titles, "{id}");
        // Nothing empty: a claim about nobody in particular has no `about`.
        let about = claim["about"].as_array().unwrap();
        assert_eq!(ld.get("about").is_some(), !about.is_empty(), "{id}");
        let made = claim["made_at"]["value"].as_str().unwrap();
        if made.contains('/') || claim["made_at_basis"] == "estimated" {
            assert!(ld.get("datePublished").is_none(), "{id}: {made}");
        } else {
            assert_eq!(ld["datePublished"], made, "{id}");
            dated += 1;
        }
    }
    assert!(
        dated > 0 && dated < claims.len(),
        "both kinds of date are covered"
    );
}

/// The rows of a record page's history table: the versions listed, newest first.
fn history_versions(html: &str) -> Vec<i64> {
    html.match_indices("<tr data-version=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// Sends a write with the editor's token, and `If-Match` the record's current ETag.
async fn write(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let current = app.get(path.split('?').next().unwrap()).await;
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(token);
    if let Some(etag) = current.headers.get("etag") {
        request = request.header("If-Match", etag);
    }
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/merge-patch+json")
            .body(body.to_string());
    }
    let r = reply(request.send().await.unwrap()).await;
    assert!(r.status.is_success(), "{path}: {}", r.body);
    r.body
}

#[sqlx::test]
async fn a_record_page_shows_its_history_and_any_version_of_it(pool: PgPool) {
    use durand::store::keys::{self, Scope};
    let app = TestApp::spawn(pool).await;
    let (token, _) = keys::create(&app.pool, "page-editor", Scope::Write)
        .await
        .unwrap();
    let id = "pages-test-claim";
    let first = "Pakistan said a further strike killed at least 12 fighters.";
    let second = "Pakistan said a further strike killed at least 14 fighters.";
    // Version 2 creates the claim, 3 changes its statement, 4 deletes it.
    let claim = crate::curation::new_claim(Some(id));
    let created = app
        .client
        .post(format!("{}/v1/claims", app.base))
        .bearer_auth(&token)
        .json(&claim)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let path = format!("/v1/claims/{id}");
    write(
        &app,
        &token,
        reqwest::Method::PATCH,
        &path,
        Some(serde_json::json!({"statement": second})),
    )
    .await;

    let (status, _, html) = fetch(&app, &format!("/claims/{id}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(second) && !html.contains(first));
    assert_eq!(history_versions(&html), [3, 2]);
    assert!(
        html.contains("changed: <code>statement</code>"),
        "what changed is named"
    );
    assert!(html.contains(&format!("href=\"/claims/{id}?as_of=2\"")));
    // The selector: the latest (chosen) and each version that changed the record.
    assert!(html.contains("<option value=\"\" selected>the latest version</option>"));
    assert!(html.contains("<option value=\"2\">version 2"));

    // As it was at version 2: the first statement, said to be past, history up to then.
    let (status, headers, html) = fetch(&app, &format!("/claims/{id}?as_of=2"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(first) && !html.contains(second));
    assert!(html.contains("As it was at dataset version 2"));
    assert_eq!(history_versions(&html), [2]);
    assert!(html.contains("<option value=\"2\" selected>version 2"));
    assert_eq!(header(&headers, "durand-dataset-version"), "2");
    assert!(!header(&headers, "cache-control").contains("immutable"));
    // The form's "latest version" sends an empty as_of: a redirect to the current page.
    let unfollowed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = unfollowed
        .get(format!("{}/claims/{id}?as_of=", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/claims/{id}"));
    // An id no header can hold, as sent (percent-encoded), is no 500.
    let r = unfollowed
        .get(format!("{}/claims/a%0D%0Ab?as_of=", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/claims/a%0D%0Ab");
    // Before it existed: a 404 problem, as the API answers.
    let r = reply(
        app.request(reqwest::Method::GET, &format!("/claims/{id}?as_of=1"))
            .await,
    )
    .await;
    r.assert_problem(404);
    let r = reply(
        app.request(reqwest::Method::GET, &format!("/claims/{id}?as_of=soon"))
            .await,
    )
    .await;
    r.assert_bad_parameter("as_of");
    let r = reply(
        app.request(reqwest::Method::GET, &format!("/claims/{id}?version=2"))
            .await,
    )
    .await;
    r.assert_bad_parameter("version");

    // Deleted: a 410 page that says when and why, and keeps the history readable.
    write(
        &app,
        &token,
        reqwest::Method::DELETE,
        &format!("{path}?reason=Entered twice"),
        None,
    )
    .await;
    let (status, headers, html) = fetch(&app, &format!("/claims/{id}"), &[]).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    assert_eq!(
        header(&headers, "cache-control"),
        "no-store",
        "no cache keeps a 410 page"
    );
    assert!(
        html.contains("Deleted</strong> in dataset version 4"),
        "{html}"
    );
    assert!(html.contains("Entered twice"));
    assert!(
        !html.contains(second),
        "a deleted record's content is not shown as current"
    );
    assert_eq!(history_versions(&html), [4, 3, 2]);
    let (status, _, html) = fetch(&app, &format!("/claims/{id}?as_of=3"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(second));

    // Never existed; not a record's id; not a collection with pages.
    for path in [
        "/claims/no-such-claim",
        "/actors/Not%20An%20Id",
        "/incidents/x",
    ] {
        let r = reply(app.request(reqwest::Method::GET, path).await).await;
        r.assert_problem(404);
    }
    let r = reply(
        app.request(reqwest::Method::GET, "/sources/explainer-2026-02-27")
            .await,
    )
    .await;
    r.assert_problem(404);
}

#[sqlx::test]
async fn an_actor_page_lists_its_figures_claims_and_incidents(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (status, headers, html) = fetch(&app, "/actors/pakistan", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        header(&headers, "vary")
            .to_ascii_lowercase()
            .contains("accept-language")
    );
    let page = text(&html);
    // Every force figure about it, as stated and credited.
    let figures = app.walk("/v1/force-figures?actor=pakistan", 100).await;
    assert!(!figures.is_empty());
    for figure in &figures {
        let credit = figure["attribution"].as_str().unwrap();
        assert!(!credit.is_empty());
        if let Some(text) = figure["text"].as_str() {
            assert!(page.contains(text), "{text}");
        }
    }
    assert!(page.contains("according to the International Institute for Strategic Studies"));
    // Each with its attribution sentence, which names the source it is cited in.
    for figure in &figures {
        let sentence = figure["attribution"].as_str().unwrap();
        assert!(page.contains(sentence), "{sentence}");
    }
    // The claims it made, each linked to its page; the incidents it took part in.
    for claim in app.ids("/v1/claims?claimant=pakistan&limit=100").await {
        assert!(
            html.contains(&format!("<details id=\"claim-{claim}\"")),
            "{claim}"
        );
        assert!(
            html.contains(&format!("href=\"/claims/{claim}\"")),
            "{claim}"
        );
    }
    // The incidents it is named in, each with its part in it (a target is not a perpetrator)
    // and its date as marked.
    assert!(page.contains("Incidents it is named in"));
    for incident in app.walk("/v1/incidents?actor=pakistan", 100).await {
        let id = incident["id"].as_str().unwrap();
        let item = &page[page.find(&format!("href=\"/incidents/{id}\"")).expect(id)..];
        let item = &item[..item.find("</li>").unwrap()];
        for part in incident["actors"].as_array().unwrap() {
            if part["actor"] == "pakistan" {
                let role = part["role"].as_str().unwrap().replace('_', " ");
                assert!(item.contains(&role), "{id}: {role} in {item}");
            }
        }
        if incident["date_basis"] == "estimated" {
            assert!(item.contains("(date estimated by Durand)"), "{id}");
        }
    }
    // A place one party's claim gives is said to be that party's.
    let (_, _, ttp) = fetch(&app, "/actors/ttp", &[]).await;
    let ttp = text(&ttp);
    let places = app.get_ok("/v1/actors/ttp").await["places"].clone();
    for place in places.as_array().unwrap() {
        let name = place["location"]["name"].as_str().unwrap();
        assert!(ttp.contains(&format!("<strong>{name}</strong>")), "{name}");
        if let Some(claim) = place["location"]["according_to"].as_str() {
            assert!(
                ttp.contains(&format!("Placed here by <a href=\"/claims/{claim}\">")),
                "{claim}"
            );
        }
    }
    // Its relations link to the other actors' pages, which answer.
    let actor = app.get_ok("/v1/actors/pakistan").await;
    for relation in actor["relations"].as_array().unwrap() {
        let other = relation["actor"].as_str().unwrap();
        assert!(
            html.contains(&format!("href=\"/actors/{other}\"")),
            "{other}"
        );
        let (status, _, _) = fetch(&app, &format!("/actors/{other}"), &[]).await;
        assert_eq!(status, StatusCode::OK, "{other}");
    }
}

#[sqlx::test]
async fn an_incident_page_places_it_as_precisely_as_its_sources_and_no_more(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let incidents = app.walk("/v1/incidents", 100).await;
    let mut claimed_places = 0;
    for incident in &incidents {
        let id = incident["id"].as_str().unwrap();
        let (status, _, html) = fetch(&app, &format!("/incidents/{id}"), &[]).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        let page = text(&html);
        for location in incident["locations"].as_array().unwrap() {
            let precision = location["precision"].as_str().unwrap();
            assert!(page.contains(&format!("Precision: {precision};")), "{id}");
            if location["lat"].is_null() {
                assert!(
                    page.contains("no point: the source names no place to put one"),
                    "{id}"
                );
            }
            // A place only one party's claim gives is said to be that party's.
            if let Some(claim) = location["according_to"].as_str() {
                let claimant = app.get_ok(&format!("/v1/claims/{claim}")).await["claimant"].clone();
                let name = app
                    .get_ok(&format!("/v1/actors/{}", claimant.as_str().unwrap()))
                    .await["name"]
                    .clone();
                assert!(
                    page.contains(&format!(
                        "Placed here by <a href=\"/claims/{claim}\">{}'s claim</a> only.",
                        name.as_str().unwrap()
                    )),
                    "{id}: {claim}"
                );
                claimed_places += 1;
            }
        }
        for claim in incident["claims"].as_array().unwrap() {
            assert!(
                html.contains(&format!("href=\"/claims/{}\"", claim.as_str().unwrap())),
                "{id}"
            );
        }
        for actor in incident["actors"].as_array().unwrap() {
            assert!(
                html.contains(&format!(
                    "href=\"/actors/{}\"",
                    actor["actor"].as_str().unwrap()
                )),
                "{id}"
            );
        }
    }
    assert!(
        claimed_places >= 3,
        "Kabul, Paktia and Kandahar are Pakistan's account"
    );
}

#[sqlx::test]
async fn record_pages_are_cached_and_validated_like_the_api(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, headers, _) = fetch(&app, "/actors/ttp", &[]).await;
    let etag = header(&headers, "etag").to_owned();
    assert!(header(&headers, "cache-control").contains("max-age"));
    let (status, _, body) = fetch(&app, "/actors/ttp", &[("If-None-Match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
}

#[sqlx::test]
async fn a_browser_gets_a_pages_errors_as_a_page_and_other_clients_a_problem(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let browser = [(
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    )];
    let (status, headers, html) = fetch(&app, "/claims/no-such-claim", &browser).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    assert!(html.contains("<h1>Not Found (404)</h1>"), "{html}");
    assert!(header(&headers, "vary").contains("Accept"));
    assert!(
        html.contains("No claim has the id `no-such-claim`."),
        "{html}"
    );
    let (status, headers, html) = fetch(&app, "/actors/pakistan?as_of=soon", &browser).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    assert!(
        html.contains("<code>as_of</code>: must be a dataset version"),
        "{html}"
    );
    let (status, _, html) = fetch(&app, "/?x=1", &browser).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("<code>x</code>"), "{html}");
    // curl, a script, an <img>: the problem document.
    for accept in ["*/*", "application/json", "image/svg+xml,image/*;q=0.8"] {
        let (status, headers, body) =
            fetch(&app, "/claims/no-such-claim", &[("Accept", accept)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(header(&headers, "content-type"), "application/problem+json");
        assert!(body.contains("\"status\":404"), "{body}");
    }
    // The API's own errors stay problem documents, whatever the client accepts.
    let (_, headers, _) = fetch(&app, "/v1/claims/no-such-claim", &browser).await;
    assert_eq!(header(&headers, "content-type"), "application/problem+json");
}

#[sqlx::test]
async fn with_a_public_address_the_pages_give_search_engines_absolute_ones(pool: PgPool) {
    let settings = durand::config::ServerSettings {
        public_url: Some("https://durand.example.org/".parse().unwrap()),
        ..Default::default()
    };
    let app = TestApp::spawn_with(pool, settings).await;
    let (_, _, html) = fetch(&app, "/", &[("Host", "evil.example")]).await;
    let ld = json_ld(&html);
    assert_eq!(ld["url"], "https://durand.example.org/");
    for d in ld["distribution"].as_array().unwrap() {
        let url = d["contentUrl"].as_str().unwrap();
        assert!(url.starts_with("https://durand.example.org/v1/"), "{url}");
    }
    assert!(html.contains(r#"<link rel="canonical" href="https://durand.example.org/">"#));
    assert!(
        !html.contains("evil.example"),
        "the client's Host is never used"
    );
    let id = &app.ids("/v1/claims?limit=1").await[0];
    let (_, _, html) = fetch(&app, &format!("/claims/{id}?as_of=1"), &[]).await;
    let ld = json_ld(&html);
    assert_eq!(ld["url"], format!("https://durand.example.org/claims/{id}"));
    assert!(
        ld["author"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://durand.example.org/actors/")
    );
    assert_eq!(ld["isPartOf"]["url"], "https://durand.example.org/");
    // A past version's page is its own address.
    assert!(html.contains(&format!(
        r#"<link rel="canonical" href="https://durand.example.org/claims/{id}?as_of=1">"#
    )));
}

#[sqlx::test]
async fn the_home_page_links_every_actor_to_its_page(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, html) = fetch(&app, "/", &[]).await;
    let actors = app.ids("/v1/actors?limit=100").await;
    assert!(actors.len() > 5);
    let section = &html[html.find("<ul class=\"actors\">").expect("the actors")..];
    let section = &section[..section.find("</ul>").unwrap()];
    assert_eq!(section.matches("<li>").count(), actors.len());
    for id in actors {
        assert!(section.contains(&format!("href=\"/actors/{id}\"")), "{id}");
    }
}

#[sqlx::test]
async fn an_actor_page_lists_at_most_its_bound_of_claims_and_incidents(pool: PgPool) {
    // Enough generated records that one actor has more of each than a page lists.
    let plan = durand::generate::Plan {
        incidents: 600,
        claims: 3000,
        seed: 7,
    };
    let generator =
        durand::generate::Generator::new(plan, durand::domain::Dataset::bundled().unwrap());
    durand::generate::load(&pool, generator, 0).await.unwrap();
    let app = TestApp::serve(pool);
    // The actor that made the most claims (the generator copies the bundled actors).
    let mut made: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for claim in app.walk("/v1/claims", 500).await {
        *made
            .entry(claim["claimant"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let (actor, _) = made.into_iter().max_by_key(|(_, n)| *n).unwrap();
    let claims = app
        .ids(&format!("/v1/claims?claimant={actor}&limit=101"))
        .await;
    let incidents = app
        .ids(&format!("/v1/incidents?actor={actor}&limit=101"))
        .await;
    assert_eq!(
        (claims.len(), incidents.len()),
        (101, 101),
        "more than the bound"
    );
    let (status, _, html) = fetch(&app, &format!("/actors/{actor}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let section = |id: &str| {
        let start = html.find(&format!("<h2 id=\"{id}\">")).expect(id);
        let rest = &html[start..];
        rest[..rest.find("</section>").unwrap()].to_owned()
    };
    // Exactly the newest 100 claims, as the API orders them, and the bound said.
    let newest = app
        .ids("/v1/claims?claimant=pakistan&sort=-made_at&limit=100")
        .await;
    let listed = section("claims");
    assert_eq!(listed.matches("<details id=\"claim-").count(), 100);
    for id in &newest {
        assert!(
            listed.contains(&format!("<details id=\"claim-{id}\"")),
            "{id}"
        );
    }
    assert!(listed.contains("The newest 100 are listed"));
    assert!(listed.contains(&format!("href=\"/v1/claims?claimant={actor}\"")));
    let listed = section("incidents");
    assert_eq!(listed.matches("<li><a href=\"/incidents/").count(), 100);
    assert!(listed.contains("The newest 100 are listed"));
}
