//! The timeline drawn for people: on `/` (the section "When") and as an embed
//! (`/embed/timeline`). Drawn from the API's own timeline read, each date as precisely as its
//! source gives it, bounded whatever the dataset holds, and checked, cached and attributed
//! like the other pages.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, reply};
use crate::pages::{fetch, header};

/// The text between the first `start` (included) and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in {text}"));
    let rest = &text[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The home page's timeline figure.
fn home_timeline(html: &str) -> &str {
    between(html, "<figure id=\"when-timeline\">", "</figure>")
}

/// An attribute's value in a tag's text.
fn attribute<'a>(tag: &'a str, name: &str) -> &'a str {
    let needle = format!(" {name}=\"");
    let start = tag
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + needle.len();
    &tag[start..start + tag[start..].find('"').unwrap()]
}

fn number(tag: &str, name: &str) -> f64 {
    attribute(tag, name).parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// `type/id` of a timeline entry.
fn key(entry: &Value) -> String {
    format!(
        "{}/{}",
        entry["type"].as_str().unwrap(),
        entry["id"].as_str().unwrap()
    )
}

/// The `type/id` of every entry drawn in `svg`.
fn drawn(svg: &str) -> BTreeSet<String> {
    svg.split("data-entry=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// The whole timeline as the API serves it, in its order.
async fn whole_timeline(app: &TestApp, query: &str) -> Vec<Value> {
    app.walk(&format!("/v1/timeline{query}"), 500).await
}

/// The earliest dated entry (the first whose start is known) and the latest (whose known end
/// is latest; ties: the later start, then type, then the later in the API's order).
fn ends(timeline: &[Value]) -> (&Value, &Value) {
    let earliest = timeline
        .iter()
        .find(|e| e["date"]["start"].is_string())
        .expect("a dated entry");
    let (_, latest) = timeline
        .iter()
        .enumerate()
        .filter(|(_, e)| e["date"]["end"].is_string())
        .max_by_key(|(i, e)| {
            (
                e["date"]["end"].as_str().unwrap().to_owned(),
                e["date"]["start"].as_str().unwrap_or("").to_owned(),
                e["type"].as_str().unwrap().to_owned(),
                *i,
            )
        })
        .expect("a dated entry");
    (earliest, latest)
}

/// The `<a>` of entry `key` in `svg`.
fn entry<'a>(svg: &'a str, key: &str) -> &'a str {
    let at = svg
        .find(&format!("data-entry=\"{key}\""))
        .unwrap_or_else(|| panic!("{key} is not drawn"));
    let start = svg[..at].rfind("<a ").unwrap();
    &svg[start..start + svg[start..].find("</a>").unwrap()]
}

/// The text of some markup, its lines joined by spaces.
fn words(markup: &str) -> String {
    let mut text = String::new();
    for part in markup.split('<').skip(1) {
        let content = &part[part.find('>').unwrap() + 1..];
        if !content.trim().is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(content.trim());
        }
    }
    text
}

/// `text` as the page writes it (HTML-escaped).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The axis of a drawing: first and last day, and where they begin and end.
struct Axis {
    first: NaiveDate,
    last: NaiveDate,
    x0: f64,
    x1: f64,
}

impl Axis {
    fn of(svg: &str) -> Self {
        let tag = between(svg, "<g class=\"axis\"", ">");
        Self {
            first: day(attribute(tag, "data-first")),
            last: day(attribute(tag, "data-last")),
            x0: number(tag, "data-x0"),
            x1: number(tag, "data-x1"),
        }
    }
    fn scale(&self) -> f64 {
        (self.x1 - self.x0) / ((self.last - self.first).num_days() + 1) as f64
    }
    fn x(&self, day: NaiveDate) -> f64 {
        self.x0 + (day - self.first).num_days() as f64 * self.scale()
    }
}

/// Coordinates are written to a tenth.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.11
}

#[sqlx::test]
async fn the_home_page_timeline_draws_the_earliest_and_the_latest_dated_record(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let timeline = whole_timeline(&app, "").await;
    let (earliest, latest) = ends(&timeline);
    let (status, _, html) = fetch(&app, "/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    // The section comes after the force charts, says what it shows and links to the API.
    let section = between(&html, "<section aria-labelledby=\"when\">", "</section>");
    assert!(html.find("id=\"forces\"").unwrap() < html.find("id=\"when\"").unwrap());
    assert!(section.contains("href=\"/v1/timeline\""), "{section}");
    let svg = home_timeline(&html);
    // Every entry of this small dataset is drawn, and the page says so.
    assert_eq!(
        drawn(svg),
        timeline.iter().map(key).collect::<BTreeSet<_>>()
    );
    assert!(section.contains(&format!(
        "All {} incidents and claims are drawn.",
        timeline.len()
    )));
    // The axis runs from the earliest record's first day to the latest's last.
    let axis = Axis::of(svg);
    assert_eq!(axis.first, day(earliest["date"]["start"].as_str().unwrap()));
    assert_eq!(axis.last, day(latest["date"]["end"].as_str().unwrap()));
    for record in [earliest, latest] {
        let id = record["id"].as_str().unwrap();
        let a = entry(svg, &key(record));
        // Linked to its page, labelled with its title (in full in the tooltip).
        assert!(
            a.starts_with(&format!(
                "<a href=\"/{}s/{id}\"",
                record["type"].as_str().unwrap()
            )),
            "{a}"
        );
        let title = escaped(record["title"].as_str().unwrap());
        assert!(
            a.contains(&title) || a.contains(&title.replace('\'', "&#39;")),
            "{a}"
        );
    }
    // The earliest is dated as its source dates it (a year), not to a day.
    assert_eq!(earliest["date"]["value"], "2012");
    assert!(entry(svg, &key(earliest)).contains("<title>2012 — "));
    // A claim names its claimant.
    let claim = timeline
        .iter()
        .find(|e| e["id"] == "pakistan-claims-133-taliban-killed")
        .expect("Pakistan's claim");
    let a = entry(svg, &key(claim));
    assert!(a.contains("27 February 2026, claim — Pakistan: "), "{a}");
    assert!(a.starts_with("<a href=\"/claims/"), "{a}");
    // Accessible: a title and a description; and an embed snippet for it.
    assert!(svg.contains("aria-labelledby=\"timeline-title\""));
    assert!(svg.contains("<desc id=\"timeline-desc\">"));
    assert!(
        html.contains("src=&quot;/embed/timeline&quot;")
            || html.contains("src=\"/embed/timeline\"")
    );
}

#[sqlx::test]
async fn the_timeline_draws_each_date_as_precisely_as_it_is_known(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let timeline = whole_timeline(&app, "").await;
    let (_, _, html) = fetch(&app, "/", &[]).await;
    let svg = home_timeline(&html);
    let axis = Axis::of(svg);
    let of_precision = |precision: &str| {
        timeline
            .iter()
            .filter(|e| e["date"]["precision"] == precision)
            .collect::<Vec<_>>()
    };
    // A month is a bar covering the whole month at the axis's scale, from its first day.
    let months = of_precision("month");
    assert!(!months.is_empty(), "the dataset has a month");
    for month in months {
        let a = entry(svg, &key(month));
        assert!(a.contains("data-mark=\"span\""), "{a}");
        let rect = between(a, "<rect class=\"mark\"", ">");
        let first = day(month["date"]["start"].as_str().unwrap());
        let last = day(month["date"]["end"].as_str().unwrap());
        let days = ((last - first).num_days() + 1) as f64;
        assert!(days >= 28.0);
        let width = number(rect, "width");
        assert!(close(width, days * axis.scale()), "{width} for {days} days");
        assert!(width > 3.0, "wider than a day's tick: visibly a span");
        assert!(close(number(rect, "x"), axis.x(first)), "{rect}");
        assert!(!a.contains("<line class=\"mark\""), "{a}");
    }
    // A year spans its 365 days.
    for year in of_precision("year") {
        let rect = between(entry(svg, &key(year)), "<rect class=\"mark\"", ">");
        assert!(close(number(rect, "width"), 365.0 * axis.scale()), "{rect}");
    }
    // A day is a point (a tick), not a bar.
    let days = of_precision("day");
    assert!(!days.is_empty());
    for d in days {
        let a = entry(svg, &key(d));
        assert!(a.contains("data-mark=\"point\""), "{a}");
        assert!(a.contains("<line class=\"mark\""), "{a}");
        assert!(!a.contains("<rect"), "{a}");
    }
    // A range known only by its end is drawn open: a bar from the axis's start, fading out
    // towards it, with an arrow at the edge, and said "by ...".
    let offensive = timeline
        .iter()
        .find(|e| e["date"]["value"] == "../2016")
        .expect("the offensive that ended in 2016");
    let a = entry(svg, &key(offensive));
    assert!(a.contains("data-mark=\"open-start\""), "{a}");
    let rect = between(a, "<rect class=\"mark\"", ">");
    assert!(close(number(rect, "x"), axis.x0), "{rect}");
    assert!(
        close(
            number(rect, "x") + number(rect, "width"),
            axis.x(day("2017-01-01"))
        ),
        "to the end of 2016: {rect}"
    );
    assert!(rect.contains("url(#timeline-open-start)"), "{rect}");
    assert!(a.contains("<path"), "the arrow: {a}");
    assert!(a.contains("<title>by 2016 — "), "{a}");
    // A closed range spans from the first day of its start to the last of its end.
    let range = timeline
        .iter()
        .find(|e| e["date"]["value"] == "2025-10/2026-02-27")
        .expect("a range");
    let rect = between(entry(svg, &key(range)), "<rect class=\"mark\"", ">");
    assert!(
        close(number(rect, "x"), axis.x(day("2025-10-01"))),
        "{rect}"
    );
    assert!(
        close(number(rect, "x") + number(rect, "width"), axis.x1),
        "{rect}"
    );
    // The legend says how precision is drawn; year ticks on the axis.
    let legend = words(between(svg, "<g class=\"legend\"", "</svg>"));
    for text in [
        "A tick: a date known to the day.",
        "A bar: a month, a year or a range of days; it covers every day the date may mean, not how long something lasted.",
        "A bar fading to an arrow: only one end is known",
    ] {
        assert!(legend.contains(text), "{text:?} not in {legend}");
    }
    let ticks = between(svg, "<g class=\"axis\"", "</g>");
    assert!(
        ticks.contains(">2013</text>") && ticks.contains(">2026</text>"),
        "{ticks}"
    );
}

#[sqlx::test]
async fn the_timeline_draws_at_most_its_bound_and_says_how_many_are_left_out(pool: PgPool) {
    let plan = durand::generate::Plan {
        incidents: 60,
        claims: 40,
        seed: 11,
    };
    let generator =
        durand::generate::Generator::new(plan, durand::domain::Dataset::bundled().unwrap());
    durand::generate::load(&pool, generator, 0).await.unwrap();
    let app = TestApp::serve(pool);
    let timeline = whole_timeline(&app, "").await;
    assert!(timeline.len() > 60, "{} entries", timeline.len());
    let (earliest, latest) = ends(&timeline);
    // The earliest, the latest, and the newest (the API's order, from its end) up to 60.
    let mut expected: BTreeSet<String> = [key(earliest), key(latest)].into();
    for entry in timeline.iter().rev() {
        if expected.len() == 60 {
            break;
        }
        expected.insert(key(entry));
    }
    let (_, _, html) = fetch(&app, "/", &[]).await;
    let svg = home_timeline(&html);
    assert_eq!(drawn(svg), expected);
    let said = format!(
        "60 of {} incidents and claims are drawn: the earliest, the latest and the newest.",
        timeline.len()
    );
    let section = between(&html, "<section aria-labelledby=\"when\">", "</section>");
    assert!(section.contains(&said), "{said}");
    assert!(svg.contains("The API has them all: /v1/timeline."));
    // The axis runs over every day the drawn dates may mean, their known sides: from the
    // earliest's first day on, to the latest's last day or beyond (a date known only by its
    // start may begin after every closed date ends).
    let axis = Axis::of(svg);
    let sides: Vec<NaiveDate> = timeline
        .iter()
        .filter(|e| expected.contains(&key(e)))
        .flat_map(|e| [&e["date"]["start"], &e["date"]["end"]])
        .filter_map(|d| d.as_str().map(day))
        .collect();
    assert_eq!(axis.first, *sides.iter().min().unwrap());
    assert_eq!(axis.last, *sides.iter().max().unwrap());
    assert_eq!(axis.first, day(earliest["date"]["start"].as_str().unwrap()));
    assert!(axis.last >= day(latest["date"]["end"].as_str().unwrap()));
    // Whatever open ranges are drawn are drawn open, towards their unknown side.
    for e in timeline.iter().filter(|e| expected.contains(&key(e))) {
        let mark = match (e["date"]["start"].is_null(), e["date"]["end"].is_null()) {
            (true, _) => "open-start",
            (_, true) => "open-end",
            _ if e["date"]["precision"] == "day" => "point",
            _ => "span",
        };
        assert!(
            entry(svg, &key(e)).contains(&format!("data-mark=\"{mark}\"")),
            "{}",
            key(e)
        );
    }
    // The embed is bounded the same way.
    let (_, _, embed) = fetch(&app, "/embed/timeline?format=svg", &[]).await;
    assert_eq!(drawn(&embed), expected);
}

#[sqlx::test]
async fn the_timeline_embed_is_a_standalone_svg_with_its_attribution(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (status, headers, svg) = fetch(&app, "/embed/timeline", &[("accept", "image/*")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "content-type"),
        "image/svg+xml; charset=utf-8"
    );
    assert!(svg.starts_with("<?xml"), "a standalone SVG document");
    for text in [
        "xmlns=\"http://www.w3.org/2000/svg\"",
        // Some entries are known only by their end ("by 27 February 2026"): the period has
        // no start either.
        "<title id=\"embed-title\">Incidents and claims, up to 27 February 2026</title>",
        "Each claim is its claimant's statement, never a fact",
        "Durand dataset, version 1, CC BY 4.0.",
        "A tick: a date known to the day.",
        // Links leave the frame.
        "target=\"_blank\"",
    ] {
        assert!(
            svg.contains(text) || svg.contains(&text.replace('\'', "&#39;")),
            "no {text:?} in the SVG"
        );
    }
    assert!(headers.contains_key("etag"));
    assert!(header(&headers, "cache-control").starts_with("public"));
    assert!(header(&headers, "content-security-policy").contains("frame-ancestors *"));
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");

    // An actor and dates, as in /v1/timeline: exactly its entries (fewer than the bound).
    let query = "?actor=ttp&from=2016&to=2026-02";
    let expected: BTreeSet<String> = whole_timeline(&app, query).await.iter().map(key).collect();
    assert!(!expected.is_empty());
    let (status, _, svg) = fetch(&app, &format!("/embed/timeline{query}&format=svg"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(drawn(&svg), expected);
    assert!(
        svg.contains("Incidents and claims involving Tehreek-e-Taliban Pakistan"),
        "{svg}"
    );
}

#[sqlx::test]
async fn the_timeline_embed_in_a_frame_is_a_page_themed_and_sized_as_asked(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let path = "/embed/timeline?theme=dark&width=400";
    let (_, headers, html) = fetch(&app, path, &[("accept", "text/html,*/*;q=0.8")]).await;
    assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Timeline of incidents and claims — Durand</title>"));
    assert!(html.contains("viewBox=\"0 0 400 "), "the width asked for");
    assert!(html.contains("#1a202c"), "the dark background");
    assert!(!html.contains("<?xml"), "the SVG inline");
    assert!(header(&headers, "content-security-policy").contains("frame-ancestors *"));
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
    // Dates follow the reader's language.
    let (_, _, german) = fetch(
        &app,
        "/embed/timeline?format=svg",
        &[("accept-language", "de")],
    )
    .await;
    assert!(german.contains("27 Februar 2026"), "a German month");
}

#[sqlx::test]
async fn bad_timeline_embed_parameters_are_problems_that_name_them(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for (query, parameter) in [
        ("width=5", "width"),
        ("width=1601", "width"),
        ("width=wide", "width"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("from=2026&to=2025", "from"),
        ("from=2025-01-01/2025-02-01", "from"),
        ("actor=TTP", "actor"),
        ("theme=pink", "theme"),
        ("format=png", "format"),
        ("as_of=soon", "as_of"),
        ("colour=red", "colour"),
    ] {
        app.get(&format!("/embed/timeline?{query}"))
            .await
            .assert_bad_parameter(parameter);
    }
    let missing = reply(
        app.request(reqwest::Method::GET, "/embed/timeline?actor=nobody")
            .await,
    )
    .await;
    let problem = missing.assert_problem(404);
    assert!(
        problem["detail"].as_str().unwrap().contains("nobody"),
        "{problem}"
    );
    // A read-only path: other methods are a 405, as on the other pages.
    let post = reply(app.request(reqwest::Method::POST, "/embed/timeline").await).await;
    post.assert_problem(405);
}

#[sqlx::test]
async fn the_timeline_embed_is_validated_with_its_etag(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let path = "/embed/timeline?format=svg";
    let (status, headers, _) = fetch(&app, path, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = header(&headers, "etag").to_owned();
    assert_eq!(header(&headers, "durand-dataset-version"), "1");
    let (status, headers, body) = fetch(&app, path, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header(&headers, "etag"), etag);
    // The HTML form is another representation, with another tag.
    let (_, headers, _) = fetch(&app, "/embed/timeline?format=html", &[]).await;
    assert_ne!(header(&headers, "etag"), etag);
}

#[sqlx::test]
async fn a_date_durand_estimated_is_said_to_be_so_and_drawn_paler(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (_, _, svg) = fetch(&app, "/embed/timeline?format=svg", &[]).await;
    // The assault in Bajaur: "January 2026 – 27 February 2026", a start Durand estimated.
    let incident = app.get_ok("/v1/incidents/bajaur-assault-2026").await;
    assert_eq!(incident["date_basis"], "estimated");
    let entry = &svg[svg
        .find("data-entry=\"incident/bajaur-assault-2026\"")
        .expect("drawn")..];
    let entry = &entry[..entry.find("</a>").unwrap()];
    assert!(entry.contains("(date estimated by Durand)"), "{entry}");
    assert!(entry.contains("data-estimated=\"true\""), "{entry}");
    // A date the source gives is neither.
    let stated = &svg[svg
        .find("data-entry=\"incident/pakistan-air-strikes-on-militants-2026-02\"")
        .expect("drawn")..];
    let stated = &stated[..stated.find("</a>").unwrap()];
    assert!(!stated.contains("estimated"), "{stated}");
    assert!(svg.contains("Paler: a date with a bound Durand estimated"));
}
