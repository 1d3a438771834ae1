//! Durand: a sourced, attributed REST API on the Pakistan–Afghanistan conflict.
//!
//! Layers, each module using only its own layer and those before it: `domain` < `store` (SQL)
//! < `error`, `config`, `telemetry`, `progress` < the HTTP infrastructure (`auth`, `encoding`,
//! `replicas`, `caching`, `circuit`, `metrics`, `response_cache`, `rate_limit`, `cors`,
//! `shutdown`, `notifications`, `wire`, `extract`, `locale`) < `representation`, `curation` < `pages` (HTML
//! and SVG for people) < `routes` <
//! `openapi`, `generate`, `startup`, `commands`, `cli`. `scripts/module-cycles --layers` checks
//! it; docs/ARCHITECTURE.md describes it.

pub mod auth;
pub mod caching;
pub mod circuit;
pub mod cli;
pub mod commands;
pub mod config;
pub mod cors;
pub mod curation;
pub mod domain;
pub mod encoding;
pub mod error;
pub mod extract;
pub mod generate;
pub mod locale;
pub mod metrics;
pub mod notifications;
pub mod openapi;
pub mod pages;
pub mod progress;
pub mod rate_limit;
pub mod replicas;
pub mod representation;
pub mod response_cache;
pub mod routes;
pub mod shutdown;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod wire;
