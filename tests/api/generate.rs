//! `durand generate`: synthetic data loaded with COPY is stored exactly as the record writers
//! store it, is marked synthetic, and never shares a database with the real dataset.

use durand::domain::Dataset;
use durand::generate::{self, Generator, Plan};
use durand::store;
use sqlx::PgPool;

use crate::helpers::TestApp;
use crate::row_versions::assert_every_version_matches_the_revisions;

fn generator(incidents: u64, claims: u64) -> Generator {
    let plan = Plan {
        incidents,
        claims,
        seed: 3,
    };
    Generator::new(plan, Dataset::bundled().unwrap())
}

#[sqlx::test]
async fn generated_rows_are_exactly_what_the_record_writers_would_store(pool: PgPool) {
    let version = generate::load(&pool, generator(40, 90), 6).await.unwrap();
    assert_eq!(
        version, 7,
        "version 1 is the load, then one version per edit"
    );
    // Every table at every version, against a copy rebuilt from the revisions by the import
    // writer (the upserts): the COPY path derives the same rows, citations and revisions.
    assert_every_version_matches_the_revisions(&pool).await;
    let claims: i64 = sqlx::query_scalar("select count(*) from claims")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claims, 90);
    let contradictions: i64 = sqlx::query_scalar("select count(*) from claim_contradictions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        contradictions, 16,
        "one incident in five has a contradicting pair"
    );
}

#[sqlx::test]
async fn synthetic_data_says_so_and_serves_like_real_data(pool: PgPool) {
    generate::load(&pool, generator(30, 60), 2).await.unwrap();
    let app = TestApp::serve(pool);
    let dataset = app.get_ok("/v1/dataset").await;
    assert_eq!(dataset["synthetic"], true);
    assert_eq!(dataset["release"], "synthetic-3");
    assert_eq!(dataset["counts"]["incidents"], 30);
    let claims = app.walk("/v1/claims", 25).await;
    assert_eq!(claims.len(), 60);
    assert!(
        claims
            .iter()
            .all(|c| c["attribution"].as_str().is_some_and(|a| !a.is_empty()))
    );
    let incident = app.get_ok("/v1/incidents/syn-incident-0").await;
    assert_eq!(incident["claims"].as_array().unwrap().len(), 2);
}

#[sqlx::test]
async fn synthetic_and_real_data_never_share_a_database(pool: PgPool) {
    let real = Dataset::bundled().unwrap();
    store::import::import_dataset(&pool, &real).await.unwrap();
    let refused = generate::load(&pool, generator(5, 5), 0).await.unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("already holds a dataset (release `2`)"),
        "{refused}"
    );

    // A second database beside the test's own (a short name: identifiers stop at 63 bytes).
    let name = format!(
        "durand_syn_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let other = pool.connect_options().as_ref().clone().database(&name);
    let admin = sqlx::PgPool::connect_with(pool.connect_options().as_ref().clone())
        .await
        .unwrap();
    sqlx::query(&format!("drop database if exists {name}"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let synthetic = sqlx::PgPool::connect_with(other).await.unwrap();
    store::migrate(&synthetic).await.unwrap();
    generate::load(&synthetic, generator(5, 5), 0)
        .await
        .unwrap();
    let refused = store::import::import_dataset(&synthetic, &real)
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "the database holds synthetic data and this dataset is real: they never share a database"
    );
    synthetic.close().await;
    sqlx::query(&format!("drop database {name} with (force)"))
        .execute(&admin)
        .await
        .unwrap();
}

#[sqlx::test]
async fn a_large_import_goes_in_batches_and_stores_what_the_upserts_store(pool: PgPool) {
    // More claims than one COPY batch holds, then re-imports that change a few records.
    let mut dataset = generator(2_600, 5_200).dataset();
    let report = store::import::import_dataset(&pool, &dataset)
        .await
        .unwrap();
    assert_eq!(report.claims.inserted, 5_200);
    assert_eq!(report.version, Some(1));
    for round in 0..3 {
        dataset.claims[round].statement.push_str(" (corrected)");
        dataset.incidents[round].summary.push_str(" (corrected)");
        let report = store::import::import_dataset(&pool, &dataset)
            .await
            .unwrap();
        assert_eq!((report.claims.updated, report.claims.unchanged), (1, 5_199));
        assert_eq!(report.incidents.updated, 1);
    }
    assert_every_version_matches_the_revisions(&pool).await;
    let revisions: i64 = sqlx::query_scalar("select count(*) from revisions where version = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(revisions as usize, dataset.record_count());
}
