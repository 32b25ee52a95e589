use app::storage::{Backend, Db};
use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
pub async fn healthz(State(db): State<Db>) -> (StatusCode, Json<Value>) {
    let database = match db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    match db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": database })),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": database })),
            )
        }
    }
}
