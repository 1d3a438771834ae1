//! Integration tests: the real HTTP server on a random port, over a fresh PostgreSQL
//! database per test.

mod actors;
mod caching;
mod claims;
mod contract;
mod conventions;
mod curation;
mod dataset;
mod errors;
mod export;
mod force_figures;
mod formats;
mod generate;
mod helpers;
mod history;
mod import_export;
mod incidents;
mod observability;
mod outage;
mod pages;
mod pages_timeline;
mod pagination;
mod rate_limits;
mod response_cache;
mod row_versions;
mod search;
mod shutdown;
mod sorting;
mod sources;
mod time_travel;
mod timeline;
mod waits;
mod write_regressions;
