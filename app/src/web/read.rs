//! Reading a posted form: the app's words for a body it cannot read, never the deserializer's.

use crate::error::AppError;
use axum::{
    body::Body,
    http::{Request, header, request::Parts},
    response::Response,
};

/// The largest form body read (the import upload has its own, larger limit).
pub const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// Reads the urlencoded body, keeping the request head for a re-render. A body that is not a
/// form of `T` answers 400 with a page in the app's words, never the deserializer's: its text
/// must be UTF-8 (a `%FF` would otherwise be stored as U+FFFD, silently changing what was
/// typed), and every field `T` needs must be there, of its kind.
pub async fn read_form<T: serde::de::DeserializeOwned>(
    request: Request<Body>,
) -> Result<(Parts, T), Response> {
    let (parts, body) = request.into_parts();
    let unreadable =
        |message: &str| super::error_response(AppError::Unreadable(message.to_owned()), false);
    let urlencoded = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return Err(unreadable(crate::error::UNREADABLE_FORM));
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
            return Err(crate::error::NOT_UTF8);
        }
    }
    serde_urlencoded::from_bytes(bytes).map_err(|_| crate::error::UNREADABLE_FORM)
}
