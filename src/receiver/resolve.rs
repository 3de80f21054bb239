//! Per-tenant secrets: [`Resolve`], [`Resolution`], [`Tenant`] and the
//! in-memory [`PathTenants`].

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, RwLock};

use super::Head;
use crate::dedup::BoxFuture;
use crate::Provider;

/// Finds the provider (and so the secrets) for a request: one webhook
/// endpoint per organisation or repository, each with its own secret,
/// looked up in a database or a map.
///
/// It gets the request's [`Head`] (method, target, headers) before the
/// body is read, so an unknown tenant costs no body buffering, and the same
/// resolver serves every adapter (tower, actix, axum). Implemented for
/// async closures `Fn(&Head<'_>) -> impl Future<Output = Resolution>`; the
/// future must own what it needs (copy the path segment out of `head`
/// before the `async move`):
///
/// ```
/// use hooksig::receiver::{Head, Resolution, Tenant};
/// use hooksig::{github::GitHub, tower::VerifyLayer};
///
/// let layer = VerifyLayer::resolve(|head: &Head<'_>| {
///     let org = head.path().rsplit('/').next().unwrap_or("").to_owned();
///     async move {
///         // Look the organisation up in your database here.
///         match org.as_str() {
///             "acme" => match GitHub::new("acme-secret") {
///                 Ok(github) => Resolution::Found(Tenant::new("acme", github)),
///                 Err(_) => Resolution::Unavailable,
///             },
///             "gone" => Resolution::Disabled,
///             _ => Resolution::Unknown,
///         }
///     }
/// });
/// # let _ = layer;
/// ```
pub trait Resolve: Send + Sync {
    /// Finds the tenant for the request whose head is `head`.
    fn resolve(&self, head: &Head<'_>) -> BoxFuture<'static, Resolution>;
}

impl<F, Fut> Resolve for F
where
    F: Fn(&Head<'_>) -> Fut + Send + Sync,
    Fut: Future<Output = Resolution> + Send + 'static,
{
    fn resolve(&self, head: &Head<'_>) -> BoxFuture<'static, Resolution> {
        Box::pin(self(head))
    }
}

/// What a [`Resolve`]r found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Resolution {
    /// Verify with this tenant's provider.
    Found(Tenant),
    /// No such tenant: answered 404 ([`Error::UnknownTenant`](crate::Error::UnknownTenant)).
    Unknown,
    /// The tenant's webhook is switched off: answered 403
    /// ([`Error::DisabledTenant`](crate::Error::DisabledTenant)).
    Disabled,
    /// The lookup failed (database down): answered 503
    /// ([`Error::ResolverUnavailable`](crate::Error::ResolverUnavailable)) so
    /// the sender retries.
    Unavailable,
}

/// A tenant: its name and the provider holding its secrets.
///
/// The name appears in [`VerifiedDelivery::tenant`](super::VerifiedDelivery::tenant)
/// and in duplicate-suppression keys
/// ([`store_key`](crate::dedup::store_key)), so two tenants' deliveries
/// never suppress each other.
#[derive(Clone)]
pub struct Tenant {
    pub(crate) name: Arc<str>,
    pub(crate) provider: Arc<dyn Provider>,
}

impl Tenant {
    /// The tenant `name`, verified by `provider`.
    pub fn new(name: impl Into<Arc<str>>, provider: impl Provider + 'static) -> Self {
        Tenant::shared(name, Arc::new(provider))
    }

    /// [`Tenant::new`] with a provider already shared.
    pub fn shared(name: impl Into<Arc<str>>, provider: Arc<dyn Provider>) -> Self {
        Tenant {
            name: name.into(),
            provider,
        }
    }

    /// The tenant's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The provider holding the tenant's secrets.
    #[must_use]
    pub fn provider(&self) -> &Arc<dyn Provider> {
        &self.provider
    }
}

impl fmt::Debug for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tenant")
            .field("name", &self.name)
            .field("provider", &self.provider.name())
            .finish()
    }
}

/// Tenant name → (provider, enabled).
type Map = HashMap<Arc<str>, (Arc<dyn Provider>, bool)>;

/// An in-memory [`Resolve`]r keyed by one segment of the request path:
/// with `PathTenants::segment(1)`, `/hooks/acme` is the tenant `acme`.
///
/// Clones share the same map, so tenants can be added, disabled and
/// removed while the server runs.
///
/// ```
/// use hooksig::{github::GitHub, receiver::PathTenants, tower::VerifyLayer};
///
/// let tenants = PathTenants::segment(1);
/// tenants.insert("acme", GitHub::new("acme-secret")?);
/// tenants.insert("globex", GitHub::new("globex-secret")?);
/// tenants.disable("globex");
/// let layer = VerifyLayer::resolve(tenants.clone());
/// # let _ = layer;
/// # Ok::<(), hooksig::Error>(())
/// ```
#[derive(Clone)]
pub struct PathTenants {
    segment: usize,
    tenants: Arc<RwLock<Map>>,
}

impl PathTenants {
    /// An empty map keyed by the path segment at `index`, counting from 0
    /// after the leading `/` (`/hooks/acme`: `hooks` is 0, `acme` is 1).
    #[must_use]
    pub fn segment(index: usize) -> Self {
        PathTenants {
            segment: index,
            tenants: Arc::default(),
        }
    }

    /// Adds (or replaces) the enabled tenant `name`.
    pub fn insert(&self, name: &str, provider: impl Provider + 'static) {
        self.insert_shared(name, Arc::new(provider));
    }

    /// [`PathTenants::insert`] with a provider already shared.
    pub fn insert_shared(&self, name: &str, provider: Arc<dyn Provider>) {
        self.write().insert(name.into(), (provider, true));
    }

    /// Disables the tenant `name` (its deliveries get 403); returns whether
    /// it exists.
    pub fn disable(&self, name: &str) -> bool {
        self.set_enabled(name, false)
    }

    /// Enables the tenant `name` again; returns whether it exists.
    pub fn enable(&self, name: &str) -> bool {
        self.set_enabled(name, true)
    }

    /// Removes the tenant `name` (its deliveries get 404); returns whether
    /// it existed.
    pub fn remove(&self, name: &str) -> bool {
        self.write().remove(name).is_some()
    }

    fn set_enabled(&self, name: &str, enabled: bool) -> bool {
        match self.write().get_mut(name) {
            Some(entry) => {
                entry.1 = enabled;
                true
            }
            None => false,
        }
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Map> {
        self.tenants
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn find(&self, path: &str) -> Resolution {
        let Some(name) = path.trim_start_matches('/').split('/').nth(self.segment) else {
            return Resolution::Unknown;
        };
        let tenants = self
            .tenants
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        match tenants.get_key_value(name) {
            Some((name, (provider, true))) => {
                Resolution::Found(Tenant::shared(Arc::clone(name), Arc::clone(provider)))
            }
            Some((_, (_, false))) => Resolution::Disabled,
            None => Resolution::Unknown,
        }
    }
}

impl Resolve for PathTenants {
    fn resolve(&self, head: &Head<'_>) -> BoxFuture<'static, Resolution> {
        Box::pin(std::future::ready(self.find(head.path())))
    }
}

impl fmt::Debug for PathTenants {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenants = self
            .tenants
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        let mut names: Vec<&str> = tenants.keys().map(|name| &**name).collect();
        names.sort_unstable();
        f.debug_struct("PathTenants")
            .field("segment", &self.segment)
            .field("tenants", &names)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::GitHub;

    #[test]
    fn finds_by_segment() {
        let tenants = PathTenants::segment(1);
        tenants.insert("acme", GitHub::new("s").unwrap());
        assert!(matches!(tenants.find("/hooks/acme"), Resolution::Found(t) if t.name() == "acme"));
        assert!(matches!(
            tenants.find("/hooks/acme/extra"),
            Resolution::Found(_)
        ));
        assert!(matches!(tenants.find("/hooks/other"), Resolution::Unknown));
        assert!(matches!(tenants.find("/hooks"), Resolution::Unknown));
        assert!(tenants.disable("acme"));
        assert!(matches!(tenants.find("/hooks/acme"), Resolution::Disabled));
        assert!(tenants.enable("acme"));
        assert!(tenants.remove("acme"));
        assert!(!tenants.disable("acme"));
        assert!(matches!(tenants.find("/hooks/acme"), Resolution::Unknown));
    }

    #[test]
    fn debug_names_tenants_not_secrets() {
        let tenants = PathTenants::segment(0);
        tenants.insert("acme", GitHub::new("very-secret-value").unwrap());
        let text = format!("{tenants:?}");
        assert!(text.contains("acme"), "{text}");
        assert!(!text.contains("very-secret-value"), "{text}");
    }
}
