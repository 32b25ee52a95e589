//! The storage story, told once and run on both backends: always on SQLite, and on PostgreSQL
//! when TEST_DATABASE_URL is set (required when CI=true).

use app::domain::{CountryCode, FirmDraft, FirmFields, FormOutcome};
use app::firms::{DeleteOutcome, service};
use app::storage::firms::{self, Versioned};
use app::storage::scratch::Scratch;
use app::storage::{Db, StorageError};

app::on_both_backends!(
    migrations_are_idempotent_and_load_every_country,
    firms_round_trip_exactly,
    names_are_unique_ignoring_case,
    updates_need_the_current_version,
    deletes_need_the_current_version,
    service_refuses_bad_input_and_stores_nothing,
    list_is_sorted_by_name_ignoring_case,
);

fn fields(name: &str, country: &str) -> FirmFields {
    FirmFields {
        name: name.into(),
        country: country.into(),
        website: String::new(),
        notes: String::new(),
    }
}

fn draft(name: &str, country: &str) -> FirmDraft {
    FirmDraft::parse(&fields(name, country)).expect("valid test firm")
}

async fn migrations_are_idempotent_and_load_every_country(db: &Db) {
    assert_eq!(
        db.migrate().await.unwrap(),
        0,
        "a second migrate applies nothing"
    );
    let countries: i64 = app::on_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM countries").fetch_one(pool).await.unwrap()
    });
    assert_eq!(countries, CountryCode::all().count() as i64);
    let poland: String = app::on_db!(db, pool => {
        sqlx::query_scalar("SELECT name FROM countries WHERE code = $1").bind("PL").fetch_one(pool).await.unwrap()
    });
    assert_eq!(poland, "Poland");
}

async fn firms_round_trip_exactly(db: &Db) {
    let mut input = fields("  Hanwha   Aerospace ", "kr");
    input.website = "www.hanwhaaerospace.com".into();
    input.notes = "K9 howitzers\nChunmoo — 천무".into();
    let created = firms::insert(db, &FirmDraft::parse(&input).unwrap())
        .await
        .unwrap();
    assert_eq!(created.name, "Hanwha Aerospace");
    assert_eq!(created.country.as_str(), "KR");
    assert_eq!(
        created.website.as_deref(),
        Some("https://www.hanwhaaerospace.com/")
    );
    assert_eq!(created.version, 1);

    let fetched = firms::get(db, created.id)
        .await
        .unwrap()
        .expect("stored firm");
    assert_eq!(
        fetched, created,
        "what comes back is exactly what was stored"
    );
    assert_eq!(fetched.notes, "K9 howitzers\nChunmoo — 천무");
    assert!(firms::get(db, created.id + 1000).await.unwrap().is_none());
    assert_eq!(firms::count(db).await.unwrap(), 1);
}

async fn names_are_unique_ignoring_case(db: &Db) {
    firms::insert(db, &draft("Hyundai Rotem", "KR"))
        .await
        .unwrap();
    let error = firms::insert(db, &draft("HYUNDAI ROTEM", "KR"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, StorageError::UniqueViolation { .. }),
        "got {error:?}"
    );

    // Through the use case, the violation becomes a message at the name field.
    let outcome = service::create(db, &fields("hyundai rotem", "PL"))
        .await
        .unwrap();
    let FormOutcome::Invalid(errors) = outcome else {
        panic!("expected Invalid, got {outcome:?}")
    };
    assert!(errors.get("name").unwrap().contains("already exists"));
    assert_eq!(
        firms::count(db).await.unwrap(),
        1,
        "the duplicate was not stored"
    );
}

async fn updates_need_the_current_version(db: &Db) {
    let firm = firms::insert(db, &draft("Korea Aerospace Industries", "KR"))
        .await
        .unwrap();

    let Versioned::Done(first) = firms::update(db, firm.id, 1, &draft("KAI", "KR"))
        .await
        .unwrap()
    else {
        panic!("the first save at version 1 succeeds");
    };
    assert_eq!((first.name.as_str(), first.version), ("KAI", 2));
    assert!(first.updated_at >= firm.updated_at);

    // A second editor who opened the form at version 1 does not overwrite the first.
    let stale = firms::update(db, firm.id, 1, &draft("Korea Aerospace", "KR"))
        .await
        .unwrap();
    let Versioned::Stale(current) = stale else {
        panic!("expected Stale, got {stale:?}")
    };
    assert_eq!(
        current, first,
        "the conflict shows the other editor's saved version"
    );
    assert_eq!(firms::get(db, firm.id).await.unwrap().unwrap().name, "KAI");

    assert!(matches!(
        firms::update(db, firm.id + 1000, 1, &draft("Nobody", "KR"))
            .await
            .unwrap(),
        Versioned::Missing
    ));

    // Renaming onto another firm's name is refused like a create.
    firms::insert(db, &draft("Hanwha", "KR")).await.unwrap();
    let outcome = service::update(db, firm.id, 2, &fields("hanwha", "KR"))
        .await
        .unwrap();
    assert!(
        matches!(outcome, FormOutcome::Invalid(ref e) if e.get("name").is_some()),
        "got {outcome:?}"
    );
}

async fn deletes_need_the_current_version(db: &Db) {
    let firm = firms::insert(db, &draft("WB Group", "PL")).await.unwrap();
    firms::update(db, firm.id, 1, &draft("WB Group", "PL"))
        .await
        .unwrap();

    let outcome = service::delete(db, firm.id, 1).await.unwrap();
    assert!(
        matches!(outcome, DeleteOutcome::Conflict { ref current } if current.version == 2),
        "got {outcome:?}"
    );
    assert!(
        firms::get(db, firm.id).await.unwrap().is_some(),
        "a stale delete deletes nothing"
    );

    assert_eq!(
        service::delete(db, firm.id, 2).await.unwrap(),
        DeleteOutcome::Deleted
    );
    assert!(firms::get(db, firm.id).await.unwrap().is_none());
    assert_eq!(
        service::delete(db, firm.id, 2).await.unwrap(),
        DeleteOutcome::AlreadyGone
    );
}

async fn service_refuses_bad_input_and_stores_nothing(db: &Db) {
    let long_name = "x".repeat(app::domain::limits::FIRM_NAME_MAX + 1);
    for (input, field) in [
        (fields("", "KR"), "name"),
        (fields(&long_name, "KR"), "name"),
        (fields("Some Firm", "XX"), "country"),
        (
            FirmFields {
                website: "not a url".into(),
                ..fields("Some Firm", "KR")
            },
            "website",
        ),
    ] {
        let outcome = service::create(db, &input).await.unwrap();
        let FormOutcome::Invalid(errors) = outcome else {
            panic!("expected Invalid for {input:?}")
        };
        assert!(
            errors.get(field).is_some(),
            "message at {field} for {input:?}: {errors:?}"
        );
    }
    assert_eq!(firms::count(db).await.unwrap(), 0);
}

async fn list_is_sorted_by_name_ignoring_case(db: &Db) {
    for name in ["hanwha", "Bumar-Łabędy", "Hyundai Rotem", "Aselsan"] {
        firms::insert(db, &draft(name, "KR")).await.unwrap();
    }
    let names: Vec<String> = firms::list(db)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(
        names,
        ["Aselsan", "Bumar-Łabędy", "hanwha", "Hyundai Rotem"]
    );
}

/// SQLite only: the durability settings are contracts, not defaults.
#[tokio::test]
async fn sqlite_runs_with_wal_full_sync_and_foreign_keys() {
    let scratch = Scratch::sqlite().await.unwrap();
    let Db::Sqlite(pool) = &scratch.db else {
        unreachable!()
    };
    let mut connection = pool.acquire().await.unwrap();
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    let busy_timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(synchronous, 2, "synchronous=FULL");
    assert_eq!(foreign_keys, 1);
    assert!(busy_timeout >= 1000);

    // Foreign keys are enforced: a firm in a country that is not on the list is refused.
    let refused = sqlx::query(
        "INSERT INTO firms (name, country_code, notes, version, created_at, updated_at) VALUES ('X', 'XX', '', 1, '', '')",
    )
    .execute(&mut *connection)
    .await
    .unwrap_err();
    assert!(matches!(
        StorageError::from(refused),
        StorageError::ForeignKeyViolation { .. }
    ));
    drop(connection);
    scratch.finish().await;
}
