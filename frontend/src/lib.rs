//! The browser entry: bring the interactive islands of the server-rendered page to life.
// The islands are exported from the app crate: link it.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
