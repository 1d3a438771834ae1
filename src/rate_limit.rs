//! Per-client rate limiting of anonymous reads, with IETF `RateLimit-*` headers.
//!
//! One GCRA bucket per client address (`governor`): `per_minute` requests a minute
//! sustained, with bursts of up to `burst`. The client is the TCP peer, or, when the peer is
//! a trusted proxy, the right-most `X-Forwarded-For` entry that is not itself a trusted proxy,
//! so a client cannot pick its own bucket by sending the header. IPv6 clients are keyed by
//! their /64, the smallest block one subscriber is usually given.
//!
//! Headers follow draft-ietf-httpapi-ratelimit-headers-07: `RateLimit-Limit` (the burst),
//! `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the full burst is available
//! again) and `RateLimit-Policy` (`<per_minute>;w=60;burst=<burst>`).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
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

use crate::config::RateLimitSettings;
use crate::error::ApiError;

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
/// `RateLimit-Policy`: the quota, as `<per_minute>;w=60;burst=<burst>`.
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

type KeyedLimiter =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock, StateInformationMiddleware>;

/// The shared limiter: one bucket per client address.
pub struct Limiter {
    /// `None` when limiting is off (`per_minute == 0`).
    active: Option<Active>,
    /// Proxies allowed to name the client in `X-Forwarded-For`, in canonical form.
    trusted_proxies: Vec<IpAddr>,
}

/// The limiter proper, when limiting is on.
struct Active {
    buckets: KeyedLimiter,
    quota: Quota,
    policy: HeaderValue,
    checks: AtomicU64,
}

/// The state of one client's allowance, as sent in the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
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
    /// A limiter with the configured rate, burst and trusted proxies.
    ///
    /// `per_minute == 0` turns limiting off; a `burst` of 0 is taken as 1.
    pub fn new(settings: &RateLimitSettings) -> Self {
        let active = NonZeroU32::new(settings.per_minute).map(|per_minute| {
            let burst = NonZeroU32::new(settings.burst).unwrap_or(NonZeroU32::MIN);
            let quota = Quota::per_minute(per_minute).allow_burst(burst);
            let policy = HeaderValue::from_str(&format!("{per_minute};w=60;burst={burst}"))
                .expect("digits and ASCII punctuation make a valid header value");
            Active {
                buckets: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
                quota,
                policy,
                checks: AtomicU64::new(0),
            }
        });
        Self {
            active,
            trusted_proxies: settings
                .trusted_proxies
                .iter()
                .map(IpAddr::to_canonical)
                .collect(),
        }
    }

    /// Whether requests are limited at all.
    pub fn is_enabled(&self) -> bool {
        self.active.is_some()
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

    /// Takes one request from `client`'s allowance; `None` when limiting is off.
    pub fn check(&self, client: IpAddr) -> Option<Decision> {
        let active = self.active.as_ref()?;
        if active.checks.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            active.buckets.retain_recent();
            active.buckets.shrink_to_fit();
        }
        let limit = active.quota.burst_size().get();
        let interval = active.quota.replenish_interval();
        Some(match active.buckets.check_key(&bucket_key(client)) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity().min(limit);
                // Each used request comes back after one interval; this rounds up, so the
                // allowance is surely full by then.
                let reset = ceil_secs(interval * (limit - remaining));
                Decision::Allowed(Allowance {
                    limit,
                    remaining,
                    reset,
                })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(active.buckets.clock().now());
                // The next request is allowed after `wait`; the other `limit - 1` follow,
                // one per interval.
                let reset = ceil_secs(wait + interval * (limit - 1));
                Decision::Limited {
                    allowance: Allowance {
                        limit,
                        remaining: 0,
                        reset,
                    },
                    retry_after: ceil_secs(wait).max(1),
                }
            }
        })
    }

    /// Sets the `RateLimit-*` headers for `allowance`.
    fn set_headers(&self, headers: &mut HeaderMap, allowance: Allowance) {
        let Some(active) = &self.active else {
            return;
        };
        headers.insert(RATELIMIT_LIMIT, HeaderValue::from(allowance.limit));
        headers.insert(RATELIMIT_REMAINING, HeaderValue::from(allowance.remaining));
        headers.insert(RATELIMIT_RESET, HeaderValue::from(allowance.reset));
        headers.insert(RATELIMIT_POLICY, active.policy.clone());
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

/// Middleware: takes one request from the client's allowance and sets the `RateLimit-*`
/// headers; over the limit, answers 429 (problem+json with `Retry-After`) instead.
///
/// The health checks and `/metrics` are exempt and carry no `RateLimit-*` headers.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let limiter = req.app_data::<web::Data<Limiter>>().cloned();
    let decision = match &limiter {
        Some(limiter) if limiter.is_enabled() && !EXEMPT.contains(&req.path()) => {
            let peer = req
                .peer_addr()
                .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
            let forwarded = req
                .headers()
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok());
            let client = limiter.client_ip(peer, forwarded);
            limiter.check(client).map(|d| (limiter, client, d))
        }
        _ => None,
    };
    match decision {
        None => Ok(next.call(req).await?.map_into_left_body()),
        Some((limiter, _, Decision::Allowed(allowance))) => {
            let mut res = next.call(req).await?;
            limiter.set_headers(res.headers_mut(), allowance);
            Ok(res.map_into_left_body())
        }
        Some((
            limiter,
            client,
            Decision::Limited {
                allowance,
                retry_after,
            },
        )) => {
            tracing::debug!(%client, retry_after, "rate limited");
            let mut res = ApiError::TooManyRequests { retry_after }.error_response();
            limiter.set_headers(res.headers_mut(), allowance);
            Ok(req.into_response(res).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32, burst: u32, trusted: &[&str]) -> Limiter {
        Limiter::new(&RateLimitSettings {
            per_minute,
            burst,
            trusted_proxies: trusted.iter().map(|s| s.parse().unwrap()).collect(),
        })
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
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
        assert!(matches!(
            l.check(ip("192.0.2.2")),
            Some(Decision::Allowed(_))
        ));
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64() {
        let l = limiter(6, 1, &[]);
        assert!(matches!(
            l.check(ip("2001:db8:1:2::1")),
            Some(Decision::Allowed(_))
        ));
        assert!(matches!(
            l.check(ip("2001:db8:1:2::ffff")),
            Some(Decision::Limited { .. })
        ));
        assert!(matches!(
            l.check(ip("2001:db8:1:3::1")),
            Some(Decision::Allowed(_))
        ));
    }

    #[test]
    fn zero_per_minute_disables_limiting() {
        let l = limiter(0, 3, &[]);
        assert!(!l.is_enabled());
        assert_eq!(l.check(ip("192.0.2.1")), None);
    }
}
