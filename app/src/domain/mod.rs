//! Domain types that parse their input: once a value of one of these types exists, it is valid.
//! They compile for both the server and the browser, so the browser shows the same limits.

pub mod account;
pub mod amendment;
pub mod audit;
pub mod country;
pub mod date;
pub mod deal;
pub mod filter;
pub mod firm;
pub mod form;
pub mod identifier;
pub mod ids;
pub mod limits;
pub mod money;
pub mod number;
pub mod pipeline;
pub mod plan;
pub mod quantity;
pub mod rate;
pub mod register;
pub mod summary;
pub mod text;
pub mod waterfall;

pub use country::CountryCode;
pub use date::PartialDate;
pub use deal::{
    AgreementStatus, AmendmentKind, Category, Confidence, ContractStatus, HasStanding,
    IdentifierKind, Standing, StatusGroup,
};
pub use firm::{Firm, FirmDraft, FirmFields, FirmName, Notes, Website};
pub use form::{Created, FieldErrors, FormOutcome, NoConflict, Removal};
pub use ids::{AgreementId, ContractId, FirmId, RateId, SystemId, Version};
pub use money::{CurrencyCode, Money};
pub use quantity::Quantity;
