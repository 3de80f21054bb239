//! One module per provider: its facts (a [`Scheme`](crate::scheme::Scheme)
//! and its docs) and only the code that is truly its own. The engine
//! ([`crate::engine`]) runs them all.

pub mod bitbucket;
pub mod calendly;
pub mod dropbox;
pub mod generic;
pub mod github;
#[cfg(feature = "sha1")]
pub mod intercom;
pub mod jira;
pub mod lemonsqueezy;
pub mod linear;
pub mod meta;
pub mod mux;
pub mod notify;
pub mod notion;
pub mod paddle;
#[cfg(feature = "sha512")]
pub mod paystack;
pub mod razorpay;
pub mod sentry;
pub mod shopify;
pub mod slack;
pub mod square;
pub mod standard;
pub mod stripe;
pub mod typeform;
#[cfg(feature = "sha1")]
pub mod vercel;
pub mod workos;
pub mod zendesk;
