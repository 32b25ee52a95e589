//! The firm's plain-form routes (JavaScript off or not loaded yet): the same use cases the
//! islands call as server functions.

use super::FirmFormEcho;
use super::api::UpdateFirm;
use super::pages::GroupEcho;
use crate::domain::account::Role::Editor;
use crate::domain::{FieldErrors, Firm, FirmFields, FirmId, NoConflict, Version};
use crate::error::AppError;
use crate::web::{DeleteForm, Echo, FormRoute, Site, answer_delete, answer_save, read_form};
use axum::{
    body::Body,
    extract::{Path, State},
    http::Request,
    response::Response,
    routing::post,
};
use serde::Deserialize;

pub fn routes() -> Vec<FormRoute> {
    vec![
        FormRoute::post("/firms", Editor, post(create)),
        FormRoute::post("/firms/{id}/edit", Editor, post(update)),
        FormRoute::post("/firms/{id}/delete", Editor, post(delete)),
        FormRoute::post("/firms/{id}/group", Editor, post(set_group)),
    ]
}

async fn create(State(site): State<Site>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<FirmFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = super::service::create(&site.db, &fields).await;
    answer_save::<_, _, _, FirmFormEcho>(&site, parts, fields, outcome, |firm| {
        format!("/firms?created={}", firm.id)
    })
    .await
}

async fn update(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, form) = match read_form::<UpdateFirm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = super::service::update(
        &site.db,
        FirmId(id),
        Version(form.version),
        &fields_of(&form),
    )
    .await;
    answer_save::<_, _, _, FirmFormEcho>(&site, parts, form, outcome, |firm| {
        format!("/firms/{}/edit?saved=1", firm.id)
    })
    .await
}

#[derive(Deserialize)]
struct GroupForm {
    version: i64,
    #[serde(default)]
    parent_id: String,
}

/// `POST /firms/{id}/group`: puts the firm in a group, then shows its edit page again.
async fn set_group(
    State(site): State<Site>,
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
    let outcome =
        super::service::set_group(&site.db, FirmId(id), Version(form.version), &form.parent_id)
            .await;
    answer_save::<_, _, _, GroupEcho>(&site, parts, form, outcome, |_| {
        format!("/firms/{id}/edit?grouped=1")
    })
    .await
}

async fn delete(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, form) = match read_form::<DeleteForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = async {
        let name = super::service::get(&site.db, id).await?.name;
        Ok((
            name,
            super::service::delete(&site.db, FirmId(id), Version(form.version)).await?,
        ))
    }
    .await;
    answer_delete(&site, parts, "firms", outcome).await
}

fn fields_of(form: &UpdateFirm) -> FirmFields {
    FirmFields {
        name: form.name.clone(),
        country: form.country.clone(),
        website: form.website.clone(),
        notes: form.notes.clone(),
    }
}

impl Echo<FirmFields, NoConflict> for FirmFormEcho {
    fn invalid(fields: FirmFields, errors: FieldErrors) -> Self {
        FirmFormEcho {
            fields,
            errors,
            ..FirmFormEcho::default()
        }
    }
    fn conflict(_: FirmFields, current: NoConflict) -> Self {
        match current {}
    }
    fn failed(fields: FirmFields, error: &AppError) -> Self {
        FirmFormEcho {
            fields,
            failure: Some(error.clone()),
            ..FirmFormEcho::default()
        }
    }
}

impl Echo<UpdateFirm, Firm> for FirmFormEcho {
    fn invalid(form: UpdateFirm, errors: FieldErrors) -> Self {
        FirmFormEcho {
            fields: fields_of(&form),
            errors,
            version: Some(form.version),
            ..FirmFormEcho::default()
        }
    }
    /// The re-rendered form saves against their version: saving again is deliberate.
    fn conflict(form: UpdateFirm, current: Firm) -> Self {
        FirmFormEcho {
            fields: fields_of(&form),
            version: Some(current.version),
            conflict: Some(current),
            ..FirmFormEcho::default()
        }
    }
    fn failed(form: UpdateFirm, error: &AppError) -> Self {
        FirmFormEcho {
            fields: fields_of(&form),
            failure: Some(error.clone()),
            version: Some(form.version),
            ..FirmFormEcho::default()
        }
    }
}

impl Echo<GroupForm, Firm> for GroupEcho {
    fn invalid(_: GroupForm, errors: FieldErrors) -> Self {
        GroupEcho {
            errors,
            conflict: false,
        }
    }
    fn conflict(_: GroupForm, _: Firm) -> Self {
        GroupEcho {
            errors: FieldErrors::new(),
            conflict: true,
        }
    }
    fn failed(_: GroupForm, error: &AppError) -> Self {
        GroupEcho {
            errors: FieldErrors::single("parent_id", error.to_string()),
            conflict: false,
        }
    }
}
