//! The edge's one error type, and the one place that turns it into an HTTP answer.
//!
//! Every handler returns `Result<Response, AppError>`; nothing else builds an error response.
//! Internal details are logged and never sent to the client.

use rally_api::{ErrorBody, ErrorCode, FieldError};
use worker::{console_error, Response};

#[derive(Debug)]
pub enum AppError {
    /// A refusal with a code the client can act on, optionally naming the field at fault.
    Refused {
        code: ErrorCode,
        message: String,
        field: Option<String>,
    },
    /// Validation found one or more problems with the submitted fields.
    Invalid(Vec<FieldError>),
    /// Too many requests from this network; retry after this many seconds.
    RateLimited { retry_after: u32 },
    /// A refusal whose body the handler wrote (field problems with messages of their own).
    Explained(ErrorBody),
    /// Our fault: a storage error, a missing binding. Logged, answered as `internal`.
    Internal(String),
}

/// For logs (the queue consumer and the cron have no response to carry it).
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Refused { message, .. } => write!(f, "refused: {message}"),
            AppError::Invalid(errors) => write!(f, "invalid: {} field(s)", errors.len()),
            AppError::Explained(body) => write!(f, "refused: {}", body.error.message),
            AppError::RateLimited { retry_after } => write!(f, "rate limited for {retry_after} s"),
            AppError::Internal(detail) => write!(f, "internal: {detail}"),
        }
    }
}

impl AppError {
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Refused {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn field(code: ErrorCode, field: &str, message: impl Into<String>) -> Self {
        AppError::Refused {
            code,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::refused(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// The response for this error. Never fails: if even JSON encoding failed we would still
    /// answer with a fixed body.
    pub fn into_response(self) -> Response {
        let (status, body, retry_after) = match self {
            AppError::Refused {
                code,
                message,
                field,
            } => (
                code.status(),
                ErrorBody::new(code, message, field.as_deref()),
                None,
            ),
            AppError::Invalid(errors) => {
                let body = ErrorBody::from_fields(&errors);
                (body.error.code.status(), body, None)
            }
            AppError::Explained(body) => (body.error.code.status(), body, None),
            AppError::RateLimited { retry_after } => (
                429,
                ErrorBody::new(
                    ErrorCode::RateLimited,
                    format!("too many requests from this network; retry in {retry_after} s"),
                    None,
                ),
                Some(retry_after),
            ),
            AppError::Internal(detail) => {
                console_error!("internal error: {detail}");
                (
                    500,
                    ErrorBody::new(
                        ErrorCode::Internal,
                        "internal error; it has been logged",
                        None,
                    ),
                    None,
                )
            }
        };
        let mut resp = match Response::from_json(&body) {
            Ok(r) => r.with_status(status),
            Err(_) => Response::builder().with_status(500).fixed(
                br#"{"error":{"code":"internal","message":"internal error","field":null}}"#
                    .to_vec(),
            ),
        };
        if let Some(secs) = retry_after {
            let _ = resp.headers_mut().set("Retry-After", &secs.to_string());
        }
        resp
    }
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<worker::kv::KvError> for AppError {
    fn from(e: worker::kv::KvError) -> Self {
        AppError::Internal(format!("kv: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;
