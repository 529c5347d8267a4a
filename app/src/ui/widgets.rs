//! Small widgets shared by several pages.
use crate::api::spaces::ActivityItem;
use leptos::prelude::*;

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
