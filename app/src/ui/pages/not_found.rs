use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="panel narrow">
            <h1>"We could not find that page"</h1>
            <p>"The address may be mistyped, or the page may have moved."</p>
            <p><a href="/">"Go to the community home page"</a></p>
        </section>
    }
}
