//! The timeline: incidents and dated claims in one chronological list. (Being written.)
