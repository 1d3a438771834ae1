//! The reader's locale, from `Accept-Language`: how pages and charts write numbers and dates,
//! and the language and direction of their text. Below the pages, so that the response cache
//! can key a page on the locale it is written for rather than on the raw header.
//!
//! Text is English for now. Numbers (grouping) and dates (month names, order) follow the
//! first language the reader accepts that has the data for it; the text's `lang` and `dir`
//! come from [`Locale::text_lang`] and [`Locale::dir`], so that a translation into a
//! right-to-left language (Urdu, Pashto, Dari) needs strings, not layout changes.

use actix_web::HttpMessage;
use actix_web::http::header::{AcceptLanguage, Header, LanguageTag, Preference};
use chrono::NaiveDate;
use num_format::ToFormattedString;

/// Languages whose script runs right to left, by primary subtag.
const RIGHT_TO_LEFT: &[&str] = &["ar", "dv", "fa", "he", "ps", "ur", "yi"];

/// The languages the pages' text is written in (English only, for now).
const TEXT_LANGUAGES: &[&str] = &["en"];

/// How to write numbers and dates for one reader, and in which language the text is.
#[derive(Debug, Clone)]
pub struct Locale {
    /// The BCP 47 tag numbers and dates are written for, as negotiated ("de-AT", "en").
    tag: String,
    numbers: num_format::Locale,
    dates: chrono::Locale,
    /// Day before month ("27 February 2026"), or month first ("February 27, 2026").
    day_first: bool,
}

impl Default for Locale {
    fn default() -> Self {
        Self {
            tag: "en".to_owned(),
            numbers: num_format::Locale::en,
            dates: chrono::Locale::en_GB,
            day_first: true,
        }
    }
}

impl Locale {
    /// The first language in the request's `Accept-Language`, by quality, that numbers and
    /// dates can be written for; English when there is none (or no header, or a bad one).
    pub fn negotiate(request: &impl HttpMessage) -> Self {
        let Ok(header) = AcceptLanguage::parse(request) else {
            return Self::default();
        };
        header
            .ranked()
            .into_iter()
            .find_map(|preference| match preference {
                Preference::Specific(tag) => Self::for_tag(&tag),
                Preference::Any => None,
            })
            .unwrap_or_default()
    }

    /// The locale for `tag` ("de", "de-AT", "ur-PK"), when there is data for its language.
    pub fn for_tag(tag: &LanguageTag) -> Option<Self> {
        let language = tag.primary_language().to_ascii_lowercase();
        let region = tag.region().map(|r| r.to_ascii_uppercase());
        let numbers = region
            .as_deref()
            .and_then(|r| num_format::Locale::from_name(format!("{language}-{r}")).ok())
            .or_else(|| num_format::Locale::from_name(&language).ok())?;
        let dates = region
            .as_deref()
            .and_then(|r| chrono::Locale::try_from(format!("{language}_{r}").as_str()).ok())
            .or_else(|| default_date_locale(&language))?;
        let tag = match &region {
            Some(r) => format!("{language}-{r}"),
            None => language.clone(),
        };
        let day_first = !(language == "en" && region.as_deref() == Some("US"));
        Some(Self {
            tag,
            numbers,
            dates,
            day_first,
        })
    }

    /// The negotiated tag, for `Content-Language`-style uses and the `data-locale` attribute.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The language the page's text is written in: the reader's when there is a translation,
    /// else English.
    pub fn text_lang(&self) -> &'static str {
        let language = self.tag.split('-').next().unwrap_or("en");
        TEXT_LANGUAGES
            .iter()
            .copied()
            .find(|l| *l == language)
            .unwrap_or("en")
    }

    /// `rtl` when the text's language runs right to left, else `ltr`.
    pub fn dir(&self) -> &'static str {
        if RIGHT_TO_LEFT.contains(&self.text_lang()) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// `n` with the locale's grouping: 600,000 (en), 600.000 (de), 600 000 (fr).
    pub fn number(&self, n: i64) -> String {
        n.to_formatted_string(&self.numbers)
    }

    /// A day with the locale's month name: "27 February 2026", "27 Februar 2026".
    pub fn day(&self, day: NaiveDate) -> String {
        let pattern = if self.day_first {
            "%-d %B %Y"
        } else {
            "%B %-d, %Y"
        };
        day.format_localized(pattern, self.dates).to_string()
    }

    /// A month with the locale's month name: "February 2026".
    pub fn month(&self, first_day: NaiveDate) -> String {
        first_day.format_localized("%B %Y", self.dates).to_string()
    }
}

/// The date locale of a language given without a region: its most common one.
fn default_date_locale(language: &str) -> Option<chrono::Locale> {
    let name = match language {
        "en" => "en_GB",
        "ar" => "ar_SA",
        "fa" => "fa_IR",
        "ps" => "ps_AF",
        "ur" => "ur_PK",
        "hi" => "hi_IN",
        "zh" => "zh_CN",
        other => {
            let region = other.to_ascii_uppercase();
            return chrono::Locale::try_from(format!("{other}_{region}").as_str()).ok();
        }
    };
    chrono::Locale::try_from(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(tag: &str) -> Locale {
        Locale::for_tag(&tag.parse().unwrap()).unwrap()
    }

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 27).unwrap();
        assert_eq!(Locale::default().number(600_000), "600,000");
        assert_eq!(Locale::default().day(day), "27 February 2026");
        assert_eq!(locale("de").number(600_000), "600.000");
        assert_eq!(locale("de").day(day), "27 Februar 2026");
        assert_eq!(locale("en-US").day(day), "February 27, 2026");
        assert_eq!(locale("fr").month(day), "février 2026");
    }

    #[test]
    fn text_stays_english_and_left_to_right_until_translated() {
        let urdu = locale("ur-PK");
        assert_eq!(urdu.tag(), "ur-PK");
        assert_eq!((urdu.text_lang(), urdu.dir()), ("en", "ltr"));
    }

    #[test]
    fn a_language_without_data_is_none() {
        assert!(Locale::for_tag(&"x-klingon".parse().unwrap()).is_none());
    }
}
