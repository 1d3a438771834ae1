//! The orders a client can ask a collection for (`sort=`): one vocabulary per collection.
//!
//! What each order means in SQL is the store's business (`store::keyset::Sorted`).

string_enum! {
    /// How actors can be sorted: by id or by name; `-` for descending. Ties are broken by id.
    pub enum ActorSort {
        Id = "id",
        IdDesc = "-id",
        Name = "name",
        NameDesc = "-name",
    }
}

string_enum! {
    /// How claims can be sorted: by when they were made (first possible day) or by id;
    /// `-` for descending. Ties are broken by id.
    pub enum ClaimSort {
        MadeAt = "made_at",
        MadeAtDesc = "-made_at",
        Id = "id",
        IdDesc = "-id",
    }
}

string_enum! {
    /// How incidents can be sorted: by date (first possible day) or by id; `-` for
    /// descending. Ties are broken by id.
    pub enum IncidentSort {
        Date = "date",
        DateDesc = "-date",
        Id = "id",
        IdDesc = "-id",
    }
}

string_enum! {
    /// How force figures can be sorted: by id, or by metric then id; `-` for descending.
    pub enum ForceFigureSort {
        Id = "id",
        IdDesc = "-id",
        Metric = "metric",
        MetricDesc = "-metric",
    }
}

string_enum! {
    /// How sources can be sorted: by id; `-` for descending.
    pub enum SourceSort {
        Id = "id",
        IdDesc = "-id",
    }
}
