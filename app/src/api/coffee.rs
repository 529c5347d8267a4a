//! Randomised coffee: one's own place in the monthly draw, and the project team's draw.
use crate::error::AppError;
use crate::model::coffee::{CoffeePage, Drawn};
use leptos::prelude::*;

/// The signed-in member's place in the coffee draw, and their latest partner.
#[server(endpoint = "get_coffee")]
pub async fn get_coffee() -> Result<CoffeePage, AppError> {
    use crate::server::{auth, services::coffee};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            coffee::page(&state.db, &person).await
        }
        .await,
    )
}

/// Join (`join` = "yes") or leave the monthly coffee draw: only ever one's own place.
#[server(endpoint = "set_coffee")]
pub async fn set_coffee(join: String) -> Result<(), AppError> {
    use crate::server::{auth, services::coffee};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            coffee::set_opt_in(&state.db, &person, join == "yes").await
        }
        .await,
    )
}

/// Draw a month's coffee pairs ("YYYY-MM"): the project team, once a month.
#[server(endpoint = "draw_coffee")]
pub async fn draw_coffee(month: String) -> Result<Drawn, AppError> {
    use crate::server::{auth, services::coffee};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let seed: u64 = rand::random();
            coffee::draw(&state.db, &state.mailer, Some(&person), month.trim(), seed).await
        }
        .await,
    )
}

/// The latest coffee draws: for the project team.
#[server(endpoint = "get_coffee_draws")]
pub async fn get_coffee_draws() -> Result<Vec<Drawn>, AppError> {
    use crate::server::{auth, services::coffee};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            coffee::draws(&state.db, &person).await
        }
        .await,
    )
}
