//! The dashboard's two ways of talking to the edge, shared by every tab: [`use_fetch`] loads
//! something and shows it, its failure with a retry, or that it is loading; [`use_submit`]
//! sends a change, says it is busy, and keeps the edge's refusal for the form to show beside its
//! fields.

use std::future::Future;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use yew::prelude::*;

use crate::net::{self, Failure};

/// What a load has come to.
#[derive(PartialEq)]
pub enum FetchState<T> {
    Loading,
    Loaded(T),
    Failed(Failure),
}

/// A load: its state, and a way to load again (a retry, or after a change).
pub struct Fetch<T> {
    pub state: Rc<FetchState<T>>,
    pub reload: Callback<()>,
    words: &'static crate::words::Words,
}

impl<T> Fetch<T> {
    /// `loaded` of the data; otherwise "Loading…", or the edge's message and a retry button.
    pub fn view(&self, loaded: impl FnOnce(&T) -> Html) -> Html {
        match &*self.state {
            FetchState::Loading => html! { <p role="status">{ self.words.loading }</p> },
            FetchState::Failed(f) => {
                let retry = self.reload.reform(|_: MouseEvent| ());
                html! {
                    <div class="failed" role="alert">
                        <p class="err">{ format!("{}{}", self.words.load_failed, f.message) }</p>
                        <button type="button" class="retry" onclick={retry}>{ self.words.retry }</button>
                    </div>
                }
            }
            FetchState::Loaded(data) => loaded(data),
        }
    }

    /// The data, once loaded.
    pub fn data(&self) -> Option<&T> {
        match &*self.state {
            FetchState::Loaded(d) => Some(d),
            _ => None,
        }
    }
}

/// Loads `path` as `T` when first shown and whenever `reload` is called. A reload keeps showing
/// the data it has until the new answer arrives.
#[hook]
pub fn use_fetch<T: DeserializeOwned + 'static>(path: String) -> Fetch<T> {
    let state = use_state(|| Rc::new(FetchState::<T>::Loading));
    let generation = use_state(|| 0u32);
    {
        let state = state.clone();
        use_effect_with((path, *generation), move |(path, _)| {
            let path = path.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let next = match net::get::<T>(&path).await {
                    Ok(data) => FetchState::Loaded(data),
                    Err(f) => FetchState::Failed(f),
                };
                state.set(Rc::new(next));
            });
        });
    }
    let reload = {
        let (state, generation) = (state.clone(), generation.clone());
        Callback::from(move |_| {
            if matches!(**state, FetchState::Failed(_)) {
                state.set(Rc::new(FetchState::Loading));
            }
            generation.set(*generation + 1);
        })
    };
    Fetch {
        state: (*state).clone(),
        reload,
        words: crate::words::use_words(),
    }
}

/// A form's conversation with the edge: whether a request is under way, and the last refusal.
#[derive(Clone, PartialEq)]
pub struct Submit {
    busy: UseStateHandle<bool>,
    failure: UseStateHandle<Option<Failure>>,
}

impl Submit {
    pub fn busy(&self) -> bool {
        *self.busy
    }

    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// The edge's message for `field`, if the last refusal named it.
    pub fn error(&self, field: &str) -> Option<String> {
        self.failure.as_ref().and_then(|f| f.field(field))
    }

    /// The last refusal's messages that are not about one of `fields`.
    pub fn general(&self, fields: &[&str]) -> Vec<String> {
        self.failure
            .as_ref()
            .map(|f| f.general(fields))
            .unwrap_or_default()
    }

    /// Forgets the last refusal.
    pub fn clear(&self) {
        self.failure.set(None);
    }

    /// Runs `request` (one call of [`net::send`]) unless one is under way; `done` gets the
    /// answer. A refusal is also kept for [`Submit::error`] and [`Submit::general`].
    pub fn run<T: 'static>(
        &self,
        request: impl Future<Output = Result<T, Failure>> + 'static,
        done: impl FnOnce(Result<T, Failure>) + 'static,
    ) {
        if *self.busy {
            return;
        }
        self.busy.set(true);
        let (busy, failure) = (self.busy.clone(), self.failure.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let answer = request.await;
            busy.set(false);
            failure.set(answer.as_ref().err().cloned());
            done(answer);
        });
    }
}

/// A form's [`Submit`].
#[hook]
pub fn use_submit() -> Submit {
    Submit {
        busy: use_state(|| false),
        failure: use_state(|| None),
    }
}
