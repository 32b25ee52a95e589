//! Text length limits, shared by the HTML `maxlength` attributes and the server-side parsers so
//! the browser and the server can never disagree about what fits.

pub const FIRM_NAME_MAX: usize = 200;
pub const WEBSITE_MAX: usize = 500;
pub const NOTES_MAX: usize = 4000;
/// A deal's or a source's title, a figure's basis, a rate's source.
pub const TITLE_MAX: usize = 300;
pub const BASIS_MAX: usize = 300;
/// A buying agency, a source's publisher, a list's search.
pub const AGENCY_MAX: usize = 200;
pub const PUBLISHER_MAX: usize = 200;
pub const SEARCH_MAX: usize = 200;
pub const DESIGNATION_MAX: usize = 100;
pub const DELIVERY_PERIOD_MAX: usize = 100;
/// Several lines of prose: a system's description, a contract's local production.
pub const PROSE_MAX: usize = 2000;
pub const LINE_NOTES_MAX: usize = 1000;
/// Inputs of a fixed form: a date (`YYYY-MM-DD`), an amount, a quantity, a rate.
pub const DATE_MAX: usize = 10;
pub const AMOUNT_MAX: usize = 30;
pub const QUANTITY_MAX: usize = 9;
pub const RATE_MAX: usize = 20;
/// A probability in whole percent (`100 %`).
pub const PERCENT_MAX: usize = 5;
/// An identifier in another register (a SIPRI deal id, a contract number, a press release's
/// address).
pub const IDENTIFIER_MAX: usize = 500;
