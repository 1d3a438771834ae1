//! `GET /v1/timeline`: incidents and dated claims in one chronological list. (Being written.)
