//! Shared test harness: the real router served on a free port.

#![allow(dead_code)] // each test file uses part of it

use app::storage::Db;
use leptos::config::LeptosOptions;
use reqwest::{StatusCode, redirect::Policy};
use std::time::Duration;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
}

/// Serves the app on a free port against `db`, in the background of this test.
pub async fn spawn_app(db: Db) -> TestApp {
    // Server logs in the test output (shown for failing tests), level from RUST_LOG.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let options = LeptosOptions::builder()
        .output_name("dealtracker")
        .site_root("target/site")
        .site_addr(addr)
        .build();
    let router = server::router(
        server::AppState::new(options, db.clone()),
        Duration::from_secs(10),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap(),
        db,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// A form post as a browser without JavaScript sends it.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("accept", "text/html")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A server-function call as the hydrated page makes it (JSON in, JSON out).
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, serde_json::Value) {
        let args: serde_json::Map<String, serde_json::Value> = form
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect();
        let response = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .json(&args)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    pub async fn firm_count(&self) -> i64 {
        app::storage::firms::count(&self.db).await.unwrap()
    }
}
