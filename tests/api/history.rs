//! Revisions of a record and the change feed: what they list, how they page, and that a
//! mirror which applies the feed to an old export ends up with the current data.

use std::collections::BTreeMap;

use durand::domain::{Change, Claim, ClaimId, Dataset, Resource};
use durand::store;
use durand::store::history;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::TestApp;

const CHANGED: &str = "pakistan-claims-133-taliban-killed";
const ADDED: &str = "bajaur-assault-toll-revised";
const DELETED: &str = "afghan-taliban-fighter-jets-2025";
const NEW_STATEMENT: &str = "Pakistan's military said at least 133 Taliban fighters were killed.";

/// The bundled dataset (version 1), then an import that changes one claim's statement and
/// adds a claim (version 2), then an editor's delete of a force figure (version 3).
/// Returns the server and the dataset as exported at version 1.
async fn with_history(pool: PgPool) -> (TestApp, Dataset) {
    let app = TestApp::spawn(pool).await;
    let at_v1 = store::dataset::export(&store::Reader::current(app.pool.clone()))
        .await
        .unwrap()
        .unwrap();

    let mut dataset = Dataset::bundled().unwrap();
    let claim = dataset
        .claims
        .iter_mut()
        .find(|c| c.id.as_str() == CHANGED)
        .unwrap();
    claim.statement = NEW_STATEMENT.to_owned();
    let mut added: Claim = dataset
        .claims
        .iter()
        .find(|c| c.id.as_str() == "bajaur-assault-toll")
        .unwrap()
        .clone();
    added.id = ClaimId::parse(ADDED).unwrap();
    added.statement = "A revised toll for the Bajaur assault.".to_owned();
    dataset.claims.push(added);
    let report = store::import::import_dataset(&app.pool, &dataset)
        .await
        .unwrap();
    assert_eq!(report.version, Some(2));
    assert_eq!((report.claims.inserted, report.claims.updated), (1, 1));

    delete_force_figure(&app.pool, DELETED, "editor", "Duplicates another figure.").await;
    (app, at_v1)
}

/// Deletes a force figure as an editor's write would: under the write lock, with its
/// revision and tombstone, as one dataset version.
async fn delete_force_figure(pool: &PgPool, id: &str, author: &str, reason: &str) {
    let mut tx = pool.begin().await.unwrap();
    history::lock(&mut tx).await.unwrap();
    let before = store::records::stored_doc(&mut tx, Resource::ForceFigures, id)
        .await
        .unwrap();
    assert!(before.is_some(), "no force figure `{id}`");
    sqlx::query("delete from citations where resource = 'force-figures' and record_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("delete from force_figures where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    let change = Change {
        resource: Resource::ForceFigures,
        id: id.to_owned(),
        before,
        after: None,
        reason: Some(reason.to_owned()),
    };
    let (version, at) = history::commit_version(&mut tx, author, &[change])
        .await
        .unwrap();
    sqlx::query(
        "insert into tombstones (resource, record_id, version, deleted_at, deleted_by, reason)
         values ('force-figures', $1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(version)
    .bind(at)
    .bind(author)
    .bind(reason)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// `(version, resource, id, operation)` of each change or revision.
fn summary(items: &[Value]) -> Vec<(i64, String, String, String)> {
    items
        .iter()
        .map(|c| {
            (
                c["version"].as_i64().unwrap(),
                c["resource"].as_str().unwrap().to_owned(),
                c["id"].as_str().unwrap().to_owned(),
                c["operation"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[sqlx::test]
async fn a_changed_record_lists_its_create_then_its_update(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let page = app.get_ok(&format!("/v1/claims/{CHANGED}/revisions")).await;
    let revisions = page["data"].as_array().unwrap();
    assert_eq!(revisions.len(), 2, "{page}");
    assert_eq!(
        summary(revisions),
        [
            (1, "claims".into(), CHANGED.into(), "create".into()),
            (2, "claims".into(), CHANGED.into(), "update".into()),
        ]
    );
    let (create, update) = (&revisions[0], &revisions[1]);
    assert_eq!(create["before"], Value::Null);
    assert_eq!(create["after"]["id"], CHANGED);
    assert_eq!(create["author"], "import");
    assert_eq!(create["reason"], Value::Null);
    assert_eq!(update["before"], create["after"]);
    assert_ne!(update["before"]["statement"], NEW_STATEMENT);
    assert_eq!(update["after"]["statement"], NEW_STATEMENT);
    for r in revisions {
        let at = r["at"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    }
    assert_eq!(page["meta"]["next_cursor"], Value::Null);
}

#[sqlx::test]
async fn revisions_page_one_at_a_time(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let walked = app
        .walk(&format!("/v1/claims/{CHANGED}/revisions"), 1)
        .await;
    let versions: Vec<i64> = walked
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2]);
}

#[sqlx::test]
async fn a_deleted_record_still_lists_its_history_ending_with_the_delete(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let r = app
        .get_ok(&format!("/v1/force-figures/{DELETED}/revisions"))
        .await;
    let revisions = r["data"].as_array().unwrap();
    assert_eq!(
        summary(revisions),
        [
            (1, "force-figures".into(), DELETED.into(), "create".into()),
            (3, "force-figures".into(), DELETED.into(), "delete".into()),
        ]
    );
    let delete = &revisions[1];
    assert_eq!(delete["after"], Value::Null);
    assert_eq!(delete["before"]["id"], DELETED);
    assert_eq!(delete["author"], "editor");
    assert_eq!(delete["reason"], "Duplicates another figure.");
}

#[sqlx::test]
async fn revisions_of_an_unknown_record_or_collection_are_a_404(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    for path in [
        "/v1/claims/no-such-claim/revisions",
        "/v1/actors/pakistan-claims-133-taliban-killed/revisions",
        "/v1/claims/Not%20A%20Slug/revisions",
        "/v1/claims/a%00b/revisions",
        "/v1/things/pakistan/revisions",
    ] {
        app.get(path).await.assert_problem(404);
    }
}

#[sqlx::test]
async fn a_revisions_cursor_only_works_for_its_own_record(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let first = app
        .get_ok(&format!("/v1/claims/{CHANGED}/revisions?limit=1"))
        .await;
    let cursor = first["meta"]["next_cursor"].as_str().unwrap();
    app.get(&format!(
        "/v1/claims/bajaur-assault-toll/revisions?cursor={cursor}"
    ))
    .await
    .assert_bad_parameter("cursor");
    app.get(&format!("/v1/changes?cursor={cursor}"))
        .await
        .assert_bad_parameter("cursor");
    app.get(&format!("/v1/claims/{CHANGED}/revisions?since=1"))
        .await
        .assert_bad_parameter("since");
}

#[sqlx::test]
async fn changes_since_a_version_are_exactly_the_later_ones_in_order(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let page = app.get_ok("/v1/changes?since=1").await;
    assert_eq!(page["meta"]["latest_version"], 3);
    let data = page["data"].as_array().unwrap();
    assert_eq!(
        summary(data),
        [
            (2, "claims".into(), ADDED.into(), "create".into()),
            (2, "claims".into(), CHANGED.into(), "update".into()),
            (3, "force-figures".into(), DELETED.into(), "delete".into()),
        ]
    );
    assert_eq!(data[1]["record"]["statement"], NEW_STATEMENT);
    assert_eq!(data[0]["tombstone"], Value::Null);
    assert_eq!(data[0]["author"], "import");

    let since_2 = app.get_ok("/v1/changes?since=2").await;
    assert_eq!(
        summary(since_2["data"].as_array().unwrap()),
        [(3, "force-figures".into(), DELETED.into(), "delete".into())]
    );
    let up_to_date = app.get_ok("/v1/changes?since=3").await;
    assert_eq!(up_to_date["data"], json!([]));
    assert_eq!(up_to_date["meta"]["latest_version"], 3);

    // Without `since`: everything, starting with the bundled dataset's creates.
    let all = app.walk("/v1/changes", 500).await;
    let creates = all.iter().filter(|c| c["version"] == 1).count();
    let counts = store::dataset::counts(&store::Reader::current(app.pool.clone()))
        .await
        .unwrap();
    let total =
        counts.actors + counts.sources + counts.claims + counts.incidents + counts.force_figures;
    // Version 1 created every record there is now, but the one added since, and the one
    // deleted since: as many.
    assert_eq!(creates as i64, total);
    assert_eq!(all.len(), creates + 3);
}

#[sqlx::test]
async fn a_delete_in_the_feed_carries_its_tombstone(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let page = app.get_ok("/v1/changes?since=2").await;
    let delete = &page["data"][0];
    assert_eq!(delete["operation"], "delete");
    assert_eq!(delete["record"], Value::Null);
    let tombstone = &delete["tombstone"];
    assert_eq!(tombstone["resource"], "force-figures");
    assert_eq!(tombstone["id"], DELETED);
    assert_eq!(tombstone["version"], 3);
    assert_eq!(tombstone["deleted_by"], "editor");
    assert_eq!(tombstone["reason"], "Duplicates another figure.");
    assert_eq!(tombstone["deleted_at"], delete["at"]);
}

#[sqlx::test]
async fn the_feed_pages_one_change_at_a_time(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let walked = app.walk("/v1/changes?since=1", 1).await;
    assert_eq!(
        summary(&walked),
        summary(
            app.get_ok("/v1/changes?since=1").await["data"]
                .as_array()
                .unwrap()
        )
    );
    assert_eq!(walked.len(), 3);
}

#[sqlx::test]
async fn since_must_be_a_version_the_dataset_has_reached(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let detail = app
        .get("/v1/changes?since=4")
        .await
        .assert_bad_parameter("since");
    assert!(detail.contains("version 3"), "{detail}");
    for bad in ["-1", "abc", "1.5", "", "99999999999999999999"] {
        app.get(&format!("/v1/changes?since={bad}"))
            .await
            .assert_bad_parameter("since");
    }
    app.get("/v1/changes?limit=0")
        .await
        .assert_bad_parameter("limit");
    app.get("/v1/changes?cursor=nonsense")
        .await
        .assert_bad_parameter("cursor");
}

/// A record as the JSON its type serialises to, without what the feed leaves out
/// (incidents' derived `claims`, the generated `attribution`).
fn doc<T: serde::Serialize>(record: &T) -> Value {
    let mut doc = serde_json::to_value(record).unwrap();
    if let Some(obj) = doc.as_object_mut() {
        obj.remove("claims");
        obj.remove("attribution");
    }
    doc
}

/// A dataset's records as `resource/id` → document, for comparing a mirror with an export.
fn records_of(dataset: &Dataset) -> BTreeMap<String, Value> {
    let mut records = BTreeMap::new();
    for r in &dataset.sources {
        records.insert(format!("sources/{}", r.id), doc(r));
    }
    for r in &dataset.actors {
        records.insert(format!("actors/{}", r.id), doc(r));
    }
    for r in &dataset.incidents {
        records.insert(format!("incidents/{}", r.id), doc(r));
    }
    for r in &dataset.claims {
        records.insert(format!("claims/{}", r.id), doc(r));
    }
    for r in &dataset.force_figures {
        records.insert(format!("force-figures/{}", r.id), doc(r));
    }
    records
}

/// Parses a feed record as the type of its resource and back, so that it compares with an
/// export's record however the stored document orders or spells its fields.
fn normalised(resource: &str, record: Value) -> Value {
    use durand::domain::{Actor, ForceFigure, Incident, Source};
    fn through<T: serde::de::DeserializeOwned + serde::Serialize>(v: Value) -> Value {
        doc(&serde_json::from_value::<T>(v).unwrap())
    }
    match resource {
        "sources" => through::<Source>(record),
        "actors" => through::<Actor>(record),
        "incidents" => through::<Incident>(record),
        "claims" => through::<Claim>(record),
        "force-figures" => through::<ForceFigure>(record),
        other => panic!("unknown resource {other}"),
    }
}

#[sqlx::test]
async fn an_export_plus_the_feed_applied_page_by_page_is_the_current_export(pool: PgPool) {
    let (app, at_v1) = with_history(pool).await;
    let mut mirror = records_of(&at_v1);
    let mut next = Some("/v1/changes?since=1&limit=2".to_owned());
    let mut applied = 1;
    while let Some(url) = next.take() {
        let page = app.get_ok(&url).await;
        for change in page["data"].as_array().unwrap() {
            let version = change["version"].as_i64().unwrap();
            assert!(version >= applied, "changes out of order");
            applied = version;
            let resource = change["resource"].as_str().unwrap();
            let key = format!("{resource}/{}", change["id"].as_str().unwrap());
            match change["operation"].as_str().unwrap() {
                "create" | "update" => {
                    let record = normalised(resource, change["record"].clone());
                    mirror.insert(key, record);
                }
                "delete" => {
                    assert!(mirror.remove(&key).is_some(), "deleted {key} was not there");
                }
                other => panic!("unknown operation {other}"),
            }
        }
        next = page["links"]["next"].as_str().map(str::to_owned);
    }
    assert_eq!(applied, 3);
    let current = store::dataset::export(&store::Reader::current(app.pool.clone()))
        .await
        .unwrap()
        .unwrap();
    let current = records_of(&current);
    assert_eq!(mirror.len(), current.len());
    for (key, doc) in &current {
        assert_eq!(mirror.get(key), Some(doc), "{key} differs");
    }
    // And the next sync, from where this one ended, has nothing to do.
    let again = app.get_ok(&format!("/v1/changes?since={applied}")).await;
    assert_eq!(again["data"], json!([]));
}

#[sqlx::test]
async fn history_takes_as_of_too(pool: PgPool) {
    let (app, _) = with_history(pool).await;
    let page = app
        .get_ok(&format!("/v1/claims/{CHANGED}/revisions?as_of=1"))
        .await;
    assert_eq!(
        page["data"].as_array().unwrap().len(),
        1,
        "only the create: {page}"
    );
    app.get(&format!("/v1/claims/{ADDED}/revisions?as_of=1"))
        .await
        .assert_problem(404);

    let r = app.get("/v1/changes?since=1&as_of=2").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["meta"]["latest_version"], 2);
    assert!(
        r.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["version"] == 2),
        "{}",
        r.body
    );
    assert_eq!(r.headers["durand-dataset-version"], "2");
    assert!(
        r.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    app.get("/v1/changes?since=3&as_of=2")
        .await
        .assert_bad_parameter("since");
    app.get("/v1/changes?as_of=99")
        .await
        .assert_bad_parameter("as_of");
}
