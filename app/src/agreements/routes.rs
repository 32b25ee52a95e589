//! The framework agreement's plain-form routes (JavaScript off or not loaded yet).

use crate::domain::account::Role::Editor;
use crate::forms::{EntryEcho, EntryFields};
use crate::web::{FormRoute, Site, answer_delete, answer_save, read_form};
use axum::{
    body::Body,
    extract::{Path, State},
    http::Request,
    response::Response,
    routing::post,
};

pub fn routes() -> Vec<FormRoute> {
    vec![
        FormRoute::post("/agreements/new", Editor, post(create)),
        FormRoute::post("/agreements/{id}/edit", Editor, post(update)),
        FormRoute::post("/agreements/{id}/delete", Editor, post(delete)),
    ]
}

/// `POST /agreements/new`: store the agreement, then show it.
async fn create(State(site): State<Site>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = super::service::create_agreement(&site.db, &fields).await;
    answer_save::<_, _, _, EntryEcho>(&site, parts, fields, outcome, |c| {
        format!("/agreements/{}?created=1", c.id)
    })
    .await
}

/// `POST /agreements/{id}/edit`: save the agreement over its stored version, then show it.
async fn update(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = super::service::update_agreement(&site.db, id, &fields).await;
    answer_save::<_, _, _, EntryEcho>(&site, parts, fields, outcome, |c| {
        format!("/agreements/{}?saved=1", c.id)
    })
    .await
}

/// `POST /agreements/{id}/delete`: delete after the confirmation page, then go to the list.
async fn delete(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, form) = match read_form::<crate::web::DeleteForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = async {
        let title = super::service::get_agreement(&site.db, id).await?.title;
        Ok((
            title,
            super::service::delete_agreement(&site.db, id, form.version).await?,
        ))
    }
    .await;
    answer_delete(&site, parts, "agreements", outcome).await
}
