//! The closed vocabularies of the deal register. Each is stored as its `as_str` text.

use serde::{Deserialize, Serialize};

/// A closed vocabulary: the enum, `ALL`, `as_str`, a `parse` that trims, ignores ASCII case and
/// says what the choices are, `Display`, and serde as the same text.
///
/// Each variant's text is written beside it, not derived from its name (as `strum`'s
/// `serialize_all` would): the database, CSV files and addresses store that text, so renaming
/// a variant must not change it, and a reviewer sees every stored word. The messages and the
/// trimming are the app's own, so a derive would still need this macro for them.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(input: &str) -> Result<Self, String> {
                let text = input.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(text))
                    .ok_or_else(|| {
                        let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                        if text.is_empty() {
                            format!("Choose a {}.", $what)
                        } else {
                            format!("“{text}” is not a {}; use one of: {}.", $what, allowed.join(", "))
                        }
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.as_str().to_owned()
            }
        }
    };
}

vocabulary!(
    /// What an amendment of a signed deal does (FPDS records a reason code per modification).
    AmendmentKind, "kind of amendment" {
        QuantityChange => "quantity change",
        ValueChange => "value change",
        OptionExercised => "option exercised",
        Extension => "extension",
        PartialCancellation => "partial cancellation",
        Other => "other",
    }
);

vocabulary!(
    /// The other registers a deal is known in, by the kind of their identifier.
    IdentifierKind, "kind of identifier" {
        Sipri => "SIPRI deal id",
        Transmittal => "36(b) transmittal",
        BuyerContract => "buyer's contract number",
        SupplierContract => "supplier's contract number",
        UsaSpending => "USAspending award",
        SupplierRelease => "supplier press release",
        BuyerRelease => "buyer announcement",
        Other => "other",
    }
);

vocabulary!(
    /// How sure a figure is.
    Confidence, "confidence" {
        Confirmed => "confirmed",
        Reported => "reported",
        Estimated => "estimated",
    }
);

vocabulary!(
    /// SIPRI's weapon categories.
    Category, "category" {
        Aircraft => "aircraft",
        ArmouredVehicles => "armoured vehicles",
        Artillery => "artillery",
        Missiles => "missiles",
        AirDefenceSystems => "air defence systems",
        Sensors => "sensors",
        Ships => "ships",
        NavalWeapons => "naval weapons",
        Engines => "engines",
        Satellites => "satellites",
        Other => "other",
    }
);

vocabulary!(
    /// Where an agreement stands: a stage of the pipeline before signature (announced …
    /// negotiating), signed and after, or a pipeline deal that fell through (lapsed).
    AgreementStatus, "status" {
        Announced => "announced",
        Memorandum => "memorandum of understanding",
        LetterOfIntent => "letter of intent",
        Notified => "notified",
        Negotiating => "negotiating",
        Signed => "signed",
        Active => "active",
        Expired => "expired",
        Cancelled => "cancelled",
        Lapsed => "lapsed",
    }
);

vocabulary!(
    /// Where a contract stands, as [`AgreementStatus`] for agreements. "Notified" is a
    /// government's notice of a proposed sale (a US 36(b) notification): a proposal, not a sale.
    ContractStatus, "status" {
        Announced => "announced",
        Memorandum => "memorandum of understanding",
        LetterOfIntent => "letter of intent",
        Notified => "notified",
        Negotiating => "negotiating",
        Signed => "signed",
        InDelivery => "in delivery",
        Completed => "completed",
        Cancelled => "cancelled",
        Lapsed => "lapsed",
    }
);

/// Where a record stands in its life, whatever its kind: what the rules and the totals ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Standing {
    /// Not signed yet: a stage of the pipeline, with a probability of being signed.
    Pipeline,
    /// Signed and not cancelled: what totals and headroom count by default.
    InForce,
    /// Signed, then cancelled.
    Cancelled,
    /// A pipeline deal that fell through, kept with its reason.
    Lapsed,
}

impl ContractStatus {
    pub fn standing(self) -> Standing {
        use ContractStatus::*;
        match self {
            Announced | Memorandum | LetterOfIntent | Notified | Negotiating => Standing::Pipeline,
            Signed | InDelivery | Completed => Standing::InForce,
            Cancelled => Standing::Cancelled,
            Lapsed => Standing::Lapsed,
        }
    }
}

impl HasStanding for ContractStatus {
    const ALL: &'static [Self] = ContractStatus::ALL;

    fn standing(self) -> Standing {
        ContractStatus::standing(self)
    }

    fn as_word(self) -> &'static str {
        self.as_str()
    }
}

/// A status vocabulary whose words each have a [`Standing`]: what rules and totals ask of it,
/// and the one SQL set of words for a group of standings.
pub trait HasStanding: Copy + 'static {
    const ALL: &'static [Self];

    fn standing(self) -> Standing;

    fn as_word(self) -> &'static str;

    /// The statuses of one standing, in vocabulary order.
    fn of(standing: Standing) -> Vec<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|s| s.standing() == standing)
            .collect()
    }

    /// `column IN ('signed', …)` for the statuses of `standings`: words of the closed
    /// vocabulary, written into the SQL, so the lists, the maintained totals and headroom share
    /// one text.
    fn sql_in(column: &str, standings: &[Standing]) -> String {
        let names: Vec<String> = standings
            .iter()
            .flat_map(|standing| Self::of(*standing))
            .map(|s| format!("'{}'", s.as_word()))
            .collect();
        format!("{column} IN ({})", names.join(", "))
    }
}

/// Statuses a list or a summary takes together, by their standing (`status=in force`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusGroup {
    /// Signed and not cancelled: what totals count by default.
    InForce,
    /// Not signed yet.
    Pipeline,
    /// Both: what totals count with the pipeline.
    InForceOrPipeline,
}

impl StatusGroup {
    pub const ALL: [StatusGroup; 3] = [
        StatusGroup::InForce,
        StatusGroup::Pipeline,
        StatusGroup::InForceOrPipeline,
    ];

    /// The word in a list's address (`status=in force`).
    pub fn as_str(self) -> &'static str {
        match self {
            StatusGroup::InForce => "in force",
            StatusGroup::Pipeline => "pipeline",
            StatusGroup::InForceOrPipeline => "in force or pipeline",
        }
    }

    /// The group an address names. `not cancelled` is what links said for "in force" before
    /// the pipeline stages existed (the same contracts then).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "not cancelled" => Some(StatusGroup::InForce),
            text => Self::ALL.into_iter().find(|g| g.as_str() == text),
        }
    }

    /// How a filter's choice reads.
    pub fn label(self) -> &'static str {
        match self {
            StatusGroup::InForce => "in force (signed, not cancelled)",
            StatusGroup::Pipeline => "pipeline (not signed yet)",
            StatusGroup::InForceOrPipeline => "in force or in the pipeline",
        }
    }

    pub fn standings(self) -> &'static [Standing] {
        match self {
            StatusGroup::InForce => &[Standing::InForce],
            StatusGroup::Pipeline => &[Standing::Pipeline],
            StatusGroup::InForceOrPipeline => &[Standing::InForce, Standing::Pipeline],
        }
    }
}

impl AgreementStatus {
    pub fn standing(self) -> Standing {
        use AgreementStatus::*;
        match self {
            Announced | Memorandum | LetterOfIntent | Notified | Negotiating => Standing::Pipeline,
            Signed | Active | Expired => Standing::InForce,
            Cancelled => Standing::Cancelled,
            Lapsed => Standing::Lapsed,
        }
    }
}

impl HasStanding for AgreementStatus {
    const ALL: &'static [Self] = AgreementStatus::ALL;

    fn standing(self) -> Standing {
        AgreementStatus::standing(self)
    }

    fn as_word(self) -> &'static str {
        self.as_str()
    }
}

impl Confidence {
    /// The confidence levels a summary at this level includes: "confirmed only",
    /// "confirmed + reported", or everything.
    pub fn at_least(self) -> &'static [Confidence] {
        match self {
            Confidence::Confirmed => &[Confidence::Confirmed],
            Confidence::Reported => &[Confidence::Confirmed, Confidence::Reported],
            Confidence::Estimated => Confidence::ALL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_case_insensitive_and_lists_the_choices() {
        assert_eq!(
            Category::parse("Armoured Vehicles").unwrap(),
            Category::ArmouredVehicles
        );
        assert_eq!(
            ContractStatus::parse("in delivery").unwrap().as_str(),
            "in delivery"
        );
        let error = Confidence::parse("certain").unwrap_err();
        assert!(error.contains("confirmed, reported, estimated"), "{error}");
        assert_eq!(AgreementStatus::parse("").unwrap_err(), "Choose a status.");
    }

    #[test]
    fn confidence_levels_nest() {
        assert_eq!(Confidence::Confirmed.at_least(), &[Confidence::Confirmed]);
        assert_eq!(Confidence::Estimated.at_least().len(), 3);
    }
}
