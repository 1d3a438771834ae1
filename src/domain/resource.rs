//! The five kinds of record, as named in URLs, revisions and the change feed.

string_enum! {
    /// A kind of record, named as in its collection's URL (`/v1/force-figures`).
    pub enum Resource {
        Sources = "sources",
        Actors = "actors",
        Incidents = "incidents",
        Claims = "claims",
        ForceFigures = "force-figures",
    }
}

impl std::str::FromStr for Resource {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or(())
    }
}
