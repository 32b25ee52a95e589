//! Plain HTML form posts, for browsers without JavaScript (or before the wasm has loaded).
//! They run the same use cases as the server functions. A save answers 303 to the page that
//! shows the result; a form that did not save re-renders its page with the typed values and
//! the messages at their fields (422), or the other user's version (409).

use crate::AppState;
use app::domain::{FieldErrors, FirmFields, FormOutcome};
use app::error::AppError;
use app::firms::pages::DeleteConflict;
use app::firms::{DeleteOutcome, FirmFormEcho, api::UpdateFirm, service};
use app::register::entry::{EntryEcho, EntryFields};
use app::register::{DeliveryEcho, DeliveryFields};
use axum::{
    Form,
    body::Body,
    extract::{FromRequest, Path, State},
    http::{Method, Request, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::provide_context;
use serde::Deserialize;

/// Renders the page at the request's own address as a GET would, with `context` provided
/// (the echo of the form), and answers with `status`.
async fn render_page<C>(
    state: &AppState,
    mut parts: Parts,
    context: C,
    status: StatusCode,
) -> Response
where
    C: Clone + Send + Sync + 'static,
{
    parts.method = Method::GET;
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let request = Request::from_parts(parts, Body::empty());
    let db = state.db.clone();
    let options = state.leptos_options.clone();
    // Every page renders with SsrMode::Async, so render that way directly (the route-matching
    // helper needs axum's MatchedPath, which a re-render at another address does not have).
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(db.clone());
            provide_context(context.clone());
        },
        move || app::shell(options.clone()),
    );
    let mut response = handler(request).await.into_response();
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// Reads the urlencoded body, keeping the request head for a re-render.
async fn read_form<T: serde::de::DeserializeOwned>(
    state: &AppState,
    request: Request<Body>,
) -> Result<(Parts, T), Response> {
    let (parts, body) = request.into_parts();
    let Form(form) = Form::<T>::from_request(Request::from_parts(parts.clone(), body), state)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok((parts, form))
}

fn echo(fields: FirmFields) -> FirmFormEcho {
    FirmFormEcho {
        fields,
        ..FirmFormEcho::default()
    }
}

pub async fn create_firm(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<FirmFields>(&state, request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    match service::create(&state.db, &fields).await {
        Ok(FormOutcome::Saved(firm)) => {
            Redirect::to(&format!("/firms?created={}", firm.id)).into_response()
        }
        Ok(FormOutcome::Invalid(errors)) => {
            let echo = FirmFormEcho {
                errors,
                ..echo(fields)
            };
            render_page(&state, parts, echo, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Ok(FormOutcome::Conflict { .. }) => {
            let error = AppError::internal("create reported an edit conflict");
            let status = error.status();
            render_page(
                &state,
                parts,
                FirmFormEcho {
                    failure: Some(error),
                    ..echo(fields)
                },
                status,
            )
            .await
        }
        Err(error) => {
            let status = error.status();
            render_page(
                &state,
                parts,
                FirmFormEcho {
                    failure: Some(error),
                    ..echo(fields)
                },
                status,
            )
            .await
        }
    }
}

pub async fn update_firm(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    let (parts, form) = match read_form::<UpdateFirm>(&state, request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let fields = FirmFields {
        name: form.name,
        country: form.country,
        website: form.website,
        notes: form.notes,
    };
    match service::update(&state.db, id, form.version, &fields).await {
        Ok(FormOutcome::Saved(firm)) => {
            Redirect::to(&format!("/firms/{}/edit?saved=1", firm.id)).into_response()
        }
        Ok(FormOutcome::Invalid(errors)) => {
            let echo = FirmFormEcho {
                errors,
                version: Some(form.version),
                ..echo(fields)
            };
            render_page(&state, parts, echo, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Ok(FormOutcome::Conflict { current }) => {
            // The re-rendered form saves against their version: saving again is deliberate.
            let echo = FirmFormEcho {
                version: Some(current.version),
                conflict: Some(current),
                ..echo(fields)
            };
            render_page(&state, parts, echo, StatusCode::CONFLICT).await
        }
        Err(error) => {
            let status = error.status();
            let echo = FirmFormEcho {
                failure: Some(error),
                version: Some(form.version),
                ..echo(fields)
            };
            render_page(&state, parts, echo, status).await
        }
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    version: i64,
}

pub async fn delete_firm(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    let (parts, form) = match read_form::<DeleteForm>(&state, request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    // The name, for the message on the list page.
    let name = match service::get(&state.db, id).await {
        Ok(firm) => firm.name,
        Err(AppError::NotFound { .. }) => return Redirect::to("/firms").into_response(),
        Err(error) => return (error.status(), error.to_string()).into_response(),
    };
    match service::delete(&state.db, id, form.version).await {
        Ok(DeleteOutcome::Deleted) => {
            let query: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
            Redirect::to(&format!("/firms?deleted={query}")).into_response()
        }
        Ok(DeleteOutcome::AlreadyGone) => Redirect::to("/firms").into_response(),
        Ok(DeleteOutcome::Conflict { current }) => {
            render_page(&state, parts, DeleteConflict(current), StatusCode::CONFLICT).await
        }
        // The page lists the references itself.
        Ok(DeleteOutcome::Referenced { .. }) => {
            render_page(&state, parts, (), StatusCode::CONFLICT).await
        }
        Err(error) => (error.status(), error.to_string()).into_response(),
    }
}

/// `POST /contracts/{id}/deliveries`: records a delivery, then shows the contract again.
pub async fn record_delivery(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    let (mut parts, fields) = match read_form::<DeliveryFields>(&state, request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    // A rejected form re-renders the contract's own page.
    if let Ok(uri) = format!("/contracts/{id}").parse() {
        parts.uri = uri;
    }
    match app::register::service::record_delivery(&state.db, id, &fields).await {
        Ok(FormOutcome::Saved(_)) => {
            Redirect::to(&format!("/contracts/{id}?delivered=1#record-delivery")).into_response()
        }
        Ok(FormOutcome::Invalid(errors)) => {
            render_page(
                &state,
                parts,
                DeliveryEcho { fields, errors },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Ok(FormOutcome::Conflict { .. }) => {
            let error = AppError::internal("a delivery reported an edit conflict");
            (error.status(), error.to_string()).into_response()
        }
        Err(error) => {
            let status = error.status();
            render_page(
                &state,
                parts,
                DeliveryEcho {
                    fields,
                    errors: FieldErrors::single("units", error.to_string()),
                },
                status,
            )
            .await
        }
    }
}

/// `POST /contracts/new`: store the contract, then show it.
pub async fn create_contract(State(state): State<AppState>, request: Request<Body>) -> Response {
    create_entry(state, request, "contracts", |db, fields| async move {
        let outcome = app::register::service::create_contract(&db, &fields).await?;
        Ok(outcome_id(outcome, |c| c.id))
    })
    .await
}

/// `POST /agreements/new`: store the agreement, then show it.
pub async fn create_agreement(State(state): State<AppState>, request: Request<Body>) -> Response {
    create_entry(state, request, "agreements", |db, fields| async move {
        let outcome = app::register::service::create_agreement(&db, &fields).await?;
        Ok(outcome_id(outcome, |a| a.id))
    })
    .await
}

/// The id of a saved record, or the messages of a rejected form.
fn outcome_id<T>(outcome: FormOutcome<T>, id: impl Fn(&T) -> i64) -> Result<i64, FieldErrors> {
    match outcome {
        FormOutcome::Saved(record) => Ok(id(&record)),
        FormOutcome::Invalid(errors) => Err(errors),
        FormOutcome::Conflict { .. } => Err(FieldErrors::single(
            "title",
            "Someone else saved this meanwhile; reload the page.",
        )),
    }
}

/// The shared path of the entry forms: parse the post, run `create`, then show the new record
/// at `/{collection}/{id}?created=1`, or the form again with its messages (422).
async fn create_entry<F, Fut>(
    state: AppState,
    request: Request<Body>,
    collection: &str,
    create: F,
) -> Response
where
    F: FnOnce(app::storage::Db, EntryFields) -> Fut,
    Fut: std::future::Future<Output = Result<Result<i64, FieldErrors>, AppError>>,
{
    let (parts, fields) = match read_form::<EntryFields>(&state, request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    match create(state.db.clone(), fields.clone()).await {
        Ok(Ok(id)) => Redirect::to(&format!("/{collection}/{id}?created=1")).into_response(),
        Ok(Err(errors)) => {
            render_page(
                &state,
                parts,
                EntryEcho { fields, errors },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => {
            let status = error.status();
            render_page(
                &state,
                parts,
                EntryEcho {
                    fields,
                    errors: FieldErrors::single("title", error.to_string()),
                },
                status,
            )
            .await
        }
    }
}
