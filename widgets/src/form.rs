//! What every form that sends an action keeps beside its fields (the petition and pledge form,
//! the fact-check report): the errors per field and the round that moves focus to the first of
//! them, whether a request is on its way, and the idempotency key a retry of the same content
//! reuses so it counts once. One copy, so a rule cannot differ between the forms.

use rally_api::{ErrorBody, ErrorCode, FieldError};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::net;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormState {
    pub errors: Vec<(String, ErrorCode)>,
    /// Bumped whenever errors are found, so focus moves to the first field at fault.
    pub error_round: u32,
    pub submitting: bool,
    /// The key of the last attempt; reused for a retry of the same content.
    idempotency_key: Option<String>,
}

impl FormState {
    pub fn error_for(&self, field: &str) -> Option<ErrorCode> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, c)| *c)
    }

    /// The key this submission sends: the last attempt's when the content has not changed
    /// since (a retry), else a new one.
    pub fn key(&self) -> String {
        self.idempotency_key
            .clone()
            .unwrap_or_else(net::new_idempotency_key)
    }

    /// New content is a new action: the next submission gets a new key.
    pub fn edited(&mut self) {
        self.idempotency_key = None;
    }

    /// The browser's own check found these problems.
    pub fn invalid(&mut self, errors: &[FieldError]) {
        self.set_errors(
            errors
                .iter()
                .map(|e| (e.field.to_owned(), e.code))
                .collect(),
        );
    }

    /// A submission with `key` is on its way.
    pub fn submitting(&mut self, key: String) {
        self.submitting = true;
        self.idempotency_key = Some(key);
        self.errors.clear();
    }

    /// The answer came: no longer submitting.
    pub fn answered(&mut self) {
        self.submitting = false;
    }

    /// The edge refused: when it names fields they are marked, and `true` is returned; else
    /// the form explains the refusal itself.
    pub fn refused(&mut self, body: ErrorBody) -> bool {
        if !names_fields(&body) {
            return false;
        }
        let list = if body.errors.is_empty() {
            vec![body.error]
        } else {
            body.errors
        };
        self.set_errors(
            list.into_iter()
                .filter_map(|e| Some((e.field?, e.code)))
                .collect(),
        );
        true
    }

    fn set_errors(&mut self, errors: Vec<(String, ErrorCode)>) {
        self.errors = errors;
        self.error_round += 1;
    }
}

/// Whether a refusal names fields (and so is shown beside them, not as a notice).
pub fn names_fields(body: &ErrorBody) -> bool {
    body.error.field.is_some()
}

/// Focuses the first field at fault in `form` (screen readers then read its error, which the
/// field names in `aria-describedby`). Called from an effect on [`FormState::error_round`].
pub fn focus_first_invalid(form: &NodeRef) {
    if let Some(el) = form
        .cast::<HtmlElement>()
        .and_then(|f| f.query_selector("[aria-invalid='true']").ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
