//! Rate limiting with IETF `RateLimit-*` headers: per client address for anonymous
//! requests, per key for requests with an API key.
//!
//! Three kinds of GCRA bucket (`governor`), each `per_minute` requests a minute sustained with
//! bursts of up to `burst`, and each named in `RateLimit-Policy`:
//!
//! - `anonymous`: one per client address, for requests without `Authorization`. The client is
//!   the TCP peer, or, when the peer is a trusted proxy, the right-most `X-Forwarded-For`
//!   entry that is not itself a trusted proxy, so a client cannot pick its own bucket by
//!   sending the header. IPv6 clients are keyed by their /64, the smallest block one
//!   subscriber is usually given.
//! - `key`: one per API key (any scope), larger by default, wherever its requests come from,
//!   so a newsroom's keyed tools do not share the allowance of everyone behind its address.
//! - `key-check`: one per client address, with the anonymous quota, drawn on by requests whose
//!   credentials are not a key known good: a token not checked within the key cache's TTL
//!   (before the database is asked), a bad, unknown or revoked one (then answered 401). Made-up
//!   tokens so cost the database no more than anonymous requests could.
//!
//! Headers follow draft-ietf-httpapi-ratelimit-headers-06, the last draft with separate
//! `RateLimit-Limit` (the burst), `RateLimit-Remaining` and `RateLimit-Reset` (seconds until
//! the full burst is available again) fields; `RateLimit-Policy` is its quota policy,
//! `<per_minute>;w=60;burst=<burst>;policy="<bucket>"`, where `burst` and `policy` are
//! parameters that draft allows beyond `w` (clients ignore those they do not know).

use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use sqlx::PgPool;

use crate::auth::{self, KeyCache};
use crate::config::RateLimitSettings;
use crate::error::ApiError;
use crate::store::keys::KeyInfo;

/// Paths never limited: probes and scrapers must not be refused because of a busy client.
const EXEMPT: &[&str] = &["/healthz", "/readyz", "/metrics"];

/// How many checks between sweeps of buckets that are full again (and so need no memory).
const RETAIN_EVERY: u64 = 4096;

/// `RateLimit-Limit`: the burst, the most requests a client can make at once.
pub const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
/// `RateLimit-Remaining`: requests left in the current burst.
pub const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
/// `RateLimit-Reset`: whole seconds until the burst is fully available again.
pub const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
/// `RateLimit-Policy`: the quota of the bucket that applied, as
/// `<per_minute>;w=60;burst=<burst>;policy="<bucket>"`.
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// Which bucket a request drew on; its name is the `policy` in `RateLimit-Policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Per client address, for requests without a key.
    Anonymous,
    /// Per API key.
    Key,
    /// Per client address, for credentials that are not a key known good.
    KeyCheck,
}

impl Policy {
    /// The name sent in `RateLimit-Policy`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Key => "key",
            Self::KeyCheck => "key-check",
        }
    }

    /// The 429 of a request over this bucket's limit, which may retry after `retry_after`
    /// seconds.
    pub fn too_many_requests(self, retry_after: u64) -> ApiError {
        let detail = match self {
            Self::Anonymous => format!(
                "Too many requests from this address: requests without an API key share one allowance per client address (`RateLimit-Policy` says how large). Retry after {retry_after} s, or read with a key of your own (`Authorization: Bearer <token>`), which has its own, larger allowance: ask the operators of this server for one (`durand keys create --scope read`)."
            ),
            Self::Key => format!(
                "This API key has used its allowance (`RateLimit-Policy` says how large); it is per key, wherever the requests come from. Retry after {retry_after} s."
            ),
            Self::KeyCheck => format!(
                "Too many requests from this address with an `Authorization` header that is not a valid API key, or with keys not checked recently (`RateLimit-Policy` says how many a minute). Retry after {retry_after} s, with a valid key or with none."
            ),
        };
        ApiError::TooManyRequests {
            retry_after,
            detail,
        }
    }
}

/// One bucket per `K` (a client address, a key id) under one quota.
struct Buckets<K: Hash + Eq + Clone> {
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>,
    quota: Quota,
    policy: Policy,
    header: HeaderValue,
    checks: AtomicU64,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    /// `None` when `per_minute` is 0 (not limited); a `burst` of 0 is taken as 1.
    fn new(per_minute: u32, burst: u32, policy: Policy) -> Option<Self> {
        let per_minute = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        let header = HeaderValue::from_str(&format!(
            "{per_minute};w=60;burst={burst};policy=\"{}\"",
            policy.name()
        ))
        .expect("digits, ASCII letters and punctuation make a valid header value");
        Some(Self {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            quota,
            policy,
            header,
            checks: AtomicU64::new(0),
        })
    }

    /// Takes one request from `key`'s allowance.
    fn check(&self, key: &K) -> Decision {
        if self.checks.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        let limit = self.quota.burst_size().get();
        let interval = self.quota.replenish_interval();
        let policy = self.policy;
        match self.limiter.check_key(key) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity().min(limit);
                // Each used request comes back after one interval; this rounds up, so the
                // allowance is surely full by then.
                let reset = ceil_secs(interval * (limit - remaining));
                Decision::Allowed(Allowance {
                    policy,
                    limit,
                    remaining,
                    reset,
                })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                // The next request is allowed after `wait`; the other `limit - 1` follow,
                // one per interval.
                let reset = ceil_secs(wait + interval * (limit - 1));
                Decision::Limited {
                    allowance: Allowance {
                        policy,
                        limit,
                        remaining: 0,
                        reset,
                    },
                    retry_after: ceil_secs(wait).max(1),
                }
            }
        }
    }
}

/// The shared limiter: the buckets, and the cache of keys checked on reads.
pub struct Limiter {
    /// `None` when limiting is off (`per_minute == 0`): then nothing is limited or checked.
    anonymous: Option<Buckets<IpAddr>>,
    /// `None` when keyed requests are not limited (`keyed_per_minute == 0`).
    keyed: Option<Buckets<i64>>,
    /// Present whenever `anonymous` is.
    key_checks: Option<Buckets<IpAddr>>,
    keys: KeyCache,
    /// Proxies allowed to name the client in `X-Forwarded-For`, in canonical form.
    trusted_proxies: Vec<IpAddr>,
}

/// The state of one client's allowance, as sent in the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// The bucket it is of.
    pub policy: Policy,
    /// The burst size.
    pub limit: u32,
    /// Requests left right now.
    pub remaining: u32,
    /// Whole seconds until `remaining` is back to `limit`.
    pub reset: u64,
}

/// The outcome of checking one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Serve it.
    Allowed(Allowance),
    /// Refuse it with 429; the client may retry after `retry_after` seconds (at least 1).
    Limited {
        allowance: Allowance,
        retry_after: u64,
    },
}

impl Limiter {
    /// A limiter with the configured rates, bursts, key cache and trusted proxies.
    pub fn new(settings: &RateLimitSettings) -> Self {
        let anonymous = Buckets::new(settings.per_minute, settings.burst, Policy::Anonymous);
        let on = anonymous.is_some();
        Self {
            anonymous,
            keyed: Buckets::new(settings.keyed_per_minute, settings.keyed_burst, Policy::Key)
                .filter(|_| on),
            key_checks: Buckets::new(settings.per_minute, settings.burst, Policy::KeyCheck),
            keys: KeyCache::new(Duration::from_millis(settings.key_cache_ttl_ms)),
            trusted_proxies: settings
                .trusted_proxies
                .iter()
                .map(IpAddr::to_canonical)
                .collect(),
        }
    }

    /// Whether requests are limited at all.
    pub fn is_enabled(&self) -> bool {
        self.anonymous.is_some()
    }

    /// The client's address: the peer, unless the peer is a trusted proxy and
    /// `forwarded_for` (the `X-Forwarded-For` values, in order) names someone else.
    ///
    /// Entries are read right to left, skipping trusted proxies and unparsable entries; the
    /// first other address is the client. When every entry is a trusted proxy, the
    /// left-most of them is.
    pub fn client_ip<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.is_trusted(peer) {
            return peer;
        }
        let hops: Vec<IpAddr> = forwarded_for
            .into_iter()
            .flat_map(|value| value.split(','))
            .filter_map(parse_hop)
            .collect();
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            client = hop;
            if !self.is_trusted(hop) {
                break;
            }
        }
        client
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.contains(&ip)
    }

    /// Takes one request from anonymous `client`'s allowance; `None` when limiting is off.
    pub fn check(&self, client: IpAddr) -> Option<Decision> {
        Some(self.anonymous.as_ref()?.check(&bucket_key(client)))
    }

    /// Takes one request from the key's allowance; `None` when keyed requests (or all) are
    /// not limited.
    pub fn check_key(&self, key: &KeyInfo) -> Option<Decision> {
        Some(self.keyed.as_ref()?.check(&key.id))
    }

    /// Takes one key check from `client`'s allowance; `None` when limiting is off.
    pub fn check_key_check(&self, client: IpAddr) -> Option<Decision> {
        Some(self.key_checks.as_ref()?.check(&bucket_key(client)))
    }

    /// The decision for a request from `client` with `credentials` (from
    /// [`auth::credentials`]; `None` without `Authorization`): the anonymous bucket without
    /// a key, the key's bucket with a good one. Credentials that are no good key are the 401
    /// saying why, or a 429 of the `key-check` bucket when `client` has presented too many.
    async fn decide(
        &self,
        pool: Option<&PgPool>,
        client: IpAddr,
        credentials: Option<Result<String, ApiError>>,
    ) -> Result<Option<Decision>, ApiError> {
        let token = match credentials {
            None => return Ok(self.check(client)),
            Some(Ok(token)) => token,
            Some(Err(unusable)) => return self.refuse(client, unusable),
        };
        let key: Arc<KeyInfo> = match self.keys.cached(&token) {
            Some(Ok(key)) => key,
            Some(Err(known_bad)) => return self.refuse(client, known_bad),
            None => {
                // Charged before the database is asked, whatever it answers.
                if let Some(limited @ Decision::Limited { .. }) = self.check_key_check(client) {
                    return Ok(Some(limited));
                }
                let pool = pool.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no pool")))?;
                self.keys.look_up(pool, &token).await?
            }
        };
        tracing::Span::current().record("key", key.name.as_str());
        Ok(self.check_key(&key))
    }

    /// `unusable` (a 401), unless `client` is over its key-check allowance: then its 429.
    fn refuse(&self, client: IpAddr, unusable: ApiError) -> Result<Option<Decision>, ApiError> {
        match self.check_key_check(client) {
            Some(limited @ Decision::Limited { .. }) => Ok(Some(limited)),
            _ => Err(unusable),
        }
    }

    /// Sets the `RateLimit-*` headers for `allowance`.
    fn set_headers(&self, headers: &mut HeaderMap, allowance: Allowance) {
        let policy = match allowance.policy {
            Policy::Anonymous => self.anonymous.as_ref().map(|b| &b.header),
            Policy::Key => self.keyed.as_ref().map(|b| &b.header),
            Policy::KeyCheck => self.key_checks.as_ref().map(|b| &b.header),
        };
        let Some(policy) = policy else {
            return;
        };
        headers.insert(RATELIMIT_LIMIT, HeaderValue::from(allowance.limit));
        headers.insert(RATELIMIT_REMAINING, HeaderValue::from(allowance.remaining));
        headers.insert(RATELIMIT_RESET, HeaderValue::from(allowance.reset));
        headers.insert(RATELIMIT_POLICY, policy.clone());
    }
}

/// One `X-Forwarded-For` entry: an IP address, also accepted with a port
/// (`203.0.113.9:4711`, `[2001:db8::1]:4711`). Anything else is `None`.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// The bucket a client falls in: IPv4 addresses as they are, IPv6 by /64 prefix, so that one
/// subscriber cannot multiply its allowance (or our memory) by rotating addresses.
fn bucket_key(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

/// A duration in whole seconds, rounded up.
fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Middleware: takes one request from the allowance of the client's address, or of its API
/// key, and sets the `RateLimit-*` headers; over the limit, answers 429 (problem+json with
/// `Retry-After`, saying which bucket ran out) instead. A request whose `Authorization` is no
/// good key is answered 401 rather than counted as anonymous: a client that believes it is
/// keyed learns that it is not.
///
/// The health checks and `/metrics` are exempt, carry no `RateLimit-*` headers, and ignore
/// `Authorization`.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let limiter = req
        .app_data::<web::Data<Limiter>>()
        .filter(|l| l.is_enabled() && !EXEMPT.contains(&req.path()))
        .cloned();
    let Some(limiter) = limiter else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let peer = req
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    let client = limiter.client_ip(peer, forwarded);
    let credentials = auth::credentials(req.headers());
    let pool = req.app_data::<web::Data<PgPool>>().cloned();
    let decision = limiter
        .decide(pool.as_ref().map(|p| p.get_ref()), client, credentials)
        .await;
    match decision {
        Ok(None) => Ok(next.call(req).await?.map_into_left_body()),
        Ok(Some(Decision::Allowed(allowance))) => {
            let mut res = next.call(req).await?;
            limiter.set_headers(res.headers_mut(), allowance);
            Ok(res.map_into_left_body())
        }
        Ok(Some(Decision::Limited {
            allowance,
            retry_after,
        })) => {
            tracing::debug!(%client, retry_after, policy = allowance.policy.name(), "rate limited");
            let mut res = allowance
                .policy
                .too_many_requests(retry_after)
                .error_response();
            limiter.set_headers(res.headers_mut(), allowance);
            Ok(req.into_response(res).map_into_right_body())
        }
        Err(refused) => Ok(req
            .into_response(refused.error_response())
            .map_into_right_body()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32, burst: u32, trusted: &[&str]) -> Limiter {
        Limiter::new(&RateLimitSettings {
            per_minute,
            burst,
            keyed_per_minute: 60,
            keyed_burst: 5,
            trusted_proxies: trusted.iter().map(|s| s.parse().unwrap()).collect(),
            ..RateLimitSettings::default()
        })
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// What the limiter decides for one more request from `client`.
    fn decision(l: &Limiter, client: &str) -> &'static str {
        match l.check(ip(client)) {
            Some(Decision::Allowed(_)) => "allowed",
            Some(Decision::Limited { .. }) => "limited",
            None => "not limited",
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let l = limiter(60, 3, &[]);
        assert_eq!(l.client_ip(ip("10.0.0.1"), ["203.0.113.9"]), ip("10.0.0.1"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let l = limiter(60, 3, &["10.0.0.1", "10.0.0.2"]);
        let peer = ip("10.0.0.1");
        // The left-most entry is whatever the client sent: it must not win.
        assert_eq!(
            l.client_ip(peer, ["1.1.1.1, 203.0.113.9, 10.0.0.2"]),
            ip("203.0.113.9")
        );
        // Several header lines are one list; garbage is skipped; ports are tolerated.
        assert_eq!(
            l.client_ip(peer, ["198.51.100.1", "203.0.113.9:4711, nonsense"]),
            ip("203.0.113.9")
        );
        assert_eq!(l.client_ip(peer, ["10.0.0.2"]), ip("10.0.0.2"));
        assert_eq!(l.client_ip(peer, ["nonsense"]), peer);
        assert_eq!(l.client_ip(peer, []), peer);
        // An IPv4-mapped peer is the same proxy.
        assert_eq!(
            l.client_ip(ip("::ffff:10.0.0.1"), ["203.0.113.9"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_burst_is_spent_then_refused_with_a_retry_after() {
        let l = limiter(6, 3, &[]);
        let c = ip("192.0.2.1");
        let remaining: Vec<u32> = (0..3)
            .map(|_| match l.check(c) {
                Some(Decision::Allowed(a)) => {
                    assert_eq!(a.limit, 3);
                    assert!(a.reset >= 10 && a.reset <= 30, "{a:?}");
                    a.remaining
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(remaining, [2, 1, 0]);
        match l.check(c) {
            Some(Decision::Limited {
                allowance,
                retry_after,
            }) => {
                assert!((1..=10).contains(&retry_after), "{retry_after}");
                assert_eq!(allowance.remaining, 0);
                assert!(
                    allowance.reset >= 20 && allowance.reset <= 30,
                    "{allowance:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        // Another client has its own bucket.
        assert_eq!(decision(&l, "192.0.2.2"), "allowed");
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64() {
        let l = limiter(6, 1, &[]);
        assert_eq!(decision(&l, "2001:db8:1:2::1"), "allowed");
        assert_eq!(decision(&l, "2001:db8:1:2::ffff"), "limited");
        assert_eq!(decision(&l, "2001:db8:1:3::1"), "allowed");
    }

    #[test]
    fn zero_per_minute_disables_limiting() {
        let l = limiter(0, 3, &[]);
        assert!(!l.is_enabled());
        assert_eq!(l.check(ip("192.0.2.1")), None);
        assert_eq!(l.check_key(&key(1)), None);
        assert_eq!(l.check_key_check(ip("192.0.2.1")), None);
    }

    fn key(id: i64) -> KeyInfo {
        KeyInfo {
            id,
            name: format!("key-{id}"),
            scope: crate::store::keys::Scope::Read,
            prefix: "durand_abcdef".into(),
            created_at: chrono::Utc::now(),
            last_used_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn each_key_has_its_own_bucket_apart_from_the_addresses() {
        let l = limiter(6, 1, &[]);
        let c = ip("192.0.2.1");
        assert!(matches!(l.check(c), Some(Decision::Allowed(_))));
        assert!(matches!(l.check(c), Some(Decision::Limited { .. })));
        let remaining: Vec<u32> = (0..5)
            .map(|_| match l.check_key(&key(1)) {
                Some(Decision::Allowed(a)) => {
                    assert_eq!((a.policy, a.limit), (Policy::Key, 5));
                    a.remaining
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(remaining, [4, 3, 2, 1, 0]);
        match l.check_key(&key(1)) {
            Some(Decision::Limited { allowance, .. }) => assert_eq!(allowance.policy, Policy::Key),
            other => panic!("{other:?}"),
        }
        assert!(matches!(l.check_key(&key(2)), Some(Decision::Allowed(_))));
        // Key checks are a bucket of their own too.
        assert!(matches!(
            l.check_key_check(c),
            Some(Decision::Allowed(Allowance {
                policy: Policy::KeyCheck,
                ..
            }))
        ));
    }

    #[test]
    fn the_policy_header_names_the_bucket_in_draft_06_syntax() {
        let l = limiter(1200, 120, &[]);
        let header = |policy: Policy| {
            let mut headers = HeaderMap::new();
            let allowance = Allowance {
                policy,
                limit: 1,
                remaining: 1,
                reset: 0,
            };
            l.set_headers(&mut headers, allowance);
            headers
                .get(RATELIMIT_POLICY)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            header(Policy::Anonymous),
            r#"1200;w=60;burst=120;policy="anonymous""#
        );
        assert_eq!(header(Policy::Key), r#"60;w=60;burst=5;policy="key""#);
        assert_eq!(
            header(Policy::KeyCheck),
            r#"1200;w=60;burst=120;policy="key-check""#
        );
    }

    #[test]
    fn zero_keyed_per_minute_leaves_keys_unlimited() {
        let l = Limiter::new(&RateLimitSettings {
            keyed_per_minute: 0,
            ..RateLimitSettings::default()
        });
        assert!(l.is_enabled());
        assert_eq!(l.check_key(&key(1)), None);
    }
}
