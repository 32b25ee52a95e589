//! The one error type server functions return. Its text is what a user may read: database and
//! other internal messages never go into it. They go to the log, with a reference the user can
//! quote.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// `what` names the missing record, e.g. "Firm 42".
    #[error("{what} does not exist. It may have been deleted.")]
    NotFound { what: String },
    #[error(
        "Something went wrong on our side and nothing was changed. Try again; if it keeps \
         happening, give your administrator the reference {reference}."
    )]
    Internal {
        reference: String,
        /// What went wrong, for the log only: never serialized, never shown. It is written to
        /// the log once, where the error becomes a response ([`AppError::logged`]).
        #[serde(skip)]
        detail: Option<String>,
    },
    /// No session, or it ended (idle too long, signed out elsewhere).
    #[error("You are not signed in, or your session has ended. Sign in again and retry.")]
    SignInRequired,
    /// Signed in, but the role does not allow it.
    #[error("Your role ({role}) does not allow this; it needs {needed}. Ask an administrator.")]
    Forbidden {
        role: crate::domain::account::Role,
        needed: crate::domain::account::Role,
    },
    /// A form posted from another site (or an old page of another origin): not carried out.
    #[error(
        "This request came from another site and was not carried out. Reload the page and try again."
    )]
    CrossSite,
    /// The call itself failed: no connection, or a request the server could not read.
    #[error("The request did not go through ({0}). Check your connection and try again.")]
    Request(String),
    /// A request the app cannot read (a form or call not made by its own pages: a missing
    /// field, a value of the wrong kind, text that is not UTF-8). The text is the app's own.
    #[error("{0}")]
    Unreadable(String),
    /// The request ended before its answer was ready: the client went away mid-render, and
    /// with it the request's context. Nobody reads this answer, so it is no fault to log.
    #[error("The request ended before its answer was ready. Reload the page.")]
    RequestEnded,
    /// The server is at its limit of requests in progress and turned this one away at once.
    #[error("The server is busy right now and did not take this request. Try again in a moment.")]
    Busy,
}

/// What a request that cannot be read is told (never the deserializer's own words).
pub const UNREADABLE_FORM: &str = "The form could not be read: a field is missing or has a value the app's own form never sends. Nothing was saved. Open the page again and fill in the form there.";
/// What a form or call whose text is not UTF-8 is told.
pub const NOT_UTF8: &str = "The request's text is not UTF-8, so it could not be read and nothing was saved. Send it from the app's own page, or encode the text as UTF-8.";

impl AppError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // These carry transport or decoding details (never database text).
        let detail = match value {
            ServerFnErrorErr::Request(_) => "no connection to the server".to_owned(),
            // The decoder's message names serde's internals; the caller gets the app's words.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                return Self::Unreadable(UNREADABLE_FORM.to_owned());
            }
            // On the server, what failed to deserialize is the caller's request; in the
            // browser it is the server's answer, a transport fault.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => {
                return Self::Unreadable(UNREADABLE_FORM.to_owned());
            }
            other => other.to_string(),
        };
        Self::Request(detail)
    }
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;
    use crate::storage::StorageError;

    impl AppError {
        /// An internal fault: the user is told a reference, the log gets the detail under the
        /// same reference when the error becomes a response ([`AppError::logged`]), so a fault
        /// that a caller handles (a constraint it maps to a field) is never logged as one.
        pub fn internal(detail: impl std::fmt::Display) -> Self {
            let reference = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
            Self::Internal {
                reference,
                detail: Some(detail.to_string()),
            }
        }

        /// The error as it leaves in a response: an internal fault's detail goes to the log here,
        /// once, and is dropped from the value.
        pub fn logged(self) -> Self {
            match self {
                Self::Internal {
                    reference,
                    detail: Some(detail),
                } => {
                    tracing::error!(%reference, error = %detail, "internal error");
                    Self::Internal {
                        reference,
                        detail: None,
                    }
                }
                Self::RequestEnded => {
                    tracing::debug!(
                        "the request ended before its answer was ready (the client went away)"
                    );
                    Self::RequestEnded
                }
                other => other,
            }
        }

        /// The HTTP status a plain (no-JavaScript) page should answer with for this error.
        pub fn status(&self) -> axum::http::StatusCode {
            use axum::http::StatusCode;
            match self {
                Self::NotFound { .. } => StatusCode::NOT_FOUND,
                Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
                Self::Request(_) | Self::Unreadable(_) => StatusCode::BAD_REQUEST,
                Self::SignInRequired => StatusCode::UNAUTHORIZED,
                Self::Forbidden { .. } | Self::CrossSite => StatusCode::FORBIDDEN,
                Self::RequestEnded | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            }
        }
    }

    impl From<StorageError> for AppError {
        fn from(error: StorageError) -> Self {
            Self::internal(error)
        }
    }
}
