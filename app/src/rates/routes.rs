//! The exchange rate's plain-form routes. A rejected form shows the page the form is on again:
//! the list for a new rate, the rate's own page for an edit.

use crate::domain::account::Role::Admin;
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
        FormRoute::post("/rates/new", Admin, post(create)),
        FormRoute::post("/rates/{id}/edit", Admin, post(update)),
        FormRoute::post("/rates/{id}/delete", Admin, post(delete)),
    ]
}

async fn create(State(site): State<Site>, request: Request<Body>) -> Response {
    let (mut parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    if let Ok(uri) = "/rates".parse() {
        parts.uri = uri;
    }
    let outcome = super::service::create_rate(&site.db, &fields).await;
    answer_save::<_, _, _, EntryEcho>(&site, parts, fields, outcome, |r| {
        format!("/rates/{}?created=1", r.id)
    })
    .await
}

async fn update(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (mut parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    if let Ok(uri) = format!("/rates/{id}").parse() {
        parts.uri = uri;
    }
    let outcome = super::service::update_rate(&site.db, id, &fields).await;
    answer_save::<_, _, _, EntryEcho>(&site, parts, fields, outcome, |r| {
        format!("/rates/{}?saved=1", r.id)
    })
    .await
}

async fn delete(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, form) = match read_form::<crate::web::DeleteForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = async {
        let rate = super::service::get_rate(&site.db, id).await?;
        let name = format!("rate {} {}", rate.currency, rate.date);
        Ok((
            name,
            super::service::delete_rate(&site.db, id, form.version).await?,
        ))
    }
    .await;
    answer_delete(&site, parts, "rates", outcome).await
}
