//! Talking to the edge: typed requests and answers (`rally-api` types through serde and
//! `serde-wasm-bindgen`, HTTP through `gloo-net`), and the edge's refusals as a [`Failure`]
//! that names the fields at fault.

use gloo_net::http::{Method, RequestBuilder};
use rally_api::ErrorBody;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A request that did not give the answer asked for: the edge's refusal, or a network failure
/// (`status` 0).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub status: u16,
    /// The first problem, as the edge words it.
    pub message: String,
    /// `(field, message)` of every field problem, in the edge's order; a problem that names no
    /// field has an empty one.
    pub fields: Vec<(String, String)>,
}

impl Failure {
    fn network(message: impl Into<String>) -> Failure {
        let message = message.into();
        Failure {
            status: 0,
            fields: vec![(String::new(), message.clone())],
            message,
        }
    }

    fn from_body(status: u16, body: ErrorBody) -> Failure {
        let details = if body.errors.is_empty() {
            vec![body.error.clone()]
        } else {
            body.errors
        };
        Failure {
            status,
            message: body.error.message,
            fields: details
                .into_iter()
                .map(|d| (d.field.unwrap_or_default(), d.message))
                .collect(),
        }
    }

    /// The message for `field`, if the edge named it.
    pub fn field(&self, field: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    /// Messages for problems not about one of `fields` (shown above the submit button).
    pub fn general(&self, fields: &[&str]) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(f, _)| !fields.contains(&f.as_str()))
            .map(|(_, m)| m.clone())
            .collect()
    }
}

/// Sends `body` (if any) as JSON with `method` to `path` on the edge's own origin and reads
/// the answer as `T` (`()` for an empty one). Any status other than 2xx is a [`Failure`].
pub async fn send<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&(impl Serialize + ?Sized)>,
) -> Result<T, Failure> {
    let builder = RequestBuilder::new(path)
        .method(method)
        .credentials(web_sys::RequestCredentials::SameOrigin);
    let request = match body {
        Some(b) => {
            let value = b
                .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
                .map_err(|e| Failure::network(e.to_string()))?;
            let text = js_sys::JSON::stringify(&value)
                .map_err(|_| Failure::network("the request could not be written"))?;
            builder
                .header("Content-Type", "application/json")
                .body(String::from(text))
        }
        None => builder.build(),
    }
    .map_err(|e| Failure::network(e.to_string()))?;
    let resp = request.send().await.map_err(|_| {
        Failure::network("The edge did not answer. Check the connection and retry.")
    })?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    let value = if text.is_empty() {
        JsValue::NULL
    } else {
        js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
    };
    if !(200..300).contains(&status) {
        return Err(match serde_wasm_bindgen::from_value::<ErrorBody>(value) {
            Ok(body) => Failure::from_body(status, body),
            Err(_) => Failure::network(format!("The edge answered {status}.")),
        });
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| Failure::network(format!("An answer the dashboard cannot read: {e}")))
}

/// `GET path` as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    send(Method::GET, path, None::<&()>).await
}
