//! Outgoing e-mail. Every message is written to the outbox table first (so nothing is
//! lost), then sent by SMTP when configured; otherwise it stays there and in the log.
//! SMTP is `lettre`: the maintained, async, rustls-capable mail crate for Rust.
use crate::error::AppError;
use crate::server::entities::outbox_email;
use chrono::Utc;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ActiveModelTrait, ActiveValue::Unchanged, DatabaseConnection, Set};

#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp_url` as lettre reads it, e.g. `smtps://user:pass@smtp.example.org:465`.
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("mail sender {from:?}: {e}"))?;
        let transport = smtp_url
            .filter(|u| !u.is_empty())
            .map(|url| {
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map(|b| b.build())
                    .map_err(|e| format!("SMTP URL: {e}"))
            })
            .transpose()?;
        Ok(Mailer { transport, from })
    }

    /// A mailer that only writes to the outbox (tests, and deployments without SMTP).
    pub fn outbox_only() -> Self {
        Mailer {
            transport: None,
            from: "Q Commons <no-reply@localhost>"
                .parse()
                .expect("a valid literal mailbox"),
        }
    }

    pub async fn send(
        &self,
        db: &DatabaseConnection,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), AppError> {
        let row = outbox_email::ActiveModel {
            to_address: Set(to.to_owned()),
            subject: Set(subject.to_owned()),
            body: Set(body.to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;

        let Some(transport) = &self.transport else {
            tracing::info!(
                to,
                subject,
                body,
                "e-mail kept in the outbox (no SMTP configured)"
            );
            return Ok(());
        };
        let outcome = match to.parse::<Mailbox>() {
            Ok(to_box) => match Message::builder()
                .from(self.from.clone())
                .to(to_box)
                .subject(subject)
                .body(body.to_owned())
            {
                Ok(message) => transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        let mut update = outbox_email::ActiveModel {
            id: Unchanged(row.id),
            ..Default::default()
        };
        match outcome {
            Ok(()) => update.sent_at = Set(Some(Utc::now())),
            Err(e) => {
                tracing::warn!(to, error = %e, "SMTP delivery failed; the message stays in the outbox");
                update.last_error = Set(Some(e));
            }
        }
        update.update(db).await?;
        Ok(())
    }
}
