//! One module per provider: its facts (a [`Scheme`](crate::scheme::Scheme)
//! and its docs) and only the code that is truly its own. The engine
//! ([`crate::engine`]) runs them all.

pub mod bitbucket;
pub mod calendly;
#[cfg(feature = "ed25519")]
pub mod discord;
pub mod dropbox;
pub mod generic;
pub mod github;
pub mod gitlab;
pub mod hubspot;
#[cfg(feature = "sha1")]
pub mod intercom;
pub mod jira;
pub mod lemonsqueezy;
pub mod linear;
pub mod mailgun;
pub mod meta;
pub mod mux;
pub mod notify;
pub mod notion;
pub mod paddle;
#[cfg(feature = "sha512")]
pub mod paystack;
pub mod razorpay;
#[cfg(feature = "p256")]
pub mod sendgrid;
pub mod sentry;
pub mod shopify;
pub mod slack;
pub mod square;
pub mod standard;
pub mod stripe;
pub mod telegram;
#[cfg(feature = "sha1")]
pub mod twilio;
pub mod twitch;
pub mod typeform;
#[cfg(feature = "sha1")]
pub mod vercel;
pub mod workos;
pub mod zendesk;
pub mod zoom;

/// Recorded vectors of `tests/data/providers/`, for the providers' unit
/// tests.
#[cfg(test)]
pub(crate) mod recorded {
    /// A vector as the provider reads it.
    pub(crate) struct Vector {
        pub(crate) headers: Vec<(String, String)>,
        pub(crate) body: Vec<u8>,
        /// The secret or public key.
        #[cfg_attr(not(feature = "p256"), allow(dead_code))]
        pub(crate) key: String,
    }

    /// The vector `name` of the vector file `json` (its text).
    pub(crate) fn vector(json: &str, name: &str) -> Vector {
        let file: serde_json::Value = serde_json::from_str(json).unwrap();
        let v = file["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("no vector {name:?}"));
        let text = |key: &str| v[key].as_str().map(str::to_owned);
        Vector {
            headers: v["headers"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect(),
            body: text("body").unwrap_or_default().into_bytes(),
            key: text("secret")
                .or_else(|| text("public_key"))
                .unwrap_or_default(),
        }
    }
}
