//! The plain-form routes of a record kind edited through the entry forms (contracts,
//! agreements, systems, rates): new, edit and delete, the same for each kind.

use super::{DeleteForm, FormRoute, Site, answer_delete, answer_save, read_form};
use crate::domain::account::Role;
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::{Editable, EntryEcho, EntryFields};
use crate::storage::Db;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{Request, request::Parts},
    response::Response,
    routing::post,
};
use std::future::Future;

/// A kind's use cases, as its plain-form routes call them.
pub trait EntryKind: Send + Sync + 'static {
    type Record: Editable + Send;
    /// The list's address without its slash: `contracts` (the record is `/contracts/{id}`).
    const COLLECTION: &'static str;
    const NEW: &'static str;
    const EDIT: &'static str;
    const DELETE: &'static str;
    /// Who may change it.
    const ROLE: Role;
    /// Where a rejected form is shown again when that is not its own address: the rates list,
    /// where the new-rate form is, and a rate's own page, where its edit form is.
    const NEW_FORM_ON_LIST: bool = false;
    const EDIT_FORM_ON_RECORD: bool = false;

    fn create(
        db: &Db,
        fields: &EntryFields,
    ) -> impl Future<Output = Result<Created<Self::Record>, AppError>> + Send;
    fn update(
        db: &Db,
        id: i64,
        fields: &EntryFields,
    ) -> impl Future<Output = Result<FormOutcome<Self::Record>, AppError>> + Send;
    /// How the list's message names a deleted record.
    fn name(db: &Db, id: i64) -> impl Future<Output = Result<String, AppError>> + Send;
    fn delete(
        db: &Db,
        id: i64,
        version: i64,
    ) -> impl Future<Output = Result<Removal, AppError>> + Send;
}

/// The new, edit and delete routes of kind `K`.
pub fn entry_routes<K: EntryKind>() -> Vec<FormRoute> {
    vec![
        FormRoute::post(K::NEW, K::ROLE, post(create::<K>)),
        FormRoute::post(K::EDIT, K::ROLE, post(update::<K>)),
        FormRoute::post(K::DELETE, K::ROLE, post(delete::<K>)),
    ]
}

fn shown_at(parts: &mut Parts, page: String) {
    if let Ok(uri) = page.parse() {
        parts.uri = uri;
    }
}

/// `POST /{collection}/new`: store the record, then show it.
async fn create<K: EntryKind>(State(site): State<Site>, request: Request<Body>) -> Response {
    let (mut parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    if K::NEW_FORM_ON_LIST {
        shown_at(&mut parts, format!("/{}", K::COLLECTION));
    }
    let outcome = K::create(&site.db, &fields).await;
    answer_save::<_, _, _, EntryEcho>(&site, parts, fields, outcome, |record| {
        format!("/{}/{}?created=1", K::COLLECTION, record.id())
    })
    .await
}

/// `POST /{collection}/{id}/edit`: save over the stored version, then show the record.
async fn update<K: EntryKind>(
    State(site): State<Site>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    let (mut parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    if K::EDIT_FORM_ON_RECORD {
        shown_at(&mut parts, format!("/{}/{id}", K::COLLECTION));
    }
    let outcome = K::update(&site.db, id, &fields).await;
    answer_save::<_, _, _, EntryEcho>(&site, parts, fields, outcome, |record| {
        format!("/{}/{}?saved=1", K::COLLECTION, record.id())
    })
    .await
}

/// `POST /{collection}/{id}/delete`: delete after the confirmation page, then go to the list.
async fn delete<K: EntryKind>(
    State(site): State<Site>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    let (parts, form) = match read_form::<DeleteForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = async {
        let name = K::name(&site.db, id).await?;
        Ok((name, K::delete(&site.db, id, form.version).await?))
    }
    .await;
    answer_delete(&site, parts, K::COLLECTION, outcome).await
}
