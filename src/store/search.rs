//! Full-text search across actors, claims, incidents and sources. (Being written.)
