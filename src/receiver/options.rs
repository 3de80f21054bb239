//! The [`Receiver`](super::Receiver)'s options as builder methods of the
//! middlewares that run one ([`VerifyLayer`](crate::tower::VerifyLayer),
//! actix-web's `Verify`), written once so that the adapters offer the same
//! options with the same docs.

/// Expands, inside `impl` of a middleware whose fields are `receiver:
/// Arc<Receiver>` and `reject`, to its `map` / `try_map` and every
/// receiver option. `peer` says where that adapter reads the peer address.
macro_rules! receiver_options {
    (peer = $peer:literal) => {
        fn map(self, f: impl FnOnce(Receiver) -> Receiver) -> Self {
            let receiver = std::sync::Arc::unwrap_or_clone(self.receiver);
            Self {
                receiver: std::sync::Arc::new(f(receiver)),
                ..self
            }
        }

        fn try_map(
            self,
            f: impl FnOnce(Receiver) -> Result<Receiver, crate::Error>,
        ) -> Result<Self, crate::Error> {
            let receiver = std::sync::Arc::unwrap_or_clone(self.receiver);
            Ok(Self {
                receiver: std::sync::Arc::new(f(receiver)?),
                ..self
            })
        }

        /// Accepts requests only from senders whose address is in
        /// `networks` (CIDR networks or plain addresses); others get 403
        /// `sender_refused` before the body is read
        /// ([`Receiver::allow_senders`](crate::receiver::Receiver::allow_senders),
        /// with [`linear::SENDER_IPS`](crate::linear::SENDER_IPS) as an
        /// example). Defaults to every address.
        ///
        #[doc = $peer]
        ///
        /// # Errors
        ///
        /// [`Error::InvalidNetwork`](crate::Error::InvalidNetwork) for an
        /// entry that is not an address or a network,
        /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) for an
        /// empty list.
        pub fn allow_senders<I, S>(self, networks: I) -> Result<Self, crate::Error>
        where
            I: IntoIterator<Item = S>,
            S: AsRef<str>,
        {
            self.try_map(|receiver| receiver.allow_senders(networks))
        }

        /// The proxies in front of this server, whose forwarding header
        /// gives the client address
        /// ([`Receiver::trusted_proxies`](crate::receiver::Receiver::trusted_proxies)).
        /// Defaults to none.
        ///
        /// # Errors
        ///
        /// [`Error::InvalidNetwork`](crate::Error::InvalidNetwork) for an
        /// entry that is not an address or a network.
        pub fn trusted_proxies<I, S>(self, networks: I) -> Result<Self, crate::Error>
        where
            I: IntoIterator<Item = S>,
            S: AsRef<str>,
        {
            self.try_map(|receiver| receiver.trusted_proxies(networks))
        }

        /// Which header the trusted proxies write
        /// ([`Receiver::proxy_header`](crate::receiver::Receiver::proxy_header)).
        /// Defaults to
        /// [`ProxyHeader::Either`](crate::receiver::ProxyHeader::Either).
        pub fn proxy_header(self, header: crate::receiver::ProxyHeader) -> Self {
            self.map(|receiver| receiver.proxy_header(header))
        }

        /// Skips a delivery while another with the same content key is
        /// pending or processing: 200 `{"status":"duplicate"}` without the
        /// handler
        /// ([`Receiver::dedup_key`](crate::receiver::Receiver::dedup_key);
        /// needs a `dedup` store). Defaults to none.
        pub fn dedup_key<F>(self, key: F) -> Self
        where
            F: Fn(&crate::Delivery<'_>) -> Option<String> + Send + Sync + 'static,
        {
            self.map(|receiver| receiver.dedup_key(key))
        }

        /// How long a content key is held at most
        /// ([`Receiver::dedup_key_ttl`](crate::receiver::Receiver::dedup_key_ttl)).
        /// Defaults to 1 hour.
        pub fn dedup_key_ttl(self, ttl: std::time::Duration) -> Self {
            self.map(|receiver| receiver.dedup_key_ttl(ttl))
        }

        /// The largest body read, in bytes; a larger one is answered 413
        /// without buffering more than `bytes`
        /// ([`Receiver::body_limit`](crate::receiver::Receiver::body_limit)).
        /// Defaults to 2 MiB
        /// ([`DEFAULT_BODY_LIMIT`](crate::receiver::DEFAULT_BODY_LIMIT));
        /// GitHub sends up to 25 MB
        /// ([`GITHUB_BODY_LIMIT`](crate::receiver::GITHUB_BODY_LIMIT)).
        pub fn body_limit(self, bytes: usize) -> Self {
            self.map(|receiver| receiver.body_limit(bytes))
        }

        /// Answers a verified GitHub `ping` with 200 `{"status":"pong"}`
        /// without calling the handler
        /// ([`Receiver::answer_pings`](crate::receiver::Receiver::answer_pings)).
        /// Defaults to `false` (pings reach the handler like any event).
        pub fn answer_pings(self, answer: bool) -> Self {
            self.map(|receiver| receiver.answer_pings(answer))
        }

        /// Suppresses duplicate deliveries with `store` (a
        /// [`MemoryStore`](crate::dedup::MemoryStore), a `RedisStore`, or
        /// an `Arc` of one shared with other middlewares)
        /// ([`Receiver::dedup`](crate::receiver::Receiver::dedup)).
        /// Defaults to none: every verified delivery reaches the handler.
        pub fn dedup(self, store: impl crate::dedup::DeliveryStore + 'static) -> Self {
            self.map(|receiver| receiver.dedup(store))
        }

        /// Accepts verified deliveries into `inbox` and answers 202
        /// `{"status":"queued","id":"<key>"}` without calling the handler;
        /// duplicates get 200 `{"status":"duplicate"}`, an unreachable
        /// inbox 503 ([`Receiver::inbox`](crate::receiver::Receiver::inbox)).
        /// Defaults to none.
        #[cfg(feature = "inbox")]
        #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
        pub fn inbox(self, inbox: impl crate::inbox::Inbox + 'static) -> Self {
            self.map(|receiver| receiver.inbox(inbox))
        }

        /// Where the middleware reads the time
        /// ([`Receiver::clock`](crate::receiver::Receiver::clock)).
        /// Defaults to [`SystemClock`](crate::SystemClock).
        pub fn clock(self, clock: impl crate::clock::Clock + 'static) -> Self {
            self.map(|receiver| receiver.clock(clock))
        }

        /// The public base URL the sender posts to, used behind a proxy by
        /// schemes that sign the URL
        /// ([`Receiver::public_url`](crate::receiver::Receiver::public_url)).
        /// Defaults to none (`https://` + `Host`).
        pub fn public_url(self, base: impl Into<std::sync::Arc<str>>) -> Self {
            self.map(|receiver| receiver.public_url(base))
        }

        /// The receiver this middleware runs.
        pub fn receiver(&self) -> &Receiver {
            &self.receiver
        }
    };
}

pub(crate) use receiver_options;
