//! The storage story, told once and run on both backends: always on SQLite, and on PostgreSQL
//! when TEST_DATABASE_URL is set (required when CI=true).

use app::domain::{CountryCode, FirmDraft, FirmFields, FirmId, FormOutcome, Removal, Version};
use app::firms::service;
use app::storage::firms;
use app::storage::{Db, StorageError, Versioned};
use test_support::Scratch;

mod constraints;

test_support::on_both_backends!(
    migrations_are_idempotent_and_load_every_country,
    firms_round_trip_exactly,
    names_are_unique_ignoring_case,
    updates_need_the_current_version,
    deletes_need_the_current_version,
    service_refuses_bad_input_and_stores_nothing,
    list_is_sorted_by_name_ignoring_case,
    every_unique_name_holds_under_unicode_case_and_normalisation,
    users_are_found_by_any_spelling_of_their_name,
    keys_are_given_to_rows_stored_before_them,
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

    let Versioned::Done = firms::update(db, FirmId(firm.id), Version(1), &draft("KAI", "KR"))
        .await
        .unwrap()
    else {
        panic!("the first save at version 1 succeeds");
    };
    let first = firms::get(db, firm.id).await.unwrap().unwrap();
    assert_eq!((first.name.as_str(), first.version), ("KAI", 2));
    assert!(first.updated_at >= firm.updated_at);

    // A second editor who opened the form at version 1 does not overwrite the first.
    let stale = firms::update(
        db,
        app::domain::FirmId(firm.id),
        app::domain::Version(1),
        &draft("Korea Aerospace", "KR"),
    )
    .await
    .unwrap();
    let Versioned::Stale = stale else {
        panic!("expected Stale, got {stale:?}")
    };
    let current = firms::get(db, firm.id).await.unwrap().unwrap();
    assert_eq!(
        current, first,
        "the conflict shows the other editor's saved version"
    );
    assert_eq!(firms::get(db, firm.id).await.unwrap().unwrap().name, "KAI");

    assert!(matches!(
        firms::update(
            db,
            app::domain::FirmId(firm.id + 1000),
            app::domain::Version(1),
            &draft("Nobody", "KR")
        )
        .await
        .unwrap(),
        Versioned::Missing
    ));

    // Renaming onto another firm's name is refused like a create.
    firms::insert(db, &draft("Hanwha", "KR")).await.unwrap();
    let outcome = service::update(db, FirmId(firm.id), Version(2), &fields("hanwha", "KR"))
        .await
        .unwrap();
    assert!(
        matches!(outcome, FormOutcome::Invalid(ref e) if e.get("name").is_some()),
        "got {outcome:?}"
    );
}

async fn deletes_need_the_current_version(db: &Db) {
    let firm = firms::insert(db, &draft("WB Group", "PL")).await.unwrap();
    firms::update(
        db,
        app::domain::FirmId(firm.id),
        app::domain::Version(1),
        &draft("WB Group", "PL"),
    )
    .await
    .unwrap();

    let outcome = service::delete(db, FirmId(firm.id), Version(1))
        .await
        .unwrap();
    assert!(
        matches!(outcome, Removal::Stale(ref current) if current.version == 2),
        "got {outcome:?}"
    );
    assert!(
        firms::get(db, firm.id).await.unwrap().is_some(),
        "a stale delete deletes nothing"
    );

    assert_eq!(
        service::delete(db, FirmId(firm.id), Version(2))
            .await
            .unwrap(),
        Removal::Deleted
    );
    assert!(firms::get(db, firm.id).await.unwrap().is_none());
    assert_eq!(
        service::delete(db, FirmId(firm.id), Version(2))
            .await
            .unwrap(),
        Removal::AlreadyGone
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

/// Pairs of spellings of one name: non-ASCII case (`lower()` on SQLite folds ASCII only), full
/// case folding (ß is ss), and canonical equivalence (one code point, or a letter and a
/// combining mark; precomposed Hangul, or its jamo).
const TWINS: [(&str, &str); 4] = [
    ("Bumar-Łabędy", "BUMAR-ŁABĘDY"),
    ("Straße", "STRASSE"),
    ("Mé", "Me\u{301}"),
    ("한화", "\u{1112}\u{1161}\u{11ab}\u{1112}\u{116a}"),
];

/// `error` is the unique violation of `index` (PostgreSQL names it; SQLite reports none).
fn violates(error: &StorageError, index: &str) -> bool {
    match error {
        // Both backends name the constraint (SQLite through `storage::constraints`).
        StorageError::UniqueViolation { constraint } => constraint.as_deref() == Some(index),
        _ => false,
    }
}

/// The members of the class: firm names (`firms_name_key`), system designations
/// (`systems_designation_key`) and usernames (`users_username_key`). For each, a second record
/// spelled as a twin is refused by the storage insert and update themselves (which check
/// nothing first: the unique index refuses it) and, through the use case, with the message at
/// the field.
async fn every_unique_name_holds_under_unicode_case_and_normalisation(db: &Db) {
    use app::domain::account::{Role, Username};
    use app::domain::register::SystemDraft;
    use app::forms::EntryFields;
    use app::storage::{systems, users};

    let maker = firms::insert(db, &draft("Maker", "PL")).await.unwrap();
    let system = |designation: &str| SystemDraft {
        designation: designation.into(),
        description: String::new(),
        category: app::domain::Category::parse("armoured vehicles").unwrap(),
        maker_id: maker.id,
        variant_of_id: None,
    };
    let system_fields = |designation: &str, version: Option<i64>| {
        let mut fields = EntryFields::default();
        fields.set("designation", designation);
        fields.set("category", "armoured vehicles");
        fields.set("maker_id", maker.id.to_string());
        if let Some(version) = version {
            fields.set("version", version.to_string());
        }
        fields
    };

    for (first, second) in TWINS {
        // Firms.
        firms::insert(db, &draft(first, "PL")).await.unwrap();
        let error = firms::insert(db, &draft(second, "PL")).await.unwrap_err();
        assert!(violates(&error, "firms_name_key"), "{second}: {error:?}");
        let other = firms::insert(db, &draft(&format!("Other {first}"), "PL"))
            .await
            .unwrap();
        let error = firms::update(
            db,
            app::domain::FirmId(other.id),
            app::domain::Version(other.version),
            &draft(second, "PL"),
        )
        .await
        .unwrap_err();
        assert!(violates(&error, "firms_name_key"), "{second}: {error:?}");
        let FormOutcome::Invalid(errors) =
            service::create(db, &fields(second, "PL")).await.unwrap()
        else {
            panic!("the firm {second} is refused")
        };
        assert!(errors.get("name").unwrap().contains("already exists"));
        let FormOutcome::Invalid(errors) = service::update(
            db,
            FirmId(other.id),
            Version(other.version),
            &fields(second, "PL"),
        )
        .await
        .unwrap() else {
            panic!("renaming a firm to {second} is refused")
        };
        assert!(errors.get("name").unwrap().contains("already exists"));

        // Systems.
        systems::insert(db, &system(first)).await.unwrap();
        let error = systems::insert(db, &system(second)).await.unwrap_err();
        assert!(
            violates(&error, "systems_designation_key"),
            "{second}: {error:?}"
        );
        let other = systems::insert(db, &system(&format!("Other {first}")))
            .await
            .unwrap();
        let error = systems::update(
            db,
            app::domain::SystemId(other),
            Version(1),
            &system(second),
        )
        .await
        .unwrap_err();
        assert!(
            violates(&error, "systems_designation_key"),
            "{second}: {error:?}"
        );
        let FormOutcome::Invalid(errors) =
            app::systems::service::create_system(db, &system_fields(second, None))
                .await
                .unwrap()
        else {
            panic!("the system {second} is refused")
        };
        assert!(
            errors
                .get("designation")
                .unwrap()
                .contains("already exists"),
            "{errors:?}"
        );
        let FormOutcome::Invalid(errors) = app::systems::service::update_system(
            db,
            app::domain::SystemId(other),
            &system_fields(second, Some(1)),
        )
        .await
        .unwrap() else {
            panic!("renaming a system to {second} is refused")
        };
        assert!(
            errors
                .get("designation")
                .unwrap()
                .contains("already exists")
        );

        // Users (their form is the server's: server/tests/api/folded_names.rs). A username is
        // letters, digits and . _ - @, so a combining accent is not one.
        let (Ok(first), Ok(second)) = (Username::parse(first), Username::parse(second)) else {
            assert_eq!(first, "Mé");
            continue;
        };
        users::insert(db, &first, "hash", Role::Viewer, false)
            .await
            .unwrap();
        let error = users::insert(db, &second, "hash", Role::Viewer, false)
            .await
            .unwrap_err();
        assert!(
            violates(&error, "users_username_key"),
            "{second}: {error:?}"
        );
    }
    assert_eq!(firms::count(db).await.unwrap(), 1 + 2 * TWINS.len() as i64);
    assert_eq!(systems::list(db).await.unwrap().len(), 2 * TWINS.len());
    assert_eq!(users::count(db).await.unwrap(), TWINS.len() as i64 - 1);

    // Stored in NFC: what looks the same is stored the same.
    let nfd = firms::insert(db, &draft("Kongsberg Defence Syste\u{300}ms", "NO"))
        .await
        .unwrap();
    assert_eq!(nfd.name, "Kongsberg Defence Systèms");
    let id = systems::insert(db, &system("Z\u{307}ubr-P")).await.unwrap();
    assert_eq!(
        systems::get(db, id).await.unwrap().unwrap().designation,
        "Żubr-P"
    );
}

async fn users_are_found_by_any_spelling_of_their_name(db: &Db) {
    use app::domain::account::{Role, Username};
    use app::storage::users;
    let id = users::insert(
        db,
        &Username::parse("Łukasz.Straße").unwrap(),
        "hash",
        Role::Editor,
        false,
    )
    .await
    .unwrap()
    .unwrap();
    for spelling in ["ŁUKASZ.STRASSE", "łukasz.strasse", "Łukasz.Straße"] {
        let found = users::by_name(db, spelling).await.unwrap();
        assert_eq!(found.map(|u| u.id), Some(id), "{spelling}");
    }
    assert!(
        users::by_name(db, "Lukasz.Strasse")
            .await
            .unwrap()
            .is_none()
    );
}

/// Rows written before the key columns existed (as the migration leaves them: no key) get
/// their keys when the app migrates; a row whose name only ASCII case told apart keeps none,
/// and is reported, until renamed.
async fn keys_are_given_to_rows_stored_before_them(db: &Db) {
    use app::storage::keys::{self, Clash};
    let now = chrono::Utc::now();
    for name in ["Bumar-Łabędy", "BUMAR-ŁABĘDY", "Straße"] {
        app::on_db!(db, pool => {
            sqlx::query(
                "INSERT INTO firms (name, country_code, notes, version, created_at, updated_at) \
                 VALUES ($1, 'PL', '', 1, $2, $2)",
            )
            .bind(name)
            .bind(now)
            .execute(pool)
            .await
            .unwrap();
        });
    }
    app::on_db!(db, pool => {
        sqlx::query(
            "INSERT INTO users (username, password_hash, role, created_at, updated_at) \
             VALUES ('Łukasz', 'hash', 'viewer', $1, $1)",
        )
        .bind(now)
        .execute(pool)
        .await
        .unwrap();
    });
    let all = firms::list(db).await.unwrap();
    let stored = |name: &str| all.iter().find(|f| f.name == name).unwrap().id;
    let (bumar, shouting, strasse) = (
        stored("Bumar-Łabędy"),
        stored("BUMAR-ŁABĘDY"),
        stored("Straße"),
    );

    assert_eq!(db.migrate().await.unwrap(), 0);
    let mut keyed = firms::ids_by_key(db).await.unwrap();
    keyed.sort();
    assert_eq!(
        keyed,
        [
            ("bumar-łabędy".to_owned(), bumar),
            ("strasse".to_owned(), strasse)
        ]
    );
    assert!(
        app::storage::users::by_name(db, "ŁUKASZ")
            .await
            .unwrap()
            .is_some()
    );
    // Run again, only the row that cannot have its key is left, and said.
    assert_eq!(
        keys::backfill(db).await.unwrap(),
        [Clash {
            table: "firms",
            id: shouting,
            name: "BUMAR-ŁABĘDY".into(),
            keeps: bumar,
        }]
    );
    let error = firms::insert(db, &draft("STRASSE", "DE"))
        .await
        .unwrap_err();
    assert!(violates(&error, "firms_name_key"), "{error:?}");
    // Saving the clashing row computes its key: refused as a duplicate until renamed.
    let error = firms::update(
        db,
        app::domain::FirmId(shouting),
        app::domain::Version(1),
        &draft("BUMAR-ŁABĘDY", "PL"),
    )
    .await
    .unwrap_err();
    assert!(violates(&error, "firms_name_key"), "{error:?}");
    firms::update(
        db,
        app::domain::FirmId(shouting),
        app::domain::Version(1),
        &draft("Bumar-Łabędy (old)", "PL"),
    )
    .await
    .unwrap();
    assert!(keys::backfill(db).await.unwrap().is_empty());
}
