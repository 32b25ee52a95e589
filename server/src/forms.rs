//! Plain HTML form posts, for browsers without JavaScript (or before the wasm has loaded).
//! They run the same use cases as the server functions. A save answers 303 to the page that
//! shows the result; a form that did not save re-renders its page with the typed values and
//! the messages at their fields (422), or the other user's version (409).

use crate::AppState;
use app::domain::{FieldErrors, FirmFields, FormOutcome};
use app::error::AppError;
use app::firms::pages::{DeleteConflict, GroupEcho};
use app::firms::{DeleteOutcome, FirmFormEcho, api::UpdateFirm, service};
use app::register::editor::DeleteRefused;
use app::register::entry::{Editable, EntryEcho, EntryFields};
use app::register::{DeliveryEcho, DeliveryFields, Removal};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{Method, Request, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::provide_context;
use serde::Deserialize;

/// Renders the page at the request's own address as a GET would, with `context` provided
/// (the echo of the form), and answers with `status`.
pub(crate) async fn render_page<C>(
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
            crate::provide_request_context(&db);
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

/// The largest form body read (the import upload has its own, larger limit).
const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// Reads the urlencoded body, keeping the request head for a re-render. A body that is not a
/// form of `T` answers 400 with a page in the app's words, never the deserializer's: its text
/// must be UTF-8 (a `%FF` would otherwise be stored as U+FFFD, silently changing what was
/// typed), and every field `T` needs must be there, of its kind.
pub(crate) async fn read_form<T: serde::de::DeserializeOwned>(
    request: Request<Body>,
) -> Result<(Parts, T), Response> {
    let (parts, body) = request.into_parts();
    let unreadable = |message: &str| {
        crate::auth::guard::error_response(AppError::Unreadable(message.to_owned()), false)
    };
    let urlencoded = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return Err(unreadable(app::error::UNREADABLE_FORM));
    }
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return Err(unreadable(
            "The form is larger than the app accepts (2 MB). Nothing was saved.",
        ));
    };
    match parse_form(&bytes) {
        Ok(form) => Ok((parts, form)),
        Err(message) => Err(unreadable(message)),
    }
}

/// A urlencoded body as `T`, refusing text that does not decode to UTF-8.
fn parse_form<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, &'static str> {
    for part in bytes.split(|b| *b == b'&' || *b == b'=') {
        let spaced: Vec<u8> = part
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        if percent_encoding::percent_decode(&spaced)
            .decode_utf8()
            .is_err()
        {
            return Err(app::error::NOT_UTF8);
        }
    }
    serde_urlencoded::from_bytes(bytes).map_err(|_| app::error::UNREADABLE_FORM)
}

fn echo(fields: FirmFields) -> FirmFormEcho {
    FirmFormEcho {
        fields,
        ..FirmFormEcho::default()
    }
}

pub async fn create_firm(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<FirmFields>(request).await {
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
    let (parts, form) = match read_form::<UpdateFirm>(request).await {
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
pub struct GroupForm {
    version: i64,
    #[serde(default)]
    parent_id: String,
}

/// `POST /firms/{id}/group`: puts the firm in a group, then shows its edit page again.
pub async fn set_firm_group(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    let (mut parts, form) = match read_form::<GroupForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    if let Ok(uri) = format!("/firms/{id}/edit").parse() {
        parts.uri = uri;
    }
    let (echo, status) =
        match service::set_group(&state.db, id, form.version, &form.parent_id).await {
            Ok(FormOutcome::Saved(_)) => {
                return Redirect::to(&format!("/firms/{id}/edit?grouped=1")).into_response();
            }
            Ok(FormOutcome::Invalid(errors)) => (
                GroupEcho {
                    errors,
                    conflict: false,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Ok(FormOutcome::Conflict { .. }) => (
                GroupEcho {
                    errors: FieldErrors::new(),
                    conflict: true,
                },
                StatusCode::CONFLICT,
            ),
            Err(error) => return render_page(&state, parts, (), error.status()).await,
        };
    render_page(&state, parts, echo, status).await
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
    let (parts, form) = match read_form::<DeleteForm>(request).await {
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
    let (mut parts, fields) = match read_form::<DeliveryFields>(request).await {
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
    save_entry(
        state,
        request,
        "contracts",
        "created",
        |db, fields| async move { app::register::service::create_contract(&db, &fields).await },
    )
    .await
}

/// `POST /contracts/{id}/edit`: save the contract over its stored version, then show it.
pub async fn update_contract(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    save_entry(
        state,
        request,
        "contracts",
        "saved",
        move |db, fields| async move {
            app::register::service::update_contract(&db, id, &fields).await
        },
    )
    .await
}

/// `POST /agreements/new`: store the agreement, then show it.
pub async fn create_agreement(State(state): State<AppState>, request: Request<Body>) -> Response {
    save_entry(
        state,
        request,
        "agreements",
        "created",
        |db, fields| async move { app::register::service::create_agreement(&db, &fields).await },
    )
    .await
}

/// `POST /agreements/{id}/edit`: save the agreement over its stored version, then show it.
pub async fn update_agreement(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    save_entry(
        state,
        request,
        "agreements",
        "saved",
        move |db, fields| async move {
            app::register::service::update_agreement(&db, id, &fields).await
        },
    )
    .await
}

/// `POST /systems/new`.
pub async fn create_system(State(state): State<AppState>, request: Request<Body>) -> Response {
    save_entry(
        state,
        request,
        "systems",
        "created",
        |db, fields| async move { app::register::service::create_system(&db, &fields).await },
    )
    .await
}

/// `POST /systems/{id}/edit`.
pub async fn update_system(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    save_entry(
        state,
        request,
        "systems",
        "saved",
        move |db, fields| async move {
            app::register::service::update_system(&db, id, &fields).await
        },
    )
    .await
}

/// `POST /systems/{id}/delete`.
pub async fn delete_system(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    delete_entry(state, request, "systems", move |db, version| async move {
        let name = app::register::service::get_system(&db, id)
            .await?
            .designation;
        Ok((
            name,
            app::register::service::delete_system(&db, id, version).await?,
        ))
    })
    .await
}

/// `POST /rates/new`: a rate re-rendered on the rates page when it does not save.
pub async fn create_rate(State(state): State<AppState>, mut request: Request<Body>) -> Response {
    // A rejected form shows the list page again, where the form is.
    if let Ok(uri) = "/rates".parse() {
        *request.uri_mut() = uri;
    }
    save_entry(
        state,
        request,
        "rates",
        "created",
        |db, fields| async move { app::register::service::create_rate(&db, &fields).await },
    )
    .await
}

/// `POST /rates/{id}/edit`: re-rendered on the rate's page when it does not save.
pub async fn update_rate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    mut request: Request<Body>,
) -> Response {
    if let Ok(uri) = format!("/rates/{id}").parse() {
        *request.uri_mut() = uri;
    }
    save_entry(
        state,
        request,
        "rates",
        "saved",
        move |db, fields| async move {
            app::register::service::update_rate(&db, id, &fields).await
        },
    )
    .await
}

/// `POST /rates/{id}/delete`.
pub async fn delete_rate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    delete_entry(state, request, "rates", move |db, version| async move {
        let rate = app::register::service::get_rate(&db, id).await?;
        let name = format!("rate {} {}", rate.currency, rate.date);
        Ok((
            name,
            app::register::service::delete_rate(&db, id, version).await?,
        ))
    })
    .await
}

/// The shared path of the entry forms: parse the post, run `save`, then show the record at
/// `/{collection}/{id}?{notice}=1`; or the form again with its messages (422), or merged with
/// the other user's save (409).
async fn save_entry<R, F, Fut>(
    state: AppState,
    request: Request<Body>,
    collection: &str,
    notice: &str,
    save: F,
) -> Response
where
    R: Editable,
    F: FnOnce(app::storage::Db, EntryFields) -> Fut,
    Fut: std::future::Future<Output = Result<FormOutcome<R>, AppError>>,
{
    let (parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let (echo, status) = match save(state.db.clone(), fields.clone()).await {
        Ok(FormOutcome::Saved(record)) => {
            let id = record.id();
            return Redirect::to(&format!("/{collection}/{id}?{notice}=1")).into_response();
        }
        Ok(FormOutcome::Invalid(errors)) => (
            EntryEcho {
                fields,
                errors,
                conflict: None,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Ok(FormOutcome::Conflict { current }) => {
            let (fields, conflict) =
                app::register::entry::merge(&fields, &current.fields(), current.saved_at());
            (
                EntryEcho {
                    fields,
                    errors: FieldErrors::new(),
                    conflict: Some(conflict),
                },
                StatusCode::CONFLICT,
            )
        }
        Err(error) => (
            EntryEcho {
                errors: FieldErrors::single("title", error.to_string()),
                fields,
                conflict: None,
            },
            error.status(),
        ),
    };
    render_page(&state, parts, echo, status).await
}

/// `POST /contracts/{id}/delete` and `/agreements/{id}/delete`: delete after the confirmation
/// page, then go to the list; a refused delete shows the confirmation page again (409).
pub async fn delete_contract(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    delete_entry(state, request, "contracts", move |db, version| async move {
        let title = app::register::service::get_contract(&db, id).await?.title;
        Ok((
            title,
            app::register::service::delete_contract(&db, id, version).await?,
        ))
    })
    .await
}

pub async fn delete_agreement(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    delete_entry(
        state,
        request,
        "agreements",
        move |db, version| async move {
            let title = app::register::service::get_agreement(&db, id).await?.title;
            Ok((
                title,
                app::register::service::delete_agreement(&db, id, version).await?,
            ))
        },
    )
    .await
}

async fn delete_entry<F, Fut>(
    state: AppState,
    request: Request<Body>,
    collection: &str,
    delete: F,
) -> Response
where
    F: FnOnce(app::storage::Db, i64) -> Fut,
    Fut: std::future::Future<Output = Result<(String, Removal), AppError>>,
{
    let (parts, form) = match read_form::<DeleteForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    match delete(state.db.clone(), form.version).await {
        Ok((title, Removal::Deleted)) => {
            let query: String = url::form_urlencoded::byte_serialize(title.as_bytes()).collect();
            Redirect::to(&format!("/{collection}?deleted={query}")).into_response()
        }
        Ok((_, Removal::AlreadyGone)) | Err(AppError::NotFound { .. }) => {
            Redirect::to(&format!("/{collection}")).into_response()
        }
        Ok((_, refused)) => {
            render_page(&state, parts, DeleteRefused(refused), StatusCode::CONFLICT).await
        }
        Err(error) => render_page(&state, parts, (), error.status()).await,
    }
}
