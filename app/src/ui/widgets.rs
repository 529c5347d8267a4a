//! Small widgets shared by several pages.
use crate::model::spaces::ActivityItem;
use leptos::prelude::*;
use leptos_meta::Title;

/// A list of audit-log entries: when, what, and the reason given.
#[component]
pub fn ActivityList(items: Vec<ActivityItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p>"Nothing yet."</p> }.into_any();
    }
    view! {
        <ol class="activity">
            {items.into_iter().map(|i| view! {
                <li><span class="meta">{i.at}</span> " " {i.summary}
                    {i.reason.map(|r| view! { <span class="meta">" — “" {r} "”"</span> })}</li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// A page that could not be shown: its title, why, and a way to sign in when that is why.
pub fn problem(title: &'static str, e: crate::error::AppError) -> AnyView {
    view! {
        <Title text=title />
        <section class="panel narrow"><h1>{title}</h1><p>{e.to_string()}</p>
            {matches!(e, crate::error::AppError::Unauthenticated).then(|| view! { <p><a href="/sign-in">"Sign in"</a></p> })}
        </section>
    }
    .into_any()
}

/// The scripts that bring a page's islands to life. Only pages with islands carry them, so
/// a page of plain forms and text downloads no WASM at all. A page that shows a lazy island
/// names its loader (`lazy = "console_loader"`): its split files are preloaded with the main
/// bundle rather than fetched after it starts; so does a workshop page open on one of the
/// activities fetched when needed (`later`, see `ui::workshop::later`).
#[component]
pub fn IslandScripts(
    #[prop(optional)] lazy: &'static str,
    #[prop(optional)] later: bool,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        // Shared, not cloned for every request: only a page with islands needs a copy.
        use_context::<std::sync::Arc<leptos::config::LeptosOptions>>().map(|options| {
            let mut preloads = vec![];
            for module in [lazy, if later { crate::ui::workshop::later::MODULE } else { "" }] {
                if !module.is_empty() {
                    for file in crate::server::split::preloads(&options.site_root, &options.site_pkg_dir, module) {
                        if !preloads.contains(&file) {
                            preloads.push(file);
                        }
                    }
                }
            }
            view! {
                {preloads.into_iter().map(|href| view! {
                    <link rel="preload" href=href r#as="fetch" r#type="application/wasm" crossorigin="anonymous" />
                }).collect_view()}
                <HydrationScripts options=LeptosOptions::clone(&options) islands=true />
            }
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (lazy, later);
    }
}

/// An island's prop as the server hands it over. Leptos writes an island's props into the
/// page as JSON (`data-props`), and the code `#[island]` generates writes them out again
/// in the browser, on hydration, where the page already holds them and the result is
/// thrown away. A prop in `Sent` is written out only on the server: the browser reads it
/// and never writes it, so a phone does not turn the whole board back into JSON while the
/// page comes to life, and its WASM carries no code to.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(transparent)]
pub struct Sent<T>(pub T);

impl<T: serde::Serialize> serde::Serialize for Sent<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[cfg(feature = "ssr")]
        return self.0.serialize(serializer);
        #[cfg(not(feature = "ssr"))]
        serializer.serialize_unit()
    }
}

/// Once an island is live in the browser, say so on `<body>` (for tests and styles).
pub fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Data a page reads on the server, awaited by its `<Suspense>` before the HTML is sent.
/// Outside its islands a page is plain HTML that no script brings to life, so unlike a
/// `Resource` nothing is serialized into the page for a browser to pick up again (that
/// was a script of JSON on every page, written and sent for nothing): what an island
/// needs travels as its props.
pub fn server_data<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> AsyncDerived<T>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    // Leptos renders the app once at start-up, outside any request, to list its routes:
    // nothing is fetched then (there is no one asking, and no database in context).
    // (That render's address is empty; a request's is its path.)
    #[cfg(feature = "ssr")]
    let in_request = use_context::<leptos_router::location::RequestUrl>()
        .is_some_and(|url| !url.as_ref().is_empty());
    #[cfg(not(feature = "ssr"))]
    let in_request = true;
    AsyncDerived::new(move || {
        let fetching = in_request.then(|| fetch(source()));
        async move {
            match fetching {
                Some(fetching) => fetching.await,
                None => std::future::pending().await,
            }
        }
    })
}

/// The number in the page's address (`/trials/:id`), 0 when it is not one (the service
/// then finds nothing and the page says so).
pub fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|i| i.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::Sent;
    use crate::domain::workshop::board::tests::board;

    #[test]
    fn a_sent_prop_is_written_on_the_server_as_itself_and_read_back_whole() {
        let b = board();
        let json = serde_json::to_string(&Sent(b.clone())).unwrap();
        assert_eq!(json, serde_json::to_string(&b).unwrap());
        let read: Sent<crate::domain::workshop::board::Board> =
            serde_json::from_str(&json).unwrap();
        assert_eq!(read, Sent(b));
    }
}
