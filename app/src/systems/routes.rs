//! The system's plain-form routes (JavaScript off or not loaded yet).

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
        FormRoute::post("/systems/new", Editor, post(create)),
        FormRoute::post("/systems/{id}/edit", Editor, post(update)),
        FormRoute::post("/systems/{id}/delete", Editor, post(delete)),
    ]
}

async fn create(State(site): State<Site>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = super::service::create_system(&site.db, &fields).await;
    answer_save::<_, _, _, EntryEcho>(&site, parts, fields, outcome, |s| {
        format!("/systems/{}?created=1", s.id)
    })
    .await
}

async fn update(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = super::service::update_system(&site.db, id, &fields).await;
    answer_save::<_, _, _, EntryEcho>(&site, parts, fields, outcome, |s| {
        format!("/systems/{}?saved=1", s.id)
    })
    .await
}

async fn delete(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, form) = match read_form::<crate::web::DeleteForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = async {
        let name = super::service::get_system(&site.db, id).await?.designation;
        Ok((
            name,
            super::service::delete_system(&site.db, id, form.version).await?,
        ))
    }
    .await;
    answer_delete(&site, parts, "systems", outcome).await
}
