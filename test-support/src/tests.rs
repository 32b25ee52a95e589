//! The harness cleans up after itself: a PostgreSQL scratch schema is gone after a test that
//! finishes and after one that panics, even one that panics inside a transaction holding a lock.

use super::Scratch;
use app::storage::Tx;
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// Whether `schema` exists, asked on a connection of its own.
async fn schema_exists(schema: &str) -> bool {
    let url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let mut connection = PgConnection::connect(&url).await.unwrap();
    let (count,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1")
            .bind(schema)
            .fetch_one(&mut connection)
            .await
            .unwrap();
    connection.close().await.unwrap();
    count == 1
}

/// Panics in the middle of a transaction that holds a lock in the schema.
async fn failing_story(scratch: Scratch) {
    let mut tx = scratch.db.begin().await.unwrap();
    let Tx::Postgres(transaction) = &mut tx else {
        unreachable!("a PostgreSQL scratch database")
    };
    sqlx::query("LOCK TABLE firms IN ACCESS EXCLUSIVE MODE")
        .execute(&mut **transaction)
        .await
        .unwrap();
    panic!("a story fails (deliberately, to check the cleanup)");
}

#[tokio::test]
async fn a_finished_scratch_leaves_no_schema_behind() {
    let Some(scratch) = Scratch::postgres().await else {
        return;
    };
    let schema = scratch.schema().unwrap().to_owned();
    assert!(
        schema_exists(&schema).await,
        "{schema} is there while in use"
    );
    scratch.finish().await;
    assert!(!schema_exists(&schema).await, "{schema} is left behind");
}

#[tokio::test]
async fn a_panicking_test_leaves_no_schema_behind() {
    let Some(scratch) = Scratch::postgres().await else {
        return;
    };
    let schema = scratch.schema().unwrap().to_owned();
    assert!(
        schema_exists(&schema).await,
        "{schema} is there while in use"
    );
    // A failing story, on this (current-thread) runtime, that never reaches `finish`.
    let story = tokio::spawn(failing_story(scratch));
    let failed = story.await.expect_err("the story panics");
    assert!(failed.is_panic());
    assert!(!schema_exists(&schema).await, "{schema} is left behind");
}
