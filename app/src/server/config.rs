//! Run-time settings. The server binary fills this from flags and environment variables.

#[derive(Debug, Clone)]
pub struct Config {
    /// The community's name, shown in the header and in e-mails.
    pub community_name: String,
    /// The address people reach the app at; used in e-mailed links and to mark cookies Secure.
    pub public_url: String,
    /// Demo mode: seed demo data into an empty database and show the e-mail outbox page.
    pub demo: bool,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy.
    pub trust_proxy: bool,
}

impl Config {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// A full link to a path of the app, for e-mails.
    pub fn link(&self, path_and_query: &str) -> String {
        format!(
            "{}{}",
            self.public_url.trim_end_matches('/'),
            path_and_query
        )
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            community_name: "Q Commons".into(),
            public_url: "http://127.0.0.1:3000".into(),
            demo: false,
            trust_proxy: false,
        }
    }
}
