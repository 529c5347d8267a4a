//! Demo mode: the e-mails the platform would have sent, so sign-in links can be followed.
use crate::api::account::outbox;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let mails = crate::ui::widgets::server_data(|| (), |_| outbox());
    view! {
        <Title text="E-mail outbox" />
        <section class="panel">
            <h1>"E-mail outbox"</h1>
            <p>"In demo mode no e-mail leaves this machine. Here is what would have been sent, newest first."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || mails.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>"No e-mail has been sent yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ol class="outbox">
                            {list.into_iter().map(|m| view! {
                                <li class="outbox__item">
                                    <h2>{m.subject}</h2>
                                    <p class="meta">"To " {m.to_address} " · " {m.created_at}</p>
                                    <pre>{m.body}</pre>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
