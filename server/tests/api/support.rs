//! Shared test harness: the real router served on a free port.

use app::storage::Db;
use leptos::config::LeptosOptions;
use reqwest::{StatusCode, redirect::Policy};
use std::time::Duration;

pub struct TestApp {
    pub base: String,
    /// Signed in as [`ADMIN`] (every route is open to it), unless made by `signed_out`/`as_role`.
    pub client: reqwest::Client,
    pub db: Db,
    pub state: server::AppState,
}

/// The password of every test user.
pub const PASSWORD: &str = "correct horse battery staple";
/// The user `spawn_app` signs in as.
pub const ADMIN: &str = "test-admin";

/// A client as the tests use it: no redirects followed, `cookie` sent with every request.
pub fn client(cookie: Option<&str>) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(cookie) = cookie {
        headers.insert(
            reqwest::header::COOKIE,
            reqwest::header::HeaderValue::from_str(cookie).unwrap(),
        );
    }
    reqwest::Client::builder()
        .redirect(Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// Adds a user with [`PASSWORD`] straight into the database (once per name).
pub async fn ensure_user(db: &Db, username: &str, role: app::domain::account::Role) {
    if app::storage::users::by_name(db, username)
        .await
        .unwrap()
        .is_some()
    {
        return;
    }
    let hash = server::auth::hash_password(PASSWORD.to_owned())
        .await
        .unwrap();
    let name = app::domain::account::Username::parse(username).unwrap();
    app::storage::users::insert(db, &name, &hash, role, false)
        .await
        .unwrap();
}

/// Serves the app on a free port against `db`, in the background of this test, with a client
/// signed in as an administrator.
pub async fn spawn_app(db: Db) -> TestApp {
    let app = spawn_app_signed_out(db).await;
    ensure_user(&app.db, ADMIN, app::domain::account::Role::Admin).await;
    let cookie = app
        .sign_in(ADMIN, PASSWORD)
        .await
        .expect("the test admin signs in");
    TestApp {
        client: client(Some(&cookie)),
        ..app
    }
}

/// [`spawn_app`] with `state` changed first (session limits, set-up token), signed out.
pub async fn spawn_app_with(db: Db, change: impl FnOnce(&mut server::AppState)) -> TestApp {
    spawn(db, change).await
}

/// [`spawn_app`] without signing in.
pub async fn spawn_app_signed_out(db: Db) -> TestApp {
    spawn(db, |_| {}).await
}

async fn spawn(db: Db, change: impl FnOnce(&mut server::AppState)) -> TestApp {
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
    let mut state = server::AppState::new(options, db.clone());
    change(&mut state);
    let router = server::router(state.clone(), Duration::from_secs(10));
    tokio::spawn(server::serve::serve(
        listener,
        router,
        server::serve::Edges::default(),
        std::future::pending(),
    ));
    TestApp {
        base: format!("http://{addr}"),
        client: client(None),
        db,
        state,
    }
}

/// The `name=value` of the session cookie a response sets.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(server::auth::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

impl TestApp {
    /// Signs in through the form; the session cookie on success, the response otherwise.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<String, reqwest::Response> {
        let response = client(None)
            .post(format!("{}/login", self.base))
            .form(&[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::SEE_OTHER {
            return Err(response);
        }
        Ok(session_cookie(&response).expect("a signed-in response sets the session cookie"))
    }

    /// This app with a client signed in as a new user of `role` (named after it).
    pub async fn as_role(&self, role: app::domain::account::Role) -> TestApp {
        let name = format!("test-{role}");
        ensure_user(&self.db, &name, role).await;
        let cookie = self.sign_in(&name, PASSWORD).await.expect("signs in");
        self.with_client(client(Some(&cookie)))
    }

    /// This app with another client (signed out, or with other headers).
    pub fn with_client(&self, client: reqwest::Client) -> TestApp {
        TestApp {
            base: self.base.clone(),
            client,
            db: self.db.clone(),
            state: self.state.clone(),
        }
    }

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

    /// A form post that must save (303 to the page that shows the result); its response.
    pub async fn post_saved(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let response = self.post_form(path, form).await;
        if response.status() != StatusCode::SEE_OTHER {
            let status = response.status();
            panic!(
                "POST {path} answered {status}: {}",
                response.text().await.unwrap()
            );
        }
        response
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
