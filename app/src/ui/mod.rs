//! What people see: the layout, shared widgets, and one module per area of pages.
pub mod form;
pub mod layout;
pub mod pages;
pub mod relationship_map;
pub mod run_chart;
pub mod spc_chart;
pub mod widgets;
pub mod workshop;
