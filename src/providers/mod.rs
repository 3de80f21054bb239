//! One module per provider: its facts (a [`Scheme`](crate::scheme::Scheme)
//! and its docs) and only the code that is truly its own. The engine
//! ([`crate::engine`]) runs them all.

#[cfg(feature = "ed25519")]
pub mod discord;
pub mod generic;
pub mod github;
pub mod gitlab;
pub mod hubspot;
pub mod linear;
pub mod mailgun;
pub mod notify;
#[cfg(feature = "p256")]
pub mod sendgrid;
pub mod shopify;
pub mod slack;
pub mod standard;
pub mod stripe;
pub mod telegram;
#[cfg(feature = "sha1")]
pub mod twilio;
pub mod twitch;
pub mod zoom;
