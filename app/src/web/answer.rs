//! The one answer every plain form post gives, whatever the record: the outcome of its use case
//! turned into a redirect to the result, or its page again with the form's echo.

use super::{Site, render_page};
use crate::domain::{FieldErrors, FormOutcome, NoConflict, Removal};
use crate::error::AppError;
use crate::forms::pages::DeleteRefused;
use crate::forms::{EditConflict, Editable, EntryEcho, EntryFields};
use axum::{
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Redirect, Response},
};

/// What a form's page is given back when the post did not save: built from the fields as
/// posted (`F`), with the messages, the other user's version (`C`), or the fault.
pub trait Echo<F, C>: Clone + Send + Sync + Sized + 'static {
    fn invalid(fields: F, errors: FieldErrors) -> Self;
    fn conflict(fields: F, current: C) -> Self;
    fn failed(fields: F, error: &AppError) -> Self;
}

/// Answers a save: 303 to `saved(record)` when it saved, else the page again with its echo
/// (422 invalid, 409 conflict, the fault's own status).
pub async fn answer_save<F, R, C, E>(
    site: &Site,
    parts: Parts,
    fields: F,
    outcome: Result<FormOutcome<R, C>, AppError>,
    saved: impl FnOnce(&R) -> String,
) -> Response
where
    E: Echo<F, C>,
{
    let (echo, status) = match outcome {
        Ok(FormOutcome::Saved(record)) => return Redirect::to(&saved(&record)).into_response(),
        Ok(FormOutcome::Invalid(errors)) => {
            (E::invalid(fields, errors), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(FormOutcome::Conflict { current }) => {
            (E::conflict(fields, current), StatusCode::CONFLICT)
        }
        Err(error) => {
            let error = error.logged();
            (E::failed(fields, &error), error.status())
        }
    };
    render_page(site, parts, echo, status).await
}

/// Answers a delete from a confirmation page: to the list (`/{collection}`) with the deleted
/// record's name, or the confirmation page again (409) with what refused it.
pub async fn answer_delete<C>(
    site: &Site,
    parts: Parts,
    collection: &str,
    outcome: Result<(String, Removal<C>), AppError>,
) -> Response
where
    C: Clone + Send + Sync + 'static,
{
    match outcome {
        Ok((name, Removal::Deleted)) => {
            let query: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
            Redirect::to(&format!("/{collection}?deleted={query}")).into_response()
        }
        Ok((_, Removal::AlreadyGone)) | Err(AppError::NotFound { .. }) => {
            Redirect::to(&format!("/{collection}")).into_response()
        }
        Ok((_, refused)) => {
            render_page(site, parts, DeleteRefused(refused), StatusCode::CONFLICT).await
        }
        Err(error) => render_page(site, parts, (), error.logged().status()).await,
    }
}

impl<C: Editable> Echo<EntryFields, C> for EntryEcho {
    fn invalid(fields: EntryFields, errors: FieldErrors) -> Self {
        EntryEcho {
            fields,
            errors,
            conflict: None,
        }
    }

    fn conflict(fields: EntryFields, current: C) -> Self {
        let (fields, conflict): (EntryFields, EditConflict) =
            crate::forms::merge(&fields, &current.fields(), current.saved_at());
        EntryEcho {
            fields,
            errors: FieldErrors::new(),
            conflict: Some(conflict),
        }
    }

    fn failed(fields: EntryFields, error: &AppError) -> Self {
        EntryEcho {
            errors: FieldErrors::single("title", error.to_string()),
            fields,
            conflict: None,
        }
    }
}

/// A create has no other version to merge with.
impl Editable for NoConflict {
    fn id(&self) -> i64 {
        match *self {}
    }
    fn label(&self) -> String {
        match *self {}
    }
    fn fields(&self) -> EntryFields {
        match *self {}
    }
    fn saved_at(&self) -> i64 {
        match *self {}
    }
}
