//! The two colour schemes of charts and embeds (`theme=light|dark`), chosen for text contrast
//! of at least 4.5:1 against their background (WCAG AA).

use serde::Deserialize;
use utoipa::ToSchema;

/// A chart's colour scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on near-black.
    Dark,
}

/// The colours a chart is drawn with.
pub struct Colours {
    pub background: &'static str,
    pub text: &'static str,
    pub muted: &'static str,
    pub bar: &'static str,
}

impl Theme {
    /// The scheme's colours.
    pub fn colours(self) -> Colours {
        match self {
            Self::Light => Colours {
                background: "#ffffff",
                text: "#1a202c",
                muted: "#4a5568",
                bar: "#2b6cb0",
            },
            Self::Dark => Colours {
                background: "#1a202c",
                text: "#f7fafc",
                muted: "#cbd5e0",
                bar: "#90cdf4",
            },
        }
    }

    /// `light` or `dark`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }
}
