//! `GET /v1/search`: full-text search across resources. (Being written.)
