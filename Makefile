# Developer entry points. Targets that need PostgreSQL run through
# scripts/with-db, which uses $DATABASE_URL, a local server on
# 127.0.0.1:5432, or a throwaway cluster (see the script's header).

# Compile-time checked queries use the committed .sqlx/ data.
SQLX_OFFLINE ?= true
export SQLX_OFFLINE

WITH_DB := scripts/with-db
# Database used (and recreated) by sqlx-prepare.
SQLX_DB := durand_sqlx_prepare

.DEFAULT_GOAL := help
.PHONY: help run test test-replicas contract browser budget screenshots bench spec sqlx-prepare fmt lint ci

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: ## Serve the API (migrates and loads the dataset)
	$(WITH_DB) cargo run --release -- serve

test: ## Run all tests against PostgreSQL, then every curl example in README.md and docs/
	$(WITH_DB) sh -c 'cargo run --quiet -- migrate && \
	  cargo test --all-targets && \
	  exec scripts/check-doc-examples'

test-replicas: ## Run the read-replica test against a throwaway primary + streaming replica
	scripts/with-replica cargo test --test replicas -- --nocapture

contract: ## Lint the spec, run generated TS/Python/Java/Go clients and schemathesis against a live server
	$(WITH_DB) scripts/contract

browser: ## Check the HTML pages (and their JSON-LD and byte budget) in headless Chromium against a live server
	$(WITH_DB) browser/run.sh

budget: ## Measure each page's weight and load times in headless Chromium (DURAND_BIN=target/release/durand for release)
	$(WITH_DB) browser/run.sh node browser/budget.mjs

screenshots: ## Write PNGs of the pages to docs/screenshots/ (headless Chromium)
	$(WITH_DB) browser/run.sh node browser/screenshots.mjs

bench: ## Measure reads against the framework's ceiling and Datasette (writes bench/RESULTS.md)
	bench/speed

spec: ## Regenerate openapi/openapi.json
	@mkdir -p openapi
	cargo run --quiet -- openapi > openapi/openapi.json.tmp
	mv openapi/openapi.json.tmp openapi/openapi.json

# Migrations are applied with psql to a fresh database (not with
# `durand migrate`: the binary cannot compile offline while .sqlx/
# lacks data for a new or changed query).
sqlx-prepare: ## Regenerate .sqlx/ (no sqlx-cli needed)
	$(WITH_DB) sh -ec ' \
	  base="$${DATABASE_URL%/*}"; \
	  export DATABASE_URL="$$base/$(SQLX_DB)"; \
	  PGOPTIONS=--client-min-messages=warning \
	    psql -Xq -v ON_ERROR_STOP=1 "$$base/postgres" \
	      -c "DROP DATABASE IF EXISTS $(SQLX_DB)" \
	      -c "CREATE DATABASE $(SQLX_DB)"; \
	  for f in migrations/*.sql; do \
	    case "$$f" in *.down.sql) continue ;; esac; \
	    psql -Xq -v ON_ERROR_STOP=1 -f "$$f" "$$DATABASE_URL"; \
	  done; \
	  rm -rf .sqlx && mkdir .sqlx && touch src/lib.rs; \
	  SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$(CURDIR)/.sqlx" \
	    cargo check --all-targets'

fmt: ## Format the code
	cargo fmt

lint: ## Check formatting, clippy lints and that no modules import each other in a cycle
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	scripts/module-cycles
	scripts/module-cycles --depth 1 --layers

ci: ## Run what CI runs (.ci/run)
	bash .ci/run
