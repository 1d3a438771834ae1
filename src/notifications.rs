//! Learns of new dataset versions as they commit, so that no read has to ask.
//!
//! Whatever changes `dataset_meta` publishes the new version on [`CHANNEL`] from inside its
//! transaction (a trigger; see the `version_notify` migration), in this process or any
//! other. A task holds one connection of its own to the primary, `LISTEN`s, and forgets the
//! cached stamp on every notification. While it is not listening (connecting, reconnecting
//! after a lost connection) the stamp is not trusted and the response cache is bypassed.
//! The task ends when the primary pool closes (shutdown, or a test's end).

use std::time::Duration;

use actix_web::web;
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};

use crate::replicas::DatasetStamp;

/// The channel new versions are published on.
pub const CHANNEL: &str = "durand_versions";

/// The `application_name` of the listener's connection (how `pg_stat_activity` tells it
/// from the pool's).
pub const APPLICATION_NAME: &str = "durand-listener";

/// The longest wait between two attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Starts listening for new versions on the primary, keeping `stamps` current.
pub fn start(primary: &PgPool, stamps: web::Data<DatasetStamp>) {
    let options = primary
        .connect_options()
        .as_ref()
        .clone()
        .application_name(APPLICATION_NAME);
    let own = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with(options);
    let primary = primary.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = primary.close_event() => {}
            () = listen(&own, &stamps) => {}
        }
        stamps.set_listening(false);
        own.close().await;
    });
}

/// Listens for good, reconnecting with a growing pause after each lost connection.
async fn listen(pool: &PgPool, stamps: &DatasetStamp) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match session(pool, stamps, &mut backoff).await {
            Ok(()) => tracing::warn!("version listener lost its connection; reconnecting"),
            Err(e) => tracing::warn!(error = %e, "version listener failed; reconnecting"),
        }
        stamps.set_listening(false);
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One connection's worth of listening: returns when the connection is lost.
async fn session(
    pool: &PgPool,
    stamps: &DatasetStamp,
    backoff: &mut Duration,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Only versions committed from now on are notified: forget what was read before.
    stamps.set_listening(true);
    *backoff = Duration::from_millis(100);
    tracing::debug!("version listener listening");
    while let Some(notification) = listener.try_recv().await? {
        tracing::debug!(version = notification.payload(), "new dataset version");
        stamps.invalidate();
    }
    Ok(())
}
