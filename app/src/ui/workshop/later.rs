//! The activities only some workshops reach — grouping notes into themes, rating themes,
//! polls and reflection — and the results shown once a workshop has finished are not in
//! the WASM every phone downloads to take part. Their code is a split module (`cargo
//! leptos build --split`), fetched when the workshop moves to one of them; when a page
//! opens on one, the browser fetches it beside the main WASM (the page names it for
//! preloading) and draws it as soon as it is there. Without a split build it is ordinary
//! code, fetched with the rest.
use super::board::{Grouping, Results};
use super::live::{Live, Pending};
use super::responses::{Poll, Prioritise, Reflect};
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::Activity;
use leptos::prelude::*;

/// The name of the split module, as the split manifest lists it and pages name it for
/// preloading (`IslandScripts`).
pub const MODULE: &str = "later_activities";

/// What the split module draws: a later activity, or a finished workshop's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Later {
    Activity(Activity),
    Results,
}

impl Later {
    fn label(&self) -> &'static str {
        match self {
            Later::Activity(a) => a.kind.label(),
            Later::Results => "Results",
        }
    }
}

/// Whether an activity of this kind lives in the split module.
pub fn is_later(kind: ActivityKind) -> bool {
    matches!(
        kind,
        ActivityKind::Grouping
            | ActivityKind::Prioritise
            | ActivityKind::Poll
            | ActivityKind::Reflection
    )
}

/// The module could not be fetched (the connection dropped on the way).
#[derive(Debug, Clone, Copy)]
pub struct Unloaded;

#[cfg(feature = "hydrate")]
impl From<leptos::wasm_split::SplitLoaderError> for Unloaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Unloaded
    }
}

/// The later activity's screen, or the results. In the browser this is a call into the
/// split module (async; `preload` fetches the module without calling it).
#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(
        later_activities,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(preload)
    )
)]
pub fn screen(live: Live, later: Later, facilitating: bool) -> Result<AnyView, Unloaded> {
    let activity = match later {
        Later::Activity(activity) => activity,
        Later::Results => return Ok(view! { <Results live /> }.into_any()),
    };
    Ok(match activity.kind {
        ActivityKind::Grouping => view! { <Grouping live facilitating /> }.into_any(),
        ActivityKind::Prioritise => view! { <Prioritise live activity /> }.into_any(),
        ActivityKind::Poll => view! { <Poll live activity /> }.into_any(),
        ActivityKind::Reflection => view! { <Reflect live activity facilitating /> }.into_any(),
        ActivityKind::IdeaCapture | ActivityKind::DotVote => ().into_any(),
    })
}

/// A change of a later activity on its way to the server.
pub type Sending = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Option<i64>, crate::error::AppError>>>,
>;

/// Send a change of a later activity (rating, poll answer, reflection): the code that
/// sends them is in the split module too. (Called by the outbox, `Live::send`.)
#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(
        later_activities,
        wasm_split_path = ::leptos::wasm_split,
        fallible
    )
)]
pub fn send(live: Live, change: Pending) -> Result<Sending, Unloaded> {
    Ok(Box::pin(async move { live.send_later(change).await }))
}

/// Whether the module is here (in this browser; on the server there is nothing to fetch).
#[cfg(feature = "hydrate")]
static LOADED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn loaded() -> bool {
    #[cfg(feature = "hydrate")]
    return LOADED.load(std::sync::atomic::Ordering::Relaxed);
    #[cfg(not(feature = "hydrate"))]
    false
}

/// A later activity (or the results) on screen, once its code is here. Until then — and in the server's
/// HTML, so that the page comes to life exactly as sent — it says it is on its way; the
/// page that opens on one names the module for preloading, so it is usually here as soon
/// as the page is live. A failed fetch offers to try again.
#[component]
pub fn LaterActivity(live: Live, later: Later, facilitating: bool) -> impl IntoView {
    let here = RwSignal::new(loaded());
    let failed = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if !here.get() && !failed.get() {
            leptos::task::spawn_local(async move {
                match preload().await {
                    Ok(()) => {
                        LOADED.store(true, std::sync::atomic::Ordering::Relaxed);
                        here.set(true);
                    }
                    Err(_) => failed.set(true),
                }
            });
        }
    });
    let label = later.label();
    let shown = move || {
        if failed.get() {
            return view! {
                <section class="panel" role="alert">
                    <p>"This activity could not be loaded: the connection may have dropped."</p>
                    <button type="button" class="button" on:click=move |_| failed.set(false)>"Try again"</button>
                </section>
            }
            .into_any();
        }
        if !here.get() {
            return view! {
                <section class="panel" aria-busy="true"><p class="muted">{format!("{label}: loading…")}</p></section>
            }
            .into_any();
        }
        let later = later.clone();
        #[cfg(feature = "hydrate")]
        let loading =
            leptos::__reexports::send_wrapper::SendWrapper::new(screen(live, later, facilitating));
        #[cfg(not(feature = "hydrate"))]
        let loading = std::future::ready(screen(live, later, facilitating));
        // The module is here: this is ready at once.
        Suspend::new(async move { loading.await.unwrap_or_else(|Unloaded| ().into_any()) })
            .into_any()
    };
    view! { <div class="later-activity">{shown}</div> }
}
