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
        Self::parse(s).ok_or(())
    }
}

impl Resource {
    /// One record of the collection, in words: `force figure`.
    pub fn singular(self) -> &'static str {
        match self {
            Self::Sources => "source",
            Self::Actors => "actor",
            Self::Incidents => "incident",
            Self::Claims => "claim",
            Self::ForceFigures => "force figure",
        }
    }

    /// The fields a read serves but a write never sets: derived (`attribution`, an incident's
    /// `claims`), so a patch merges into the stored record without them.
    pub fn read_only_fields(self) -> &'static [&'static str] {
        match self {
            Self::Incidents => &["claims"],
            Self::Claims | Self::ForceFigures => &["attribution"],
            Self::Sources | Self::Actors => &[],
        }
    }
}
