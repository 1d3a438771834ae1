use std::process::Command;

use durand::domain::Dataset;
use durand::store;
use sqlx::PgPool;

/// The URL of database `name` on the server the tests use (DATABASE_URL with another name).
pub fn url_of(name: &str) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let base = base.split('?').next().unwrap();
    let (server, _) = base
        .rsplit_once('/')
        .expect("a database name in DATABASE_URL");
    format!("{server}/{name}")
}

pub async fn database_name(pool: &PgPool) -> String {
    sqlx::query_scalar::<_, String>("select current_database()")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Runs the real `durand` binary against `url` and returns its stdout.
pub fn durand(url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_durand"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run durand");
    assert!(
        out.status.success(),
        "durand {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[sqlx::test]
async fn importing_the_same_dataset_twice_changes_nothing(pool: PgPool) {
    let dataset = Dataset::bundled().unwrap();
    let first = store::import::import_dataset(&pool, &dataset)
        .await
        .unwrap();
    assert_eq!(first.claims.inserted, 28);
    assert!(!first.is_noop());
    let before = store::dataset::export(&store::Reader::current(pool.clone()))
        .await
        .unwrap()
        .unwrap();
    let xmin_before: Vec<String> = sqlx::query_scalar("select xmin::text from claims order by id")
        .fetch_all(&pool)
        .await
        .unwrap();

    let second = store::import::import_dataset(&pool, &dataset)
        .await
        .unwrap();
    assert!(second.is_noop(), "{second:?}");
    assert_eq!(second.claims.unchanged, 28);
    let after = store::dataset::export(&store::Reader::current(pool.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before, after);
    let xmin_after: Vec<String> = sqlx::query_scalar("select xmin::text from claims order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(xmin_before, xmin_after, "no claim row was rewritten");
}

#[sqlx::test]
async fn a_changed_record_is_updated_with_its_child_rows(pool: PgPool) {
    let mut dataset = Dataset::bundled().unwrap();
    store::import::import_dataset(&pool, &dataset)
        .await
        .unwrap();
    let claim = dataset
        .claims
        .iter_mut()
        .find(|c| c.id.as_str() == "ttp-claimed-bajaur-assault")
        .unwrap();
    claim
        .about
        .push(durand::domain::ActorId::parse("pakistan").unwrap());
    let report = store::import::import_dataset(&pool, &dataset)
        .await
        .unwrap();
    assert_eq!((report.claims.updated, report.claims.unchanged), (1, 27));
    let about: Vec<String> = sqlx::query_scalar("select actor_id from claim_about where claim_id = 'ttp-claimed-bajaur-assault' order by actor_id")
        .fetch_all(&pool).await.unwrap();
    assert_eq!(about, ["pakistan", "ttp"]);
}

#[sqlx::test]
async fn a_failed_import_writes_nothing(pool: PgPool) {
    let mut dataset = Dataset::bundled().unwrap();
    // A claimant that does not exist: the deferred foreign key fails at commit.
    dataset.claims[0].claimant = durand::domain::ActorId::parse("no-such-actor").unwrap();
    assert!(dataset.validate().is_err());
    assert!(
        store::import::import_dataset(&pool, &dataset)
            .await
            .is_err()
    );
    let counts = store::dataset::counts(&store::Reader::current(pool.clone()))
        .await
        .unwrap();
    assert_eq!((counts.actors, counts.claims, counts.sources), (0, 0, 0));
    assert!(
        store::dataset::get_meta(&store::Reader::current(pool.clone()))
            .await
            .unwrap()
            .is_none()
    );
}

#[sqlx::test]
async fn export_then_import_into_an_empty_database_then_export_is_identical(pool: PgPool) {
    let source = url_of(&database_name(&pool).await);
    durand(
        &source,
        &["import", concat!(env!("CARGO_MANIFEST_DIR"), "/data")],
    );
    let exported = durand(&source, &["export"]);
    let parsed: Dataset = serde_json::from_str(&exported).unwrap();
    assert_eq!(parsed.claims.len(), 28);
    assert!(
        parsed.incidents.iter().any(|i| !i.claims.is_empty()),
        "exports carry derived claim ids"
    );

    // Postgres truncates names at 63 bytes, so the copy gets a short name of its own.
    let copy = format!("durand_copy_{}", std::process::id());
    sqlx::query(&format!("drop database if exists \"{copy}\""))
        .execute(&pool)
        .await
        .unwrap();
    let file = std::env::temp_dir().join(format!("{copy}.json"));
    std::fs::write(&file, &exported).unwrap();
    let target = url_of(&copy);
    let report = durand(&target, &["import", file.to_str().unwrap()]);
    assert!(report.contains("\"inserted\": 28"), "{report}");
    let again = durand(&target, &["export"]);
    assert!(
        again == exported,
        "export → import → export changed the output"
    );

    let reimport = durand(&target, &["import", file.to_str().unwrap()]);
    assert!(
        reimport.contains("\"unchanged\": 28") && reimport.contains("\"meta_changed\": false"),
        "{reimport}"
    );
    std::fs::remove_file(&file).ok();
    sqlx::query(&format!("drop database if exists \"{copy}\" with (force)"))
        .execute(&pool)
        .await
        .unwrap();
}

/// A deployment holding an older release gets the bundled one on its next start, as a new
/// dataset version whose revisions keep what the old release said; a newer one is left alone.
#[sqlx::test]
async fn serve_loads_a_newer_bundled_release_over_an_older_one_and_keeps_its_history(pool: PgPool) {
    let mut old = Dataset::bundled().unwrap();
    old.meta.release = "1".into();
    let figure = old
        .force_figures
        .iter_mut()
        .find(|f| f.id.as_str() == "afghan-taliban-active-personnel-2025")
        .unwrap();
    figure.claimant = durand::domain::ActorId::parse("iiss").unwrap();
    store::import::import_dataset(&pool, &old).await.unwrap();

    durand::commands::load_bundled_release(&pool).await.unwrap();
    let meta = store::dataset::get_meta(&store::Reader::current(pool.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(meta.release, Dataset::bundled().unwrap().meta.release);
    let stamp = store::dataset::stamp(&store::Reader::current(pool.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stamp.version, 2,
        "the new release is one new dataset version"
    );
    let (before, after): (String, String) = sqlx::query_as(
        "select before->>'claimant', after->>'claimant' from revisions where record_id = 'afghan-taliban-active-personnel-2025' and version = 2",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((before.as_str(), after.as_str()), ("iiss", "press-reports"));

    // Starting again changes nothing; a database at a newer release is never downgraded.
    durand::commands::load_bundled_release(&pool).await.unwrap();
    assert_eq!(
        store::dataset::stamp(&store::Reader::current(pool.clone()))
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
    sqlx::query(
        "update dataset_meta set doc = jsonb_set(doc, '{release}', '\"99\"'), release = '99'",
    )
    .execute(&pool)
    .await
    .unwrap();
    durand::commands::load_bundled_release(&pool).await.unwrap();
    let meta = store::dataset::get_meta(&store::Reader::current(pool.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(meta.release, "99");
    assert_eq!(
        store::dataset::stamp(&store::Reader::current(pool.clone()))
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
}
