//! CSV over HTTP and on the command line: `GET /export/{view}` streams a view's file, `POST
//! /import` takes an upload for its preview page, `POST /import/{token}/commit` stores it.

use app::storage::Db;
use app::transfer::{CsvFormat, IMPORT_LIMIT, View, export, import};
use axum::{
    body::Body,
    extract::{Multipart, Path, State},
    http::{Request, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

/// `GET /export/{view}?…`: the view's CSV, with the page's filters and sort.
pub async fn export_view(view: View, db: Db, pairs: Vec<(String, String)>) -> Response {
    let format = match pairs.iter().find(|(k, _)| k == "format") {
        Some((_, value)) => match CsvFormat::parse(value) {
            Ok(format) => format,
            Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
        },
        None => CsvFormat::Standard,
    };
    let today = chrono::Utc::now().date_naive();
    match export::start(db, view, &pairs, format, today) {
        Ok(export) => {
            // `poll_fn` over the receiver, not `unfold`: the compression layer polls once more
            // after the end, and a closed receiver keeps answering `None`.
            let mut chunks = export.chunks;
            let stream = futures_util::stream::poll_fn(move |cx| chunks.poll_recv(cx));
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}\"", export.file_name),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                Body::from_stream(stream),
            )
                .into_response()
        }
        Err(ignored) => (
            StatusCode::BAD_REQUEST,
            format!(
                "Not understood in the address: {}. Correct or remove them, then export again.",
                ignored.join(", ")
            ),
        )
            .into_response(),
    }
}

/// `POST /import` (multipart, field `file`): keeps the upload and shows its preview page.
pub async fn upload(State(db): State<Db>, mut form: Multipart) -> Response {
    let refused = |reason: &str| Redirect::to(&format!("/import?refused={reason}")).into_response();
    let mut upload: Option<(String, Vec<u8>)> = None;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                tracing::warn!(%error, "unreadable import upload");
                return refused("unreadable");
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.csv").to_owned();
        let mut content = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    content.extend_from_slice(&chunk);
                    if content.len() > IMPORT_LIMIT {
                        return refused("too-large");
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(%error, "import upload cut short");
                    return refused("unreadable");
                }
            }
        }
        upload = Some((name, content));
    }
    let Some((name, content)) = upload else {
        return refused("no-file");
    };
    if content.is_empty() && name.is_empty() {
        return refused("no-file");
    }
    match app::storage::imports::save(&db, "contracts", &name, &content).await {
        Ok(token) => Redirect::to(&format!("/import/{token}")).into_response(),
        Err(error) => app::web::error_response(app::error::AppError::internal(error), false),
    }
}

/// `POST /import/{token}/commit`: stores the checked file, all or nothing. A refused commit
/// answers the preview page with its reasons (422), each at its row and column.
pub async fn commit(
    State(state): State<crate::AppState>,
    Path(token): Path<String>,
    request: Request<Body>,
) -> Response {
    let db = &state.db;
    let stored = async {
        let Some(pending) = app::storage::imports::get(db, &token).await? else {
            return Ok(None);
        };
        // The same checks as the preview's, in the one transaction that stores the file.
        let plan = import::prepare(db, &pending.file_name, &pending.content).await?;
        let stored = import::commit(db, plan).await?;
        if stored.is_ok() {
            app::storage::imports::delete(db, &token).await?;
        }
        Ok::<_, app::error::AppError>(Some(stored))
    }
    .await;
    match stored {
        Ok(None) => Redirect::to("/import?refused=expired").into_response(),
        Ok(Some(Ok(done))) => Redirect::to(&format!(
            "/import?created={}&updated={}&unchanged={}",
            done.created, done.updated, done.unchanged
        ))
        .into_response(),
        Ok(Some(Err(refused))) => {
            let (mut parts, _) = request.into_parts();
            // Rendered as the preview page, which shows these reasons instead of a new check.
            match format!("/import/{token}").parse() {
                Ok(uri) => parts.uri = uri,
                Err(_) => return StatusCode::NOT_FOUND.into_response(),
            }
            app::web::render_page(
                &state.site(),
                parts,
                app::transfer::pages::RefusedImport(refused),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => app::web::error_response(error, false),
    }
}
