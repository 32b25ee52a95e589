//! Text length limits, shared by the HTML `maxlength` attributes and the server-side parsers so
//! the browser and the server can never disagree about what fits.

pub const FIRM_NAME_MAX: usize = 200;
pub const WEBSITE_MAX: usize = 500;
pub const NOTES_MAX: usize = 4000;
